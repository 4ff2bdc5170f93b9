/* mem: make the domain really use memory -- write one byte in every page of mib=N
 * MiB past everything the builder placed, read it all back, then idle forever so
 * tests can look at the domain's footprint (lazy memory, ballooning, save). give=1
 * hands the touched pages to the balloon afterwards: resident, yet free for the
 * balloon to give back when the toolstack lowers memory/target (pvx mem-set).
 * disks=1 opens the domain's virtual disks first (they close at a toolstack
 * power-off). */
#include <pvisor/sched.h>

#include "apps/app.h"
#include "kernel/balloon.h"
#include "kernel/blkfront.h"
#include "kernel/ctl.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/sched.h"

#define MEM_PAGES_PER_MIB (1ULL << (20 - PV_PAGE_SHIFT))

/* A byte that differs between neighbouring pages and is never 0 (fresh memory). */
static uint8_t mem_pattern(uint64_t pfn)
{
	return (uint8_t)(pfn * 131 + 7) | 1;
}

void app_mem_touch(uint64_t first_pfn, uint64_t npages)
{
	for (uint64_t pfn = first_pfn; pfn < first_pfn + npages; pfn++)
		*(volatile uint8_t *)PHYS_TO_VIRT(pfn << PV_PAGE_SHIFT) = mem_pattern(pfn);
}

/* Returns the first page that does not read back its pattern, or 0 if all do. */
uint64_t app_mem_verify(uint64_t first_pfn, uint64_t npages)
{
	for (uint64_t pfn = first_pfn; pfn < first_pfn + npages; pfn++) {
		uint8_t b = *(volatile uint8_t *)PHYS_TO_VIRT(pfn << PV_PAGE_SHIFT);

		if (b != mem_pattern(pfn)) {
			printk("mem: page 0x%llx reads 0x%02x, wrote 0x%02x\n",
			       (unsigned long long)pfn, b, mem_pattern(pfn));
			return pfn;
		}
	}
	return 0;
}

int app_mem_check_size(const struct app_env *env, uint64_t *mib)
{
	uint64_t avail = mm_free_pages() / MEM_PAGES_PER_MIB;

	/* mib=0 (or no mib) touches nothing: an idle guest that only blocks */
	if (cmdline_get_u64(env->cmdline, "mib", 0, mib) < 0) {
		printk("mem: give the amount to touch as mib=N (N >= 0)\n");
		return -1;
	}
	if (*mib > avail) {
		printk("mem: mib=%llu is more than the %llu MiB free past the kernel; "
		       "lower mib or raise the domain's memory\n",
		       (unsigned long long)*mib, (unsigned long long)avail);
		return -1;
	}
	return 0;
}

int app_mem_run(const struct app_env *env)
{
	uint64_t first = 0, mib, npages, give, disks;

	if (app_mem_check_size(env, &mib) < 0 ||
	    cmdline_get_u64(env->cmdline, "give", 0, &give) < 0 ||
	    cmdline_get_u64(env->cmdline, "disks", 0, &disks) < 0)
		return PV_SHUTDOWN_crash;
	if (disks)
		printk("mem: %d disk(s) open\n", blkfront_probe());
	npages = mib * MEM_PAGES_PER_MIB;
	if (npages)
		first = mm_virt_to_gfn(mm_alloc_pages(npages));
	app_mem_touch(first, npages);
	if (app_mem_verify(first, npages))
		return PV_SHUTDOWN_crash;
	if (give && npages && balloon_give(PHYS_TO_VIRT(first << PV_PAGE_SHIFT), npages) < 0)
		printk("mem: the balloon did not take the pages\n");
	printk("mem: touched %llu MiB%s\n", (unsigned long long)mib,
	       give && npages ? ", handed to the balloon" : "");
	printk_flush();
	for (;;)
		ctl_idle(); /* and follow the toolstack: balloon target, vCPUs, sysrq */
}
