/* Xen's PV suspend and resume of the reference kernel (suspend.h). */
#include <pvisor/errno.h>

#include "arch/x86_64/hypercall.h"
#include "kernel/blkfront.h"
#include "kernel/console.h"
#include "kernel/console_ring.h"
#include "kernel/evtchn.h"
#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/suspend.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xenbus.h"

static volatile unsigned suspend_gen;
static int suspend_on = 1;

unsigned suspend_generation(void)
{
	return __atomic_load_n(&suspend_gen, __ATOMIC_ACQUIRE);
}

void suspend_set_enabled(int on)
{
	suspend_on = on;
}

int suspend_enabled(void)
{
	return suspend_on;
}

/* The new domain: what the core binds, in an order that wakes every waiter only
 * once its driver can see that a restore happened. */
static void suspend_resume_core(void)
{
	evtchn_resume();
	__atomic_add_fetch(&suspend_gen, 1, __ATOMIC_RELEASE);
	blkfront_resumed();
	console_ring_resume(boot.start_info);
	timer_resume();
}

int suspend_run(void)
{
	uint64_t si_gfn = VIRT_TO_PHYS(boot.start_info) >> PV_PAGE_SHIFT;
	uint64_t t0 = monotonic_ns();
	int rc;

	if (!suspend_on)
		return -PV_EOPNOTSUPP;
	printk("pvkernel: suspending\n");
	printk_flush();
	rc = HYPERVISOR_suspend(si_gfn);
	if (rc == 0) {
		suspend_resume_core();
		printk("pvkernel: resumed in a restored domain (%llu us after the suspend "
		       "call, by this kernel's clock)\n",
		       (unsigned long long)((monotonic_ns() - t0) / 1000));
	} else if (rc == 1) {
		printk("pvkernel: suspend cancelled, running on\n");
	} else {
		printk("pvkernel: suspend failed (%d)\n", rc);
	}
	return rc;
}

static volatile int suspend_deferred;

static void suspend_now(void)
{
	int rc;

	xenbus_suspend_begin();
	rc = suspend_run();
	xenbus_suspend_end(rc == 0);
}

/*
 * Never from an event callback: the pv launcher runs it inside its upcall signal
 * handler, where the stop that the suspend call brings cannot be delivered until
 * the handler returns -- the call would return 0 on this very host (as if
 * restored) and the registers saved would be those of the code the upcall
 * interrupted. Linux suspends from a thread, never from an interrupt; here the
 * request waits for the next thread-context point that blocks (sched_block).
 */
void suspend_request(void)
{
	if (!suspend_on) {
		printk("xenbus: control/shutdown \"suspend\" is not supported by this kernel "
		       "(suspend=0)\n");
		return;
	}
	if (evtchn_in_upcall()) {
		__atomic_store_n(&suspend_deferred, 1, __ATOMIC_SEQ_CST);
		return;
	}
	suspend_now();
}

void suspend_poll(void)
{
	if (__atomic_load_n(&suspend_deferred, __ATOMIC_SEQ_CST) && !evtchn_in_upcall() &&
	    __atomic_exchange_n(&suspend_deferred, 0, __ATOMIC_SEQ_CST))
		suspend_now();
}
