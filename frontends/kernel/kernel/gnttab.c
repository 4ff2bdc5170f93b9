/* The reference kernel's grant table (gnttab.h): the frames setup_table returns
 * are already mapped (they sit in the physmap past RAM); refs are handed out from a
 * bitmap, one at a time or as consecutive runs for big buffers. */
#include <pvisor/errno.h>

#include "arch/x86_64/hypercall.h"
#include "kernel/gnttab.h"
#include "kernel/kernel.h"
#include "lib/grant_entry.h"

#define GNT_PER_FRAME (PV_PAGE_SIZE / sizeof(struct pv_grant_entry_v1))
#define GNT_MAX       (PV_GNTTAB_MAX_FRAMES * GNT_PER_FRAME)

static struct pv_grant_entry_v1 *gnt_frames[PV_GNTTAB_MAX_FRAMES];
static uint32_t gnt_nr;                 /* entries usable */
static uint64_t gnt_used[GNT_MAX / 64]; /* bit per ref: granted (or reserved) */
static uint32_t gnt_hint;               /* where the next search starts */
static char gnt_lock_flag;

static void gnt_lock(void)
{
	while (__atomic_test_and_set(&gnt_lock_flag, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

static void gnt_unlock(void)
{
	__atomic_clear(&gnt_lock_flag, __ATOMIC_RELEASE);
}

static int gnt_is_used(uint32_t ref)
{
	return (gnt_used[ref / 64] >> (ref % 64)) & 1;
}

static void gnt_mark(uint32_t ref, int used)
{
	if (used)
		gnt_used[ref / 64] |= 1ull << (ref % 64);
	else
		gnt_used[ref / 64] &= ~(1ull << (ref % 64));
}

static struct pv_grant_entry_v1 *gnt_entry(uint32_t ref)
{
	return &gnt_frames[ref / GNT_PER_FRAME][ref % GNT_PER_FRAME];
}

int gnttab_init(void)
{
	static uint64_t frames[PV_GNTTAB_MAX_FRAMES];
	struct pv_gnttab_query_size q = { .dom = PV_DOMID_SELF };
	struct pv_gnttab_setup_table st = { .dom = PV_DOMID_SELF };
	int rc;

	if (gnt_nr)
		return 0;
	rc = HYPERVISOR_grant_table_op(PV_GNTTABOP_query_size, &q, 1);
	if (rc || q.status)
		return rc ? rc : q.status;
	st.nr_frames = q.max_nr_frames < PV_GNTTAB_MAX_FRAMES ? q.max_nr_frames
							      : PV_GNTTAB_MAX_FRAMES;
	st.frame_list = (uint64_t)(uintptr_t)frames;
	rc = HYPERVISOR_grant_table_op(PV_GNTTABOP_setup_table, &st, 1);
	if (rc || st.status)
		return rc ? rc : st.status;
	for (uint32_t i = 0; i < st.nr_frames; i++)
		gnt_frames[i] = PHYS_TO_VIRT(frames[i] << PV_PAGE_SHIFT);
	for (uint32_t ref = 0; ref < PV_GNTTAB_NR_RESERVED_ENTRIES; ref++)
		gnt_mark(ref, 1);
	gnt_hint = PV_GNTTAB_NR_RESERVED_ENTRIES;
	__atomic_store_n(&gnt_nr, st.nr_frames * (uint32_t)GNT_PER_FRAME, __ATOMIC_RELEASE);
	return 0;
}

uint32_t gnttab_nr_entries(void)
{
	return __atomic_load_n(&gnt_nr, __ATOMIC_ACQUIRE);
}

/* A run of n free refs in [from, gnt_nr), or -1. */
static int64_t gnt_find_run(uint32_t from, uint32_t n)
{
	uint32_t run = 0;

	for (uint32_t ref = from; ref < gnt_nr; ref++) {
		run = gnt_is_used(ref) ? 0 : run + 1;
		if (run == n)
			return ref + 1 - n;
	}
	return -1;
}

/* Take n consecutive refs: from the hint on, then from the first unreserved ref. */
static int64_t gnt_alloc(uint32_t n)
{
	int64_t first;

	gnt_lock();
	first = gnt_find_run(gnt_hint, n);
	if (first < 0)
		first = gnt_find_run(PV_GNTTAB_NR_RESERVED_ENTRIES, n);
	if (first >= 0) {
		for (uint32_t i = 0; i < n; i++)
			gnt_mark((uint32_t)first + i, 1);
		gnt_hint = (uint32_t)first + n;
	}
	gnt_unlock();
	return first;
}

int gnttab_grant_access_range(pv_domid_t domid, uint64_t first_gfn, uint32_t n, int readonly)
{
	int64_t first;

	if (!gnttab_nr_entries() || n == 0 || first_gfn + n > UINT32_MAX)
		return -PV_EINVAL;
	first = gnt_alloc(n);
	if (first < 0)
		return -PV_ENOSPC;
	for (uint32_t i = 0; i < n; i++)
		grant_entry_set(gnt_entry((uint32_t)first + i), domid, (uint32_t)(first_gfn + i),
				readonly);
	return (int)first;
}

int gnttab_grant_access(pv_domid_t domid, uint64_t gfn, int readonly)
{
	return gnttab_grant_access_range(domid, gfn, 1, readonly);
}

int gnttab_end_access(pv_grant_ref_t ref)
{
	int rc;

	if (ref < PV_GNTTAB_NR_RESERVED_ENTRIES || ref >= gnttab_nr_entries())
		return -PV_EINVAL;
	gnt_lock();
	if (!gnt_is_used(ref)) {
		gnt_unlock();
		return -PV_EINVAL;
	}
	rc = grant_entry_revoke(gnt_entry(ref));
	if (rc == 0)
		gnt_mark(ref, 0);
	gnt_unlock();
	return rc;
}
