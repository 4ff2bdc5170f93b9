/* netfront: the network frontend (see netfront.h). Ring slot i of either ring
 * always uses buffer page i: tx ids and rx ids are slot numbers, so a response
 * finds its buffer without a table search and a bogus id from the backend is
 * caught by a range check. */
#include "kernel/netfront.h"

#include <pvisor/errno.h>
#include <pvisor/io/netif.h>
#include <pvisor/sched.h>

#include "arch/x86_64/hypercall.h"
#include "kernel/evtchn.h"
#include "kernel/gnttab.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "kernel/xenbus.h"
#include "lib/format.h"
#include "lib/kstring.h"

#define NF_TX PV_NETIF_TX_RING_SIZE
#define NF_RX PV_NETIF_RX_RING_SIZE

static struct {
	int up;
	char node[32];
	char backend[96];
	unsigned backend_id;
	uint8_t mac[6];
	uint32_t port;
	struct pv_netif_tx_front_ring tx;
	struct pv_netif_rx_front_ring rx;
	uint8_t *tx_pages; /* NF_TX pages, slot i at i * 4096 */
	uint8_t *rx_pages;
	pv_grant_ref_t tx_ref[NF_TX], rx_ref[NF_RX];
	uint8_t tx_busy[NF_TX];
	struct netfront_stats st;
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

static void nf_post_rx(unsigned slot)
{
	struct pv_netif_rx_request *r = PV_RING_GET_REQUEST(&nf.rx, nf.rx.req_prod_pvt);

	r->id = (uint16_t)slot;
	r->pad = 0;
	r->gref = nf.rx_ref[slot];
	nf.rx.req_prod_pvt++;
}

/* Pages survive a disconnect (the bump allocator never frees): a later
 * connect reuses them, ending the old grants first (the backend is gone by
 * then: the toolstack removes the device only after it closed). */
static struct {
	void *txs, *rxs;
	uint8_t *tx_pages, *rx_pages;
	int txs_ref, rxs_ref;
	pv_grant_ref_t tx_ref[NF_TX], rx_ref[NF_RX];
	int granted;
} nf_mem;

static int nf_pages(void)
{
	if (!nf_mem.txs) {
		nf_mem.txs = mm_alloc_pages(1);
		nf_mem.rxs = mm_alloc_pages(1);
		nf_mem.tx_pages = mm_alloc_pages(NF_TX);
		nf_mem.rx_pages = mm_alloc_pages(NF_RX);
	}
	if (!nf_mem.txs || !nf_mem.rxs || !nf_mem.tx_pages || !nf_mem.rx_pages) {
		nf_mem.txs = NULL;
		return -PV_ENOMEM;
	}
	if (nf_mem.granted) {
		gnttab_end_access((pv_grant_ref_t)nf_mem.txs_ref);
		gnttab_end_access((pv_grant_ref_t)nf_mem.rxs_ref);
		for (unsigned i = 0; i < NF_TX; i++)
			gnttab_end_access(nf_mem.tx_ref[i]);
		for (unsigned i = 0; i < NF_RX; i++)
			gnttab_end_access(nf_mem.rx_ref[i]);
		nf_mem.granted = 0;
	}
	memset(nf_mem.txs, 0, PV_PAGE_SIZE);
	memset(nf_mem.rxs, 0, PV_PAGE_SIZE);
	nf.tx_pages = nf_mem.tx_pages;
	nf.rx_pages = nf_mem.rx_pages;
	return 0;
}

/* Rings, buffers, grants and the event channel. */
static int nf_setup(int *tx_ring_ref, int *rx_ring_ref)
{
	int rc = nf_pages();

	if (rc)
		return rc;
	PV_FRONT_RING_SETUP(&nf.tx, (struct pv_netif_tx_sring *)nf_mem.txs, PV_PAGE_SIZE);
	PV_FRONT_RING_SETUP(&nf.rx, (struct pv_netif_rx_sring *)nf_mem.rxs, PV_PAGE_SIZE);
	*tx_ring_ref = gnttab_grant_access((pv_domid_t)nf.backend_id,
					   mm_virt_to_gfn(nf_mem.txs), 0);
	*rx_ring_ref = gnttab_grant_access((pv_domid_t)nf.backend_id,
					   mm_virt_to_gfn(nf_mem.rxs), 0);
	if (*tx_ring_ref < 0 || *rx_ring_ref < 0)
		return -PV_ENOSPC;
	nf_mem.txs_ref = *tx_ring_ref;
	nf_mem.rxs_ref = *rx_ring_ref;
	rc = nf_grant_pages(nf.tx_pages, NF_TX, nf.tx_ref, 1);
	if (rc == 0)
		rc = nf_grant_pages(nf.rx_pages, NF_RX, nf.rx_ref, 0);
	if (rc)
		return rc;
	memcpy(nf_mem.tx_ref, nf.tx_ref, sizeof(nf.tx_ref));
	memcpy(nf_mem.rx_ref, nf.rx_ref, sizeof(nf.rx_ref));
	nf_mem.granted = 1;
	rc = evtchn_alloc_unbound((pv_domid_t)nf.backend_id);
	if (rc < 0)
		return rc;
	nf.port = (uint32_t)rc;
	evtchn_mask(nf.port); /* polled: see netfront.h */
	for (unsigned i = 0; i < NF_RX; i++)
		nf_post_rx(i);
	PV_RING_PUSH_REQUESTS(&nf.rx);
	return 0;
}

static int nf_publish(int tx_ring_ref, int rx_ring_ref)
{
	char p[64];
	xbt_t t;
	int rc;

	do {
		rc = xenbus_transaction_start(&t);
		if (rc)
			return rc;
#define NF_KEY(k, fmt, v)                                                   \
	do {                                                                \
		ksnprintf(p, sizeof(p), "%s/" k, nf.node);                  \
		if (!rc)                                                    \
			rc = xenbus_printf(t, p, fmt, v);                   \
	} while (0)
		NF_KEY("tx-ring-ref", "%d", tx_ring_ref);
		NF_KEY("rx-ring-ref", "%d", rx_ring_ref);
		NF_KEY("event-channel", "%u", nf.port);
		NF_KEY("request-rx-copy", "%d", 1);
		NF_KEY("feature-rx-notify", "%d", 1);
		NF_KEY("feature-no-csum-offload", "%d", 1);
		NF_KEY("state", "%d", PV_XenbusStateInitialised);
#undef NF_KEY
		if (rc) {
			xenbus_transaction_end(t, 1);
			return rc;
		}
		rc = xenbus_transaction_end(t, 0);
	} while (rc == -PV_EAGAIN);
	return rc;
}

int netfront_connect(unsigned devid, uint64_t timeout_ns)
{
	int tx_ref = -1, rx_ref = -1, rc;

	if (nf.up)
		return 0;
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
	if ((rc = nf_read_mac())) {
		printk("netfront: %s: no usable mac key\n", nf.node);
		return rc;
	}
	rc = gnttab_init();
	if (rc == 0)
		rc = nf_setup(&tx_ref, &rx_ref);
	if (rc == 0)
		rc = nf_publish(tx_ref, rx_ref);
	if (rc) {
		printk("netfront: %s: setting up the rings failed (%d)\n", nf.node, rc);
		return rc;
	}
	rc = xenbus_wait_state(nf.backend, 1u << PV_XenbusStateConnected |
				1u << PV_XenbusStateClosing | 1u << PV_XenbusStateClosed,
			       timeout_ns);
	if (rc != PV_XenbusStateConnected) {
		printk("netfront: %s: backend %s did not connect (%d)\n", nf.node, nf.backend, rc);
		return rc < 0 ? rc : -PV_ENODEV;
	}
	rc = xenbus_switch_state(nf.node, PV_XenbusStateConnected);
	if (rc)
		return rc;
	nf.up = 1;
	return 0;
}

int netfront_backend_state(void)
{
	return nf.backend[0] ? (int)xenbus_read_state(nf.backend) : PV_XenbusStateUnknown;
}

void netfront_disconnect(void)
{
	if (!nf.node[0])
		return;
	xenbus_switch_state(nf.node, PV_XenbusStateClosing);
	xenbus_switch_state(nf.node, PV_XenbusStateClosed);
	if (nf.port)
		evtchn_close(nf.port);
	memset(&nf, 0, sizeof(nf));
}

int netfront_up(void)
{
	return nf.up;
}

void netfront_mac(uint8_t mac[6])
{
	memcpy(mac, nf.mac, 6);
}

static void nf_tx_complete(void)
{
	pv_ring_idx_t prod = nf.tx.sring->rsp_prod;

	PV_RING_RMB();
	if (PV_RING_RESPONSE_PROD_OVERFLOW(&nf.tx, prod))
		return; /* a confused backend: take nothing rather than garbage */
	for (; nf.tx.rsp_cons != prod; nf.tx.rsp_cons++) {
		struct pv_netif_tx_response r;

		PV_RING_COPY_RESPONSE(&nf.tx, nf.tx.rsp_cons, &r);
		if (r.status == PV_NETIF_RSP_NULL)
			continue;
		if (r.status != PV_NETIF_RSP_OKAY)
			nf.st.tx_errors++;
		if (r.id < NF_TX)
			nf.tx_busy[r.id] = 0;
	}
	nf.tx.sring->rsp_event = nf.tx.rsp_cons + 1;
}

int netfront_send(const void *frame, uint32_t len)
{
	unsigned slot;
	struct pv_netif_tx_request *r;

	if (!nf.up)
		return -PV_ENODEV;
	if (len < 14 || len > NETFRONT_FRAME_MAX)
		return -PV_EINVAL;
	if (PV_RING_FULL(&nf.tx))
		nf_tx_complete();
	if (PV_RING_FULL(&nf.tx)) {
		nf.st.tx_full++;
		return -PV_EAGAIN;
	}
	slot = nf.tx.req_prod_pvt & (NF_TX - 1);
	if (nf.tx_busy[slot]) {
		nf.st.tx_full++;
		return -PV_EAGAIN;
	}
	memcpy(nf.tx_pages + (uint64_t)slot * PV_PAGE_SIZE, frame, len);
	r = PV_RING_GET_REQUEST(&nf.tx, nf.tx.req_prod_pvt);
	r->gref = nf.tx_ref[slot];
	r->offset = 0;
	r->flags = 0;
	r->id = (uint16_t)slot;
	r->size = (uint16_t)len;
	nf.tx_busy[slot] = 1;
	nf.tx.req_prod_pvt++;
	nf.st.tx_frames++;
	nf.st.tx_bytes += len;
	return 0;
}

void netfront_flush(void)
{
	int notify;

	if (!nf.up || nf.tx.req_prod_pvt == nf.tx.sring->req_prod)
		return;
	PV_RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf.tx, notify);
	if (notify)
		evtchn_send(nf.port);
}

static unsigned nf_rx_take(netfront_rx_fn rx, void *arg, unsigned budget)
{
	pv_ring_idx_t prod = nf.rx.sring->rsp_prod;
	unsigned got = 0;

	PV_RING_RMB();
	if (PV_RING_RESPONSE_PROD_OVERFLOW(&nf.rx, prod))
		return 0;
	while (nf.rx.rsp_cons != prod && got < budget) {
		struct pv_netif_rx_response r;
		unsigned slot = nf.rx.rsp_cons & (NF_RX - 1);

		PV_RING_COPY_RESPONSE(&nf.rx, nf.rx.rsp_cons, &r);
		nf.rx.rsp_cons++;
		/* The response is in the request's slot, so slot == r.id for a
		 * well-behaved backend; the page is ours either way. */
		if (r.status > 0 && r.offset + (uint32_t)r.status <= PV_PAGE_SIZE &&
		    !(r.flags & (PV_NETRXF_more_data | PV_NETRXF_extra_info))) {
			nf.st.rx_frames++;
			nf.st.rx_bytes += (uint64_t)r.status;
			got++;
			rx(nf.rx_pages + (uint64_t)slot * PV_PAGE_SIZE + r.offset,
			   (uint32_t)r.status, arg);
		} else {
			nf.st.rx_errors++;
		}
		nf_post_rx(slot);
	}
	nf.rx.sring->rsp_event = nf.rx.rsp_cons + 1;
	return got;
}

unsigned netfront_poll(netfront_rx_fn rx, void *arg, unsigned budget)
{
	unsigned got;
	int notify;

	if (!nf.up)
		return 0;
	evtchn_test_and_clear_pending(nf.port);
	nf_tx_complete();
	got = nf_rx_take(rx, arg, budget);
	if (nf.rx.req_prod_pvt != nf.rx.sring->req_prod) {
		PV_RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf.rx, notify);
		if (notify)
			evtchn_send(nf.port);
	}
	netfront_flush();
	return got;
}

void netfront_wait(uint64_t deadline_ns)
{
	struct pv_sched_poll sp = { .nr_ports = 1, .timeout = deadline_ns };

	if (!nf.up)
		return;
	PV_RING_MB();
	if (nf.rx.sring->rsp_prod != nf.rx.rsp_cons)
		return;
	sp.ports = (uintptr_t)&nf.port;
	if (HYPERVISOR_sched_op(PV_SCHEDOP_poll, &sp) < 0)
		sched_yield();
}

int netfront_send_raw(const struct pv_netif_tx_request *reqs, unsigned n)
{
	if (!nf.up)
		return -PV_ENODEV;
	nf_tx_complete();
	if (PV_RING_FREE_REQUESTS(&nf.tx) < n)
		return -PV_EAGAIN;
	for (unsigned i = 0; i < n; i++) {
		*PV_RING_GET_REQUEST(&nf.tx, nf.tx.req_prod_pvt) = reqs[i];
		nf.tx.req_prod_pvt++;
	}
	netfront_flush();
	return (int)n;
}

uint32_t netfront_tx_ref(unsigned slot)
{
	return nf.tx_ref[slot % NF_TX];
}

void netfront_get_stats(struct netfront_stats *st)
{
	*st = nf.st;
}
