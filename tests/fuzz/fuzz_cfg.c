/* libFuzzer harness for the xl.cfg parser and the typed domain config: the bytes
 * up to the first NUL are a config file, each later NUL-separated piece a
 * command-line override. Checks the invariants a valid domcfg promises. */
#include "libpvx/domcfg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OVERRIDES 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_warn(void *ctx, const char *msg)
{
	(void)ctx;
	if (!msg || !msg[0])
		abort(); /* every warning says something */
}

/* Every CPU list an affinity holds passes the check. */
static int fuzz_affinity_bad(const struct domcfg_affinity *a)
{
	if (a->all && domcfg_cpus_check(a->all))
		return 1;
	for (size_t i = 0; i < a->n; i++)
		if (!a->vcpu[i] || domcfg_cpus_check(a->vcpu[i]))
			return 1;
	return 0;
}

static void fuzz_check(const struct domcfg *dc)
{
	char *json = NULL;

	if (domcfg_name_check(dc->name) || (!dc->kernel && !dc->bootloader) ||
	    dc->maxmem_mib < dc->memory_mib || dc->vcpus < 1 || dc->vcpus > dc->maxvcpus ||
	    dc->maxvcpus > DOMCFG_VCPUS_MAX || fuzz_affinity_bad(&dc->cpus) ||
	    fuzz_affinity_bad(&dc->cpus_soft) ||
	    (dc->cmdline && strlen(dc->cmdline) > DOMCFG_CMDLINE_MAX))
		abort();
	if (domcfg_to_json(dc, 1, &json) || !json || json[0] != '{')
		abort();
	free(json);
}

static void fuzz_overrides(struct cfg_file *cf, const char *rest, const char *end)
{
	struct pvx_err perr = { 0 };
	int n = 0;

	while (rest < end && n++ < MAX_OVERRIDES) {
		size_t len = strnlen(rest, (size_t)(end - rest));
		char *ov = strndup(rest, len);

		if (!ov)
			return;
		perr.msg[0] = '\0';
		if (cfg_apply_override(cf, ov, &perr) && !perr.msg[0])
			abort(); /* every error says why */
		free(ov);
		rest += len + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *nul = memchr(buf, '\0', size);
	size_t file_len = nul ? (size_t)(nul - buf) : size;
	struct cfg_file *cf = NULL;
	struct domcfg dc;
	struct pvx_err perr = { 0 };

	perr.msg[0] = '\0';
	if (cfg_parse_buffer("fuzz.cfg", buf, file_len, &cf, &perr)) {
		if (!perr.msg[0] || cf)
			abort();
		return 0;
	}
	if (nul)
		fuzz_overrides(cf, nul + 1, buf + size);
	perr.msg[0] = '\0';
	if (domcfg_from_cfg(cf, &dc, fuzz_warn, NULL, &perr) == 0) {
		fuzz_check(&dc);
		domcfg_fini(&dc);
	} else if (!perr.msg[0]) {
		abort();
	}
	cfg_free(cf);
	return 0;
}
