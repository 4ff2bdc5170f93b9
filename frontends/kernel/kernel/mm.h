/* Page allocation for the reference kernel: a bump allocator over the RAM no boot
 * piece uses. Pages are zero (fresh RAM, never reused) and cost the host nothing
 * until touched. Apps and drivers take what they need once; nothing
 * is freed (a balloon driver hands pages back to the hypervisor instead). */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include <stdint.h>

#include <pvisor/pvisor.h>

/* n contiguous zeroed pages, or NULL when RAM is exhausted. */
void *mm_alloc_pages(uint64_t n);
/* Pages still free at the top of the bump region. */
uint64_t mm_free_pages(void);
/* Guest frame number of a kernel virtual address. */
static inline uint64_t mm_virt_to_gfn(const void *va)
{
	return ((uint64_t)(uintptr_t)va - PV_PHYSMAP_BASE) >> PV_PAGE_SHIFT;
}

#endif
