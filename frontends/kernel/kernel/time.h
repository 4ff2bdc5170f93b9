/* The kernel clock: system time in ns from vcpu_info[0].time in shared_info (the PV
 * clock), read under its version seqlock and extrapolated with the TSC. */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>

#include <pvisor/xen.h>

#include "lib/pvclock.h"

/* Use vCPU 0's time info in si (NULL: no clock, every reading is 0). */
void time_init(struct pv_shared_info *si);

/*
 * Copy a consistent snapshot of the time parameters and the TSC read inside the
 * same seqlock window. Returns 0, -PV_ENODEV without a shared-info page, or
 * -PV_EAGAIN if the hypervisor kept the record mid-update for ~a million tries
 * (the copy is then the last one read).
 */
int time_read_params(struct pvclock_params *p, uint64_t *tsc);

/* Nanoseconds of system time (since the domain booted); never goes backwards. */
uint64_t monotonic_ns(void);

/* Nanoseconds since time_init (this kernel's uptime; system time counts from the
 * host's boot). */
uint64_t time_since_boot_ns(void);

/* The time of day (seconds and ns since the epoch): shared_info's wallclock, read
 * under its seqlock, plus system time; it carries the domain's time offset
 * (rtc_timeoffset, localtime). 0, or -PV_ENODEV without shared_info. */
int time_wallclock(uint64_t *sec, uint32_t *nsec);

/* A TSC-tick interval in ns, with the current scale (0 without a clock). */
uint64_t time_tsc_to_ns(uint64_t ticks);

#endif
