/* Orderly power-off (power.h): device hooks, then the shutdown hypercall. */
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/sched.h"

static void (*power_hooks[POWER_HOOKS])(void);
static unsigned power_nhooks;

void power_hook_add(void (*fn)(void))
{
	for (unsigned i = 0; i < power_nhooks; i++)
		if (power_hooks[i] == fn)
			return;
	if (power_nhooks < POWER_HOOKS)
		power_hooks[power_nhooks++] = fn;
}

void power_off(unsigned reason)
{
	static volatile int once;

	/* a second request (another vCPU, a sysrq) while closing: just the shutdown */
	if (!__atomic_exchange_n(&once, 1, __ATOMIC_ACQ_REL))
		while (power_nhooks > 0)
			power_hooks[--power_nhooks]();
	printk("%s: devices closed; shutting down (%s)\n", "pvkernel", sched_reason_name(reason));
	sched_halt(reason);
}
