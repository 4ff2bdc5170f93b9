/* Scheduler hypercalls of the kernel: yield, block, shutdown. */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

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

/* Name of a shutdown reason ("poweroff", "crash", ...), "unknown" otherwise. */
const char *sched_reason_name(unsigned int reason);

#endif
