/* gcopy: move mib=N MiB guest -> dom0 -> guest with GNTTABOP_copy done by dom0
 * (partner: `gnt_peer copy`, tests/tools/gnt_peer.c; protocol in apps/gnt_proto.h).
 * The guest fills a source buffer with a fixed pattern and grants it read-only,
 * dom0 copies it into its own buffer; the guest revokes those grants (every one must
 * come back: copies pin only while they run), grants a zeroed destination buffer
 * writable, dom0 copies its buffer there, and the guest compares checksums. Two
 * phases because 2 x 64 MiB needs more refs than a 64-frame table holds. */
#include <pvisor/errno.h>
#include <pvisor/sched.h>

#include "apps/app.h"
#include "apps/gnt_proto.h"
#include "kernel/gnttab.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/sched.h"

#define GCOPY_WAIT_NS        (120ull * 1000000000ull)
#define GCOPY_WORDS_PER_PAGE (PV_PAGE_SIZE / sizeof(uint64_t))

struct gcopy {
	volatile struct gcopy_ctrl *ctrl;
	int ctrl_ref;
	uint32_t first_ref; /* our own copy of the run published in ctrl */
	uint64_t *src, *dst;
	uint32_t pages;
	uint64_t checksum;
};

struct gcopy_wait {
	volatile struct gcopy_ctrl *ctrl;
	uint32_t state;
};

static int gcopy_state_is(void *arg)
{
	struct gcopy_wait *w = arg;

	return __atomic_load_n(&w->ctrl->state, __ATOMIC_ACQUIRE) == w->state;
}

static int gcopy_wait_dom0(struct gcopy *g, uint32_t state)
{
	struct gcopy_wait w = { g->ctrl, state };

	if (sched_wait_until(gcopy_state_is, &w, GCOPY_WAIT_NS) == 0)
		return 0;
	printk("gcopy: dom0 did not reach state %u in 120 s (state %u)\n", state, g->ctrl->state);
	return -1;
}

/* Grant the run of pages and publish it to dom0 with the new state. */
static int gcopy_publish(struct gcopy *g, uint64_t *buf, int readonly, uint32_t state)
{
	int first = gnttab_grant_access_range(0, mm_virt_to_gfn(buf), g->pages, readonly);

	if (first < 0) {
		printk("gcopy: granting %u pages failed: %d\n", g->pages, first);
		return -1;
	}
	g->first_ref = (uint32_t)first;
	g->ctrl->first_ref = (uint32_t)first;
	g->ctrl->count = g->pages;
	g->ctrl->checksum = g->checksum;
	g->ctrl->magic = GCOPY_MAGIC;
	__atomic_store_n(&g->ctrl->state, state, __ATOMIC_RELEASE);
	printk("gcopy: %s_refs=%d-%u pages=%u checksum=%016llx\n", readonly ? "src" : "dst",
	       first, (uint32_t)first + g->pages - 1, g->pages, (unsigned long long)g->checksum);
	return 0;
}

/* Every ref of the run must come back at once: nothing may be left pinned. */
static int gcopy_revoke(uint32_t first, uint32_t n)
{
	uint32_t busy = 0;

	for (uint32_t i = 0; i < n; i++)
		busy += gnttab_end_access(first + i) != 0;
	if (busy)
		printk("gcopy: %u of %u grants could not be revoked\n", busy, n);
	return busy ? -1 : 0;
}

static int gcopy_ctrl_revoked(void *arg)
{
	return gnttab_end_access((pv_grant_ref_t)(uintptr_t)arg) == 0;
}

static int gcopy_setup(const struct app_env *env, struct gcopy *g)
{
	uint64_t mib;
	int rc;

	if (cmdline_get_u64(env->cmdline, "mib", 64, &mib) < 0 || mib == 0 || mib > 64) {
		printk("gcopy: mib must be 1..64 (the grant table holds 2 x 64 MiB of refs)\n");
		return -1;
	}
	g->pages = (uint32_t)(mib << (20 - PV_PAGE_SHIFT));
	g->ctrl = mm_alloc_pages(1);
	g->src = mm_alloc_pages(g->pages);
	g->dst = mm_alloc_pages(g->pages);
	if (!g->ctrl || !g->src || !g->dst) {
		printk("gcopy: not enough memory for 2 x %llu MiB: raise the domain's memory\n",
		       (unsigned long long)mib);
		return -1;
	}
	rc = gnttab_init();
	if (rc) {
		printk("gcopy: grant table setup failed: %d\n", rc);
		return -1;
	}
	g->ctrl_ref = gnttab_grant_access(0, mm_virt_to_gfn((const void *)g->ctrl), 0);
	if (g->ctrl_ref < 0) {
		printk("gcopy: granting the control page failed: %d\n", g->ctrl_ref);
		return -1;
	}
	return 0;
}

int app_gcopy_run(const struct app_env *env)
{
	struct gcopy g;
	uint64_t words, got;

	if (gcopy_setup(env, &g))
		return PV_SHUTDOWN_crash;
	words = (uint64_t)g.pages * GCOPY_WORDS_PER_PAGE;
	for (uint64_t i = 0; i < words; i++)
		g.src[i] = gcopy_word(i);
	g.checksum = gcopy_checksum(g.src, words);
	printk("gcopy: ctrl_ref=%d\n", g.ctrl_ref);
	if (gcopy_publish(&g, g.src, 1, GCOPY_SRC_READY) || gcopy_wait_dom0(&g, GCOPY_SRC_COPIED))
		return PV_SHUTDOWN_crash;
	if (gcopy_revoke(g.first_ref, g.pages) || gcopy_publish(&g, g.dst, 0, GCOPY_DST_READY) ||
	    gcopy_wait_dom0(&g, GCOPY_DST_COPIED))
		return PV_SHUTDOWN_crash;
	got = gcopy_checksum(g.dst, words);
	if (gcopy_revoke(g.first_ref, g.pages))
		return PV_SHUTDOWN_crash;
	if (got != g.checksum) {
		printk("gcopy: result MISMATCH src=%016llx dst=%016llx\n",
		       (unsigned long long)g.checksum, (unsigned long long)got);
		return PV_SHUTDOWN_crash;
	}
	printk("gcopy: result ok checksum=%016llx\n", (unsigned long long)got);
	if (sched_wait_until(gcopy_ctrl_revoked, (void *)(uintptr_t)g.ctrl_ref, GCOPY_WAIT_NS)) {
		printk("gcopy: dom0 kept the control page mapped\n");
		return PV_SHUTDOWN_crash;
	}
	return PV_SHUTDOWN_poweroff;
}
