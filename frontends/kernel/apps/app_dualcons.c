/* dualcons: write each line both to the console ring and with console_io, as
 * Xen's Mini-OS does with all its output. Each line must show once in `pvx
 * console` (and the console log) and once in `pvx dmesg`, prefixed "(d<id>)".
 * ms= paces the lines (a console log rotation can then be watched mid-stream). */
#include <pvisor/sched.h>

#include "apps/app.h"
#include "kernel/printk.h"
#include "kernel/timer.h"

int app_dualcons_run(const struct app_env *env)
{
	uint64_t lines, ms;

	cmdline_get_u64(env->cmdline, "lines", 20, &lines);
	cmdline_get_u64(env->cmdline, "ms", 0, &ms);
	for (uint64_t i = 1; i <= lines; i++) {
		printk_hv("dualcons: line %llu of %llu\n", (unsigned long long)i,
			  (unsigned long long)lines);
		if (ms)
			timer_sleep_ns(ms * 1000000ull);
	}
	printk_hv("dualcons: done %llu lines\n", (unsigned long long)lines);
	return PV_SHUTDOWN_poweroff;
}
