/* The console ring driver (see console_ring.h). Output is flow-controlled: when
 * out[] is full the writer sleeps in SCHEDOP_poll on the console port until the
 * backend consumes and notifies, so a slow dom0 slows the guest instead of
 * losing its messages. Input is taken straight from in[] by the one reader; the
 * event handler only records the wake-up. */
#include <pvisor/errno.h>
#include <pvisor/sched.h>

#include "arch/x86_64/hypercall.h"
#include "console_ring.h"
#include "evtchn.h"
#include "kernel.h"
#include "lib/consring.h"
#include "sched.h"
#include "suspend.h"
#include "time.h"

/* Upper bound of one sleep: a lost notification costs at most this. */
#define CONSOLE_RING_NAP_NS 100000000ull

static struct pv_xencons_interface *cr_intf;
static uint32_t cr_port;
static volatile int cr_active;
static struct console_ring_stats cr_stats;

int console_ring_init(const struct pv_start_info *si)
{
	uint64_t mfn = si->console.domU.mfn;
	uint32_t port = si->console.domU.evtchn;

	if (mfn == 0 || mfn >= si->nr_pages || port == 0 || port >= EVTCHN_MAX_PORTS)
		return -PV_ENODEV;
	cr_intf = PHYS_TO_VIRT(mfn << PV_PAGE_SHIFT);
	cr_port = port;
	if (consring_out_room(cr_intf) < 0)
		return -PV_EIO;
	cr_active = 1;
	return 0;
}

void console_ring_release(void)
{
	cr_active = 0;
}

static void console_ring_event(uint32_t port, void *data)
{
	(void)port;
	(void)data;
	__atomic_add_fetch(&cr_stats.events, 1, __ATOMIC_RELAXED);
}

void console_ring_bind(void)
{
	if (cr_active)
		evtchn_bind_handler(cr_port, console_ring_event, NULL);
}

void console_ring_resume(const struct pv_start_info *si)
{
	uint32_t port = si->console.domU.evtchn;

	if (!cr_active)
		return;
	if (port == 0 || port >= EVTCHN_MAX_PORTS) {
		cr_active = 0; /* no console channel: output goes to console_io */
		return;
	}
	cr_port = port;
	evtchn_bind_handler(cr_port, console_ring_event, NULL);
	evtchn_send(cr_port); /* whatever waits in out[] goes out now */
}

int console_ring_active(void)
{
	return cr_active;
}

/* Sleep until the port is pending or deadline (system ns); works with upcalls
 * masked, since SCHEDOP_poll looks at the pending bit, not the mask. */
static void console_ring_sleep(uint64_t deadline)
{
	uint32_t port = cr_port;
	struct pv_sched_poll sp = { .ports = (uintptr_t)&port,
				    .nr_ports = 1,
				    .timeout = deadline };

	if (HYPERVISOR_sched_op(PV_SCHEDOP_poll, &sp) < 0)
		HYPERVISOR_sched_op(PV_SCHEDOP_yield, NULL);
}

/* Wait for the backend to move out_cons. The pending bit is cleared before the
 * room is checked again, so a notification after the check ends the poll. */
static void console_ring_wait_room(void)
{
	evtchn_test_and_clear_pending(cr_port);
	if (consring_out_room(cr_intf) != 0)
		return;
	cr_stats.waits++;
	console_ring_sleep(monotonic_ns() + CONSOLE_RING_NAP_NS);
}

int console_ring_write(const char *buf, size_t len, size_t *done)
{
	*done = 0;
	while (len > 0) {
		int n = consring_put(cr_intf, buf, len);

		if (n < 0) {
			cr_active = 0;
			return n;
		}
		if (n == 0) {
			evtchn_send(cr_port); /* make sure the backend knows there is work */
			console_ring_wait_room();
			continue;
		}
		buf += n;
		len -= (size_t)n;
		*done += (size_t)n;
		cr_stats.out_bytes += (uint64_t)n;
		evtchn_send(cr_port);
	}
	return 0;
}

static int console_ring_empty(void *arg)
{
	(void)arg;
	return !cr_active || consring_out_empty(cr_intf);
}

int console_ring_drain(uint64_t timeout_ns)
{
	return sched_wait_until(console_ring_empty, NULL, timeout_ns);
}

int console_ring_getc(uint64_t timeout_ns)
{
	uint64_t end = monotonic_ns() + timeout_ns;
	char c;

	if (!cr_active)
		return -PV_ENODEV;
	for (;;) {
		int n = consring_get(cr_intf, &c, 1), was;
		uint64_t now;

		if (n < 0)
			return n;
		if (n == 1) {
			cr_stats.in_bytes++;
			evtchn_send(cr_port); /* in[] has room again */
			return (unsigned char)c;
		}
		now = monotonic_ns();
		if (now >= end)
			return -PV_ETIMEDOUT;
		suspend_poll(); /* a shell waiting for input is a thread that can suspend */
		/* Masked so the poll sees the pending bit; unmasking runs the handler. */
		was = irq_save();
		evtchn_test_and_clear_pending(cr_port);
		if (__atomic_load_n(&cr_intf->in_prod, __ATOMIC_ACQUIRE) == cr_intf->in_cons)
			console_ring_sleep(end - now < CONSOLE_RING_NAP_NS
						   ? end
						   : now + CONSOLE_RING_NAP_NS);
		irq_restore(was);
	}
}

void console_ring_get_stats(struct console_ring_stats *st)
{
	*st = cr_stats;
}
