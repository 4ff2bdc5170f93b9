/* memory_op: reservation queries (current, maximum, maximum_gpfn, maximum_ram_page). */
#include "hv.h"
#include "pvisor/errno.h"
#include "pvisor/memory.h"

static long memory_query(struct hc_ctx *ctx, unsigned cmd, uint64_t arg)
{
	pv_domid_t domid;
	struct domain *d;
	int err = 0;
	long ret;

	if (hc_copy_from(ctx, arg, &domid, sizeof(domid)))
		return -PV_EFAULT;
	d = hc_target(ctx, domid, &err);
	if (!d)
		return err;
	switch (cmd) {
	case PV_XENMEM_current_reservation:
		ret = (long)d->tot_pages;
		break;
	case PV_XENMEM_maximum_reservation:
		ret = (long)d->max_pages;
		break;
	default: /* maximum_gpfn */
		ret = d->max_pages ? (long)d->max_pages - 1 : 0;
		break;
	}
	domain_put(d);
	return ret;
}

long hc_memory_op(struct hc_ctx *ctx, const uint64_t a[5])
{
	/* Xen: the command is the low 6 bits; the bits above carry the continuation of
	 * a long reservation op, which no query has. */
	unsigned cmd = (unsigned)(a[0] & 0x3f);

	if (a[0] >> 6)
		return -PV_EINVAL;
	switch (cmd) {
	case PV_XENMEM_current_reservation:
	case PV_XENMEM_maximum_reservation:
	case PV_XENMEM_maximum_gpfn:
		return memory_query(ctx, cmd, a[1]);
	case PV_XENMEM_maximum_ram_page:
		return ctx->d ? (long)ctx->d->max_pages : -PV_EINVAL;
	default:
		return -PV_ENOSYS;
	}
}
