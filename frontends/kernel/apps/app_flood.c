/* flood: print sequence-numbered lines as fast as the console takes them for a
 * while, to test console flow control (no line may go missing). */
#include <pvisor/sched.h>

#include "apps/app.h"
#include "kernel/printk.h"
#include "kernel/time.h"

int app_flood_run(const struct app_env *env)
{
	uint64_t secs, lines, seq = 0, end;

	cmdline_get_u64(env->cmdline, "secs", 10, &secs);
	cmdline_get_u64(env->cmdline, "lines", 0, &lines);
	end = monotonic_ns() + secs * 1000000000ull;
	printk("flood: start secs=%llu lines=%llu\n", (unsigned long long)secs,
	       (unsigned long long)lines);
	while (lines ? seq < lines : monotonic_ns() < end) {
		printk("flood: seq %llu ........................................\n",
		       (unsigned long long)seq);
		seq++;
	}
	printk("flood: done %llu lines\n", (unsigned long long)seq);
	return PV_SHUTDOWN_poweroff;
}
