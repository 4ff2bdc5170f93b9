/* pv vCPU state for save/restore: quiesce and resume, the frame each vCPU starts or
 * resumes with, and the callback entries the launcher reads. A vCPU stops at a
 * consistent point by itself: the upcall signal's handler copies the interrupted
 * registers (and FPU, fs/gs base) into its frame, makes pvisor_vcpu_stop and reloads
 * the frame when it is let go -- no ptrace, nothing the guest must cooperate in. */
#include <signal.h>
#include <string.h>
#include <sys/auxv.h>

#include "evtchn/evtchn.h"
#include "pv.h"
#include "pvisor/errno.h"

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

/* A vCPU that runs guest code: its thread is bound and not held. */
static int pv_vcpu_runs(struct domain *d, struct vcpu *v)
{
	struct pv_vcpu *pv = pv_vcpu(d, v);

	return d->started && !d->reaped && pv->tid && !pv->held;
}

void pv_stop_waiting(struct domain *d, struct vcpu *v)
{
	vcpu_wait_end(v);
	pv_answer(d, pv_vcpu(d, v)->notif_id, 0);
}

/* Ask one vCPU to stop. Held or not bound yet (it will be held at its first call):
 * nothing to do. Else the stop flag and the signal; a block or poll it waits in
 * returns 0 so that the signal is taken. */
static void pv_stop_vcpu(struct domain *d, struct vcpu *v)
{
	if (!pv_vcpu_runs(d, v))
		return;
	__atomic_store_n(&pv_upcall_area(d, v->id)->stop, 1, __ATOMIC_SEQ_CST);
	pv_signal(d, v);
	if (v->wait == VCPU_WAIT_BLOCK || v->wait == VCPU_WAIT_POLL)
		pv_stop_waiting(d, v);
}

void pv_quiesce_check(struct domain *d)
{
	struct pv_dom *p = pv_dom(d);

	if (!p->quiescing || p->quiesce_told)
		return;
	for (unsigned i = 0; i < d->max_vcpus; i++)
		if (!p->vcpus[i].held)
			return;
	p->quiesce_told = 1;
	if (d->pause_count)
		kill(p->pid, SIGSTOP); /* it was paused before the quiesce: stays so */
	domain_quiesced_locked(d);
}

int pv_quiesce(struct domain *d)
{
	struct pv_dom *p = pv_dom(d);

	if (p->quiescing)
		return -PV_EBUSY;
	__atomic_store_n(&p->quiescing, 1, __ATOMIC_SEQ_CST);
	p->quiesce_told = 0;
	/* A paused process runs on just far enough to stop: signals are taken before
	 * any guest code. */
	if (d->pause_count)
		kill(p->pid, SIGCONT);
	for (unsigned i = 0; i < d->max_vcpus; i++)
		pv_stop_vcpu(d, &d->vcpus[i]);
	pv_quiesce_check(d);
	return 0;
}

/* Let every vCPU held by the quiesce go (not those held because they are down). */
void pv_resume(struct domain *d)
{
	struct pv_dom *p = pv_dom(d);

	__atomic_store_n(&p->quiescing, 0, __ATOMIC_SEQ_CST);
	for (unsigned i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = &d->vcpus[i];

		__atomic_store_n(&pv_upcall_area(d, i)->stop, 0, __ATOMIC_SEQ_CST);
		if (p->vcpus[i].held && v->wait == VCPU_WAIT_NONE)
			pv_release(d, v, 0);
	}
}

static int pv_host_fsgsbase(void)
{
	return (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) != 0;
}

static void pv_state_from_frame(struct vcpu_state *st, const struct pv_vcpu_frame *f)
{
	memset(st, 0, sizeof(*st));
	st->rip = f->rip;
	st->rsp = f->rsp;
	st->rflags = f->rflags;
	st->rax = f->rax;
	st->rbx = f->rbx;
	st->rcx = f->rcx;
	st->rdx = f->rdx;
	st->rsi = f->rsi;
	st->rdi = f->rdi;
	st->rbp = f->rbp;
	memcpy(&st->r8, &f->r8, 8 * sizeof(uint64_t)); /* r8 .. r15, same order */
	if (f->flags & PV_FRAME_SEGBASE) {
		st->fs_base = f->fs_base;
		st->gs_base = f->gs_base;
		st->flags |= VCPU_STATE_SEGBASE;
	}
	if (f->flags & PV_FRAME_FPU) {
		memcpy(st->fpu, f->fpu, sizeof(st->fpu));
		st->flags |= VCPU_STATE_FPU;
	}
}

static void pv_frame_from_state(struct pv_vcpu_frame *f, const struct vcpu_state *st,
				int fsgsbase)
{
	uint64_t gen = f->generation;

	memset(f, 0, sizeof(*f));
	f->rip = st->rip;
	f->rsp = st->rsp;
	/* Ring 3 keeps IF set; the guest may set only the arithmetic flags and DF. */
	f->rflags = (st->rflags & VCPU_STATE_RFLAGS_MASK) | 0x202;
	f->rax = st->rax;
	f->rbx = st->rbx;
	f->rcx = st->rcx;
	f->rdx = st->rdx;
	f->rsi = st->rsi;
	f->rdi = st->rdi;
	f->rbp = st->rbp;
	memcpy(&f->r8, &st->r8, 8 * sizeof(uint64_t));
	if (fsgsbase) { /* without the flag the launcher loads 0, as a new thread has */
		f->fs_base = st->flags & VCPU_STATE_SEGBASE ? st->fs_base : 0;
		f->gs_base = st->flags & VCPU_STATE_SEGBASE ? st->gs_base : 0;
		f->flags |= PV_FRAME_SEGBASE;
	}
	if (st->flags & VCPU_STATE_FPU) {
		memcpy(f->fpu, st->fpu, sizeof(f->fpu));
		/* MXCSR (bytes 24..27): reserved bits set would fault the load. */
		f->fpu[26] = f->fpu[27] = 0;
		f->flags |= PV_FRAME_FPU;
	}
	f->generation = gen + 1;
}

int pv_get_vcpu(struct domain *d, struct vcpu *v, struct vcpu_state *st)
{
	if (!d->mem)
		return -PV_EINVAL;
	if (pv_vcpu_runs(d, v))
		return -PV_EBUSY;
	pv_state_from_frame(st, pv_frame(d, v->id));
	return 0;
}

int pv_set_vcpu(struct domain *d, struct vcpu *v, const struct vcpu_state *st)
{
	int fsgsbase = pv_host_fsgsbase();

	if (!d->mem)
		return -PV_EINVAL;
	if (pv_vcpu_runs(d, v))
		return -PV_EBUSY;
	if (st->extra_len)
		return -PV_EOPNOTSUPP; /* another engine's state */
	if (!fsgsbase && (st->flags & VCPU_STATE_SEGBASE) && (st->fs_base || st->gs_base))
		return -PV_EOPNOTSUPP; /* the guest could not have set them here */
	pv_frame_from_state(pv_frame(d, v->id), st, fsgsbase);
	return 0;
}

void pv_set_callback(struct domain *d, struct vcpu *v)
{
	struct pv_vcpu_upcall *up = pv_upcall_area(d, v->id);

	__atomic_store_n(&up->entry, v->callback, __ATOMIC_SEQ_CST);
	up->failsafe = v->failsafe;
}
