/* dirty: a write load for live migration -- dirty pages of a mib=N MiB buffer at
 * rate=R MiB/s (0: as fast as it can), going round the buffer page by page. Each
 * write puts a new sequence number in the page's first word and remembers it; at
 * the end of every pass round the buffer all pages are read back, so a page that a
 * migration lost or sent stale is found ("dirty: page ... lost") and the domain
 * crashes. passes=P powers off after P passes (0: never). */
#include <pvisor/sched.h>

#include "apps/app.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/timer.h"

#define DIRTY_PAGES_PER_MIB (1ULL << (20 - PV_PAGE_SHIFT))
#define DIRTY_TICK_NS       1000000ull /* how often the rate is caught up with */

struct dirty {
	volatile uint64_t *buf; /* npages pages */
	uint64_t *expect;       /* what each page's first word must hold */
	uint64_t npages, seq, next;
	uint64_t pass;
};

static uint64_t *dirty_word(struct dirty *d, uint64_t page)
{
	return (uint64_t *)((uintptr_t)d->buf + page * PV_PAGE_SIZE);
}

/* Every page holds what was last written to it; 0 or -1 (reported). */
static int dirty_verify(struct dirty *d)
{
	for (uint64_t p = 0; p < d->npages; p++) {
		uint64_t got = *(volatile uint64_t *)dirty_word(d, p);

		if (got != d->expect[p]) {
			printk("dirty: page %llu (pfn 0x%llx) lost: reads %llu, wrote %llu\n",
			       (unsigned long long)p,
			       (unsigned long long)mm_virt_to_gfn((void *)dirty_word(d, p)),
			       (unsigned long long)got, (unsigned long long)d->expect[p]);
			return -1;
		}
	}
	return 0;
}

/* Write the next page; at the end of a pass, check them all. */
static int dirty_one(struct dirty *d)
{
	uint64_t p = d->next;

	*(volatile uint64_t *)dirty_word(d, p) = ++d->seq;
	d->expect[p] = d->seq;
	if (++d->next < d->npages)
		return 0;
	d->next = 0;
	d->pass++;
	if (dirty_verify(d) < 0)
		return -1;
	printk("dirty: pass %llu verified\n", (unsigned long long)d->pass);
	return 0;
}

static int dirty_setup(const struct app_env *env, struct dirty *d, uint64_t *rate)
{
	uint64_t mib;

	if (cmdline_get_u64(env->cmdline, "rate", 10, rate) < 0 ||
	    cmdline_get_u64(env->cmdline, "mib", 8, &mib) < 0 || mib == 0) {
		printk("dirty: give mib=N (N >= 1) and rate=R (MiB/s, 0: flat out)\n");
		return -1;
	}
	d->npages = mib * DIRTY_PAGES_PER_MIB;
	if (d->npages + (d->npages * 8 + PV_PAGE_SIZE - 1) / PV_PAGE_SIZE > mm_free_pages()) {
		printk("dirty: mib=%llu does not fit; raise the domain's memory\n",
		       (unsigned long long)mib);
		return -1;
	}
	d->buf = mm_alloc_pages(d->npages);
	d->expect = mm_alloc_pages((d->npages * 8 + PV_PAGE_SIZE - 1) / PV_PAGE_SIZE);
	for (uint64_t p = 0; p < d->npages; p++)
		d->expect[p] = *(volatile uint64_t *)dirty_word(d, p);
	printk("dirty: %llu MiB at pfn 0x%llx, %llu MiB/s\n", (unsigned long long)mib,
	       (unsigned long long)mm_virt_to_gfn((void *)d->buf), (unsigned long long)*rate);
	return 0;
}

int app_dirty_run(const struct app_env *env)
{
	struct dirty d = { 0 };
	uint64_t rate, passes, start, done = 0, per_s;

	if (dirty_setup(env, &d, &rate) < 0)
		return PV_SHUTDOWN_crash;
	cmdline_get_u64(env->cmdline, "passes", 0, &passes);
	per_s = rate * DIRTY_PAGES_PER_MIB;
	start = monotonic_ns();
	while (!passes || d.pass < passes) {
		uint64_t due = per_s ? (monotonic_ns() - start) / 1000 * per_s / 1000000
				     : done + 64;

		for (; done < due && (!passes || d.pass < passes); done++)
			if (dirty_one(&d) < 0)
				return PV_SHUTDOWN_crash;
		if (per_s)
			timer_sleep_ns(DIRTY_TICK_NS);
	}
	printk("dirty: done, %llu passes\n", (unsigned long long)d.pass);
	return PV_SHUTDOWN_poweroff;
}
