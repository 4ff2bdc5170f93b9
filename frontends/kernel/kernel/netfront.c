/* netfront: the network frontend (see netfront.h). Ring slot i of either ring
 * always uses buffer page i: tx ids and rx ids are slot numbers, so a response
 * finds its buffer without a table search and a bogus id from the backend is
 * caught by a range check. With queues > 1 (the backend's
 * multi-queue-max-queues allowing) each queue has its own rings, pages and
 * event channel under queue-<n>/; frames go out round robin and come in on any. */
#include "kernel/netfront.h"

#include <pvisor/errno.h>
#include <pvisor/io/netif.h>
#include <pvisor/sched.h>

#include "arch/x86_64/hypercall.h"
#include "kernel/evtchn.h"
#include "kernel/gnttab.h"
#include "kernel/mm.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/suspend.h"
#include "kernel/time.h"
#include "kernel/xenbus.h"
#include "lib/format.h"
#include "lib/kstring.h"

#define NF_CLOSE_WAIT_NS (5ull * 1000000000ull)
#define NF_TX            PV_NETIF_TX_RING_SIZE
#define NF_RX            PV_NETIF_RX_RING_SIZE
/* How often a polling netfront looks at its backend's state: a restarted backend
 * offers the device again (InitWait) and we reconnect (nf_reconnect). */
#define NF_CHECK_NS      (200ull * 1000000ull)
#define NF_WAIT_NS       (10ull * 1000000000ull)

struct nf_queue {
	uint32_t port;
	struct pv_netif_tx_front_ring tx;
	struct pv_netif_rx_front_ring rx;
	uint8_t *tx_pages; /* NF_TX pages, slot i at i * 4096 */
	uint8_t *rx_pages;
	pv_grant_ref_t tx_ref[NF_TX], rx_ref[NF_RX];
	int tx_ring_ref, rx_ring_ref;
	uint8_t tx_busy[NF_TX];
};

#define NF_RESUME_WAIT_NS (10ull * 1000000000ull)

static unsigned nf_connects; /* connections made, the first and every reconnect */

static struct {
	int up;
	unsigned gen; /* suspend_generation() it connected in */
	unsigned devid;
	char node[32];
	char backend[96];
	unsigned backend_id;
	uint8_t mac[6];
	unsigned nq, next_tx;
	struct nf_queue q[NETFRONT_MAX_QUEUES];
	uint32_t ports[NETFRONT_MAX_QUEUES]; /* for SCHEDOP_poll */
	struct netfront_stats st;
	uint64_t next_check_ns; /* when to look at the backend's state again */
} nf;

static int nf_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int nf_read_mac(void)
{
	char path[48], s[32];
	int n;

	ksnprintf(path, sizeof(path), "%s/mac", nf.node);
	n = xenbus_read(XBT_NIL, path, s, sizeof(s));
	if (n != 17)
		return -PV_EINVAL;
	for (int i = 0; i < 6; i++) {
		int hi = nf_hex(s[3 * i]), lo = nf_hex(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -PV_EINVAL;
		nf.mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Grant n pages starting at base to the backend, one ref each. */
static int nf_grant_pages(uint8_t *base, unsigned n, pv_grant_ref_t *refs, int readonly)
{
	for (unsigned i = 0; i < n; i++) {
		int ref = gnttab_grant_access((pv_domid_t)nf.backend_id,
					      mm_virt_to_gfn(base + (uint64_t)i * PV_PAGE_SIZE),
					      readonly);

		if (ref < 0)
			return ref;
		refs[i] = (pv_grant_ref_t)ref;
	}
	return 0;
}

static void nf_post_rx(struct nf_queue *q, unsigned slot)
{
	struct pv_netif_rx_request *r = PV_RING_GET_REQUEST(&q->rx, q->rx.req_prod_pvt);

	r->id = (uint16_t)slot;
	r->pad = 0;
	r->gref = q->rx_ref[slot];
	q->rx.req_prod_pvt++;
}

/* Pages survive a disconnect (the bump allocator never frees): a later
 * connect reuses them, ending the old grants first (the backend is gone by
 * then: the toolstack removes the device only after it closed). */
static struct nf_mem {
	void *txs, *rxs;
	uint8_t *tx_pages, *rx_pages;
	int txs_ref, rxs_ref;
	pv_grant_ref_t tx_ref[NF_TX], rx_ref[NF_RX];
	int granted;
} nf_mem[NETFRONT_MAX_QUEUES];

static void nf_end_grants(struct nf_mem *m)
{
	if (!m->granted)
		return;
	gnttab_end_access((pv_grant_ref_t)m->txs_ref);
	gnttab_end_access((pv_grant_ref_t)m->rxs_ref);
	for (unsigned i = 0; i < NF_TX; i++)
		gnttab_end_access(m->tx_ref[i]);
	for (unsigned i = 0; i < NF_RX; i++)
		gnttab_end_access(m->rx_ref[i]);
	m->granted = 0;
}

static int nf_pages(struct nf_mem *m)
{
	if (!m->txs) {
		m->txs = mm_alloc_pages(1);
		m->rxs = mm_alloc_pages(1);
		m->tx_pages = mm_alloc_pages(NF_TX);
		m->rx_pages = mm_alloc_pages(NF_RX);
	}
	if (!m->txs || !m->rxs || !m->tx_pages || !m->rx_pages) {
		m->txs = NULL;
		return -PV_ENOMEM;
	}
	nf_end_grants(m);
	memset(m->txs, 0, PV_PAGE_SIZE);
	memset(m->rxs, 0, PV_PAGE_SIZE);
	return 0;
}

/* One queue's rings, buffers, grants and event channel. */
static int nf_setup_queue(struct nf_queue *q, struct nf_mem *m)
{
	int rc = nf_pages(m);

	if (rc)
		return rc;
	q->tx_pages = m->tx_pages;
	q->rx_pages = m->rx_pages;
	PV_FRONT_RING_SETUP(&q->tx, (struct pv_netif_tx_sring *)m->txs, PV_PAGE_SIZE);
	PV_FRONT_RING_SETUP(&q->rx, (struct pv_netif_rx_sring *)m->rxs, PV_PAGE_SIZE);
	q->tx_ring_ref = gnttab_grant_access((pv_domid_t)nf.backend_id, mm_virt_to_gfn(m->txs),
					     0);
	q->rx_ring_ref = gnttab_grant_access((pv_domid_t)nf.backend_id, mm_virt_to_gfn(m->rxs),
					     0);
	if (q->tx_ring_ref < 0 || q->rx_ring_ref < 0)
		return -PV_ENOSPC;
	m->txs_ref = q->tx_ring_ref;
	m->rxs_ref = q->rx_ring_ref;
	rc = nf_grant_pages(q->tx_pages, NF_TX, q->tx_ref, 1);
	if (rc == 0)
		rc = nf_grant_pages(q->rx_pages, NF_RX, q->rx_ref, 0);
	if (rc)
		return rc;
	memcpy(m->tx_ref, q->tx_ref, sizeof(q->tx_ref));
	memcpy(m->rx_ref, q->rx_ref, sizeof(q->rx_ref));
	m->granted = 1;
	rc = evtchn_alloc_unbound((pv_domid_t)nf.backend_id);
	if (rc < 0)
		return rc;
	q->port = (uint32_t)rc;
	evtchn_mask(q->port); /* polled: see netfront.h */
	for (unsigned i = 0; i < NF_RX; i++)
		nf_post_rx(q, i);
	PV_RING_PUSH_REQUESTS(&q->rx);
	return 0;
}

/* Write key (under queue-<n>/ when there are several queues) in t. */
static int nf_key(xbt_t t, unsigned qi, const char *key, unsigned val)
{
	char p[80];

	if (nf.nq > 1)
		ksnprintf(p, sizeof(p), "%s/queue-%u/%s", nf.node, qi, key);
	else
		ksnprintf(p, sizeof(p), "%s/%s", nf.node, key);
	return xenbus_printf(t, p, "%u", val);
}

static int nf_publish_tx(xbt_t t)
{
	int rc = 0;

	for (unsigned i = 0; i < nf.nq && !rc; i++) {
		rc = nf_key(t, i, "tx-ring-ref", (unsigned)nf.q[i].tx_ring_ref);
		if (!rc)
			rc = nf_key(t, i, "rx-ring-ref", (unsigned)nf.q[i].rx_ring_ref);
		if (!rc)
			rc = nf_key(t, i, "event-channel", nf.q[i].port);
	}
	if (!rc && nf.nq > 1) {
		char p[64];

		ksnprintf(p, sizeof(p), "%s/multi-queue-num-queues", nf.node);
		rc = xenbus_printf(t, p, "%u", nf.nq);
	}
	return rc;
}

static int nf_persistent = 1;

void netfront_set_persistent(int on)
{
	nf_persistent = on;
}

static int nf_publish(void)
{
	/* feature-persistent: pvisor's extension, see docs/NOTES-net.md; our
	 * buffers are granted once per connect and never revoked while connected */
	static const char *const flags[] = { "request-rx-copy", "feature-rx-notify",
					     "feature-no-csum-offload", "feature-persistent" };
	char p[64];
	xbt_t t;
	int rc;

	do {
		rc = xenbus_transaction_start(&t);
		if (rc)
			return rc;
		rc = nf_publish_tx(t);
		for (unsigned i = 0; i < 3 + (unsigned)nf_persistent && !rc; i++) {
			ksnprintf(p, sizeof(p), "%s/%s", nf.node, flags[i]);
			rc = xenbus_printf(t, p, "%d", 1);
		}
		if (!rc) {
			ksnprintf(p, sizeof(p), "%s/state", nf.node);
			rc = xenbus_printf(t, p, "%d", PV_XenbusStateInitialised);
		}
		if (rc) {
			xenbus_transaction_end(t, 1);
			return rc;
		}
		rc = xenbus_transaction_end(t, 0);
	} while (rc == -PV_EAGAIN);
	return rc;
}

/* How many queues: what was asked, no more than the backend offers. */
static unsigned nf_queues(unsigned want)
{
	char p[112];
	uint64_t max = 1;

	ksnprintf(p, sizeof(p), "%s/multi-queue-max-queues", nf.backend);
	if (xenbus_read_u64(XBT_NIL, p, &max) || max < 1)
		max = 1;
	if (want > max)
		want = (unsigned)max;
	if (want > NETFRONT_MAX_QUEUES)
		want = NETFRONT_MAX_QUEUES;
	return want ? want : 1;
}

int netfront_connect(unsigned devid, unsigned queues, uint64_t timeout_ns)
{
	int rc;

	if (nf.up)
		return 0;
	nf.devid = devid;
	ksnprintf(nf.node, sizeof(nf.node), "device/vif/%u", devid);
	rc = xenbus_backend_of(nf.node, nf.backend, sizeof(nf.backend), &nf.backend_id);
	if (rc) {
		printk("netfront: %s: no backend in the store (%d)\n", nf.node, rc);
		return rc;
	}
	if (xenbus_read_state(nf.backend) >= PV_XenbusStateClosing) {
		printk("netfront: %s: the backend is closing\n", nf.node);
		return -PV_ENODEV;
	}
	/* The backend publishes its features (multi-queue-max-queues, ...) before it
	 * goes to InitWait: read them only then. */
	rc = xenbus_wait_state(nf.backend,
			       1u << PV_XenbusStateInitWait | 1u << PV_XenbusStateConnected |
				       1u << PV_XenbusStateClosing | 1u << PV_XenbusStateClosed,
			       timeout_ns);
	if (rc != PV_XenbusStateInitWait && rc != PV_XenbusStateConnected) {
		printk("netfront: %s: backend %s is not ready (%d)\n", nf.node, nf.backend, rc);
		return rc < 0 ? rc : -PV_ENODEV;
	}
	if ((rc = nf_read_mac())) {
		printk("netfront: %s: no usable mac key\n", nf.node);
		return rc;
	}
	nf.nq = nf_queues(queues);
	rc = gnttab_init();
	for (unsigned i = 0; i < nf.nq && rc == 0; i++) {
		rc = nf_setup_queue(&nf.q[i], &nf_mem[i]);
		nf.ports[i] = nf.q[i].port;
	}
	if (rc == 0)
		rc = nf_publish();
	if (rc) {
		printk("netfront: %s: setting up the rings failed (%d)\n", nf.node, rc);
		return rc;
	}
	rc = xenbus_wait_state(nf.backend,
			       1u << PV_XenbusStateConnected | 1u << PV_XenbusStateClosing |
				       1u << PV_XenbusStateClosed,
			       timeout_ns);
	if (rc != PV_XenbusStateConnected) {
		printk("netfront: %s: backend %s did not connect (%d)\n", nf.node, nf.backend,
		       rc);
		return rc < 0 ? rc : -PV_ENODEV;
	}
	rc = xenbus_switch_state(nf.node, PV_XenbusStateConnected);
	if (rc)
		return rc;
	nf.gen = suspend_generation();
	nf.up = 1;
	nf.next_check_ns = monotonic_ns() + NF_CHECK_NS;
	nf_connects++;
	power_hook_add(netfront_disconnect);
	return 0;
}

/* A queue's rings start over on the same pages, grants and port: frames in flight
 * on tx are dropped (a restarted backend never saw them), every rx buffer is
 * offered again. */
static void nf_queue_restart(struct nf_queue *q)
{
	for (unsigned i = 0; i < NF_TX; i++)
		if (q->tx_busy[i]) {
			q->tx_busy[i] = 0;
			nf.st.tx_dropped++;
		}
	PV_FRONT_RING_SETUP(&q->tx, q->tx.sring, PV_PAGE_SIZE);
	PV_FRONT_RING_SETUP(&q->rx, q->rx.sring, PV_PAGE_SIZE);
	for (unsigned i = 0; i < NF_RX; i++)
		nf_post_rx(q, i);
	PV_RING_PUSH_REQUESTS(&q->rx);
}

/* The backend started over (a restarted netback offers the vif again: InitWait)
 * while we were connected: the handshake again on the same rings. */
static int nf_reconnect(void)
{
	int rc;

	printk("netfront: %s: the backend started over: reconnecting\n", nf.node);
	if ((rc = xenbus_frontend_restart(nf.node, nf.backend, NF_WAIT_NS)) < 0)
		return rc;
	for (unsigned i = 0; i < nf.nq; i++)
		nf_queue_restart(&nf.q[i]);
	if ((rc = nf_publish()) < 0)
		return rc;
	rc = xenbus_wait_state(nf.backend,
			       1u << PV_XenbusStateConnected | 1u << PV_XenbusStateClosing |
				       1u << PV_XenbusStateClosed,
			       NF_WAIT_NS);
	if (rc != PV_XenbusStateConnected) {
		printk("netfront: %s: the backend did not connect again (%d)\n", nf.node, rc);
		return rc < 0 ? rc : -PV_ENODEV;
	}
	xenbus_switch_state(nf.node, PV_XenbusStateConnected);
	for (unsigned i = 0; i < nf.nq; i++)
		evtchn_send(nf.q[i].port);
	nf.st.reconnects++;
	printk("netfront: %s: reconnected\n", nf.node);
	return 0;
}

/* Every NF_CHECK_NS of polling: has the backend started over? */
static void nf_check_backend(void)
{
	uint64_t now = monotonic_ns();

	if (now < nf.next_check_ns)
		return;
	if (xenbus_read_state(nf.backend) == PV_XenbusStateInitWait)
		nf_reconnect();
	nf.next_check_ns = monotonic_ns() + NF_CHECK_NS;
}

/* Xen's netfront resume: the backend is a new one (the toolstack made it for the
 * restored domain); connect to it with the same queues and buffers, new grants and
 * ports. Frames in flight are lost, as on a real wire; the stack resends. */
static void nf_resume(void)
{
	struct netfront_stats st = nf.st;
	unsigned devid = nf.devid, nq = nf.nq;
	int rc;

	printk("netfront: %s: reconnecting after a restore\n", nf.node);
	memset(&nf, 0, sizeof(nf)); /* the old ports are not ours to close any more */
	nf.st = st;
	rc = netfront_connect(devid, nq, NF_RESUME_WAIT_NS);
	nf.gen = suspend_generation();
	if (rc)
		printk("netfront: device/vif/%u: reconnect failed (%d)\n", devid, rc);
	else
		printk("netfront: %s: reconnected\n", nf.node);
}

/* A restore happened since we connected: reconnect first. */
static void nf_check_resume(void)
{
	if (nf.up && nf.gen != suspend_generation())
		nf_resume();
}

unsigned netfront_connects(void)
{
	return nf_connects;
}

int netfront_backend_state(void)
{
	return nf.backend[0] ? (int)xenbus_read_state(nf.backend) : PV_XenbusStateUnknown;
}

void netfront_disconnect(void)
{
	if (!nf.node[0])
		return;
	/* xenbus's close: Closing, the backend follows, Closed, the backend lets go */
	xenbus_switch_state(nf.node, PV_XenbusStateClosing);
	xenbus_wait_state(nf.backend,
			  1u << PV_XenbusStateClosing | 1u << PV_XenbusStateClosed |
				  1u << PV_XenbusStateUnknown,
			  NF_CLOSE_WAIT_NS);
	xenbus_switch_state(nf.node, PV_XenbusStateClosed);
	xenbus_wait_state(nf.backend, 1u << PV_XenbusStateClosed | 1u << PV_XenbusStateUnknown,
			  NF_CLOSE_WAIT_NS);
	for (unsigned i = 0; i < nf.nq; i++)
		if (nf.q[i].port)
			evtchn_close(nf.q[i].port);
	memset(&nf, 0, sizeof(nf));
}

int netfront_up(void)
{
	return nf.up;
}

unsigned netfront_queues(void)
{
	return nf.nq;
}

void netfront_mac(uint8_t mac[6])
{
	memcpy(mac, nf.mac, 6);
}

static void nf_tx_complete(struct nf_queue *q)
{
	pv_ring_idx_t prod = q->tx.sring->rsp_prod;

	PV_RING_RMB();
	if (PV_RING_RESPONSE_PROD_OVERFLOW(&q->tx, prod))
		return; /* a confused backend: take nothing rather than garbage */
	for (; q->tx.rsp_cons != prod; q->tx.rsp_cons++) {
		struct pv_netif_tx_response r;

		PV_RING_COPY_RESPONSE(&q->tx, q->tx.rsp_cons, &r);
		if (r.status == PV_NETIF_RSP_NULL)
			continue;
		if (r.status != PV_NETIF_RSP_OKAY)
			nf.st.tx_errors++;
		if (r.id < NF_TX)
			q->tx_busy[r.id] = 0;
	}
	q->tx.sring->rsp_event = q->tx.rsp_cons + 1;
}

int netfront_send(const void *frame, uint32_t len)
{
	struct nf_queue *q;
	struct pv_netif_tx_request *r;
	unsigned slot;

	nf_check_resume();
	if (!nf.up)
		return -PV_ENODEV;
	if (len < 14 || len > NETFRONT_FRAME_MAX)
		return -PV_EINVAL;
	q = &nf.q[nf.next_tx];
	if (PV_RING_FULL(&q->tx))
		nf_tx_complete(q);
	slot = q->tx.req_prod_pvt & (NF_TX - 1);
	if (PV_RING_FULL(&q->tx) || q->tx_busy[slot]) {
		nf.st.tx_full++;
		return -PV_EAGAIN;
	}
	memcpy(q->tx_pages + (uint64_t)slot * PV_PAGE_SIZE, frame, len);
	r = PV_RING_GET_REQUEST(&q->tx, q->tx.req_prod_pvt);
	r->gref = q->tx_ref[slot];
	r->offset = 0;
	r->flags = 0;
	r->id = (uint16_t)slot;
	r->size = (uint16_t)len;
	q->tx_busy[slot] = 1;
	q->tx.req_prod_pvt++;
	nf.st.tx_frames++;
	nf.st.tx_bytes += len;
	nf.next_tx = (nf.next_tx + 1) % nf.nq;
	return 0;
}

void netfront_flush(void)
{
	int notify;

	nf_check_resume();
	if (!nf.up)
		return;
	for (unsigned i = 0; i < nf.nq; i++) {
		struct nf_queue *q = &nf.q[i];

		if (q->tx.req_prod_pvt == q->tx.sring->req_prod)
			continue;
		PV_RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->tx, notify);
		if (notify)
			evtchn_send(q->port);
	}
}

static unsigned nf_rx_take(struct nf_queue *q, netfront_rx_fn rx, void *arg, unsigned budget)
{
	pv_ring_idx_t prod = q->rx.sring->rsp_prod;
	unsigned got = 0;

	PV_RING_RMB();
	if (PV_RING_RESPONSE_PROD_OVERFLOW(&q->rx, prod))
		return 0;
	while (q->rx.rsp_cons != prod && got < budget) {
		struct pv_netif_rx_response r;
		unsigned slot = q->rx.rsp_cons & (NF_RX - 1);

		PV_RING_COPY_RESPONSE(&q->rx, q->rx.rsp_cons, &r);
		q->rx.rsp_cons++;
		/* The response is in the request's slot, so slot == r.id for a
		 * well-behaved backend; the page is ours either way. */
		if (r.status > 0 && r.offset + (uint32_t)r.status <= PV_PAGE_SIZE &&
		    !(r.flags & (PV_NETRXF_more_data | PV_NETRXF_extra_info))) {
			nf.st.rx_frames++;
			nf.st.rx_bytes += (uint64_t)r.status;
			got++;
			rx(q->rx_pages + (uint64_t)slot * PV_PAGE_SIZE + r.offset,
			   (uint32_t)r.status, arg);
		} else {
			nf.st.rx_errors++;
		}
		nf_post_rx(q, slot);
	}
	q->rx.sring->rsp_event = q->rx.rsp_cons + 1;
	return got;
}

unsigned netfront_poll(netfront_rx_fn rx, void *arg, unsigned budget)
{
	unsigned got = 0;
	int notify;

	nf_check_resume();
	if (!nf.up)
		return 0;
	nf_check_backend();
	for (unsigned i = 0; i < nf.nq; i++) {
		struct nf_queue *q = &nf.q[i];

		evtchn_test_and_clear_pending(q->port);
		nf_tx_complete(q);
		got += nf_rx_take(q, rx, arg, budget - got);
		if (q->rx.req_prod_pvt != q->rx.sring->req_prod) {
			PV_RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->rx, notify);
			if (notify)
				evtchn_send(q->port);
		}
	}
	netfront_flush();
	return got;
}

void netfront_wait(uint64_t deadline_ns)
{
	struct pv_sched_poll sp = { .nr_ports = nf.nq, .timeout = deadline_ns };

	suspend_poll(); /* a thread waiting for the network can suspend */
	nf_check_resume();
	sp.nr_ports = nf.nq;
	if (!nf.up)
		return;
	/* not past the next look at the backend: a dead one sends no event */
	if (!sp.timeout || sp.timeout > nf.next_check_ns)
		sp.timeout = nf.next_check_ns;
	PV_RING_MB();
	for (unsigned i = 0; i < nf.nq; i++)
		if (nf.q[i].rx.sring->rsp_prod != nf.q[i].rx.rsp_cons)
			return;
	sp.ports = (uintptr_t)nf.ports;
	if (HYPERVISOR_sched_op(PV_SCHEDOP_poll, &sp) < 0)
		sched_yield();
}

int netfront_send_raw(const struct pv_netif_tx_request *reqs, unsigned n)
{
	struct nf_queue *q = &nf.q[0];

	if (!nf.up)
		return -PV_ENODEV;
	nf_tx_complete(q);
	if (PV_RING_FREE_REQUESTS(&q->tx) < n)
		return -PV_EAGAIN;
	for (unsigned i = 0; i < n; i++) {
		*PV_RING_GET_REQUEST(&q->tx, q->tx.req_prod_pvt) = reqs[i];
		q->tx.req_prod_pvt++;
	}
	netfront_flush();
	return (int)n;
}

uint32_t netfront_tx_ref(unsigned slot)
{
	return nf.q[0].tx_ref[slot % NF_TX];
}

void netfront_get_stats(struct netfront_stats *st)
{
	*st = nf.st;
}
