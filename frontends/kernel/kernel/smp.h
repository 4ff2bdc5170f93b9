/* vCPUs of the reference kernel: each runs on its own KSTACK_SIZE-aligned stack
 * whose lowest bytes hold its struct percpu, so "which vCPU am I" is one mask of
 * %rsp. vCPU 0 moves onto such a stack at boot (smp_boot); the others start with
 * VCPUOP_initialise + VCPUOP_up (smp_start). */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include <stdint.h>

#define KSTACK_SIZE   (64u * 1024)
#define SMP_MAX_VCPUS 32 /* vCPUs with a vcpu_info in shared_info */

struct percpu {
	unsigned id;
	uint32_t timer_port; /* VIRQ_TIMER on this vCPU, 0 until bound */
	volatile int timer_fired;
	void (*fn)(unsigned id); /* what a secondary vCPU runs */
};

static inline struct percpu *this_cpu(void)
{
	uint64_t sp;

	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	return (struct percpu *)(uintptr_t)(sp & ~(uint64_t)(KSTACK_SIZE - 1));
}

/* vCPU id's area, or NULL when it never ran (its stack was never made). */
struct percpu *smp_percpu(unsigned id);

/* Set once vCPU 0 runs on its per-vCPU stack (before that every caller is vCPU 0). */
extern volatile int smp_ready;

static inline unsigned smp_id(void)
{
	return smp_ready ? this_cpu()->id : 0;
}

/* Move vCPU 0 onto a per-vCPU stack and continue in cont (never returns). */
__attribute__((noreturn)) void smp_boot(void (*cont)(void));

/* vCPUs the domain was given (probes VCPUOP_is_up until -ENOENT). */
unsigned smp_nr_vcpus(void);

/* Start vCPU id running fn(id) on a fresh stack: 0 or a negative PV_E*. */
int smp_start(unsigned id, void (*fn)(unsigned id));

/* Stop the calling vCPU (VCPUOP_down on itself): returns after a VCPUOP_up. */
int smp_down_self(void);

#endif
