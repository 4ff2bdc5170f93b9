/* vcpu_op (initialise, up, down, is_up; timers go to hc_timer.c) and the event
 * callbacks (set_callbacks, callback_op). */
#include <string.h>

#include "hypercall/hypercall.h"
#include "engines/engine.h"
#include "pvisor/errno.h"
#include "pvisor/callback.h"
#include "pvisor/vcpu.h"

/* failsafe UINT64_MAX: keep the one set. */
static void vcpu_set_event_callback(struct domain *d, struct vcpu *v, uint64_t entry,
				    uint64_t failsafe)
{
	pthread_mutex_lock(&hv_lock);
	v->callback = entry;
	if (failsafe != UINT64_MAX)
		v->failsafe = failsafe;
	if (d->engine->set_callback)
		d->engine->set_callback(d, v);
	pthread_mutex_unlock(&hv_lock);
}

/* VCPUOP_initialise: the registers a secondary vCPU starts with. */
static long vcpu_initialise(struct hc_ctx *ctx, struct vcpu *v, uint64_t arg)
{
	struct domain *d = ctx->d;
	struct pv_vcpu_guest_context g;
	long rc = 0;

	if (hc_copy_from(ctx, arg, &g, sizeof(g)))
		return -PV_EFAULT;
	pthread_mutex_lock(&hv_lock);
	if (v->ctx_set)
		rc = -PV_EEXIST; /* Xen: a vCPU is initialised once */
	else
		rc = vcpu_context_set_locked(d, v, &g);
	pthread_mutex_unlock(&hv_lock);
	return rc;
}

static long vcpu_up(struct domain *d, struct vcpu *v)
{
	long rc = 0;

	pthread_mutex_lock(&hv_lock);
	if (!v->ctx_set) {
		rc = -PV_EINVAL;
	} else if (!v->up) {
		v->up = 1;
		if (v->wait == VCPU_WAIT_START)
			d->engine->complete(d, v, 0);
	}
	pthread_mutex_unlock(&hv_lock);
	return rc;
}

/* VCPUOP_down: the vCPU stops until VCPUOP_up, then carries on where it was (the
 * engine stops it at its next consistent point: itself, as this call returns). A
 * vCPU kept waiting in block or poll stops when that ends. */
static long vcpu_down(struct domain *d, struct vcpu *v)
{
	pthread_mutex_lock(&hv_lock);
	if (v->up) {
		v->up = 0;
		if (v->wait == VCPU_WAIT_NONE)
			d->engine->kick(d, v);
		pthread_cond_broadcast(&hv_cond);
	}
	pthread_mutex_unlock(&hv_lock);
	return 0;
}

long hc_vcpu_op(struct hc_ctx *ctx, const uint64_t a[5])
{
	struct domain *d = ctx->d;
	uint64_t id = a[1];
	struct vcpu *v;

	if (!d || !ctx->v)
		return -PV_EINVAL;
	if (id >= d->max_vcpus)
		return -PV_ENOENT;
	v = &d->vcpus[id];
	switch (a[0]) {
	case PV_VCPUOP_initialise:
		return vcpu_initialise(ctx, v, a[2]);
	case PV_VCPUOP_up:
		return vcpu_up(d, v);
	case PV_VCPUOP_down:
		return vcpu_down(d, v);
	case PV_VCPUOP_is_up:
		return __atomic_load_n(&v->up, __ATOMIC_SEQ_CST) ? 1 : 0;
	case PV_VCPUOP_set_singleshot_timer:
	case PV_VCPUOP_stop_singleshot_timer:
	case PV_VCPUOP_set_periodic_timer:
	case PV_VCPUOP_stop_periodic_timer:
		return hc_vcpu_timer_op(ctx, v, (unsigned)a[0], a[2]);
	default:
		return -PV_ENOSYS;
	}
}

/* x86-64: set_callbacks(event, failsafe, syscall). The syscall entry means nothing
 * here (guest processes do not exist under the pv engine) and is ignored. */
long hc_set_callbacks(struct hc_ctx *ctx, const uint64_t a[5])
{
	if (!ctx->d || !ctx->v)
		return -PV_EINVAL;
	vcpu_set_event_callback(ctx->d, ctx->v, a[0], a[1]);
	return 0;
}

long hc_callback_op(struct hc_ctx *ctx, const uint64_t a[5])
{
	if (!ctx->d || !ctx->v)
		return -PV_EINVAL;
	switch (a[0]) {
	case PV_CALLBACKOP_register: {
		struct pv_callback_register cb;

		if (hc_copy_from(ctx, a[1], &cb, sizeof(cb)))
			return -PV_EFAULT;
		switch (cb.type) {
		case PV_CALLBACKTYPE_event:
			vcpu_set_event_callback(ctx->d, ctx->v, cb.address, UINT64_MAX);
			return 0;
		case PV_CALLBACKTYPE_failsafe:
			vcpu_set_event_callback(ctx->d, ctx->v, ctx->v->callback, cb.address);
			return 0;
		case PV_CALLBACKTYPE_syscall:
		case PV_CALLBACKTYPE_syscall32:
		case PV_CALLBACKTYPE_sysenter:
		case PV_CALLBACKTYPE_nmi:
			return 0; /* accepted; never entered under the pv engine */
		default:
			return -PV_EINVAL;
		}
	}
	case PV_CALLBACKOP_unregister: {
		struct pv_callback_unregister cb;

		if (hc_copy_from(ctx, a[1], &cb, sizeof(cb)))
			return -PV_EFAULT;
		if (cb.type == PV_CALLBACKTYPE_event) {
			vcpu_set_event_callback(ctx->d, ctx->v, 0, UINT64_MAX);
			return 0;
		}
		return cb.type <= PV_CALLBACKTYPE_syscall32 ? 0 : -PV_EINVAL;
	}
	default:
		return -PV_ENOSYS;
	}
}
