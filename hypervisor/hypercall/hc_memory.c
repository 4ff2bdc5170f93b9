/* memory_op: reservation queries (current, maximum, maximum_gpfn, maximum_ram_page)
 * and ballooning (decrease_reservation, populate_physmap; frames in balloon.c). */
#include <pthread.h>

#include "hypercall/hypercall.h"
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
		ret = (long)d->mem_limit;
		break;
	default: /* maximum_gpfn */
		ret = d->max_pages ? (long)d->max_pages - 1 : 0;
		break;
	}
	domain_put(d);
	return ret;
}

/* Largest extent: 2 MiB. */
#define MEMORY_MAX_ORDER 9

/* Give back or take back extent i of the list. 0 or a negative PV errno. */
static int memory_extent(struct hc_ctx *ctx, struct domain *d, unsigned cmd,
			 const struct pv_memory_reservation *r, uint64_t i)
{
	pv_gpfn_t gpfn;
	int rc;

	if (i > (UINT64_MAX - r->extent_start) / sizeof(gpfn) ||
	    hc_copy_from(ctx, r->extent_start + i * sizeof(gpfn), &gpfn, sizeof(gpfn)))
		return -PV_EFAULT;
	pthread_mutex_lock(&hv_lock);
	if (cmd == PV_XENMEM_decrease_reservation)
		rc = balloon_release_locked(d, gpfn, r->extent_order);
	else
		rc = balloon_reclaim_locked(d, gpfn, r->extent_order);
	pthread_mutex_unlock(&hv_lock);
	return rc;
}

/*
 * decrease_reservation / populate_physmap over extents start.. of the list. As on
 * Xen, the first extent that fails ends the call and the result is the number of
 * extents done (counting the `start` skipped), so a caller sees partial progress;
 * only a list it cannot read at all gives -EFAULT. The hv_lock is taken per extent:
 * a long list keeps its caller waiting, nobody else.
 */
static long memory_reservation(struct hc_ctx *ctx, unsigned cmd, uint64_t start, uint64_t arg)
{
	struct pv_memory_reservation r;
	struct domain *d;
	int err = 0;
	uint64_t i;

	if (hc_copy_from(ctx, arg, &r, sizeof(r)))
		return -PV_EFAULT;
	if (r.extent_order > MEMORY_MAX_ORDER)
		return -PV_EINVAL;
	if (start >= r.nr_extents)
		return (long)start;
	d = hc_target(ctx, r.domid, &err);
	if (!d)
		return err;
	for (i = start; i < r.nr_extents; i++) {
		err = memory_extent(ctx, d, cmd, &r, i);
		if (err)
			break;
	}
	domain_put(d);
	return err == -PV_EFAULT && i == start ? err : (long)i;
}

long hc_memory_op(struct hc_ctx *ctx, const uint64_t a[5])
{
	/* Xen: the command is the low 6 bits; the bits above are the extent a
	 * reservation op starts at (its continuation), which no query has. */
	unsigned cmd = (unsigned)(a[0] & 0x3f);
	uint64_t start = a[0] >> 6;

	switch (cmd) {
	case PV_XENMEM_decrease_reservation:
	case PV_XENMEM_populate_physmap:
		return memory_reservation(ctx, cmd, start, a[1]);
	default:
		break;
	}
	if (start)
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
