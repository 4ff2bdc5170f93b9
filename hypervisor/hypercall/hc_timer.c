/* Timer hypercalls: set_timer_op and the VCPUOP timer commands. The deadlines they
 * set are served by core/timer.c. */
#include "hypercall/hypercall.h"
#include "pvisor/errno.h"
#include "pvisor/vcpu.h"

static long timer_set_singleshot(struct vcpu *v, uint64_t when, int future_only)
{
	if (future_only && when && when < timeinfo_system_ns())
		return -PV_ETIME;
	pthread_mutex_lock(&hv_lock);
	v->timer_deadline = when;
	timer_vcpu_changed_locked(v->d, v);
	pthread_mutex_unlock(&hv_lock);
	return 0;
}

/* set_timer_op(timeout): absolute system time; 0 stops the timer. A deadline in
 * the past fires at once. */
long hc_set_timer_op(struct hc_ctx *ctx, const uint64_t a[5])
{
	if (!ctx->d || !ctx->v)
		return -PV_EINVAL;
	return timer_set_singleshot(ctx->v, a[0], 0);
}

/* Shortest period Xen accepts for the periodic timer: 1 ms (it rounds up to that). */
#define TIMER_MIN_PERIOD_NS 1000000ull

/* VCPUOP timer commands on the caller's own vCPU `target`. */
long hc_vcpu_timer_op(struct hc_ctx *ctx, struct vcpu *target, unsigned cmd, uint64_t arg)
{
	if (target != ctx->v)
		return -PV_EINVAL; /* Xen: only a vCPU's own timers */
	switch (cmd) {
	case PV_VCPUOP_set_singleshot_timer: {
		struct pv_vcpu_set_singleshot_timer t;

		if (hc_copy_from(ctx, arg, &t, sizeof(t)))
			return -PV_EFAULT;
		return timer_set_singleshot(target, t.timeout_abs_ns,
					    (t.flags & PV_VCPU_SSHOTTMR_future) != 0);
	}
	case PV_VCPUOP_stop_singleshot_timer:
		return timer_set_singleshot(target, 0, 0);
	case PV_VCPUOP_set_periodic_timer: {
		struct pv_vcpu_set_periodic_timer t;

		if (hc_copy_from(ctx, arg, &t, sizeof(t)))
			return -PV_EFAULT;
		if (t.period_ns > UINT64_MAX / 2)
			return -PV_EINVAL;
		if (t.period_ns < TIMER_MIN_PERIOD_NS)
			t.period_ns = TIMER_MIN_PERIOD_NS;
		pthread_mutex_lock(&hv_lock);
		target->timer_period = t.period_ns;
		target->timer_next_period = timeinfo_system_ns() + t.period_ns;
		timer_vcpu_changed_locked(target->d, target);
		pthread_mutex_unlock(&hv_lock);
		return 0;
	}
	case PV_VCPUOP_stop_periodic_timer:
		pthread_mutex_lock(&hv_lock);
		target->timer_period = 0;
		timer_vcpu_changed_locked(target->d, target);
		pthread_mutex_unlock(&hv_lock);
		return 0;
	default:
		return -PV_ENOSYS;
	}
}
