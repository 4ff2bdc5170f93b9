/* domcfg's handlers for the xl keys beyond the basics: CPU affinity in both
 * forms, the bootloader, the guest's clock, migration, TSC mode, the CPU pool and
 * the grant and event channel limits pvisor fixes for every domain. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/domcfg_priv.h"

const char *domcfg_affinity_of(const struct domcfg_affinity *a, unsigned vcpu)
{
	if (a->n)
		return vcpu < a->n ? a->vcpu[vcpu] : NULL;
	return a->all;
}

static int affinity_check(struct dc_ctx *c, const char *key, const struct cfg_value *v,
			  const char **s, size_t item)
{
	char shown[96], at[32] = "";

	if (dc_get_string(c, key, v, s) < 0)
		return -EINVAL;
	if (domcfg_cpus_check(*s) == 0)
		return 0;
	cfg_quote(*s, shown, sizeof(shown));
	if (item)
		snprintf(at, sizeof(at), "item %zu: ", item);
	return dc_error(c, v->line, key,
			"%sexpected CPUs such as \"all\", \"0-3,5,^1\" or "
			"\"nodes:0\" (numbers up to %d), got %s",
			at, DOMCFG_CPU_MAX, shown);
}

/* cpus=, cpus_soft=: "0-3,^1" for every vCPU, or ["2", "3-8,^5"] one per vCPU. */
int key_affinity(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	struct domcfg_affinity *a = FIELD(c, h, struct domcfg_affinity);
	const char *s;

	if (a == &c->dc->cpus_soft)
		dc_warn(c, v->line,
			"cpus_soft: kept and shown by vcpu-list, not enforced: the host's "
			"scheduler has no soft affinity (cpus= pins)");

	if (v->type != CFG_LIST) {
		if (affinity_check(c, h->key, v, &s, 0) < 0)
			return -EINVAL;
		return (a->all = strdup(s)) ? 0 : -ENOMEM;
	}
	if (v->n_items == 0 || v->n_items > DOMCFG_VCPUS_MAX)
		return dc_error(c, v->line, h->key, "a per-vCPU list has 1 to %d items, got %zu",
				DOMCFG_VCPUS_MAX, v->n_items);
	if (!(a->vcpu = calloc(v->n_items, sizeof(*a->vcpu))))
		return -ENOMEM;
	for (size_t i = 0; i < v->n_items; i++) {
		if (affinity_check(c, h->key, &v->items[i], &s, i + 1) < 0)
			return -EINVAL;
		if (!(a->vcpu[i] = strdup(s)))
			return -ENOMEM;
		a->n = i + 1;
	}
	return 0;
}

int key_bootloader(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	const char *s;

	if (dc_get_string(c, h->key, v, &s) < 0)
		return -EINVAL;
	if (!*s)
		return dc_error(c, v->line, h->key,
				"must not be empty (leave it out to boot kernel=)");
	return (c->dc->bootloader = strdup(s)) ? 0 : -ENOMEM;
}

/* Split s at blanks into the argument list (xl's deprecated string form). */
static int bootloader_split(struct domcfg *dc, const char *s)
{
	char *copy = strdup(s), *save = NULL, *w;
	size_t n = 0;

	if (!copy || !(dc->bootloader_args = calloc(strlen(s) / 2 + 1, sizeof(char *)))) {
		free(copy);
		return -ENOMEM;
	}
	for (w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (!(dc->bootloader_args[n] = strdup(w)))
			break;
		dc->n_bootloader_args = ++n;
	}
	free(copy);
	return w ? -ENOMEM : 0;
}

int key_bootloader_args(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	struct domcfg *dc = c->dc;
	const char *s;

	if (v->type != CFG_LIST) {
		dc_warn(c, v->line,
			"bootloader_args as a string is deprecated (xl splits it at "
			"blanks, and so does pvisor); give a list [ \"ARG\", ... ]");
		return bootloader_split(dc, v->str);
	}
	if (!(dc->bootloader_args = calloc(v->n_items + 1, sizeof(char *))))
		return -ENOMEM;
	for (size_t i = 0; i < v->n_items; i++) {
		if (dc_get_string(c, h->key, &v->items[i], &s) < 0)
			return -EINVAL;
		if (!(dc->bootloader_args[i] = strdup(s)))
			return -ENOMEM;
		dc->n_bootloader_args = i + 1;
	}
	return 0;
}

int key_long(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	long long n;
	int rc = dc_get_number(c, h, v, &n);

	if (rc == 0)
		*FIELD(c, h, long long) = n;
	return rc;
}

/* A boolean as xl reads one: a number, 0 for false. */
int key_bool(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	struct key_handler any = *h;
	long long n;
	int rc;

	any.what = "0 or 1";
	any.min = -0x7fffffffffffffffLL;
	any.max = 0x7fffffffffffffffLL;
	rc = dc_get_number(c, &any, v, &n);
	if (rc == 0)
		*FIELD(c, h, int) = n != 0;
	return rc;
}

/* tsc_mode: guests read the host's TSC directly, so "default" and "native" are
 * what pvisor does; it cannot emulate rdtsc, and xl removed native_paravirt. */
int key_tsc_mode(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	static const char *const modes[] = { "default", "always_emulate", "native",
					     "native_paravirt" };
	const char *s;
	int m = -1;

	if (dc_get_string(c, h->key, v, &s) < 0)
		return -EINVAL;
	for (int i = 0; i < 4; i++)
		if (strcmp(s, modes[i]) == 0 || (v->type == CFG_NUMBER && v->num == i))
			m = i;
	if (v->type == CFG_NUMBER && m >= 0)
		dc_warn(c, v->line, "tsc_mode as a number is deprecated; write tsc_mode = \"%s\"",
			modes[m]);
	if (m == 0 || m == 2) {
		c->dc->tsc_mode = m ? DOMCFG_TSC_NATIVE : DOMCFG_TSC_DEFAULT;
		return 0;
	}
	if (m == 1)
		return dc_error(
			c, v->line, h->key,
			"\"always_emulate\" is not supported by pvisor: "
			"guests read the host's TSC directly; use \"default\" or \"native\"");
	if (m == 3)
		return dc_error(c, v->line, h->key,
				"\"native_paravirt\" has been removed (as in "
				"xl); use \"default\" or \"native\"");
	return dc_error(c, v->line, h->key,
			"expected \"default\", \"always_emulate\", \"native\" "
			"or \"native_paravirt\"");
}

int key_pool(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	const char *s;

	if (dc_get_string(c, h->key, v, &s) < 0)
		return -EINVAL;
	if (strcmp(s, "Pool-0") == 0)
		return 0;
	return dc_error(c, v->line, h->key,
			"pvisor has one CPU pool, \"Pool-0\" (CPU pools are "
			"not supported by pvisor: use cpus= to confine a domain)");
}

/* max_grant_frames, max_event_channels, max_grant_version: pvisor gives every
 * domain the same (the maximum); asking for more is refused, asking for less is
 * not enforced, with a warning. h->what names the unit ("grant frames"). */
int key_limit(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	struct key_handler wide = *h;
	long long n;
	int rc;

	wide.max = 0x7fffffffffffffffLL;
	rc = dc_get_number(c, &wide, v, &n);
	if (rc < 0)
		return rc;
	if (n > h->max && h->max == 1)
		return dc_error(c, v->line, h->key,
				"not supported by pvisor: it has grant tables "
				"of version 1 only, got %lld",
				n);
	if (n > h->max)
		return dc_error(c, v->line, h->key,
				"not supported by pvisor: it gives every "
				"domain %lld %s, got %lld; lower it or leave it out",
				h->max, h->what, n);
	if (n < h->max)
		dc_warn(c, v->line,
			"%s: pvisor gives every domain %lld %s; a lower limit is not "
			"enforced",
			h->key, h->max, h->what);
	return 0;
}
