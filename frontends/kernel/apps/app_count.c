/* count: the save/restore tests' guest. A counter in memory goes up by one every
 * ms=T and each value is printed, so a console log shows whether a save and
 * restore lost or repeated any; with mib=N, N MiB of memory hold a pattern that is
 * checked again after each restore. count_value is what a debugger reads in a
 * dump-core. */
#include <pvisor/sched.h>

#include "apps/app.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/suspend.h"
#include "kernel/timer.h"

#define COUNT_PAGES_PER_MIB (1ULL << (20 - PV_PAGE_SHIFT))

volatile uint64_t count_value;

/* The pattern after a restore: the line the tests look for. */
static int count_check(uint64_t first, uint64_t npages, unsigned gen)
{
	if (app_mem_verify(first, npages)) {
		printk("count: memory lost after restore %u\n", gen);
		return -1;
	}
	if (npages)
		printk("count: %llu MiB verified after restore %u\n",
		       (unsigned long long)(npages / COUNT_PAGES_PER_MIB), gen);
	return 0;
}

int app_count_run(const struct app_env *env)
{
	uint64_t ms, limit, mib, first = 0, npages;
	unsigned gen = suspend_generation();

	if (app_mem_check_size(env, &mib) < 0)
		return PV_SHUTDOWN_crash;
	cmdline_get_u64(env->cmdline, "ms", 20, &ms);
	cmdline_get_u64(env->cmdline, "n", 0, &limit);
	npages = mib * COUNT_PAGES_PER_MIB;
	if (npages)
		first = mm_virt_to_gfn(mm_alloc_pages(npages));
	app_mem_touch(first, npages);
	printk("count: counting every %llu ms, %llu MiB of pattern\n", (unsigned long long)ms,
	       (unsigned long long)mib);
	while (!limit || count_value < limit) {
		count_value++;
		printk("count: %llu\n", (unsigned long long)count_value);
		if (gen != suspend_generation()) {
			gen = suspend_generation();
			if (count_check(first, npages, gen) < 0)
				return PV_SHUTDOWN_crash;
		}
		timer_sleep_ns(ms * 1000000ull);
	}
	printk("count: done at %llu\n", (unsigned long long)count_value);
	return PV_SHUTDOWN_poweroff;
}
