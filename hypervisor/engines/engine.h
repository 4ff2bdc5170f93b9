/* The engine seam: how the core drives an execution engine (pv: a sandboxed host
 * process; hvm: a KVM virtual machine) without knowing how it runs a domain. Each
 * op's contract -- who calls it, with which lock, what it may do -- is written here;
 * docs/DESIGN-NOTES.md ("The engine seam") tells the whole story. Every op returns
 * 0 or a negative PV errno (pvisor/errno.h), never a host errno. */
#ifndef PV_ENGINE_H
#define PV_ENGINE_H

#include <stdint.h>

struct domain;
struct vcpu;

/*
 * A vCPU's registers, engine-neutral: what a vCPU resumes with after a quiesce, and
 * what save/restore and migration carry. The core converts it to and from Xen's
 * vcpu_guest_context (domctl getvcpucontext / setvcpucontext).
 *   - General registers, rip and rflags: every engine. rflags carries only what a
 *     guest may change (arithmetic flags, DF); an engine keeps IF and the rest.
 *   - fs_base / gs_base: valid when VCPU_STATE_SEGBASE is set (pv: where the host
 *     lets user code use rdfsbase/wrfsbase; without it a pv guest cannot change
 *     them and they stay 0).
 *   - fpu: the legacy 512-byte FXSAVE image (x87, MMX, SSE, MXCSR), valid when
 *     VCPU_STATE_FPU is set. AVX and later state is not carried.
 *   - extra: engine-specific state the neutral fields cannot say, opaque to the
 *     core and to save/restore (which store it beside the engine's name and refuse
 *     to load it into another engine). The pv engine needs none. The hvm engine
 *     keeps its segment and control registers, EFER and MSRs, LAPIC and the XSAVE
 *     area beyond the legacy image here, under its own versioned layout; raise
 *     VCPU_STATE_EXTRA_MAX if that does not fit.
 */
#define VCPU_STATE_FPU       (1u << 0)
#define VCPU_STATE_SEGBASE   (1u << 1)
#define VCPU_STATE_EXTRA_MAX 4096u

struct vcpu_state {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
	uint64_t fs_base, gs_base;
	uint32_t ring0;     /* 1: the kernel runs in ring 0, as it asked (Xen's
			     * supervisor_mode_kernel; only the hvm engine honours it); 0: in
			     * ring 3, the default and every pv vCPU. The guest context's CS
			     * has RPL 0 for it. */
	uint32_t flags;     /* VCPU_STATE_*: which optional parts are valid */
	uint32_t extra_len; /* bytes of extra[] in use */
	uint8_t fpu[512] __attribute__((aligned(16)));
	uint8_t extra[VCPU_STATE_EXTRA_MAX];
};

/* The rflags bits a guest may set in a vcpu_state: CF PF AF ZF SF DF OF. */
#define VCPU_STATE_RFLAGS_MASK 0xcd5ull

/* Why an engine's host context ended, in words for crash_reason (pvx list) when the
 * core did not ask for it; and the CPU time it used in all. */
struct engine_exit {
	uint64_t cpu_ns;
	char why[160];
};

/*
 * The ops. "hv_lock" means the caller holds it; an op called with it held must not
 * sleep for long or wait for a thread that takes it. Ops may be NULL only where
 * marked optional.
 */
struct engine_ops {
	const char *name;
	/* Once at daemon start, before any domain (pv: the launcher spawner and the
	 * reaper). A failure stops the daemon. Optional. */
	int (*init)(void);
	/* Once at daemon exit, after every domain was destroyed: give back what init
	 * took that outlives the daemon (pv: the waiting launcher and its spare cgroup).
	 * Optional. */
	void (*fini)(void);
	/* A domain is created: allocate d->engine_priv (no host context yet). No lock.
	 * destroy frees it when the domain record goes: the host context is gone (reaped)
	 * or was never started. No lock. */
	int (*create)(struct domain *d);
	void (*destroy)(struct domain *d);
	/* First unpause of a built domain (memory, vCPU 0 context): start the host
	 * context with the vCPUs that are up. hv_lock. From then on the engine watches
	 * the host context and calls domain_reaped() exactly once when it is gone,
	 * whether it died or was killed (from any thread but one holding hv_lock). */
	int (*start)(struct domain *d);
	/* Stop running guest code at once / let it run again; needs no cooperation from
	 * the guest and keeps every wait as it is. CPU time stops while paused. hv_lock. */
	int (*pause)(struct domain *d);
	int (*unpause)(struct domain *d);
	/* End the host context (shutdown, crash, destroy). Asynchronous: domain_reaped()
	 * follows. hv_lock. */
	void (*kill)(struct domain *d);
	/* After domain_reaped(): join the engine's threads and close what start() took.
	 * No lock (those threads may be waiting for hv_lock). */
	void (*release)(struct domain *d);
	/* Answer the hypercall vCPU v is kept waiting in (v->wait != VCPU_WAIT_NONE:
	 * a handler deferred it) with ret, deliver an upcall that is due with it, and
	 * set v->wait to VCPU_WAIT_NONE. Called by event channels, timers and VCPUOP_up.
	 * hv_lock. */
	void (*complete)(struct domain *d, struct vcpu *v, long ret);
	/* v runs (v->wait == VCPU_WAIT_NONE) and its situation changed: an upcall is due,
	 * or it went down (v->up == 0). Make it act at its next consistent point: take
	 * the upcall (pv: a signal to its thread), or stop until VCPUOP_up. hv_lock. */
	void (*kick)(struct domain *d, struct vcpu *v);
	/* v->callback or v->failsafe changed (set_callbacks, callback_op, a vCPU
	 * context): publish them where the engine's upcall delivery reads them. hv_lock;
	 * the domain has memory. Optional. */
	void (*set_callback)(struct domain *d, struct vcpu *v);
	/* Write the engine's hypercall page into guest frame gpfn (< max_pages). hv_lock. */
	int (*hypercall_page)(struct domain *d, uint64_t gpfn);
	/* CPU time used so far (ns), of the domain and of one vCPU; only asked between
	 * start and domain_reaped (the core keeps the final figure). hv_lock. */
	uint64_t (*cpu_time)(struct domain *d);
	uint64_t (*vcpu_time)(struct domain *d, struct vcpu *v);
	/* The host process that runs the domain, for display (pvx list -l), or 0. hv_lock.
	 * Optional. */
	int (*host_pid)(struct domain *d);
	/* What stands between one of its domains and the host, in words, for pvx info
	 * (pv: the sandbox around the domain process). No lock. Optional. */
	const char *(*walls)(void);
	/*
	 * Save/restore and migration. quiesce: stop every vCPU at a consistent point (a
	 * hypercall boundary or a point where all its registers can be read), with no
	 * deferred hypercall left open: a vCPU waiting in SCHEDOP_block or _poll is
	 * woken with 0 (a spurious wake-up, as a Xen guest sees after a restore). The
	 * engine calls domain_quiesced_locked() when the last vCPU has stopped (maybe
	 * before quiesce returns). Pause and quiesce compose: a paused domain quiesces
	 * too and stays paused. resume: let the stopped vCPUs go on with their (possibly
	 * rewritten) registers; also withdraws a quiesce that has not finished. Both
	 * hv_lock; only for a started domain that has not been reaped.
	 */
	int (*quiesce)(struct domain *d);
	void (*resume)(struct domain *d);
	/* Read / write the registers vCPU v resumes (or starts) with. Only while v does
	 * not run: the domain is quiesced or not started, or v is down. hv_lock.
	 * set_vcpu: -PV_EOPNOTSUPP for a part the engine cannot load (an extra blob of
	 * another layout, segment bases where the host forbids them). */
	int (*get_vcpu)(struct domain *d, struct vcpu *v, struct vcpu_state *st);
	int (*set_vcpu)(struct domain *d, struct vcpu *v, const struct vcpu_state *st);
	/*
	 * Dirty-page tracking for live migration, where the engine has it (optional; hvm:
	 * KVM's dirty log). start: record the pages the guest writes from now on;
	 * collect: those written since start or the last collect, into bitmap (a bit per
	 * page of the domain's memory, RAM and special pages: mem_size / PV_PAGE_SIZE
	 * bits in 64-bit words; overwritten); stop. Writes the hypervisor or dom0 make
	 * through their own
	 * mappings (grant copies, rings) are not seen: the caller accounts for those.
	 * hv_lock; a started domain that has not been reaped.
	 */
	int (*dirty_log_start)(struct domain *d);
	int (*dirty_log_collect)(struct domain *d, uint64_t *bitmap);
	void (*dirty_log_stop)(struct domain *d);
	/*
	 * Scheduling (xl's vcpu-pin and sched-credit). set_affinity: v->affinity_hard
	 * changed; confine v's host thread to those host CPUs now, or when it comes to
	 * exist. set_sched: d->sched_weight / d->sched_cap changed; apply them to the
	 * domain's host context now or at start (-PV_EOPNOTSUPP when the host gives no
	 * CPU controller). vcpu_cpu: the host CPU v last ran on, or -1. All hv_lock;
	 * optional (the core then answers -PV_EOPNOTSUPP, or CPU 0).
	 */
	int (*set_affinity)(struct domain *d, struct vcpu *v);
	int (*set_sched)(struct domain *d);
	int (*vcpu_cpu)(struct domain *d, struct vcpu *v);
	/*
	 * Lazy restore (core/domain_lazy.c). When d->lazy is set at start, an engine
	 * whose guest touches RAM through a mapping other than d->mem (pv: the
	 * launcher's) registers that mapping with a userfaultfd before any guest code
	 * runs. lazy_fd: that descriptor (the engine keeps it; the caller dups it), or
	 * -PV_EAGAIN before it exists, -PV_ENOENT when the engine needs none (hvm: KVM
	 * faults on d->mem). lazy_end: close it. hv_lock. Both optional.
	 */
	int (*lazy_fd)(struct domain *d);
	void (*lazy_end)(struct domain *d);
};

/* The engine named `name` ("pv", "hvm"), or NULL when none is built or registered. */
const struct engine_ops *engine_find(const char *name);
/* Add an engine at run time (one that is usable only on some hosts, or a test's).
 * -PV_EEXIST for a name taken, -PV_ENOSPC when the table is full. */
int engine_register(const struct engine_ops *ops);
/* Run every built-in engine's init at daemon start: 0, or the first failure (the
 * daemon cannot serve that engine's domains and stops) with *name set to its name.
 * An engine the host may lack what it needs for (hvm: a working /dev/kvm) is
 * registered only when its init succeeds: engine_find() then says whether this host
 * runs its domains (physinfo's capabilities), and creating one is refused otherwise
 * (the toolstack names what is missing). */
int engines_init(const char **name);
/* At daemon exit, after every domain was destroyed: each engine's fini. */
void engines_fini(void);

#endif
