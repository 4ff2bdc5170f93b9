/* balloon: make the domain use most of its memory, then give pct=P percent of its
 * reservation back to the hypervisor and idle, so a test can watch the host memory
 * of the domain process fall. First a self-test of the driver (a page given back
 * and taken back reads zeros). The trigger is time: delay_ms after the `ready`
 * line, so a test has a window to measure before the balloon moves. */
#include <pvisor/sched.h>

#include "apps/app.h"
#include "arch/x86_64/hypercall.h"
#include "kernel/balloon.h"
#include "kernel/ctl.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "lib/kstring.h"

#define BALLOON_SELFTEST_PAGES 256
#define BALLOON_KEEP_PAGES     1024 /* left to the allocator after the working set */
#define BALLOON_KIB(pages)     ((unsigned long long)(pages) * (PV_PAGE_SIZE / 1024))

/* Give pages with a pattern back, take them back, check they read zeros. */
static int balloon_selftest(void)
{
	uint8_t *p = mm_alloc_pages(BALLOON_SELFTEST_PAGES);
	long before = balloon_reservation(), rc;

	if (!p || before < 0)
		return printk("balloon: self-test: no memory or no reservation\n"), -1;
	memset(p, 0x5a, BALLOON_SELFTEST_PAGES * PV_PAGE_SIZE);
	if (balloon_give(p, BALLOON_SELFTEST_PAGES) < 0 ||
	    (rc = balloon_out(BALLOON_SELFTEST_PAGES)) != BALLOON_SELFTEST_PAGES ||
	    balloon_reservation() != before - BALLOON_SELFTEST_PAGES)
		return printk("balloon: self-test: giving back failed\n"), -1;
	if (balloon_in(BALLOON_SELFTEST_PAGES) != BALLOON_SELFTEST_PAGES ||
	    balloon_reservation() != before)
		return printk("balloon: self-test: taking back failed\n"), -1;
	/* the pool holds exactly those pages again */
	for (unsigned i = 0; i < BALLOON_SELFTEST_PAGES; i++) {
		uint8_t *pg = balloon_take();

		if (pg != p + i * PV_PAGE_SIZE || pg[0] || pg[PV_PAGE_SIZE - 1])
			return printk("balloon: self-test: page %u not back or not zero\n", i),
			       -1;
	}
	if (balloon_take() || balloon_give(p, BALLOON_SELFTEST_PAGES) < 0)
		return printk("balloon: self-test: pool in disorder\n"), -1;
	printk("balloon: self-test ok (%u pages out and back, zeroed)\n", BALLOON_SELFTEST_PAGES);
	return 0;
}

/* Block until system time reaches deadline (SCHEDOP_poll on no port, with timeout). */
static void balloon_sleep_until(uint64_t deadline)
{
	while (monotonic_ns() < deadline) {
		struct pv_sched_poll sp = { .ports = (uintptr_t)&deadline,
					    .nr_ports = 0,
					    .timeout = deadline };

		if (HYPERVISOR_sched_op(PV_SCHEDOP_poll, &sp) < 0)
			sched_yield();
	}
}

/* Take most of the free memory and write every page of it. */
static uint64_t balloon_touch(void **work)
{
	uint64_t n = mm_free_pages();

	n = n > BALLOON_KEEP_PAGES ? n - BALLOON_KEEP_PAGES : 0;
	*work = n ? mm_alloc_pages(n) : NULL;
	if (!*work)
		return 0;
	for (uint64_t i = 0; i < n; i++)
		((volatile uint8_t *)*work)[i * PV_PAGE_SIZE + 9] = (uint8_t)(i | 1);
	return n;
}

static int balloon_args(const struct app_env *env, uint64_t *pct, uint64_t *delay_ms)
{
	if (cmdline_get_u64(env->cmdline, "pct", 50, pct) < 0 || *pct == 0 || *pct > 95 ||
	    cmdline_get_u64(env->cmdline, "delay_ms", 2000, delay_ms) < 0 ||
	    *delay_ms > 3600000) {
		printk("balloon: give pct=1..95 and delay_ms=0..3600000\n");
		return -1;
	}
	return 0;
}

int app_balloon_run(const struct app_env *env)
{
	uint64_t pct, delay_ms, touched, target;
	void *work;
	long res, done;

	if (balloon_args(env, &pct, &delay_ms) < 0 || balloon_selftest() < 0)
		return PV_SHUTDOWN_crash;
	touched = balloon_touch(&work);
	res = balloon_reservation();
	if (!touched || res <= 0)
		return printk("balloon: nothing to touch (reservation %ld)\n", res),
		       PV_SHUTDOWN_crash;
	printk("balloon: ready touched_kib=%llu reservation_kib=%llu; giving back %llu%% in %llu ms\n",
	       BALLOON_KIB(touched), BALLOON_KIB(res), (unsigned long long)pct,
	       (unsigned long long)delay_ms);
	printk_flush();
	balloon_sleep_until(monotonic_ns() + delay_ms * 1000000);
	/* the work is done: its pages are the balloon's to give */
	balloon_give(work, touched);
	target = (uint64_t)res * pct / 100;
	done = balloon_out(target);
	res = balloon_reservation();
	if (done < 0 || (uint64_t)done != target)
		return printk("balloon: gave back %ld of %llu pages\n", done,
			      (unsigned long long)target),
		       PV_SHUTDOWN_crash;
	printk("balloon: down released_kib=%llu reservation_kib=%llu\n", BALLOON_KIB(done),
	       BALLOON_KIB(res));
	printk_flush();
	for (;;)
		ctl_idle(); /* and follow the toolstack: balloon target, vCPUs, sysrq */
}
