/* The guest's half of the toolstack's control keys (what Linux's xen/manage.c,
 * balloon and cpu-hotplug drivers do): control/shutdown and control/sysrq acted
 * on at once, memory/target followed by the balloon and cpu/<n>/availability by
 * bringing vCPUs up and down -- those two from the kernel's idle loop (ctl_idle),
 * since they allocate memory and start vCPUs.
 *
 * Command line: ctl=on (the default) also writes control/feature-poweroff and
 * feature-reboot; ctl=nofeat acts on every key but writes no feature-* key (as
 * some third-party Xen guests); ctl=off ignores the toolstack altogether (a guest
 * with no PV control: only pvx shutdown -F stops it). */
#ifndef KERNEL_CTL_H
#define KERNEL_CTL_H

#include "lib/cmdline.h"

/* Set the watches up (xenbus must be up). */
void ctl_init(const struct cmdline *cl);

/* One step of an idle loop on vCPU 0: serve what the toolstack asked (queued
 * watch events), then sleep until the next event. */
void ctl_idle(void);

/* What the sysrq key does (also for the shell). */
void ctl_sysrq(char key);

#endif
