/* x86-64 instructions the kernel may use from ring 3: rdtsc, pause, barriers, and
 * the deliberately fatal ones (ud2) that the fault apps rely on. */
#ifndef KERNEL_ARCH_CPU_H
#define KERNEL_ARCH_CPU_H

#include <stdint.h>

/* Read the time-stamp counter (allowed in ring 3 unless CR4.TSD is set). */
static inline uint64_t cpu_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Spin-loop hint. */
static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

/* Compiler barrier: shared memory the hypervisor writes must be re-read. */
static inline void cpu_barrier(void)
{
	__asm__ volatile("" ::: "memory");
}

/* Read barrier for seqlock readers: lfence also keeps a following rdtsc from running
 * ahead of the loads before it. */
static inline void cpu_rmb(void)
{
	__asm__ volatile("lfence" ::: "memory");
}

/* Raise #UD: the domain dies with SIGILL. */
static inline __attribute__((noreturn)) void cpu_ud2(void)
{
	for (;;)
		__asm__ volatile("ud2");
}

#endif
