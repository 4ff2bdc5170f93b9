/* evtping: event-channel ping-pong. The guest publishes a mailbox page on the
 * console; a dom0 tool fills it (role, peer, port: evtping_mailbox.h). A listener
 * answers every event on its port; a connector binds to the peer's port, sends
 * rounds pings and reports the round-trip times. mode: block (upcall wakes a
 * SCHEDOP_block) or poll (masked port, spin on the pending bit). */
#include <pvisor/sched.h>

#include "apps/app.h"
#include "apps/evtping_mailbox.h"
#include "arch/x86_64/cpu.h"
#include "kernel/evtchn.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "lib/sort.h"

#define EVTPING_MAX_ROUNDS 100000

static volatile int evtping_flag;
static uint64_t evtping_rtt[EVTPING_MAX_ROUNDS];

static void evtping_on_event(uint32_t port, void *data)
{
	(void)port;
	(void)data;
	evtping_flag = 1;
}

/* Wait for the next event on port, as the mode says. */
static void evtping_wait(uint32_t port, uint32_t mode)
{
	if (mode == EVTPING_POLL) {
		while (!evtchn_test_and_clear_pending(port))
			cpu_relax();
		return;
	}
	evtchn_wait_flag(&evtping_flag);
	evtping_flag = 0;
}

static struct evtping_mailbox *evtping_mailbox_wait(void)
{
	volatile struct evtping_mailbox *mb = mm_alloc_pages(1);

	if (!mb)
		return 0;
	/* evtchn_peer reads this line in the hypervisor log (console_io); the console
	 * shows it too. */
	printk_hv("evtping: mailbox gfn=0x%llx\n",
		  (unsigned long long)mm_virt_to_gfn((void *)mb));
	while (mb->magic != EVTPING_MAGIC)
		timer_sleep_ns(1000000);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return (struct evtping_mailbox *)mb;
}

static void evtping_report(uint32_t n, uint32_t mode)
{
	sort_u64(evtping_rtt, n);
	printk("evtping: %u round trips (%s): median %llu ns, p99 %llu ns, min %llu ns\n", n,
	       mode == EVTPING_POLL ? "poll" : "block", (unsigned long long)evtping_rtt[n / 2],
	       (unsigned long long)evtping_rtt[(uint64_t)n * 99 / 100],
	       (unsigned long long)evtping_rtt[0]);
}

static int evtping_run(uint32_t port, const struct evtping_mailbox *mb)
{
	uint32_t n = mb->rounds, mode = mb->mode;

	if (mode == EVTPING_POLL)
		evtchn_mask(port);
	else
		evtchn_bind_handler(port, evtping_on_event, 0);
	for (uint32_t i = 0; i < n; i++) {
		if (mb->role == EVTPING_LISTEN) {
			evtping_wait(port, mode);
			evtchn_send(port);
		} else {
			uint64_t t0 = monotonic_ns();

			evtchn_send(port);
			evtping_wait(port, mode);
			evtping_rtt[i] = monotonic_ns() - t0;
		}
	}
	if (mb->role == EVTPING_CONNECT)
		evtping_report(n, mode);
	else
		printk("evtping: answered %u pings\n", n);
	return PV_SHUTDOWN_poweroff;
}

int app_evtping_run(const struct app_env *env)
{
	struct evtping_mailbox *mb = evtping_mailbox_wait();
	int port;

	(void)env;
	if (!mb)
		return PV_SHUTDOWN_crash;
	if (mb->rounds == 0 || mb->rounds > EVTPING_MAX_ROUNDS || mb->mode > EVTPING_POLL ||
	    (mb->role != EVTPING_LISTEN && mb->role != EVTPING_CONNECT)) {
		printk("evtping: bad mailbox (role %u, rounds %u, mode %u)\n", mb->role,
		       mb->rounds, mb->mode);
		return PV_SHUTDOWN_crash;
	}
	if (mb->role == EVTPING_LISTEN) {
		port = (int)mb->port;
	} else {
		port = evtchn_bind_interdomain((pv_domid_t)mb->peer_dom, mb->port);
		if (port < 0) {
			printk("evtping: bind to dom%u port %u failed: %d\n", mb->peer_dom,
			       mb->port, port);
			return PV_SHUTDOWN_crash;
		}
		/* Binding raises our port once (lost notifications): not a pong. */
		evtchn_test_and_clear_pending((uint32_t)port);
	}
	printk("evtping: %s on port %d, peer dom%u, %u rounds\n",
	       mb->role == EVTPING_LISTEN ? "listening" : "connected", port, mb->peer_dom,
	       mb->rounds);
	return evtping_run((uint32_t)port, mb);
}
