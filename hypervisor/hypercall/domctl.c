/* domctl: the toolstack's control over one domain (dom0 only). */
#include <string.h>

#include "hypercall/hypercall.h"
#include "engines/engine.h"
#include "log.h"
#include "pvisor/domctl.h"
#include "pvisor/errno.h"
#include "pvisor/sched.h"

void domain_fill_info(struct domain *d, struct pv_domctl_getdomaininfo *info)
{
	unsigned online = 0, blocked = 0;

	memset(info, 0, sizeof(*info));
	for (unsigned i = 0; i < d->max_vcpus; i++) {
		online += d->vcpus[i].up;
		blocked += d->vcpus[i].up && (d->vcpus[i].wait == VCPU_WAIT_BLOCK ||
					    d->vcpus[i].wait == VCPU_WAIT_POLL);
	}
	info->domain = d->domid;
	switch (d->state) {
	case PV_DOMSTATE_CREATED:
	case PV_DOMSTATE_PAUSED:
		info->flags = PV_DOMINF_paused;
		break;
	case PV_DOMSTATE_RUNNING:
	case PV_DOMSTATE_BLOCKED:
		info->flags = online && blocked == online ? PV_DOMINF_blocked : PV_DOMINF_running;
		break;
	case PV_DOMSTATE_SHUTDOWN:
	case PV_DOMSTATE_CRASHED:
		info->flags = PV_DOMINF_shutdown |
			      (d->shutdown_reason & PV_DOMINF_shutdownmask) << PV_DOMINF_shutdownshift;
		break;
	case PV_DOMSTATE_DYING:
		info->flags = PV_DOMINF_dying;
		break;
	}
	info->tot_pages = d->tot_pages;
	info->max_pages = d->mem_limit;
	info->shared_info_frame = d->special_off / PV_PAGE_SIZE;
	info->cpu_time = d->started ? d->engine->cpu_time(d) : 0;
	info->nr_online_vcpus = online;
	info->max_vcpu_id = d->max_vcpus - 1;
	memcpy(info->handle, d->handle, sizeof(info->handle));
	info->gpaddr_bits = 52;
}

static long domctl_create(struct pv_domctl *dc)
{
	struct pv_domctl_createdomain *c = &dc->u.createdomain;
	pv_domid_t id;
	int rc;

	if (c->flags & PV_DOMCTL_CDF_hvm)
		return -PV_EOPNOTSUPP;
	if (dc->domain != 0)
		return -PV_EINVAL; /* we always choose the id */
	rc = domain_create(c->max_vcpus, c->handle, &id);
	if (rc)
		return rc;
	dc->domain = id;
	return 0;
}

static void vcpu_start_from(struct pv_vcpu_start *st, const struct pv_vcpu_guest_context *g)
{
	const struct pv_cpu_user_regs *r = &g->user_regs;

	memset(st, 0, sizeof(*st));
	st->rip = r->rip;
	st->rsp = r->rsp;
	st->rflags = (r->rflags & 0xcd5) | 0x202; /* arithmetic flags; IF set, as in ring 3 */
	st->rax = r->rax;
	st->rbx = r->rbx;
	st->rcx = r->rcx;
	st->rdx = r->rdx;
	st->rsi = r->rsi;
	st->rdi = r->rdi;
	st->rbp = r->rbp;
	st->r8 = r->r8;
	st->r9 = r->r9;
	st->r10 = r->r10;
	st->r11 = r->r11;
	st->r12 = r->r12;
	st->r13 = r->r13;
	st->r14 = r->r14;
	st->r15 = r->r15;
	st->fs_base = g->fs_base;
	st->gs_base = g->gs_base_kernel;
}

void vcpu_set_start_locked(struct domain *d, struct vcpu *v,
			   const struct pv_vcpu_guest_context *g)
{
	struct pv_vcpu_start *st = (void *)domain_vcpu_page(d, v->id);

	vcpu_start_from(st, g);
	st->generation++;
	v->ctx_set = 1;
}

static long domctl_setvcpucontext(struct hc_ctx *ctx, struct domain *d, struct pv_domctl *dc)
{
	struct pv_vcpu_guest_context g;
	unsigned id = dc->u.vcpucontext.vcpu;

	if (id >= d->max_vcpus)
		return -PV_EINVAL;
	if (!d->mem)
		return -PV_EINVAL; /* max_mem first: the context lives in domain memory */
	if (hc_copy_from(ctx, dc->u.vcpucontext.ctxt, &g, sizeof(g)))
		return -PV_EFAULT;
	vcpu_set_start_locked(d, &d->vcpus[id], &g);
	if (id == 0)
		d->vcpus[0].up = 1;
	return 0;
}

static long domctl_getvcpuinfo(struct domain *d, struct pv_domctl *dc)
{
	struct pv_domctl_getvcpuinfo *vi = &dc->u.getvcpuinfo;
	struct vcpu *v;

	if (vi->vcpu >= d->max_vcpus)
		return -PV_ESRCH;
	v = &d->vcpus[vi->vcpu];
	vi->online = v->up;
	vi->blocked = v->wait == VCPU_WAIT_BLOCK || v->wait == VCPU_WAIT_POLL;
	vi->running = v->up && v->wait == VCPU_WAIT_NONE && d->state == PV_DOMSTATE_RUNNING;
	vi->cpu_time = d->started ? d->engine->cpu_time(d) / d->max_vcpus : 0;
	vi->cpu = 0;
	return 0;
}

/* Commands on an existing domain, with hv_lock held. */
static long domctl_on_domain(struct hc_ctx *ctx, struct domain *d, struct pv_domctl *dc)
{
	switch (dc->cmd) {
	case PV_DOMCTL_pausedomain:
		return domain_pause(d);
	case PV_DOMCTL_unpausedomain:
		return domain_unpause(d);
	case PV_DOMCTL_getdomaininfo:
		domain_fill_info(d, &dc->u.getdomaininfo);
		return 0;
	case PV_DOMCTL_max_mem:
		return domain_set_max_mem(d, dc->u.max_mem.max_memkb);
	case PV_DOMCTL_setvcpucontext:
		return domctl_setvcpucontext(ctx, d, dc);
	case PV_DOMCTL_getvcpuinfo:
		return domctl_getvcpuinfo(d, dc);
	case PV_DOMCTL_max_vcpus:
		return dc->u.max_vcpus.max <= d->max_vcpus ? 0 : -PV_EINVAL;
	case PV_DOMCTL_hypercall_init:
		return d->engine->hypercall_page(d, dc->u.hypercall_init.gmfn);
	case PV_DOMCTL_setdomainhandle:
		memcpy(d->handle, dc->u.setdomainhandle.handle, sizeof(d->handle));
		return 0;
	case PV_DOMCTL_settimeoffset:
		d->time_offset = dc->u.settimeoffset.time_offset_seconds;
		if (d->mem)
			timeinfo_update(d);
		return 0;
	default:
		return -PV_ENOSYS;
	}
}

long hc_domctl(struct hc_ctx *ctx, const uint64_t a[5])
{
	struct pv_domctl dc;
	struct domain *d;
	long ret;

	if (!ctx->privileged)
		return -PV_EPERM;
	if (hc_copy_from(ctx, a[0], &dc, sizeof(dc)))
		return -PV_EFAULT;
	if (dc.interface_version != PV_DOMCTL_INTERFACE_VERSION)
		return -PV_EACCES;
	if (dc.cmd == PV_DOMCTL_createdomain) {
		ret = domctl_create(&dc);
	} else {
		d = domain_get(dc.domain);
		if (!d)
			return -PV_ESRCH;
		if (dc.cmd == PV_DOMCTL_destroydomain) {
			ret = domain_destroy(d);
		} else {
			pthread_mutex_lock(&hv_lock);
			ret = domctl_on_domain(ctx, d, &dc);
			pthread_mutex_unlock(&hv_lock);
		}
		domain_put(d);
	}
	if (ret == 0 && hc_copy_to(ctx, a[0], &dc, sizeof(dc)))
		return -PV_EFAULT;
	return ret;
}
