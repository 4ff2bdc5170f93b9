/* grant: share pages with dom0 and take them back (the partner is
 * `gnt_peer map`, tests/tools/gnt_peer.c; markers in apps/gnt_proto.h). Grants one
 * page writable, one read-only and one to a domain that is not dom0, prints the
 * refs, waits for dom0's marker, checks that end_access is refused while dom0 has
 * the page mapped, acknowledges, then ends every grant once dom0 unmapped. */
#include <pvisor/errno.h>
#include <pvisor/sched.h>

#include "apps/app.h"
#include "apps/gnt_proto.h"
#include "kernel/gnttab.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "lib/kstring.h"

#define GRANT_WAIT_NS (60ull * 1000000000ull)

struct grant_pages {
	char *rw, *ro, *other;
	int rw_ref, ro_ref, other_ref;
};

static int grant_dom0_wrote(void *arg)
{
	const volatile char *p = (const char *)arg + GNT_DOM0_OFF;

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return memcmp((const char *)p, GNT_DOM0_HELLO, sizeof(GNT_DOM0_HELLO)) == 0;
}

static int grant_revoked(void *arg)
{
	return gnttab_end_access((pv_grant_ref_t)(uintptr_t)arg) == 0;
}

static int grant_share(struct grant_pages *g)
{
	g->rw = mm_alloc_pages(1);
	g->ro = mm_alloc_pages(1);
	g->other = mm_alloc_pages(1);
	if (!g->rw || !g->ro || !g->other) {
		printk("grant: out of memory\n");
		return -PV_ENOMEM;
	}
	memcpy(g->rw, GNT_GUEST_HELLO, sizeof(GNT_GUEST_HELLO));
	memcpy(g->ro, GNT_RO_TEXT, sizeof(GNT_RO_TEXT));
	g->rw_ref = gnttab_grant_access(0, mm_virt_to_gfn(g->rw), 0);
	g->ro_ref = gnttab_grant_access(0, mm_virt_to_gfn(g->ro), 1);
	g->other_ref = gnttab_grant_access(GNT_OTHER_DOMID, mm_virt_to_gfn(g->other), 0);
	if (g->rw_ref < 0 || g->ro_ref < 0 || g->other_ref < 0) {
		printk("grant: granting failed (%d %d %d)\n", g->rw_ref, g->ro_ref, g->other_ref);
		return -PV_ENOSPC;
	}
	printk("grant: ref=%d gfn=0x%llx ro_ref=%d other_ref=%d\n", g->rw_ref,
	       (unsigned long long)mm_virt_to_gfn(g->rw), g->ro_ref, g->other_ref);
	return 0;
}

/* dom0 has the page mapped now: revoking must fail and leave the grant in force. */
static int grant_check_refused(struct grant_pages *g)
{
	int rc = gnttab_end_access((pv_grant_ref_t)g->rw_ref);

	if (rc != -PV_EBUSY) {
		printk("grant: end_access while mapped returned %d, expected %d\n", rc,
		       -PV_EBUSY);
		return -1;
	}
	printk("grant: end_access while mapped: refused (%d)\n", rc);
	memcpy(g->rw + GNT_ACK_OFF, GNT_GUEST_ACK, sizeof(GNT_GUEST_ACK));
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return 0;
}

static int grant_end_all(struct grant_pages *g)
{
	int refs[3] = { g->rw_ref, g->ro_ref, g->other_ref };

	for (int i = 0; i < 3; i++) {
		if (sched_wait_until(grant_revoked, (void *)(uintptr_t)refs[i], GRANT_WAIT_NS)) {
			printk("grant: ref %d still in use after 60 s\n", refs[i]);
			return -1;
		}
	}
	printk("grant: end_access after unmap: ok\n");
	return 0;
}

int app_grant_run(const struct app_env *env)
{
	struct grant_pages g;
	int rc;

	(void)env;
	rc = gnttab_init();
	if (rc) {
		printk("grant: grant table setup failed: %d\n", rc);
		return PV_SHUTDOWN_crash;
	}
	if (grant_share(&g))
		return PV_SHUTDOWN_crash;
	if (sched_wait_until(grant_dom0_wrote, g.rw, GRANT_WAIT_NS)) {
		printk("grant: no marker from dom0 after 60 s\n");
		return PV_SHUTDOWN_crash;
	}
	printk("grant: dom0 wrote \"%s\"\n", g.rw + GNT_DOM0_OFF);
	if (grant_check_refused(&g) || grant_end_all(&g))
		return PV_SHUTDOWN_crash;
	printk("grant: done\n");
	return PV_SHUTDOWN_poweroff;
}
