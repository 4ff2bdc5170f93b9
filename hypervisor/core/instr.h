/* The hypervisor's instruments for PV performance research: per-domain counters
 * (always kept: hypercalls by number, events sent and received, upcalls, blocks and
 * wake-ups) and the trace session (xentrace's role: a record per hypercall and
 * event, with timestamps, into a buffer dom0 maps read-only). privcmd COUNTERS and
 * TRACE_START/STOP (pvisor/privcmd.h) are their interface; docs/NOTES-instruments.md
 * the design and what counting costs. Counting is a relaxed atomic add; a hook
 * whose trace is off costs one relaxed load. */
#ifndef PV_INSTR_H
#define PV_INSTR_H

#include <stddef.h>
#include <stdint.h>

#include "pvisor/privcmd.h"
#include "pvisor/pvisor.h"

struct domain;
struct vcpu;

struct dom_counters {
	uint64_t hypercalls[PV_HCALL_SLOTS];
	uint64_t events_sent, events_received, upcalls, blocks, wakeups;
};

struct trace_session;
extern struct trace_session *instr_trace; /* NULL while nobody traces */

static inline void instr_count(uint64_t *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

static inline int instr_tracing(void)
{
	return __atomic_load_n(&instr_trace, __ATOMIC_RELAXED) != NULL;
}

/* CLOCK_MONOTONIC ns when a trace runs (the start of a hypercall), else 0. */
uint64_t instr_clock(void);

/* A guest's hypercall nr (first argument arg) was answered ret, received at t0
 * (instr_clock() then): count it, and trace it with its service time. */
void instr_hypercall(struct domain *d, struct vcpu *v, unsigned nr, uint64_t arg, long ret,
		     uint64_t t0);
/* d sent on its port / an event arrived on d's port (the counters and the trace). */
void instr_event_sent(struct domain *d, uint32_t port);
void instr_event_received(struct domain *d, uint32_t port);
/* The engine delivered an upcall to v (on a hypercall's return or by interrupting it). */
void instr_upcall(struct domain *d, struct vcpu *v);
/* v began to wait in SCHEDOP_block/poll (hypercall nr) / its wait ended. */
void instr_block(struct domain *d, struct vcpu *v, unsigned nr);
void instr_wake(struct domain *d, struct vcpu *v);

/* privcmd: the counters of d. */
void instr_counters_get(struct domain *d, struct pv_privcmd_counters *out);
/* Start the trace session for owner (a privcmd connection): req is checked and
 * updated (slots, size); *fd gets a read-only descriptor of the buffer. 0,
 * -PV_EBUSY (a session runs), -PV_EINVAL, or an error from the host. */
int instr_trace_start(void *owner, struct pv_privcmd_trace *req, int *fd);
/* End owner's session; when it returns no record is being written. -PV_ENOENT when
 * owner has none. */
int instr_trace_stop(void *owner);

#endif
