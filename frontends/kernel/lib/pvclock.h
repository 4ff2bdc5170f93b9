/* PV clock arithmetic: turn TSC readings into nanoseconds of system time with the
 * scale that the hypervisor publishes in vcpu_time_info (pure functions; the
 * seqlock read of shared_info is kernel/time.c). */
#ifndef KERNEL_LIB_PVCLOCK_H
#define KERNEL_LIB_PVCLOCK_H

#include <stdint.h>

/* A consistent copy of one vcpu_time_info. */
struct pvclock_params {
	uint64_t tsc_timestamp; /* TSC when system_time was sampled */
	uint64_t system_time;   /* ns since the domain booted, at tsc_timestamp */
	uint32_t mul;           /* tsc_to_system_mul: 32.32 fixed point */
	int8_t shift;           /* tsc_shift: applied to the delta before mul */
};

/*
 * Nanoseconds for a TSC delta: (delta << shift, or >> -shift) * mul >> 32 with a
 * 128-bit product (no overflow for any delta that fits after shifting).
 */
uint64_t pvclock_scale_delta(uint64_t delta, uint32_t mul, int8_t shift);

/* System time at TSC value tsc; a tsc before tsc_timestamp counts as no delta. */
uint64_t pvclock_ns(const struct pvclock_params *p, uint64_t tsc);

/* TSC frequency in kHz the parameters describe; 0 if mul is 0. */
uint64_t pvclock_tsc_khz(const struct pvclock_params *p);

#endif
