/* dualcons: write each line both to the console ring and with console_io, as
 * Xen's Mini-OS does with all its output. Each line must show once in `pvx
 * console` (and the console log) and once in `pvx dmesg`, prefixed "(d<id>)". */
#include <pvisor/sched.h>

#include "apps/app.h"
#include "kernel/printk.h"

int app_dualcons_run(const struct app_env *env)
{
	uint64_t lines;

	cmdline_get_u64(env->cmdline, "lines", 20, &lines);
	for (uint64_t i = 1; i <= lines; i++)
		printk_hv("dualcons: line %llu of %llu\n", (unsigned long long)i,
			  (unsigned long long)lines);
	printk_hv("dualcons: done %llu lines\n", (unsigned long long)lines);
	return PV_SHUTDOWN_poweroff;
}
