/* The launcher's private hypercalls (pvisor.h), the pv engine's own: a vCPU thread
 * waiting to start (pvisor_vcpu_wait), a vCPU that saved its registers in its frame
 * and stops (pvisor_vcpu_stop: VCPUOP_down, quiesce), and a fault report. A held
 * vCPU -- waiting in one of the first two -- runs no guest code; its frame is its
 * state. */
#include <signal.h>
#include <stdio.h>

#include "evtchn/evtchn.h"
#include "launch_proto.h"
#include "log.h"
#include "pv.h"
#include "pvisor/errno.h"

/* A launcher call's result when it is kept waiting (answers are 0 or -PV_E*). */
#define PV_CALL_KEPT 1

/* A call that lets vCPU v go on: its pending upcalls come as a signal, taken as soon
 * as it is back in guest code (the launcher's calls do not go through the page). */
static void pv_go_on(struct domain *d, struct vcpu *v, uint64_t id, long ret)
{
	if (evtchn_upcall_due(d, v))
		pv_signal(d, v);
	pv_answer(d, id, ret);
}

void pv_release(struct domain *d, struct vcpu *v, long ret)
{
	struct pv_vcpu *pv = pv_vcpu(d, v);
	struct pv_vcpu_upcall *up = pv_upcall_area(d, v->id);

	pv->held = 0;
	__atomic_store_n(&up->park, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&up->stop, 0, __ATOMIC_SEQ_CST);
	pv_go_on(d, v, pv->notif_id, ret);
}

/* Keep the vCPU's call waiting: until VCPUOP_up when it is not up (or has no
 * context yet), else until the quiesce is resumed. */
static void pv_hold(struct domain *d, struct vcpu *v, uint64_t id)
{
	struct pv_vcpu *pv = pv_vcpu(d, v);

	pv->notif_id = id;
	pv->held = 1;
	if (!(v->up && v->ctx_set))
		v->wait = VCPU_WAIT_START;
	pv_quiesce_check(d);
}

/* pvisor_vcpu_wait(vcpu): the launcher's thread for a vCPU binds to it and waits
 * until it is up (vCPU 0: the first unpause). */
static long pv_call_vcpu_wait(struct domain *d, uint64_t vcpu, uint64_t id, pid_t tid)
{
	struct pv_vcpu *pv;
	struct vcpu *v;

	if (vcpu >= d->max_vcpus)
		return -PV_EINVAL;
	v = &d->vcpus[vcpu];
	pv = pv_vcpu(d, v);
	if (pv->tid && pv->tid != tid)
		return -PV_EPERM;
	if (!pv->tid) {
		pv->tid = tid;
		pv_apply_affinity(d, v); /* pinned before it runs guest code */
	}
	if (v->up && v->ctx_set && !pv_dom(d)->quiescing) {
		pv_go_on(d, v, id, 0);
		return 0;
	}
	pv_hold(d, v, id);
	return PV_CALL_KEPT;
}

/* pvisor_vcpu_stop(vcpu): its registers are in its frame. Down: held until
 * VCPUOP_up. Quiescing: held until the resume. Else (a stale flag): go on. */
static long pv_call_vcpu_stop(struct domain *d, struct vcpu *v, uint64_t vcpu, uint64_t id)
{
	if (!v || vcpu != v->id)
		return -PV_EPERM;
	if (v->up && !pv_dom(d)->quiescing) {
		struct pv_vcpu_upcall *up = pv_upcall_area(d, v->id);

		__atomic_store_n(&up->park, 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&up->stop, 0, __ATOMIC_SEQ_CST);
		pv_go_on(d, v, id, 0);
		return 0;
	}
	pv_hold(d, v, id);
	return PV_CALL_KEPT;
}

static const char *pv_signal_name(unsigned sig)
{
	switch (sig) {
	case SIGSEGV:
		return "SIGSEGV (page fault)";
	case SIGBUS:
		return "SIGBUS (bus error)";
	case SIGILL:
		return "SIGILL (invalid or privileged instruction)";
	case SIGFPE:
		return "SIGFPE (arithmetic fault)";
	case SIGTRAP:
		return "SIGTRAP (breakpoint)";
	default:
		return "signal";
	}
}

/* What the guest says went wrong, from the launcher's fault handler -- or from
 * guest code that made the call itself: it runs in the guest's process, with its
 * signal frame on a stack in guest memory, so every figure is the guest's claim. */
static void pv_fault_claim(char *buf, size_t len, const uint64_t a[5])
{
	unsigned sig = (unsigned)(a[0] & 0xffffffffu);

	if (sig == SIGSYS)
		snprintf(buf, len, "forbidden system call %lu at rip 0x%lx", (unsigned long)a[4],
			 (unsigned long)a[2]);
	else
		snprintf(buf, len, "%s at rip 0x%lx, address 0x%lx, rsp 0x%lx",
			 pv_signal_name(sig), (unsigned long)a[2], (unsigned long)a[1],
			 (unsigned long)a[3]);
}

/* What the hypervisor itself knows: which vCPU's thread made the call and where its
 * syscall instruction is (the launcher's code, or guest code: a forged report). */
static const char *pv_fault_origin(const struct pv_call_origin *from)
{
	if (from->rip >= LAUNCH_TEXT_BASE && from->rip < LAUNCH_TEXT_END)
		return "the launcher's fault handler";
	if (from->rip >= PV_PHYSMAP_BASE)
		return "guest code, not the launcher's handler";
	return "unknown code";
}

/* pvisor_fault: a[0] = signo | si_code << 32, a[1] = address, a[2] = rip, a[3] = rsp,
 * a[4] = system call number. The domain crashes; the call is never answered. */
static void pv_call_fault(struct domain *d, struct vcpu *v, const struct pv_call_origin *from,
			  const uint64_t a[5])
{
	char claim[128], who[32];

	pv_fault_claim(claim, sizeof(claim), a);
	if (v)
		snprintf(who, sizeof(who), "vCPU %u", v->id);
	else
		snprintf(who, sizeof(who), "thread %d (no vCPU)", (int)from->tid);
	domain_crash_locked(d, "%s reported a fault from %s (rip 0x%lx)" PV_CRASH_CLAIM_SEP "%s",
			    who, pv_fault_origin(from), (unsigned long)from->rip, claim);
}

void pv_launcher_call(struct domain *d, struct vcpu *v, unsigned nr, uint64_t id,
		      const struct pv_call_origin *from, const uint64_t a[5])
{
	long ret;

	pthread_mutex_lock(&hv_lock);
	/* Answered where they succeed; errors are answered here. */
	switch (nr) {
	case PV_HYPERCALL_pvisor_vcpu_wait:
		ret = pv_call_vcpu_wait(d, a[0], id, from->tid);
		break;
	case PV_HYPERCALL_pvisor_vcpu_stop:
		ret = pv_call_vcpu_stop(d, v, a[0], id);
		break;
	case PV_HYPERCALL_pvisor_fault:
		pv_call_fault(d, v, from, a);
		ret = PV_CALL_KEPT; /* never answered: the process is being killed */
		break;
	default:
		ret = -PV_ENOSYS;
	}
	if (ret < 0)
		pv_answer(d, id, ret);
	pthread_mutex_unlock(&hv_lock);
}
