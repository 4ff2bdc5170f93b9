/* A domain's memory as the toolstack sets it, the way libxl does: the balloon
 * target (memory/target, which the guest's balloon driver follows) and the
 * maximum (memory/static-max), each with the hypervisor's limit on what the
 * domain may hold, plus xl's size syntax. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/pvx.h"
#include "libpvx/pvx_store.h"
#include "libxs/xs.h"

/* What libxl adds to a target for the hypervisor's limit (LIBXL_MAXMEM_CONSTANT):
 * room for the guest to be briefly above it while it balloons. */
#define MEM_SLACK_KB 1024u

int pvx_mem_parse_kb(const char *s, uint64_t *kb)
{
	unsigned long long n;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || (end[0] && end[1]) || n > (1ull << 40))
		return -EINVAL;
	switch (tolower((unsigned char)end[0])) {
	case 't':
		n <<= 30;
		break;
	case 'g':
		n <<= 20;
		break;
	case '\0': /* no suffix: MiB, as xl */
	case 'm':
		n <<= 10;
		break;
	case 'k':
		break;
	case 'b':
		n >>= 10;
		break;
	default:
		return -EINVAL;
	}
	*kb = n;
	return 0;
}

/* memory/<key> of domid in KiB: 0 or -errno. */
static int mem_read_kb(struct xs_handle *xs, pv_domid_t domid, const char *key, uint64_t *kb)
{
	char *v = pvx_xs_read_str(xs, 0, "/local/domain/%u/memory/%s", domid, key);
	char *end = NULL;

	if (!v)
		return -ENOENT;
	*kb = strtoull(v, &end, 10);
	free(v);
	return end && !*end ? 0 : -EINVAL;
}

static int mem_write_kb(struct xs_handle *xs, pv_domid_t domid, const char *key, uint64_t kb)
{
	char v[32];

	snprintf(v, sizeof(v), "%llu", (unsigned long long)kb);
	return pvx_xs_write(xs, 0, v, "/local/domain/%u/memory/%s", domid, key);
}

/* The hypervisor's limit on what the domain may hold: kb plus libxl's slack, or
 * kb alone when the slack would pass the memory the domain was built with (pvisor
 * sizes a domain's memory at creation; -EBUSY above it). */
static int mem_limit(struct pvctrl *h, pv_domid_t domid, uint64_t kb)
{
	int rc = pvctrl_domain_max_mem(h, domid, kb + MEM_SLACK_KB);

	return rc == -EBUSY ? pvctrl_domain_max_mem(h, domid, kb) : rc;
}

int pvx_domain_mem_target(struct pvctrl *h, struct xs_handle *xs, pv_domid_t domid, uint64_t kb,
			  struct pvx_err *err)
{
	uint64_t max_kb;
	int rc = mem_read_kb(xs, domid, "static-max", &max_kb);

	if (rc < 0)
		return pvx_fail(err, rc,
				"the domain has no memory/static-max in the store: it "
				"was not created by this toolstack");
	if (kb < PVX_MEM_MIN_KB)
		return pvx_fail(err, -EINVAL, "%llu KiB is below the %u KiB a guest needs",
				(unsigned long long)kb, PVX_MEM_MIN_KB);
	if (kb > max_kb)
		return pvx_fail(err, -EINVAL,
				"%llu MiB is more than the domain's maximum, %llu "
				"MiB (raise it with pvx mem-max first)",
				(unsigned long long)kb >> 10, (unsigned long long)max_kb >> 10);
	rc = mem_limit(h, domid, kb);
	if (rc < 0)
		return pvx_fail(err, rc, "setting the hypervisor's limit to %llu KiB: %s",
				(unsigned long long)kb, strerror(-rc));
	rc = mem_write_kb(xs, domid, "target", kb);
	if (rc < 0)
		pvx_fail(err, rc, "writing memory/target: %s", strerror(-rc));
	return rc;
}

int pvx_domain_mem_max(struct pvctrl *h, struct xs_handle *xs, pv_domid_t domid, uint64_t kb,
		       struct pvx_err *err)
{
	uint64_t target_kb;
	int rc = mem_read_kb(xs, domid, "target", &target_kb);

	if (rc < 0)
		return pvx_fail(err, rc,
				"the domain has no memory/target in the store: it was "
				"not created by this toolstack");
	if (kb < target_kb)
		return pvx_fail(err, -EINVAL,
				"%llu MiB is less than the domain's balloon target, "
				"%llu MiB (lower it with pvx mem-set first)",
				(unsigned long long)kb >> 10,
				(unsigned long long)target_kb >> 10);
	rc = mem_limit(h, domid, kb);
	if (rc == -EBUSY)
		return pvx_fail(err, rc,
				"%llu MiB is more than the domain was built with: pvisor "
				"sizes a domain's memory when it creates it (set maxmem= in the "
				"config)",
				(unsigned long long)kb >> 10);
	if (rc < 0)
		return pvx_fail(err, rc, "setting the hypervisor's limit: %s", strerror(-rc));
	rc = mem_write_kb(xs, domid, "static-max", kb);
	if (rc < 0)
		pvx_fail(err, rc, "writing memory/static-max: %s", strerror(-rc));
	return rc;
}
