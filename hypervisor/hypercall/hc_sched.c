/* sched_op: yield, block, shutdown (with reason), shutdown_code, remote_shutdown. */
#include <string.h>

#include "hypercall/hypercall.h"
#include "evtchn/evtchn.h"
#include "pvisor/errno.h"
#include "pvisor/sched.h"

static long sched_block(struct hc_ctx *ctx)
{
	struct pv_shared_info *si;

	if (!ctx->d || !ctx->v)
		return -PV_EINVAL;
	/* Blocking re-enables event delivery, as on Xen. */
	si = (void *)(ctx->d->mem + ctx->d->special_off);
	if (ctx->v->id < PV_LEGACY_MAX_VCPUS)
		si->vcpu_info[ctx->v->id].evtchn_upcall_mask = 0;
	pthread_mutex_lock(&hv_lock);
	if (ctx->v->id < PV_LEGACY_MAX_VCPUS && si->vcpu_info[ctx->v->id].evtchn_upcall_pending) {
		pthread_mutex_unlock(&hv_lock);
		return 0;
	}
	ctx->v->wait = VCPU_WAIT_BLOCK;
	ctx->defer = 1;
	instr_block(ctx->d, ctx->v, PV_HYPERCALL_sched_op);
	pthread_cond_broadcast(&hv_cond);
	pthread_mutex_unlock(&hv_lock);
	return 0;
}

/* SCHEDOP_poll: wait until one of the ports is pending, an upcall is due, or the
 * timeout (absolute system time) passes. Masked ports count: that is the point. */
static long sched_poll(struct hc_ctx *ctx, uint64_t arg)
{
	struct pv_sched_poll sp;
	struct vcpu *v = ctx->v;
	uint32_t ports[HV_POLL_MAX_PORTS];
	long rc = 0;

	if (!ctx->d || !v)
		return -PV_EINVAL;
	if (hc_copy_from(ctx, arg, &sp, sizeof(sp)))
		return -PV_EFAULT;
	if (sp.nr_ports > HV_POLL_MAX_PORTS)
		return -PV_EINVAL;
	if (sp.nr_ports && hc_copy_from(ctx, sp.ports, ports, sp.nr_ports * sizeof(ports[0])))
		return -PV_EFAULT; /* no ports (a plain timed sleep) may come with no list */
	for (unsigned i = 0; i < sp.nr_ports; i++)
		if (ports[i] >= PV_EVTCHN_2L_NR_CHANNELS)
			return -PV_EINVAL;
	pthread_mutex_lock(&hv_lock);
	if (evtchn_upcall_due(ctx->d, v))
		goto out;
	for (unsigned i = 0; i < sp.nr_ports; i++)
		if (evtchn_port_pending(ctx->d, ports[i]))
			goto out;
	if (sp.timeout && sp.timeout <= timeinfo_system_ns())
		goto out;
	memcpy(v->poll_ports, ports, sp.nr_ports * sizeof(ports[0]));
	v->nr_poll_ports = sp.nr_ports;
	v->poll_deadline = sp.timeout;
	v->wait = VCPU_WAIT_POLL;
	ctx->defer = 1;
	instr_block(ctx->d, v, PV_HYPERCALL_sched_op);
	if (sp.timeout)
		timer_vcpu_changed_locked(ctx->d, v);
	pthread_cond_broadcast(&hv_cond);
out:
	pthread_mutex_unlock(&hv_lock);
	return rc;
}

static long sched_shutdown(struct hc_ctx *ctx, uint64_t arg, int code_only)
{
	struct pv_sched_shutdown s;

	if (!ctx->d)
		return -PV_EINVAL;
	if (hc_copy_from(ctx, arg, &s, sizeof(s)))
		return -PV_EFAULT;
	if (s.reason > PV_SHUTDOWN_MAX)
		return -PV_EINVAL;
	pthread_mutex_lock(&hv_lock);
	if (code_only) {
		ctx->d->shutdown_code = s.reason;
	} else if (s.reason == PV_SHUTDOWN_suspend) {
		/* answered: the vCPU stops as the call returns, 0 in rax (domain_suspend.c) */
		domain_suspend_locked(ctx->d, ctx->v ? ctx->v->id : 0);
	} else {
		domain_shutdown_locked(ctx->d, s.reason);
		ctx->defer = 1; /* the domain's process is gone: nobody to answer */
	}
	pthread_mutex_unlock(&hv_lock);
	return 0;
}

static long sched_remote_shutdown(struct hc_ctx *ctx, uint64_t arg)
{
	struct pv_sched_remote_shutdown rs;
	struct domain *d;
	int err = 0;

	if (!ctx->privileged)
		return -PV_EPERM;
	if (hc_copy_from(ctx, arg, &rs, sizeof(rs)))
		return -PV_EFAULT;
	if (rs.reason > PV_SHUTDOWN_MAX)
		return -PV_EINVAL;
	d = hc_target(ctx, rs.domain_id, &err);
	if (!d)
		return err;
	pthread_mutex_lock(&hv_lock);
	domain_shutdown_locked(d, rs.reason);
	pthread_mutex_unlock(&hv_lock);
	domain_put(d);
	return 0;
}

long hc_sched_op(struct hc_ctx *ctx, const uint64_t a[5])
{
	switch (a[0]) {
	case PV_SCHEDOP_yield:
		return 0;
	case PV_SCHEDOP_block:
		return sched_block(ctx);
	case PV_SCHEDOP_poll:
		return sched_poll(ctx, a[1]);
	case PV_SCHEDOP_shutdown:
		return sched_shutdown(ctx, a[1], 0);
	case PV_SCHEDOP_shutdown_code:
		return sched_shutdown(ctx, a[1], 1);
	case PV_SCHEDOP_remote_shutdown:
		return sched_remote_shutdown(ctx, a[1]);
	default:
		return -PV_ENOSYS;
	}
}
