/* The reference kernel's page allocator (mm.h). vCPUs may allocate concurrently:
 * the bump pointer moves with compare-and-swap. */
#include <pvisor/pvisor.h>

#include "kernel/kernel.h"
#include "kernel/mm.h"

static uint64_t mm_next; /* guest-physical address of the next free page, 0 = unset */

static uint64_t mm_start(void)
{
	return (boot.free_start + PV_PAGE_SIZE - 1) & ~(PV_PAGE_SIZE - 1);
}

void *mm_alloc_pages(uint64_t n)
{
	uint64_t seen = __atomic_load_n(&mm_next, __ATOMIC_SEQ_CST), cur, next;

	for (;;) {
		cur = seen ? seen : mm_start();
		if (n == 0 || n > boot.nr_pages ||
		    cur + n * PV_PAGE_SIZE > boot.nr_pages * PV_PAGE_SIZE)
			return 0;
		next = cur + n * PV_PAGE_SIZE;
		if (__atomic_compare_exchange_n(&mm_next, &seen, next, 0, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			break;
	}
	/* Never handed out before, so still the zero pages the domain started with;
	 * not touching them here keeps untouched allocations free on the host. */
	return PHYS_TO_VIRT(cur);
}

uint64_t mm_free_pages(void)
{
	uint64_t cur = __atomic_load_n(&mm_next, __ATOMIC_SEQ_CST);

	if (!cur)
		cur = mm_start();
	return boot.nr_pages - cur / PV_PAGE_SIZE;
}
