/* Scheduler hypercalls of the kernel (see sched.h). */
#include <pvisor/sched.h>

#include "arch/x86_64/hypercall.h"
#include "printk.h"
#include "sched.h"

int sched_yield(void)
{
	return HYPERVISOR_sched_op(PV_SCHEDOP_yield, NULL);
}

int sched_block(void)
{
	return HYPERVISOR_sched_op(PV_SCHEDOP_block, NULL);
}

int sched_shutdown(unsigned int reason)
{
	struct pv_sched_shutdown arg = { .reason = reason };

	printk_flush();
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
