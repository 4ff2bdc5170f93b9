/* Hypercall dispatch and the one place guest (or dom0 inline) addresses become
 * host memory. */
#include <errno.h>
#include <string.h>

#include "hypercall/hypercall.h"
#include "evtchn/evtchn.h"
#include "gnttab/gnttab.h"
#include "log.h"
#include "pvisor/errno.h"

static const hc_fn hc_table[PV_HCALL_SLOTS] = {
	[PV_HYPERCALL_set_callbacks] = hc_set_callbacks,
	[PV_HYPERCALL_memory_op] = hc_memory_op,
	[PV_HYPERCALL_set_timer_op] = hc_set_timer_op,
	[PV_HYPERCALL_xen_version] = hc_xen_version,
	[PV_HYPERCALL_console_io] = hc_console_io,
	[PV_HYPERCALL_vcpu_op] = hc_vcpu_op,
	[PV_HYPERCALL_callback_op] = hc_callback_op,
	[PV_HYPERCALL_event_channel_op] = hc_event_channel_op,
	[PV_HYPERCALL_grant_table_op] = hc_grant_table_op,
	[PV_HYPERCALL_sched_op] = hc_sched_op,
	[PV_HYPERCALL_sysctl] = hc_sysctl,
	[PV_HYPERCALL_domctl] = hc_domctl,
};

long hypercall_dispatch(struct hc_ctx *ctx, unsigned nr, const uint64_t a[5])
{
	uint64_t t0 = ctx->d ? instr_clock() : 0;
	long ret;

	if (nr >= PV_HCALL_SLOTS || !hc_table[nr])
		ret = -PV_ENOSYS;
	else if (ctx->d && !ctx->v)
		ret = -PV_EPERM; /* a thread that never registered as a vCPU */
	else
		ret = hc_table[nr](ctx, a);
	/* a domain's calls are counted (and traced); dom0's through privcmd are not */
	if (ctx->d && nr < PV_HCALL_SLOTS)
		instr_hypercall(ctx->d, ctx->v, nr, a[0], ret, t0);
	return ret;
}

/* Resolve [addr, addr+len) to host memory, or NULL. */
static uint8_t *hc_resolve(struct hc_ctx *ctx, uint64_t addr, size_t len)
{
	if (!ctx->d) {
		if (addr >= PV_PRIVCMD_ARG_ADDR && addr - PV_PRIVCMD_ARG_ADDR <= ctx->arg_len &&
		    len <= ctx->arg_len - (addr - PV_PRIVCMD_ARG_ADDR))
			return ctx->arg + (addr - PV_PRIVCMD_ARG_ADDR);
		if (addr >= PV_PRIVCMD_BUF_ADDR && addr - PV_PRIVCMD_BUF_ADDR <= ctx->buf_len &&
		    len <= ctx->buf_len - (addr - PV_PRIVCMD_BUF_ADDR))
			return ctx->buf + (addr - PV_PRIVCMD_BUF_ADDR);
		return NULL;
	}
	/* Guest: RAM, the shared_info page and the upcall stacks; never the launcher's
	 * context pages or the grant frames. */
	{
		struct domain *d = ctx->d;
		uint64_t limit = d->special_off + PV_PAGE_SIZE, off;
		uint64_t stacks = d->special_off +
				  PV_SPECIAL_UPCALL_STACKS(d->max_vcpus) * PV_PAGE_SIZE;

		if (addr < PV_PHYSMAP_BASE)
			return NULL;
		off = addr - PV_PHYSMAP_BASE;
		if (off <= limit && len <= limit - off)
			return d->mem + off;
		if (off >= stacks && off <= d->mem_size && len <= d->mem_size - off)
			return d->mem + off;
		return NULL;
	}
}

int hc_copy_from(struct hc_ctx *ctx, uint64_t addr, void *dst, size_t len)
{
	uint8_t *p = hc_resolve(ctx, addr, len);

	if (!p)
		return -PV_EFAULT;
	memcpy(dst, p, len);
	return 0;
}

int hc_copy_to(struct hc_ctx *ctx, uint64_t addr, const void *src, size_t len)
{
	uint8_t *p = hc_resolve(ctx, addr, len);

	if (!p)
		return -PV_EFAULT;
	memcpy(p, src, len);
	if (ctx->d && len) { /* written through our mapping: the dirty log must hear */
		uint64_t off = (uint64_t)(p - ctx->d->mem);

		domain_dirty_mark(ctx->d, off / PV_PAGE_SIZE,
				  (off + len - 1) / PV_PAGE_SIZE - off / PV_PAGE_SIZE + 1);
	}
	return 0;
}

struct domain *hc_target(struct hc_ctx *ctx, pv_domid_t domid, int *err)
{
	struct domain *d;

	if (domid == PV_DOMID_SELF && ctx->d) {
		d = domain_get(ctx->d->domid);
	} else if (ctx->d && domid != ctx->d->domid) {
		*err = -PV_EPERM;
		return NULL;
	} else {
		d = domain_get(domid);
	}
	if (!d)
		*err = -PV_ESRCH;
	return d;
}
