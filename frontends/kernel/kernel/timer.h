/* Timers of the reference kernel: VIRQ_TIMER per vCPU and set_timer_op. */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <stdint.h>

/* Bind this vCPU's VIRQ_TIMER (each vCPU calls it once). 0 or negative PV_E*. */
int timer_init_cpu(void);

/* After a restore: bind every vCPU's VIRQ_TIMER again and wake each once. */
void timer_resume(void);

/* Sleep ns nanoseconds of system time on the calling vCPU (one-shot timer, then
 * SCHEDOP_block until it fires). Returns the ns actually slept. */
uint64_t timer_sleep_ns(uint64_t ns);
/* Wait up to ns for *flag (set by an event handler): 1 once it is set, 0 when the
 * time ran out first (a one-shot timer wakes the vCPU then). */
int timer_wait_flag(volatile int *flag, uint64_t ns);

/* Timer interrupts this vCPU has taken. */
uint64_t timer_ticks(unsigned vcpu);

#endif
