/* vcpu_op (initialise, up, down, is_up; timers go to timer.c), the event callbacks
 * (set_callbacks, callback_op) and pvisor's private launcher calls: vcpu_wait and
 * fault. */
#include <signal.h>
#include <string.h>

#include "hypercall/hypercall.h"
#include "engines/engine.h"
#include "pvisor/errno.h"
#include "pvisor/callback.h"
#include "pvisor/vcpu.h"

/* Where the launcher finds this vCPU's upcall entry (pvisor.h). */
static struct pv_vcpu_upcall *vcpu_upcall_page(struct domain *d, struct vcpu *v)
{
	return (void *)(domain_vcpu_page(d, v->id) + PV_VCPU_UPCALL_OFFSET);
}

static void vcpu_set_event_callback(struct domain *d, struct vcpu *v, uint64_t entry,
				    uint64_t failsafe)
{
	struct pv_vcpu_upcall *up = vcpu_upcall_page(d, v);

	pthread_mutex_lock(&hv_lock);
	__atomic_store_n(&up->entry, entry, __ATOMIC_SEQ_CST);
	if (failsafe != UINT64_MAX)
		up->failsafe = failsafe;
	v->callback = entry;
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
	if (v->ctx_set) {
		rc = -PV_EEXIST; /* Xen: a vCPU is initialised once */
	} else {
		vcpu_set_start_locked(d, v, &g);
	}
	pthread_mutex_unlock(&hv_lock);
	if (rc == 0 && g.event_callback_eip)
		vcpu_set_event_callback(d, v, g.event_callback_eip, g.failsafe_callback_eip);
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
			pv_vcpu_complete(d, v, 0);
	}
	pthread_mutex_unlock(&hv_lock);
	return rc;
}

/* VCPUOP_down: the vCPU stops until VCPUOP_up, then carries on where it was. Itself:
 * the call returns at the next up. Another, running: it parks at its next upcall
 * (the hypervisor interrupts it with one now). */
static long vcpu_down(struct hc_ctx *ctx, struct vcpu *v)
{
	struct domain *d = ctx->d;

	pthread_mutex_lock(&hv_lock);
	if (v->up) {
		v->up = 0;
		if (v == ctx->v) {
			v->wait = VCPU_WAIT_START;
			v->wait_id = ctx->notif_id;
			ctx->defer = 1;
		} else {
			v->park = 1;
			__atomic_store_n(&vcpu_upcall_page(d, v)->park, 1, __ATOMIC_SEQ_CST);
			if (v->wait == VCPU_WAIT_NONE)
				d->engine->upcall(d, v);
		}
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
		return vcpu_down(ctx, v);
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

/* The launcher's thread for vCPU a[0] asks to run: bind the thread, answer when the
 * vCPU is up (vCPU 0: at the first unpause). */
long hc_pvisor_vcpu_wait(struct hc_ctx *ctx, const uint64_t a[5])
{
	struct domain *d = ctx->d;
	struct vcpu *v;
	long ret = 0;

	if (!d || a[0] >= d->max_vcpus)
		return -PV_EINVAL;
	pthread_mutex_lock(&hv_lock);
	v = &d->vcpus[a[0]];
	if (v->tid && v->tid != ctx->tid) {
		ret = -PV_EPERM;
	} else {
		v->tid = ctx->tid;
		if (v->park) { /* parked by VCPUOP_down: wait here for VCPUOP_up */
			v->park = 0;
			__atomic_store_n(&vcpu_upcall_page(d, v)->park, 0, __ATOMIC_SEQ_CST);
		}
		if (!(v->up && v->ctx_set)) {
			v->wait = VCPU_WAIT_START;
			v->wait_id = ctx->notif_id;
			ctx->defer = 1;
		}
	}
	pthread_mutex_unlock(&hv_lock);
	return ret;
}

static const char *signal_name(unsigned sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV (page fault)";
	case SIGBUS: return "SIGBUS (bus error)";
	case SIGILL: return "SIGILL (invalid or privileged instruction)";
	case SIGFPE: return "SIGFPE (arithmetic fault)";
	case SIGTRAP: return "SIGTRAP (breakpoint)";
	default: return "signal";
	}
}

/* a[0] = signo | si_code << 32, a[1] = address, a[2] = rip, a[3] = rsp, a[4] = nr. */
long hc_pvisor_fault(struct hc_ctx *ctx, const uint64_t a[5])
{
	unsigned sig = (unsigned)(a[0] & 0xffffffffu);
	unsigned vcpu = ctx->v ? ctx->v->id : 0;

	if (!ctx->d)
		return -PV_EINVAL;
	pthread_mutex_lock(&hv_lock);
	if (sig == SIGSYS)
		domain_crash_locked(ctx->d, "forbidden system call %lu at rip 0x%lx (vCPU %u)",
				    (unsigned long)a[4], (unsigned long)a[2], vcpu);
	else
		domain_crash_locked(ctx->d, "%s at rip 0x%lx, address 0x%lx, rsp 0x%lx (vCPU %u)",
				    signal_name(sig), (unsigned long)a[2], (unsigned long)a[1],
				    (unsigned long)a[3], vcpu);
	pthread_mutex_unlock(&hv_lock);
	ctx->defer = 1;
	return 0;
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
