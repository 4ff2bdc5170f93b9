/* Hypercalls: the context a handler runs in (guest or dom0 caller), the table, the
 * checked copies between guest and host memory, and the handlers of hypercall/. */
#ifndef PV_HYPERCALL_H
#define PV_HYPERCALL_H

#include "core/hv.h"

/* A dom0 client connection to privcmd (privcmd.c). What the connection holds (an
 * event-channel handle, grant mappings) is released when it closes. */
struct pconn {
	int fd;
	struct evtchn_handle *ev; /* evtchn.c: ports this connection bound */
	struct gnt_handle *gnt;   /* gnttab.c: grant mappings this connection holds */
};

/*
 * Hypercall context. Guest callers pass guest-virtual addresses; dom0 callers (via
 * privcmd) pass addresses in a small private space where the inline argument lives at
 * PV_PRIVCMD_ARG_ADDR and the buffer at PV_PRIVCMD_BUF_ADDR. Handlers never see the
 * difference: they move data with hc_copy_from / hc_copy_to.
 */
struct hc_ctx {
	struct domain *d; /* calling domain; NULL for dom0 */
	struct vcpu *v;   /* calling vCPU (guest only) */
	int privileged;   /* dom0 */
	uint8_t *arg;     /* dom0: inline argument */
	size_t arg_len;
	uint8_t *buf; /* dom0: inline buffer */
	size_t buf_len;
	int defer;          /* handler keeps the caller waiting (guest only): it set
				  * v->wait, the engine answers with complete() */
	struct pconn *conn; /* dom0: the privcmd connection (owner of ports, maps) */
};

/* Hypercall handler: a[] are the raw arguments (rdi, rsi, rdx, r10, r8). Returns
 * the value the caller sees (>= 0, or a negative Xen errno). */
typedef long (*hc_fn)(struct hc_ctx *ctx, const uint64_t a[5]);

long hypercall_dispatch(struct hc_ctx *ctx, unsigned nr, const uint64_t a[5]);
int hc_copy_from(struct hc_ctx *ctx, uint64_t addr, void *dst, size_t len);
int hc_copy_to(struct hc_ctx *ctx, uint64_t addr, const void *src, size_t len);
/* The target of a call naming a domain (DOMID_SELF resolved); referenced, or NULL.
 * Unprivileged callers may only name themselves. */
struct domain *hc_target(struct hc_ctx *ctx, pv_domid_t domid, int *err);

long hc_console_io(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_xen_version(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_sched_op(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_memory_op(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_vcpu_op(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_domctl(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_sysctl(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_set_callbacks(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_callback_op(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_set_timer_op(struct hc_ctx *ctx, const uint64_t a[5]);

/* Xen-style info for getdomaininfo and the domain list (domctl.c); hv_lock held. */
struct pv_domctl_getdomaininfo;
void domain_fill_info(struct domain *d, struct pv_domctl_getdomaininfo *info);
struct pv_domctl;
/* domctl_sched.c: setvcpuaffinity, getvcpuaffinity, scheduler_op (hv_lock). */
long domctl_sched_locked(struct hc_ctx *ctx, struct domain *d, struct pv_domctl *dc);
/* The host CPU vCPU v last ran on (0 when unknown). hv_lock. */
int domctl_vcpu_cpu_locked(struct domain *d, struct vcpu *v);

/* vCPU registers as Xen's guest context (vcpu_context.c); hv_lock held. set: the
 * registers v starts or resumes with, its callbacks, and its context marked set.
 * Both go through the engine, which refuses (-PV_EBUSY) while v runs guest code. */
int vcpu_context_set_locked(struct domain *d, struct vcpu *v,
			    const struct pv_vcpu_guest_context *g);
int vcpu_context_get_locked(struct domain *d, struct vcpu *v, struct pv_vcpu_guest_context *g);

/* VCPUOP timer commands on the caller's own vCPU `target` (hc_timer.c). */
long hc_vcpu_timer_op(struct hc_ctx *ctx, struct vcpu *target, unsigned cmd, uint64_t arg);

#endif
