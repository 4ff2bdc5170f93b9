/* sleep: ms=MS n=N -- sleep N times on the one-shot timer (VIRQ_TIMER) and report
 * how long each sleep really took, then power off. */
#include <pvisor/sched.h>

#include "apps/app.h"
#include "kernel/printk.h"
#include "kernel/timer.h"

int app_sleep_run(const struct app_env *env)
{
	uint64_t ms, n;

	if (cmdline_get_u64(env->cmdline, "ms", 100, &ms) < 0 || ms > 3600000 ||
	    cmdline_get_u64(env->cmdline, "n", 3, &n) < 0 || n > 1000000) {
		printk("sleep: give ms=MILLISECONDS (<= 3600000) and n=COUNT\n");
		return PV_SHUTDOWN_crash;
	}
	for (uint64_t i = 0; i < n; i++) {
		uint64_t slept = timer_sleep_ns(ms * 1000000ull);

		printk("sleep: %llu: asked %llu us, slept %llu us\n", (unsigned long long)i,
		       (unsigned long long)(ms * 1000), (unsigned long long)(slept / 1000));
	}
	printk("sleep: %llu timer interrupts\n", (unsigned long long)timer_ticks(0));
	return PV_SHUTDOWN_poweroff;
}
