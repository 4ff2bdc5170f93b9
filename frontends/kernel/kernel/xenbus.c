/* xenbus: the store client of the reference kernel (see xenbus.h).
 *
 * One lock guards the ring in both directions. Whoever holds it consumes the
 * reply ring: a requester waiting for its reply, or the store port's event
 * handler (which only try-locks, so it never waits on a lock held by the code
 * it interrupted). Watch events are queued; those of control/shutdown and
 * control/sysrq are acted on by whoever drops the lock next, so a guest powers off,
 * reboots or answers a sysrq on request whatever its app is doing, as a Linux guest
 * does. */
#include <stdarg.h>

#include <pvisor/io/xs_wire.h>
#include <pvisor/errno.h>
#include <pvisor/sched.h>

#include "arch/x86_64/hypercall.h"

#include "evtchn.h"
#include "kernel.h"
#include "lib/cmdline.h"
#include "lib/format.h"
#include "lib/kstring.h"
#include "printk.h"
#include "sched.h"
#include "time.h"
#include "timer.h"
#include "xenbus.h"

#define XB_RING          PV_XENSTORE_RING_SIZE
#define XB_PAYLOAD       PV_XENSTORE_PAYLOAD_MAX
#define XB_EVQ           64  /* queued watch events */
#define XB_EV_PATH       256 /* longest event path kept (longer ones are cut) */
#define XB_TOKEN         64
#define XB_WATCHES       32
#define XB_TX_TRIES      16 /* a transaction that keeps conflicting gives up */
#define XB_TIMEOUT_NS    (30ull * 1000000000ull) /* a reply that takes longer is lost */
#define XB_NAP_NS        10000000ull             /* re-check at least this often while waiting */
#define XB_CONTROL_TOKEN "pvk:control"
#define XB_SYSRQ_TOKEN   "pvk:sysrq"

struct xb_msg {
	struct pv_xsd_sockmsg hdr;
	char body[XB_PAYLOAD + 1];
};

struct xb_event {
	char path[XB_EV_PATH];
	char token[XB_TOKEN];
};

struct xb_watch {
	char token[XB_TOKEN];
	char path[XB_EV_PATH]; /* set again after a restore */
	xenbus_watch_fn cb;
	void *arg;
	int used;
};

static struct pv_xenstore_domain_interface *xb_intf;
static uint32_t xb_port;
static int xb_up, xb_broken;
static volatile int xb_lock_word;
static uint32_t xb_next_id = 1;

static struct xb_msg xb_rx; /* message being assembled from the ring */
static uint32_t xb_rx_have;
static struct xb_msg xb_reply; /* the awaited reply */
static uint32_t xb_wait_id;
static int xb_waiting, xb_got;

static struct xb_event xb_evq[XB_EVQ];
static unsigned xb_evq_head, xb_evq_len;
static struct xb_watch xb_watches[XB_WATCHES];
static volatile int xb_control_pending;
static struct xenbus_stats xb_stats;

/* ---- lock ---- */

static int xb_trylock(void)
{
	return !__atomic_exchange_n(&xb_lock_word, 1, __ATOMIC_ACQUIRE);
}

static void xb_control_run_locked(void);

/* Upcalls stay masked while the lock is held (*masked says how they were). */
static void xb_lock(int *masked)
{
	*masked = irq_save();
	while (!xb_trylock())
		__builtin_ia32_pause();
}

static void xb_unlock_raw(void)
{
	__atomic_store_n(&xb_lock_word, 0, __ATOMIC_RELEASE);
}

/* Drop the lock; first act on a control event that came meanwhile. */
static void xb_unlock(int masked)
{
	if (xb_control_pending)
		xb_control_run_locked();
	xb_unlock_raw();
	irq_restore(masked);
}

/* ---- the ring ---- */

static int xb_errno(const char *name)
{
	for (unsigned i = 0; i < sizeof(pv_xsd_errors) / sizeof(pv_xsd_errors[0]); i++)
		if (strcmp(name, pv_xsd_errors[i].errstring) == 0)
			return -pv_xsd_errors[i].errnum;
	return -PV_EIO;
}

static void xb_sleep(uint64_t deadline)
{
	uint64_t nap = monotonic_ns() + XB_NAP_NS;
	struct pv_sched_poll sp = { .ports = (uintptr_t)&xb_port,
				    .nr_ports = 1,
				    .timeout = deadline && deadline < nap ? deadline : nap };

	if (HYPERVISOR_sched_op(PV_SCHEDOP_poll, &sp) < 0)
		sched_yield();
}

static void xb_break(const char *why)
{
	if (!xb_broken)
		printk("xenbus: store ring broken (%s); store calls fail from now on\n", why);
	xb_broken = 1;
}

static void xb_event_queue(const struct xb_msg *m)
{
	const char *path = m->body, *token;
	size_t plen = strnlen(path, m->hdr.len);
	struct xb_event *e;

	if (plen + 1 >= m->hdr.len) {
		xb_stats.errors++;
		return; /* no token: not a well-formed event */
	}
	token = path + plen + 1;
	xb_stats.events++;
	if (strcmp(token, XB_CONTROL_TOKEN) == 0 || strcmp(token, XB_SYSRQ_TOKEN) == 0) {
		xb_control_pending = 1;
		return;
	}
	if (xb_evq_len == XB_EVQ) {
		xb_stats.errors++; /* full: drop the oldest */
		xb_evq_head = (xb_evq_head + 1) % XB_EVQ;
		xb_evq_len--;
	}
	e = &xb_evq[(xb_evq_head + xb_evq_len++) % XB_EVQ];
	kstrlcpy(e->path, path, sizeof(e->path));
	kstrlcpy(e->token, token, sizeof(e->token));
}

static void xb_rx_message(void)
{
	xb_rx.body[xb_rx.hdr.len] = '\0';
	if (xb_rx.hdr.type == PV_XS_WATCH_EVENT) {
		xb_event_queue(&xb_rx);
	} else if (xb_waiting && xb_rx.hdr.req_id == xb_wait_id) {
		memcpy(&xb_reply, &xb_rx, sizeof(xb_rx.hdr) + xb_rx.hdr.len + 1);
		xb_got = 1;
		xb_stats.replies++;
	} else {
		xb_stats.errors++; /* a late reply to a request that timed out */
	}
}

/* Copy what lies between cons and prod into the message being assembled,
 * handing on each complete one; returns the new consumer index. Lock held. */
static uint32_t xb_rx_take(uint32_t cons, uint32_t prod)
{
	while (cons != prod && !xb_broken) {
		uint32_t want = xb_rx_have < sizeof(xb_rx.hdr)
					? (uint32_t)sizeof(xb_rx.hdr) - xb_rx_have
					: (uint32_t)sizeof(xb_rx.hdr) + xb_rx.hdr.len -
						  xb_rx_have;
		uint32_t off = PV_MASK_XENSTORE_IDX(cons), n = prod - cons;

		if (n > XB_RING - off)
			n = XB_RING - off;
		if (n > want)
			n = want;
		memcpy((char *)&xb_rx + xb_rx_have, xb_intf->rsp + off, n);
		xb_rx_have += n;
		cons += n;
		if (xb_rx_have == sizeof(xb_rx.hdr) && xb_rx.hdr.len > XB_PAYLOAD) {
			xb_break("oversized reply");
			break;
		}
		if (xb_rx_have >= sizeof(xb_rx.hdr) &&
		    xb_rx_have == sizeof(xb_rx.hdr) + xb_rx.hdr.len) {
			xb_rx_message();
			xb_rx_have = 0;
		}
	}
	return cons;
}

/* Take what the reply ring holds. The daemon sends no event for bytes it adds
 * while we are still behind, and stops writing when the ring is full: after each
 * consumer update a full fence, then the producer is read again, so either the
 * daemon saw our update or we see its bytes (and take them now). We tell the
 * daemon only when the ring was full before we took from it (Linux's rule): at
 * other times it is not waiting for room. Lock held. */
static void xb_rx_drain(void)
{
	uint32_t start = xb_intf->rsp_cons, cons = start;
	uint32_t prod = __atomic_load_n(&xb_intf->rsp_prod, __ATOMIC_ACQUIRE);

	while (cons != prod && !xb_broken) {
		if (prod - cons > XB_RING) {
			xb_break("reply indices out of range");
			return;
		}
		cons = xb_rx_take(cons, prod);
		__atomic_store_n(&xb_intf->rsp_cons, cons, __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		prod = __atomic_load_n(&xb_intf->rsp_prod, __ATOMIC_ACQUIRE);
	}
	if (cons != start && prod - start >= XB_RING)
		evtchn_send(xb_port);
}

/* Look at the ring: clear the port's pending bit first, so an event that comes
 * after this look wakes the next xb_sleep. Lock held. */
static void xb_look(void)
{
	evtchn_test_and_clear_pending(xb_port);
	xb_rx_drain();
	if (__atomic_load_n(&xb_intf->error, __ATOMIC_ACQUIRE))
		xb_break("the store reported a protocol error");
}

static int xb_write_bytes(const void *buf, size_t len, uint64_t deadline)
{
	const char *p = buf;

	while (len) {
		uint32_t cons = __atomic_load_n(&xb_intf->req_cons, __ATOMIC_ACQUIRE);
		uint32_t prod = xb_intf->req_prod, off = PV_MASK_XENSTORE_IDX(prod);
		uint32_t n = XB_RING - (prod - cons);

		if (prod - cons > XB_RING) {
			xb_break("request indices out of range");
			return -PV_EIO;
		}
		if (n == 0) {
			evtchn_send(xb_port);
			xb_look();
			if (xb_broken)
				return -PV_EIO;
			if (monotonic_ns() >= deadline)
				return -PV_ETIMEDOUT;
			xb_sleep(deadline);
			continue;
		}
		if (n > XB_RING - off)
			n = XB_RING - off;
		if (n > len)
			n = (uint32_t)len;
		memcpy(xb_intf->req + off, p, n);
		__atomic_store_n(&xb_intf->req_prod, prod + n, __ATOMIC_RELEASE);
		p += n;
		len -= n;
	}
	return 0;
}

/* Send one request made of the given pieces and wait for its reply (in
 * xb_reply). Returns 0 or -errno (an PV_XS_ERROR reply mapped). Lock held. */
static int xb_talk_locked(uint32_t type, xbt_t t, const char *const *parts, const size_t *lens,
			  unsigned nparts)
{
	struct pv_xsd_sockmsg hdr = { .type = type, .tx_id = t };
	uint64_t deadline = monotonic_ns() + XB_TIMEOUT_NS;
	int rc;

	if (!xb_up || xb_broken)
		return xb_up ? -PV_EIO : -PV_ENODEV;
	for (unsigned i = 0; i < nparts; i++)
		hdr.len += (uint32_t)lens[i];
	if (hdr.len > XB_PAYLOAD)
		return -PV_E2BIG;
	hdr.req_id = xb_next_id++;
	xb_wait_id = hdr.req_id;
	xb_waiting = 1;
	xb_got = 0;
	xb_stats.requests++;
	rc = xb_write_bytes(&hdr, sizeof(hdr), deadline);
	for (unsigned i = 0; i < nparts && rc == 0; i++)
		rc = xb_write_bytes(parts[i], lens[i], deadline);
	if (rc == 0)
		evtchn_send(xb_port);
	while (rc == 0) {
		xb_look();
		if (xb_got)
			break;
		if (xb_broken)
			rc = -PV_EIO;
		else if (monotonic_ns() >= deadline)
			rc = -PV_ETIMEDOUT;
		else
			xb_sleep(deadline);
	}
	xb_waiting = 0;
	if (rc == 0 && xb_reply.hdr.type == PV_XS_ERROR)
		rc = xb_errno(xb_reply.body);
	else if (rc == 0 && xb_reply.hdr.type != type)
		rc = -PV_EIO;
	if (rc < 0)
		xb_stats.errors++;
	return rc;
}

/* A request whose payload is one or two C strings (each sent with its NUL),
 * the second optionally without (WRITE's value). */
static int xb_talk_str_locked(uint32_t type, xbt_t t, const char *a, const char *b, size_t blen)
{
	const char *parts[2] = { a, b };
	size_t lens[2] = { strlen(a) + 1, blen };

	return xb_talk_locked(type, t, parts, lens, b ? 2 : 1);
}

static int xb_talk_str(uint32_t type, xbt_t t, const char *a, const char *b, size_t blen,
		       char *out, size_t outlen)
{
	int masked, rc;

	xb_lock(&masked);
	rc = xb_talk_str_locked(type, t, a, b, blen);
	if (rc == 0) {
		rc = (int)xb_reply.hdr.len;
		if (out && outlen) {
			size_t n = xb_reply.hdr.len < outlen - 1 ? xb_reply.hdr.len : outlen - 1;

			memcpy(out, xb_reply.body, n);
			out[n] = '\0';
		}
	}
	xb_unlock(masked);
	return rc;
}

/* ---- control/ keys ---- */

static xenbus_control_fn xb_control_fn;

/* The value of a control key into v ("" when unset or empty), cleared in the store
 * when it was set: the guest's acknowledgement, as Linux writes it. Lock held. */
static void xb_control_take_locked(const char *key, char *v, size_t len)
{
	size_t n;

	v[0] = '\0';
	if (xb_talk_str_locked(PV_XS_READ, XBT_NIL, key, NULL, 0) < 0)
		return;
	n = xb_reply.hdr.len < len - 1 ? xb_reply.hdr.len : len - 1;
	memcpy(v, xb_reply.body, n);
	v[n] = '\0';
	if (v[0])
		xb_talk_str_locked(PV_XS_WRITE, XBT_NIL, key, "", 0);
}

/* A control event came: take the requests and hand them to the hook with the lock
 * dropped (it may use the store, and a shutdown never returns). Lock held on entry
 * and on return. */
static void xb_control_run_locked(void)
{
	char shut[32], sysrq[8];

	xb_control_pending = 0;
	if (!xb_control_fn)
		return;
	xb_control_take_locked("control/shutdown", shut, sizeof(shut));
	xb_control_take_locked("control/sysrq", sysrq, sizeof(sysrq));
	if (!shut[0] && !sysrq[0])
		return; /* our own acknowledgement, or the initial fire */
	xb_unlock_raw();
	if (sysrq[0])
		xb_control_fn("sysrq", sysrq);
	if (shut[0])
		xb_control_fn("shutdown", shut);
	while (!xb_trylock())
		__builtin_ia32_pause();
}

/* The store port's handler: take what came if nobody holds the ring. */
static void xb_event(uint32_t port, void *data)
{
	(void)port;
	(void)data;
	if (!xb_trylock())
		return; /* the holder is looking at the ring anyway */
	xb_look();
	if (xb_control_pending)
		xb_control_run_locked();
	xb_unlock_raw();
}

/* ---- public calls ---- */

int xenbus_init(void)
{
	const struct pv_start_info *si = boot.start_info;

	if (xb_up)
		return 0;
	if (!si || !si->store_mfn || !si->store_evtchn || si->store_mfn >= boot.nr_pages ||
	    !boot.shared_info)
		return -PV_ENODEV;
	xb_intf = PHYS_TO_VIRT(si->store_mfn << PV_PAGE_SHIFT);
	xb_port = si->store_evtchn;
	xb_up = 1;
	evtchn_bind_handler(xb_port, xb_event, 0);
	return 0;
}

int xenbus_control_enable(xenbus_control_fn fn)
{
	int rc;

	xb_control_fn = fn;
	rc = xenbus_watch("control/shutdown", XB_CONTROL_TOKEN, 0, 0);
	if (rc == 0)
		rc = xenbus_watch("control/sysrq", XB_SYSRQ_TOKEN, 0, 0);
	return rc;
}

/* ---- suspend (suspend.c) ---- */

static int xb_suspend_masked;

void xenbus_suspend_begin(void)
{
	xb_lock(&xb_suspend_masked); /* no request in flight across the suspend */
}

/* In a restored domain (lock held): the store's new port, and every watch set
 * again -- the store has none of ours. Each fires once, as any new watch. */
static void xb_resume_locked(void)
{
	const struct pv_start_info *si = boot.start_info;

	xb_port = si->store_evtchn;
	xb_waiting = 0;
	evtchn_bind_handler(xb_port, xb_event, 0);
	for (unsigned i = 0; i < XB_WATCHES; i++) {
		struct xb_watch *w = &xb_watches[i];

		if (w->used && xb_talk_str_locked(PV_XS_WATCH, XBT_NIL, w->path, w->token,
						  strlen(w->token) + 1) < 0)
			printk("xenbus: watch %s on %s not set again after the restore\n",
			       w->token, w->path);
	}
}

void xenbus_suspend_end(int restored)
{
	if (restored)
		xb_resume_locked();
	xb_unlock(xb_suspend_masked);
}

int xenbus_ready(void)
{
	return xb_up && !xb_broken;
}

int xenbus_read(xbt_t t, const char *path, char *buf, size_t len)
{
	return xb_talk_str(PV_XS_READ, t, path, 0, 0, buf, len);
}

int xenbus_read_u64(xbt_t t, const char *path, uint64_t *out)
{
	char buf[32];
	int rc = xenbus_read(t, path, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	if ((size_t)rc >= sizeof(buf))
		return -PV_EINVAL;
	return cmdline_parse_u64(buf, out) < 0 ? -PV_EINVAL : 0;
}

int xenbus_domid(void)
{
	uint64_t v;
	int rc = xenbus_read_u64(XBT_NIL, "domid", &v);

	return rc < 0 ? rc : (int)v;
}

int xenbus_write(xbt_t t, const char *path, const char *value)
{
	int rc = xb_talk_str(PV_XS_WRITE, t, path, value, strlen(value), 0, 0);

	return rc < 0 ? rc : 0;
}

int xenbus_printf(xbt_t t, const char *path, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return xenbus_write(t, path, buf);
}

int xenbus_mkdir(xbt_t t, const char *path)
{
	int rc = xb_talk_str(PV_XS_MKDIR, t, path, 0, 0, 0, 0);

	return rc < 0 ? rc : 0;
}

int xenbus_rm(xbt_t t, const char *path)
{
	int rc = xb_talk_str(PV_XS_RM, t, path, 0, 0, 0, 0);

	return rc < 0 ? rc : 0;
}

int xenbus_directory(xbt_t t, const char *path, char *buf, size_t len)
{
	int masked, rc;

	xb_lock(&masked);
	rc = xb_talk_str_locked(PV_XS_DIRECTORY, t, path, 0, 0);
	if (rc == 0 && xb_reply.hdr.len > len)
		rc = -PV_E2BIG;
	if (rc == 0) {
		memcpy(buf, xb_reply.body, xb_reply.hdr.len);
		for (uint32_t i = 0; i < xb_reply.hdr.len; i++)
			rc += xb_reply.body[i] == '\0';
	}
	xb_unlock(masked);
	return rc;
}

int xenbus_transaction_start(xbt_t *t)
{
	char buf[16];
	uint64_t id;
	int rc = xb_talk_str(PV_XS_TRANSACTION_START, XBT_NIL, "", 0, 0, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	if (cmdline_parse_u64(buf, &id) < 0 || id == 0 || id > 0xffffffffu)
		return -PV_EIO;
	*t = (xbt_t)id;
	return 0;
}

int xenbus_transaction_end(xbt_t t, int abort)
{
	int rc = xb_talk_str(PV_XS_TRANSACTION_END, t, abort ? "F" : "T", 0, 0, 0, 0);

	return rc < 0 ? rc : 0;
}

int xenbus_watch(const char *path, const char *token, xenbus_watch_fn cb, void *arg)
{
	struct xb_watch *w = 0;
	int masked, rc;

	if (strlen(token) >= XB_TOKEN || strlen(path) >= XB_EV_PATH)
		return -PV_EINVAL;
	xb_lock(&masked);
	for (unsigned i = 0; i < XB_WATCHES; i++) {
		if (xb_watches[i].used && strcmp(xb_watches[i].token, token) == 0) {
			xb_unlock(masked);
			return -PV_EEXIST;
		}
		if (!xb_watches[i].used && !w)
			w = &xb_watches[i];
	}
	if (!w) {
		xb_unlock(masked);
		return -PV_ENOSPC;
	}
	kstrlcpy(w->token, token, sizeof(w->token));
	kstrlcpy(w->path, path, sizeof(w->path));
	w->cb = cb;
	w->arg = arg;
	w->used = 1;
	rc = xb_talk_str_locked(PV_XS_WATCH, XBT_NIL, path, token, strlen(token) + 1);
	if (rc < 0)
		w->used = 0;
	xb_unlock(masked);
	return rc;
}

/* Drop queued events of token. Lock held. */
static void xb_evq_forget(const char *token)
{
	unsigned keep = 0;

	for (unsigned i = 0; i < xb_evq_len; i++) {
		struct xb_event *e = &xb_evq[(xb_evq_head + i) % XB_EVQ];

		if (strcmp(e->token, token) != 0) {
			if (keep != i)
				xb_evq[(xb_evq_head + keep) % XB_EVQ] = *e;
			keep++;
		}
	}
	xb_evq_len = keep;
}

int xenbus_unwatch(const char *path, const char *token)
{
	int masked, rc;

	xb_lock(&masked);
	rc = xb_talk_str_locked(PV_XS_UNWATCH, XBT_NIL, path, token, strlen(token) + 1);
	for (unsigned i = 0; i < XB_WATCHES; i++)
		if (xb_watches[i].used && strcmp(xb_watches[i].token, token) == 0)
			xb_watches[i].used = 0;
	xb_evq_forget(token);
	xb_unlock(masked);
	return rc;
}

/* Take the first queued event (of token, or any when token is NULL). Lock held. */
static int xb_evq_take(const char *token, struct xb_event *out)
{
	for (unsigned i = 0; i < xb_evq_len; i++) {
		struct xb_event *e = &xb_evq[(xb_evq_head + i) % XB_EVQ];

		if (token && strcmp(e->token, token) != 0)
			continue;
		*out = *e;
		for (unsigned j = i; j + 1 < xb_evq_len; j++)
			xb_evq[(xb_evq_head + j) % XB_EVQ] =
				xb_evq[(xb_evq_head + j + 1) % XB_EVQ];
		xb_evq_len--;
		return 1;
	}
	return 0;
}

int xenbus_dispatch_watches(void)
{
	struct xb_event ev;
	int ran = 0;

	if (!xb_up)
		return 0;
	for (;;) {
		xenbus_watch_fn cb = 0;
		void *arg = 0;
		int masked, got;

		xb_lock(&masked);
		xb_look();
		got = xb_evq_take(0, &ev);
		for (unsigned i = 0; got && i < XB_WATCHES; i++)
			if (xb_watches[i].used && strcmp(xb_watches[i].token, ev.token) == 0) {
				cb = xb_watches[i].cb;
				arg = xb_watches[i].arg;
			}
		xb_unlock(masked);
		if (!got)
			return ran;
		if (cb) {
			cb(ev.path, ev.token, arg);
			ran++;
		}
	}
}

int xenbus_wait_watch(const char *token, char *path_out, size_t len, uint64_t timeout_ns)
{
	uint64_t deadline = monotonic_ns() + timeout_ns;
	struct xb_event ev;

	if (!xb_up)
		return -PV_ENODEV;
	for (;;) {
		int masked, got;

		xb_lock(&masked);
		xb_look();
		got = xb_evq_take(token, &ev);
		if (got || xb_broken || monotonic_ns() >= deadline) {
			xb_unlock(masked);
			if (got && path_out && len)
				kstrlcpy(path_out, ev.path, len);
			return got ? 0 : xb_broken ? -PV_EIO : -PV_ETIMEDOUT;
		}
		xb_unlock_raw();
		xb_sleep(deadline); /* upcalls still masked: the port wakes us */
		irq_restore(masked);
	}
}

int xenbus_watch_pending(void)
{
	return xb_evq_len != 0 || xb_control_pending;
}

/* As Linux's frontends do: the state is read and written in one transaction, and
 * not written at all once the toolstack has removed the device (a late Closed
 * would make its directory again: a store write creates the missing parents). */
int xenbus_switch_state(const char *node, enum pv_xenbus_state state)
{
	char path[128];
	int rc = -PV_EAGAIN;

	ksnprintf(path, sizeof(path), "%s/state", node);
	for (int tries = 0; tries < XB_TX_TRIES && rc == -PV_EAGAIN; tries++) {
		uint64_t cur;
		xbt_t t;

		rc = xenbus_transaction_start(&t);
		if (rc < 0)
			return rc;
		rc = xenbus_read_u64(t, path, &cur);
		if (rc == 0) /* written even when equal: a backend may be waiting on the event */
			rc = xenbus_printf(t, path, "%u", (unsigned)state);
		if (rc < 0) {
			xenbus_transaction_end(t, 1);
			return rc;
		}
		rc = xenbus_transaction_end(t, 0);
	}
	return rc;
}

int xenbus_backend_of(const char *node, char *buf, size_t len, unsigned *backend_id)
{
	char path[128];
	uint64_t id;
	int rc;

	ksnprintf(path, sizeof(path), "%s/backend", node);
	rc = xenbus_read(XBT_NIL, path, buf, len);
	if (rc < 0)
		return rc;
	if ((size_t)rc >= len)
		return -PV_E2BIG;
	ksnprintf(path, sizeof(path), "%s/backend-id", node);
	rc = xenbus_read_u64(XBT_NIL, path, &id);
	if (rc < 0)
		return rc;
	*backend_id = (unsigned)id;
	return 0;
}

enum pv_xenbus_state xenbus_read_state(const char *path)
{
	char p[160];
	uint64_t v;

	ksnprintf(p, sizeof(p), "%s/state", path);
	if (xenbus_read_u64(XBT_NIL, p, &v) < 0 || v > PV_XenbusStateReconfigured)
		return PV_XenbusStateUnknown;
	return (enum pv_xenbus_state)v;
}

int xenbus_wait_state(const char *path, uint32_t want, uint64_t timeout_ns)
{
	static unsigned seq;
	uint64_t deadline = monotonic_ns() + timeout_ns;
	char p[160], token[XB_TOKEN];
	int st, rc;

	ksnprintf(p, sizeof(p), "%s/state", path);
	ksnprintf(token, sizeof(token), "pvk:state:%u",
		  __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	rc = xenbus_watch(p, token, 0, 0);
	if (rc < 0)
		return rc;
	for (;;) {
		uint64_t now;

		st = (int)xenbus_read_state(path);
		if (want & (1u << st))
			break;
		now = monotonic_ns();
		if (now >= deadline) {
			st = -PV_ETIMEDOUT;
			break;
		}
		xenbus_wait_watch(token, 0, 0, deadline - now);
	}
	xenbus_unwatch(p, token);
	return st;
}

int xenbus_wait_gone(const char *path, uint64_t timeout_ns)
{
	uint64_t deadline = monotonic_ns() + timeout_ns;
	char v[8];

	while (xenbus_read(XBT_NIL, path, v, sizeof(v)) >= 0) {
		if (monotonic_ns() >= deadline)
			return -PV_ETIMEDOUT;
		timer_sleep_ns(1000000);
	}
	return 0;
}

int xenbus_frontend_restart(const char *node, const char *backend, uint64_t timeout_ns)
{
	char p[160];
	int rc = xenbus_switch_state(node, PV_XenbusStateInitialising);

	ksnprintf(p, sizeof(p), "%s/resync", backend);
	return rc < 0 ? rc : xenbus_wait_gone(p, timeout_ns);
}

void xenbus_get_stats(struct xenbus_stats *st)
{
	*st = xb_stats;
}
