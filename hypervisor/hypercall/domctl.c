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
		info->flags = PV_DOMINF_shutdown | (d->shutdown_reason & PV_DOMINF_shutdownmask)
							   << PV_DOMINF_shutdownshift;
		break;
	case PV_DOMSTATE_DYING:
		info->flags = PV_DOMINF_dying;
		break;
	}
	info->tot_pages = d->tot_pages;
	info->max_pages = d->mem_limit;
	info->shared_info_frame = d->special_off / PV_PAGE_SIZE;
	info->cpu_time = domain_cpu_time_locked(d);
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

	if (dc->domain != 0)
		return -PV_EINVAL; /* we always choose the id */
	rc = domain_create(c->flags, c->max_vcpus, c->handle, &id);
	if (rc)
		return rc;
	dc->domain = id;
	return 0;
}

static long domctl_setvcpucontext(struct hc_ctx *ctx, struct domain *d, struct pv_domctl *dc)
{
	struct pv_vcpu_guest_context g;
	unsigned id = dc->u.vcpucontext.vcpu;

	long rc;

	if (id >= d->max_vcpus)
		return -PV_EINVAL;
	if (hc_copy_from(ctx, dc->u.vcpucontext.ctxt, &g, sizeof(g)))
		return -PV_EFAULT;
	rc = vcpu_context_set_locked(d, &d->vcpus[id], &g);
	/* vCPU 0 starts with the domain; others when the context says online (restore)
	 * or the guest brings them up. */
	if (rc == 0 && (id == 0 || (g.flags & PV_VGCF_online)))
		d->vcpus[id].up = 1;
	return rc;
}

/* The registers of a vCPU that does not run: the domain is quiesced or never ran,
 * or the vCPU is down (-PV_EBUSY otherwise). */
static long domctl_getvcpucontext(struct hc_ctx *ctx, struct domain *d, struct pv_domctl *dc)
{
	struct pv_vcpu_guest_context g;
	unsigned id = dc->u.vcpucontext.vcpu;
	long rc;

	if (id >= d->max_vcpus)
		return -PV_EINVAL;
	rc = vcpu_context_get_locked(d, &d->vcpus[id], &g);
	if (rc == 0 && hc_copy_to(ctx, dc->u.vcpucontext.ctxt, &g, sizeof(g)))
		rc = -PV_EFAULT;
	return rc;
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
	vi->cpu_time = vcpu_cpu_time_locked(d, v);
	vi->cpu = (uint32_t)domctl_vcpu_cpu_locked(d, v);
	return 0;
}

/* The engine writes its stubs; the frame is remembered for save/restore. */
static long domctl_hypercall_init(struct domain *d, uint64_t gmfn)
{
	int rc;

	if (gmfn >= d->max_pages)
		return -PV_EINVAL;
	rc = d->engine->hypercall_page(d, gmfn);
	if (rc == 0)
		d->hcpage_gfn = gmfn;
	return rc;
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
	case PV_DOMCTL_getvcpucontext:
		return domctl_getvcpucontext(ctx, d, dc);
	case PV_DOMCTL_getvcpuinfo:
		return domctl_getvcpuinfo(d, dc);
	case PV_DOMCTL_max_vcpus:
		return dc->u.max_vcpus.max <= d->max_vcpus ? 0 : -PV_EINVAL;
	case PV_DOMCTL_hypercall_init:
		return domctl_hypercall_init(d, dc->u.hypercall_init.gmfn);
	case PV_DOMCTL_resumedomain:
		return domain_resume_suspended(d);
	case PV_DOMCTL_setdomainhandle:
		memcpy(d->handle, dc->u.setdomainhandle.handle, sizeof(d->handle));
		return 0;
	case PV_DOMCTL_settimeoffset:
		d->time_offset = dc->u.settimeoffset.time_offset_seconds;
		if (d->mem)
			timeinfo_update(d);
		return 0;
	case PV_DOMCTL_setvcpuaffinity:
	case PV_DOMCTL_getvcpuaffinity:
	case PV_DOMCTL_scheduler_op:
		return domctl_sched_locked(ctx, d, dc);
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
