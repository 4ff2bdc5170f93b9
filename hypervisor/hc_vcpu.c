/* vcpu_op (is_up) and pvisor's private launcher calls: vcpu_wait and fault. */
#include <signal.h>
#include <string.h>

#include "hv.h"
#include "pvisor/errno.h"
#include "pvisor/vcpu.h"

long hc_vcpu_op(struct hc_ctx *ctx, const uint64_t a[5])
{
	struct domain *d = ctx->d;
	uint64_t id = a[1];

	if (!d)
		return -PV_EINVAL;
	if (id >= d->max_vcpus)
		return -PV_ENOENT;
	switch (a[0]) {
	case PV_VCPUOP_is_up:
		return d->vcpus[id].up ? 1 : 0;
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
