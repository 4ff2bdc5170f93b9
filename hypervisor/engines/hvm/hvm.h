/* The hvm engine's private interface between its files. An hvm domain is a KVM
 * virtual machine: the domain's memfd is its RAM (one memory slot at guest-physical 0,
 * the same pseudo-physical layout as under the pv engine), a small private region of
 * ours holds the initial page tables, GDT and TSS, and each vCPU is a thread of the
 * hypervisor in KVM_RUN that serves its own hypercalls. docs/NOTES-hvm.md has the why. */
#ifndef PV_ENGINE_HVM_H
#define PV_ENGINE_HVM_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdint.h>

#include "core/hv.h"
#include "engines/engine.h"
#include "pvisor/pvisor.h"

/* Per vCPU. Fields under hv_lock unless marked. */
struct hvm_vcpu {
	int fd;              /* KVM vCPU fd */
	struct kvm_run *run; /* its shared run area (only its thread touches it) */
	pthread_t thread;
	int alive;               /* the thread exists (set at start, cleared as it ends) */
	int in_guest;            /* between deciding to enter KVM_RUN and handling the exit */
	int held;                /* waits in hvm_vcpu_hold: runs no guest code */
	int kicked;              /* look at upcalls / holds before entering again */
	int marked;              /* rax carries PV_UPCALL_MARK: the page's tail delivers */
	pthread_cond_t cond;     /* the thread waits on it, with hv_lock */
	int answered;            /* a deferred hypercall was answered (complete) ... */
	long answer;             /* ... with this */
	struct vcpu_state state; /* registers while held or before start */
	int state_valid;         /* state holds what the vCPU resumes with */
	int state_dirty;         /* state was written (set_vcpu): load before entering */
	uint64_t cpu_ns;         /* its CPU time, kept once the thread ended */
	int run_errno;           /* KVM_RUN failed (HVM_EXIT_RUN_FAILED): why (its thread) */
};

/* Not a KVM exit reason: KVM_RUN itself failed (errno in run_errno). */
#define HVM_EXIT_RUN_FAILED 0x10000u

struct hvm_dom {
	int vm;        /* KVM VM fd, -1 before start */
	uint8_t *priv; /* our private region (page tables, GDT, TSS) */
	uint64_t priv_size;
	size_t run_size;
	int dying; /* kill: every vCPU thread leaves */
	int paused;
	int ring;           /* the kernel's CPL: 3, or 0 (supervisor_mode_kernel); set
				  * with vCPU 0's context, every vCPU runs at it */
	int quiescing;      /* a quiesce was asked and not resumed */
	int quiesce_told;   /* ... and its end reported to the core */
	unsigned threads;   /* vCPU threads not ended yet */
	uint64_t hcpage_va; /* the hypercall page, 0 until written */
	char why[160];      /* how the VM ended when nobody asked (engine_exit) */
	unsigned nr_vcpus;
	struct hvm_vcpu vcpus[];
};

static inline struct hvm_dom *hvm_dom(struct domain *d)
{
	return d->engine_priv;
}

static inline struct hvm_vcpu *hvm_vcpu(struct domain *d, struct vcpu *v)
{
	return &hvm_dom(d)->vcpus[v->id];
}

/* Host support (hvm_kvm.c). probe: once, at engine init; 0, or -PV_ENODEV with the
 * reason in words (hvm_kvm_why). The VM: create with its memory slots (the domain's
 * RAM at 0 and our private region), vCPU fds with their run areas, the CPUID and the
 * TSC (the guest reads the host's: pvclock data is computed from it). */
int hvm_kvm_probe(void);
const char *hvm_kvm_why(void);
/* CR4 bits the guest may have beyond the fixed ones (FSGSBASE where KVM offers it). */
uint64_t hvm_kvm_cr4_extra(void);
int hvm_kvm_vm_create(struct domain *d);
int hvm_kvm_vcpu_create(struct domain *d, struct vcpu *v);
void hvm_kvm_vm_close(struct domain *d);
/* Dirty-page log of the domain's memory as the guest wrote it (engine ops; hv_lock,
 * a started domain): start; collect into a bitmap of mem_size / PV_PAGE_SIZE bits,
 * rounded up to 64, clearing it; stop. 0 or a negative PV errno. */
int hvm_dirty_log_start(struct domain *d);
int hvm_dirty_log_collect(struct domain *d, uint64_t *bitmap);
void hvm_dirty_log_stop(struct domain *d);

/* The private region and the vCPU's control state (hvm_pt.c). layout: size of the
 * region for domain d; build: page tables mapping the physmap, the trap page, GDT and
 * TSS; sregs: long mode at the vCPU's ring with our tables, fs/gs base from st. */
uint64_t hvm_pt_size(const struct domain *d);
void hvm_pt_build(struct domain *d);
void hvm_pt_sregs(struct domain *d, struct kvm_sregs *sr, int ring, const struct vcpu_state *st);

/* vCPU threads (hvm_vcpu.c). start: one per vCPU; they wait until their vCPU is up.
 * kick: make a running vCPU come out of KVM_RUN (hv_lock). hold/wake are the
 * thread's wait for leave to run, and the one place holds are decided. */
int hvm_vcpu_start(struct domain *d, struct vcpu *v);
void hvm_vcpu_kick(struct domain *d, struct vcpu *v);
void hvm_vcpu_wake(struct domain *d, struct vcpu *v);
void hvm_vcpu_kick_all(struct domain *d);
/* CPU time of v's thread so far (hv_lock). */
uint64_t hvm_vcpu_cpu_ns(struct domain *d, struct vcpu *v);
/* engine ops (hv_lock). */
void hvm_complete(struct domain *d, struct vcpu *v, long ret);
void hvm_kick(struct domain *d, struct vcpu *v);
int hvm_quiesce(struct domain *d);
void hvm_resume(struct domain *d);
int hvm_get_vcpu(struct domain *d, struct vcpu *v, struct vcpu_state *st);
int hvm_set_vcpu(struct domain *d, struct vcpu *v, const struct vcpu_state *st);
/* Registers (hvm_state.c), on the vCPU's own thread with hv_lock held: save what it
 * would resume with into hv->state, load hv->state (written by set_vcpu) into KVM. */
int hvm_vcpu_save(struct domain *d, struct vcpu *v);
int hvm_vcpu_load(struct domain *d, struct vcpu *v);
/* After a vCPU was held or let go while quiescing: report the end once all hold. */
void hvm_quiesce_check(struct domain *d);

/* Exits (hvm_exit.c): handle what KVM_RUN returned, on the vCPU's thread without
 * hv_lock. 0 to enter again, or -1: the domain crashed (reason recorded). */
int hvm_exit_handle(struct domain *d, struct vcpu *v);
/* Crash the domain for what vCPU v did (no lock held); returns -1. */
int hvm_exit_crash(struct domain *d, struct vcpu *v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A hypercall kept waiting (deferred) was answered: put ret (or the upcall mark) in
 * rax, as the exit handler does for an immediate answer. */
void hvm_exit_answer(struct domain *d, struct vcpu *v, unsigned nr, long ret);

/* Upcalls by the callback contract of pvisor.h (hvm_upcall.c): with the vCPU out of
 * KVM_RUN, play the bounce frame -- its registers onto its upcall stack, enter the
 * hypercall page's upcall code. 0, or -PV_EFAULT (the domain is crashed). */
int hvm_upcall_enter(struct domain *d, struct vcpu *v);
/* What rax says as hypercall nr returns ret: the page's mark when an upcall is due
 * and can go that way, else ret (a due upcall is then entered before the next entry).
 * hv_lock held. */
long hvm_upcall_on_return(struct domain *d, struct vcpu *v, unsigned nr, long ret);

/* The hypercall page (hvm_hcpage.c): engine op. */
int hvm_hypercall_page(struct domain *d, uint64_t gpfn);
/* Publish v's callback where the page's code reads it (engine op). */
void hvm_set_callback(struct domain *d, struct vcpu *v);

#endif
