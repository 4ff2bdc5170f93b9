/* Scheduler hypercalls of the kernel (see sched.h). */
#include <pvisor/errno.h>
#include <pvisor/sched.h>

#include "arch/x86_64/hypercall.h"
#include "console.h"
#include "printk.h"
#include "sched.h"
#include "suspend.h"
#include "time.h"

int sched_yield(void)
{
	return HYPERVISOR_sched_op(PV_SCHEDOP_yield, NULL);
}

int sched_block(void)
{
	suspend_poll(); /* a suspend asked for during an upcall: now, in thread context */
	return HYPERVISOR_sched_op(PV_SCHEDOP_block, NULL);
}

/* Sleep until system time deadline: SCHEDOP_poll on no port (the empty port list
 * still needs an address the hypervisor accepts). */
static int sched_nap(uint64_t deadline)
{
	uint32_t none;
	struct pv_sched_poll sp = { .ports = (uintptr_t)&none,
				    .nr_ports = 0,
				    .timeout = deadline };

	return HYPERVISOR_sched_op(PV_SCHEDOP_poll, &sp);
}

int sched_wait_until(int (*cond)(void *arg), void *arg, uint64_t timeout_ns)
{
	uint64_t now = monotonic_ns(), end = now + timeout_ns, nap = SCHED_NAP_MIN_NS;

	while (!cond(arg)) {
		if (now >= end)
			return cond(arg) ? 0 : -PV_ETIMEDOUT;
		if (sched_nap(now + nap) < 0)
			sched_yield(); /* no poll: fall back to spinning */
		nap = nap * 2 < SCHED_NAP_MAX_NS ? nap * 2 : SCHED_NAP_MAX_NS;
		now = monotonic_ns();
	}
	return 0;
}

int sched_shutdown(unsigned int reason)
{
	struct pv_sched_shutdown arg = { .reason = reason };

	printk_flush();
	console_drain();
	return HYPERVISOR_sched_op(PV_SCHEDOP_shutdown, &arg);
}

void sched_halt(unsigned int reason)
{
	int rc = sched_shutdown(reason);

	printk("pvkernel: shutdown(%s) returned %d; idling\n", sched_reason_name(reason), rc);
	printk_flush();
	for (;;)
		sched_yield();
}

const char *sched_reason_name(unsigned int reason)
{
	static const char *const names[] = {
		[PV_SHUTDOWN_poweroff] = "poweroff", [PV_SHUTDOWN_reboot] = "reboot",
		[PV_SHUTDOWN_suspend] = "suspend",   [PV_SHUTDOWN_crash] = "crash",
		[PV_SHUTDOWN_watchdog] = "watchdog", [PV_SHUTDOWN_soft_reset] = "soft_reset",
	};

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "unknown";
}
