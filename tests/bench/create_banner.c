/* bench_create: create-to-banner time measured inside one dom0 process through
 * libpvx (parse the config, create, build, unpause, read the hypervisor log until
 * the guest's banner), without the cost of starting a pvx process. Also prints the split:
 * create returned (domain built and running) vs banner seen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tools/dmesg_wait.h"
#include "libpvx/cfg.h"
#include "libpvx/pvx.h"
#include "rundir.h"
#include "util.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The kernel prints its banner before it takes its console ring, so it also goes
 * to console_io, i.e. the hypervisor log: wait for it there (no pvconsoled in the
 * path, as before). */
static int wait_banner(struct pvctrl *h, pv_domid_t id, uint32_t from)
{
	char line[256];

	return dmesg_wait_line(h, id, "pvkernel 0.1:", from, 10000, line, sizeof(line));
}

static int one_boot(struct pvctrl *h, const char *cfgpath, int i, uint64_t *t_create,
		    uint64_t *t_banner)
{
	struct cfg_file *cf = NULL;
	struct domcfg dc;
	struct pvx_err err = { 0 };
	char name[64];
	pv_domid_t id;
	uint32_t from = 0;
	uint64_t t0;
	int rc;

	dmesg_mark(h, &from); /* before the clock starts: read only the new domain's lines */
	t0 = util_now_ns();
	memset(&dc, 0, sizeof(dc));
	snprintf(name, sizeof(name), "name=bench-create-%d", i);
	rc = cfg_parse_file(cfgpath, &cf, &err);
	if (rc == 0)
		rc = cfg_apply_override(cf, name, &err);
	if (rc == 0)
		rc = domcfg_from_cfg(cf, &dc, NULL, NULL, &err);
	if (rc == 0)
		rc = pvx_domain_create(h, &dc, 0, NULL, &id, &err);
	*t_create = util_now_ns() - t0;
	if (rc == 0 && (rc = wait_banner(h, id, from)) < 0)
		rc = pvx_fail(&err, rc, "no banner");
	*t_banner = util_now_ns() - t0;
	if (rc == 0)
		pvctrl_domain_destroy(h, id);
	else
		fprintf(stderr, "bench_create: %s\n", pvx_err_text(&err, rc));
	domcfg_fini(&dc);
	cfg_free(cf);
	return rc;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 20, ok = 0;
	/* a pause between boots: the next launcher is ready, as between real creates */
	long gap_ms = argc > 3 ? atol(argv[3]) : 0;
	struct timespec gap = { gap_ms / 1000, (gap_ms % 1000) * 1000000L };
	uint64_t *tc = calloc(n, sizeof(*tc)), *tb = calloc(n, sizeof(*tb));
	struct pvctrl *h;

	if (argc < 2 || n <= 0 || !tc || !tb) {
		fprintf(stderr, "usage: bench_create CFG [COUNT [GAP_MS]]\n");
		return 2;
	}
	if (pvctrl_open(&h) < 0) {
		fprintf(stderr,
			"bench_create: pvisor is not running in %s; start it first (pvx "
			"daemons start)\n",
			rundir_path());
		return 1;
	}
	for (int i = 0; i < n; i++) {
		if (gap_ms > 0)
			nanosleep(&gap, NULL);
		if (one_boot(h, argv[1], i, &tc[ok], &tb[ok]) == 0)
			ok++;
	}
	pvctrl_close(h);
	if (!ok)
		return 1;
	qsort(tc, ok, sizeof(*tc), cmp_u64);
	qsort(tb, ok, sizeof(*tb), cmp_u64);
	printf("create_banner n=%d median_ns=%lu min_ns=%lu max_ns=%lu create_median_ns=%lu\n",
	       ok, (unsigned long)tb[ok / 2], (unsigned long)tb[0], (unsigned long)tb[ok - 1],
	       (unsigned long)tc[ok / 2]);
	return 0;
}
