/* VIRQ_TIMER and sleeping (timer.h). */
#include <pvisor/xen.h>

#include "arch/x86_64/hypercall.h"
#include "kernel/evtchn.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/timer.h"

static uint64_t timer_tick_count[SMP_MAX_VCPUS];

static void timer_fire(uint32_t port, void *data)
{
	struct percpu *pc = data;

	(void)port;
	timer_tick_count[pc->id % SMP_MAX_VCPUS]++;
	pc->timer_fired = 1;
}

/* After a restore: VIRQ_TIMER of every vCPU that had one, bound again from here
 * (bind_virq names the vCPU), each made pending once so that a vCPU asleep in
 * evtchn_wait_flag wakes and looks again at what it waits for. */
void timer_resume(void)
{
	for (unsigned id = 0; id < SMP_MAX_VCPUS; id++) {
		struct percpu *pc = smp_percpu(id);
		int port;

		if (!pc || !pc->timer_port)
			continue;
		pc->timer_port = 0;
		port = evtchn_bind_virq(PV_VIRQ_TIMER, id);
		if (port < 0)
			continue;
		pc->timer_port = (uint32_t)port;
		evtchn_set_pending_local(pc->timer_port);
		evtchn_bind_handler(pc->timer_port, timer_fire, pc);
	}
}

int timer_init_cpu(void)
{
	struct percpu *pc = this_cpu();
	int port;

	if (pc->timer_port)
		return 0;
	port = evtchn_bind_virq(PV_VIRQ_TIMER, pc->id);
	if (port < 0)
		return port;
	pc->timer_port = (uint32_t)port;
	evtchn_bind_handler(pc->timer_port, timer_fire, pc);
	return 0;
}

uint64_t timer_sleep_ns(uint64_t ns)
{
	struct percpu *pc = this_cpu();
	uint64_t start = monotonic_ns(), deadline = start + ns, now;

	while ((now = monotonic_ns()) < deadline) {
		pc->timer_fired = 0;
		HYPERVISOR_set_timer_op(deadline);
		evtchn_wait_flag(&pc->timer_fired);
	}
	return now - start;
}

int timer_wait_flag(volatile int *flag, uint64_t ns)
{
	uint64_t deadline = monotonic_ns() + ns;

	HYPERVISOR_set_timer_op(deadline);
	for (;;) {
		int was = irq_save();

		if (*flag || monotonic_ns() >= deadline) {
			irq_restore(was);
			return *flag != 0;
		}
		/* Unmasks and sleeps in one step: no wake-up is lost. */
		sched_block();
	}
}

uint64_t timer_ticks(unsigned vcpu)
{
	return vcpu < SMP_MAX_VCPUS ? timer_tick_count[vcpu] : 0;
}
