/* Scheduler hypercalls of the kernel: yield, block, shutdown. */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdint.h>

/* Give up the CPU (SCHEDOP_yield). Returns the hypercall result. */
int sched_yield(void);

/* Sleep until an event arrives (SCHEDOP_block; also unmasks upcalls). */
int sched_block(void);

/*
 * Flush printk and ask pvisor to shut the domain down with reason (PV_SHUTDOWN_*).
 * Returns only if the hypervisor refused (its negative PV_E* result) or, for
 * PV_SHUTDOWN_suspend, when the domain resumes.
 */
int sched_shutdown(unsigned int reason);

/* Shut down with reason; should that return, report it and yield forever. */
__attribute__((noreturn)) void sched_halt(unsigned int reason);

/* Check cond(arg) until it holds or timeout_ns of system time pass, sleeping in
 * SCHEDOP_poll in between (naps from SCHED_NAP_MIN_NS doubling up to
 * SCHED_NAP_MAX_NS, so a long wait leaves the CPU to the peer): 0, or
 * -PV_ETIMEDOUT. For waiting on a peer that writes shared memory. */
#define SCHED_NAP_MIN_NS 20000
#define SCHED_NAP_MAX_NS 1000000
int sched_wait_until(int (*cond)(void *arg), void *arg, uint64_t timeout_ns);

/* Name of a shutdown reason ("poweroff", "crash", ...), "unknown" otherwise. */
const char *sched_reason_name(unsigned int reason);

#endif
