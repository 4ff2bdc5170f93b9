/* Xen's PV suspend in the reference kernel. The toolstack writes control/shutdown
 * = "suspend"; xenbus (which watches it) hands it to ctl, which calls
 * suspend_request: the store ring is held quiet (its lock, no request in flight). We call SCHEDOP_shutdown(suspend)
 * with start_info's frame in the third argument. It returns 1 when the suspend was
 * cancelled (a checkpoint, or a save that failed: nothing changed), 0 in a new
 * domain restored from the image: it has none of our event channels, so the core
 * binds its own again here (event handlers forgotten, every vCPU's timer, the
 * console's new port from start_info), xenbus rebinds the store and its watches,
 * and each device driver reconnects to its new backend the next time it is used
 * (it compares suspend_generation() with its own), re-issuing what was in flight. */
#ifndef KERNEL_SUSPEND_H
#define KERNEL_SUSPEND_H

/* 0 resumed in a restored domain, 1 cancelled, or a negative PV_E* (refused:
 * suspend=0 on the command line, or the hypervisor said no). */
int suspend_run(void);
/* control/shutdown said "suspend" (ctl.c, any context, the store lock not held):
 * hold the store quiet, suspend, let xenbus bind again in a restored domain. */
void suspend_request(void);
/* Thread context (sched_block): carry out a request that came during an upcall. */
void suspend_poll(void);
/* Restores so far (drivers reconnect when theirs differs). */
unsigned suspend_generation(void);
/* suspend=0: answer suspend requests as a kernel without support would. */
void suspend_set_enabled(int on);
int suspend_enabled(void);

#endif
