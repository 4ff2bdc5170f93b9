/* The engine seam: how the core drives an execution engine (pv: a sandboxed host
 * process; hvm: a KVM virtual machine). */
#ifndef PV_ENGINE_H
#define PV_ENGINE_H

#include <stdint.h>

struct domain;
struct vcpu;

/* An execution engine (pv: sandboxed process; hvm: KVM). */
struct engine_ops {
	const char *name;
	/* Start the domain's vCPUs' host context (process/VM). Called with hv_lock held
	 * for the first unpause. 0 or -errno. */
	int (*start)(struct domain *d);
	/* Stop scheduling / resume the domain. */
	int (*pause)(struct domain *d);
	int (*unpause)(struct domain *d);
	/* Kill its host context; reaping is asynchronous (reaper thread). */
	void (*kill)(struct domain *d);
	/* Release everything start() took, once the host context is gone. */
	void (*release)(struct domain *d);
	/* Write the hypercall page for this engine at guest-physical page gpfn. */
	int (*hypercall_page)(struct domain *d, uint64_t gpfn);
	/* CPU time in ns used so far. */
	uint64_t (*cpu_time)(struct domain *d);
	/* Interrupt a running vCPU to deliver an event upcall (hv_lock held). */
	void (*upcall)(struct domain *d, struct vcpu *v);
};

extern const struct engine_ops engine_pv;
/* Start the engines' helpers (the pv launcher spawner) at daemon start. */
void engines_init(void);

/* Answer a deferred guest hypercall (pv engine). */
void pv_vcpu_complete(struct domain *d, struct vcpu *v, long ret);

#endif
