/* The reference kernel's balloon driver (balloon.h). Two bitmaps over the RAM
 * frames say which are out (given back) and which are in the pool (ours to give). */
#include <pvisor/errno.h>
#include <pvisor/memory.h>

#include "arch/x86_64/hypercall.h"
#include "kernel/balloon.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "lib/kstring.h"

#define BALLOON_BATCH 512 /* frames per hypercall: one page of frame numbers */

static uint64_t *balloon_out_map;  /* frames given back */
static uint64_t *balloon_pool_map; /* frames we hold and may give back */
static uint64_t balloon_nr_out, balloon_nr_pool;
static pv_gpfn_t balloon_batch[BALLOON_BATCH];

static int bit_test(const uint64_t *map, uint64_t i)
{
	return (int)(map[i / 64] >> (i % 64) & 1);
}

static void bit_set(uint64_t *map, uint64_t i, int on)
{
	if (on)
		map[i / 64] |= 1ull << (i % 64);
	else
		map[i / 64] &= ~(1ull << (i % 64));
}

/* Collect up to max set bits of map, lowest first, into balloon_batch. */
static unsigned bit_collect(const uint64_t *map, unsigned max)
{
	unsigned n = 0;

	for (uint64_t w = 0; w < (boot.nr_pages + 63) / 64 && n < max; w++) {
		for (uint64_t bits = map[w]; bits && n < max; bits &= bits - 1)
			balloon_batch[n++] = w * 64 + (uint64_t)__builtin_ctzll(bits);
	}
	return n;
}

static int balloon_init(void)
{
	uint64_t pages = (boot.nr_pages / 64 * 8 + 8 + PV_PAGE_SIZE - 1) / PV_PAGE_SIZE;

	if (!balloon_out_map)
		balloon_out_map = mm_alloc_pages(pages);
	if (!balloon_pool_map)
		balloon_pool_map = mm_alloc_pages(pages);
	return balloon_out_map && balloon_pool_map ? 0 : -PV_ENOMEM;
}

/*
 * Run cmd over the n frames in balloon_batch. The frames the hypervisor did move
 * from one bitmap (and count) to the other. Returns that number or its error.
 */
static long balloon_batch_op(unsigned cmd, unsigned n, uint64_t *from, uint64_t *nr_from,
			     uint64_t *to, uint64_t *nr_to)
{
	struct pv_memory_reservation r = { .extent_start = (uintptr_t)balloon_batch,
					   .nr_extents = n,
					   .extent_order = 0,
					   .domid = PV_DOMID_SELF };
	long rc = HYPERVISOR_memory_op(cmd, &r);

	if (rc < 0)
		return rc;
	rc = rc > (long)n ? (long)n : rc;
	for (long i = 0; i < rc; i++) {
		bit_set(from, balloon_batch[i], 0);
		bit_set(to, balloon_batch[i], 1);
	}
	*nr_from -= (uint64_t)rc;
	*nr_to += (uint64_t)rc;
	return rc;
}

/* Fill the pool with up to want fresh pages from the allocator. */
static void balloon_refill(uint64_t want)
{
	for (; want; want--) {
		void *p = mm_alloc_pages(1);

		if (!p)
			return;
		bit_set(balloon_pool_map, mm_virt_to_gfn(p), 1);
		balloon_nr_pool++;
	}
}

/* Move up to pages frames out of the pool to the hypervisor (out) or back. */
static long balloon_move(int out, uint64_t pages)
{
	uint64_t done = 0;

	while (done < pages) {
		uint64_t want = pages - done < BALLOON_BATCH ? pages - done : BALLOON_BATCH;
		unsigned n;
		long rc;

		if (out && balloon_nr_pool < want)
			balloon_refill(want - balloon_nr_pool);
		n = bit_collect(out ? balloon_pool_map : balloon_out_map, (unsigned)want);
		if (n == 0)
			break;
		if (out)
			rc = balloon_batch_op(PV_XENMEM_decrease_reservation, n, balloon_pool_map,
					      &balloon_nr_pool, balloon_out_map, &balloon_nr_out);
		else
			rc = balloon_batch_op(PV_XENMEM_populate_physmap, n, balloon_out_map,
					      &balloon_nr_out, balloon_pool_map,
					      &balloon_nr_pool);
		if (rc < 0)
			return done ? (long)done : rc;
		done += (uint64_t)rc;
		if ((unsigned long)rc < n)
			break;
	}
	return (long)done;
}

long balloon_out(uint64_t pages)
{
	return balloon_init() ? -PV_ENOMEM : balloon_move(1, pages);
}

long balloon_in(uint64_t pages)
{
	return balloon_out_map && balloon_pool_map ? balloon_move(0, pages) : 0;
}

int balloon_give(void *va, uint64_t pages)
{
	uint64_t first = mm_virt_to_gfn(va);

	if ((uintptr_t)va < PV_PHYSMAP_BASE || ((uintptr_t)va & (PV_PAGE_SIZE - 1)) ||
	    first >= boot.nr_pages || pages > boot.nr_pages - first)
		return -PV_EINVAL;
	if (balloon_init())
		return -PV_ENOMEM;
	for (uint64_t g = first; g < first + pages; g++) {
		if (!bit_test(balloon_pool_map, g) && !bit_test(balloon_out_map, g)) {
			bit_set(balloon_pool_map, g, 1);
			balloon_nr_pool++;
		}
	}
	return 0;
}

void *balloon_take(void)
{
	unsigned n;

	if (!balloon_pool_map || !balloon_nr_pool || !(n = bit_collect(balloon_pool_map, 1)))
		return NULL;
	bit_set(balloon_pool_map, balloon_batch[0], 0);
	balloon_nr_pool--;
	return PHYS_TO_VIRT(balloon_batch[0] << PV_PAGE_SHIFT);
}

uint64_t balloon_pages_out(void)
{
	return balloon_nr_out;
}

long balloon_reservation(void)
{
	pv_domid_t self = PV_DOMID_SELF;

	return HYPERVISOR_memory_op(PV_XENMEM_current_reservation, &self);
}
