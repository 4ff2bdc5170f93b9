/* Balloon driver of the reference kernel: hands RAM pages back to the hypervisor
 * (XENMEM_decrease_reservation) and takes them back (XENMEM_populate_physmap), in
 * batches. The kernel's allocator never frees, so the balloon keeps a pool of the
 * pages it may give away: pages a caller hands over with balloon_give and pages
 * taken back with balloon_in. One caller at a time. */
#ifndef KERNEL_BALLOON_H
#define KERNEL_BALLOON_H

#include <stdint.h>

/*
 * Give pages back to the hypervisor: first from the pool, then fresh pages from the
 * page allocator. Returns how many went (fewer when memory runs out or the
 * hypervisor stops early), or a negative PV_E* if none could (no memory for the
 * driver's bitmaps, or the hypervisor refused the first batch).
 */
long balloon_out(uint64_t pages);

/*
 * Take back up to `pages` of the pages given back, lowest frames first; they
 * return zeroed into the pool. Returns how many came back (fewer when the maximum
 * reservation is reached), or a negative PV_E* if the first batch failed.
 */
long balloon_in(uint64_t pages);

/* Hand the pool `pages` pages at va (page-aligned RAM the caller owns and no longer
 * uses). Returns 0, -PV_EINVAL for a range outside RAM, or -PV_ENOMEM. */
int balloon_give(void *va, uint64_t pages);

/* One page out of the pool for the kernel to use, or NULL if the pool is empty. */
void *balloon_take(void);

/* Pages given back and not taken back yet. */
uint64_t balloon_pages_out(void);

/* The domain's current reservation in pages (XENMEM_current_reservation), or a
 * negative PV_E*. */
long balloon_reservation(void);

#endif
