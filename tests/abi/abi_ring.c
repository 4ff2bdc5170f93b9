/* ABI conformance, ring behaviour: drives pvisor's io/ring.h macros and Xen
 * 4.17's io/ring.h macros through the same pseudo-random front/back sequence
 * (across the 2^32 index wrap, with hostile producer values) and requires
 * identical shared pages, notify decisions, counts and overflow verdicts. */
#include "abi_check.h"

#ifdef ABI_HAVE_XEN
#include <string.h>

#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/io/ring.h>
#include <xen/io/netif.h>

#include "pvisor/io/netif.h"
#include "pvisor/io/ring.h"

#define PAGE  4096
#define STEPS 200000

/* netif_rx: 8-byte, 2-byte-aligned entries, 256 per page. */
static union {
	uint8_t b[PAGE];
	uint64_t align;
} pv_page, xen_page;

static struct pv_netif_rx_front_ring pf;
static struct pv_netif_rx_back_ring pb;
static struct netif_rx_front_ring xf;
static struct netif_rx_back_ring xb;
static unsigned diff_bad;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)rng_state;
}

static void diff_eq(const char *what, unsigned step, long long ours, long long xens)
{
	if (ours == xens)
		return;
	if (diff_bad++ < 20)
		printf("MISMATCH step %u %s: pvisor %lld, xen %lld\n", step, what, ours, xens);
}

static void rings_setup(pv_ring_idx_t start)
{
	struct pv_netif_rx_sring *ps = (void *)pv_page.b;
	struct netif_rx_sring *xs = (void *)xen_page.b;

	memset(pv_page.b, 0xAA, PAGE);
	memset(xen_page.b, 0xAA, PAGE);
	PV_SHARED_RING_INIT(ps);
	SHARED_RING_INIT(xs);
	diff_eq("header after init", 0, memcmp(pv_page.b, xen_page.b, PAGE), 0);
	ps->req_prod = ps->rsp_prod = start;
	ps->req_event = ps->rsp_event = start + 1;
	xs->req_prod = xs->rsp_prod = start;
	xs->req_event = xs->rsp_event = start + 1;
	PV_FRONT_RING_ATTACH(&pf, ps, start, PAGE);
	PV_BACK_RING_ATTACH(&pb, ps, start, PAGE);
	FRONT_RING_ATTACH(&xf, xs, start, PAGE);
	BACK_RING_ATTACH(&xb, xs, start, PAGE);
	diff_eq("nr_ents", 0, PV_RING_SIZE(&pf), RING_SIZE(&xf));
}

static void front_produce(unsigned step, unsigned n)
{
	int pn, xn;

	diff_eq("free requests", step, PV_RING_FREE_REQUESTS(&pf), RING_FREE_REQUESTS(&xf));
	while (n-- && !PV_RING_FULL(&pf) && !RING_FULL(&xf)) {
		struct pv_netif_rx_request *p = PV_RING_GET_REQUEST(&pf, pf.req_prod_pvt);
		struct netif_rx_request *x = RING_GET_REQUEST(&xf, xf.req_prod_pvt);

		p->id = x->id = (uint16_t)pf.req_prod_pvt;
		p->pad = x->pad = 0;
		p->gref = x->gref = rng_next();
		pf.req_prod_pvt++;
		xf.req_prod_pvt++;
	}
	PV_RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&pf, pn);
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&xf, xn);
	diff_eq("request notify", step, pn, xn);
}

static void back_consume(unsigned step, unsigned n)
{
	diff_eq("unconsumed requests", step, PV_RING_HAS_UNCONSUMED_REQUESTS(&pb),
		RING_HAS_UNCONSUMED_REQUESTS(&xb));
	while (n-- && PV_RING_HAS_UNCONSUMED_REQUESTS(&pb) &&
	       pb.req_cons != pb.rsp_prod_pvt + PV_RING_SIZE(&pb)) {
		struct pv_netif_rx_request p;
		struct netif_rx_request x;

		diff_eq("cons overflow", step, PV_RING_REQUEST_CONS_OVERFLOW(&pb, pb.req_cons),
			RING_REQUEST_CONS_OVERFLOW(&xb, xb.req_cons));
		PV_RING_COPY_REQUEST(&pb, pb.req_cons, &p);
		RING_COPY_REQUEST(&xb, xb.req_cons, &x);
		diff_eq("request copy", step, memcmp(&p, &x, sizeof(p)), 0);
		pb.req_cons++;
		xb.req_cons++;
	}
}

static void back_respond(unsigned step, unsigned n)
{
	int pn, xn;

	while (n-- && pb.rsp_prod_pvt != pb.req_cons) {
		struct pv_netif_rx_response *p = PV_RING_GET_RESPONSE(&pb, pb.rsp_prod_pvt);
		struct netif_rx_response *x = RING_GET_RESPONSE(&xb, xb.rsp_prod_pvt);

		p->id = x->id = (uint16_t)pb.rsp_prod_pvt;
		p->offset = x->offset = 0;
		p->flags = x->flags = 0;
		p->status = x->status = (int16_t)(rng_next() & 0x7ff);
		pb.rsp_prod_pvt++;
		xb.rsp_prod_pvt++;
	}
	PV_RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&pb, pn);
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&xb, xn);
	diff_eq("response notify", step, pn, xn);
}

static void front_consume(unsigned step, unsigned n)
{
	diff_eq("unconsumed responses", step, PV_RING_HAS_UNCONSUMED_RESPONSES(&pf),
		RING_HAS_UNCONSUMED_RESPONSES(&xf));
	while (n-- && PV_RING_HAS_UNCONSUMED_RESPONSES(&pf)) {
		struct pv_netif_rx_response p;
		struct netif_rx_response x;

		PV_RING_COPY_RESPONSE(&pf, pf.rsp_cons, &p);
		RING_COPY_RESPONSE(&xf, xf.rsp_cons, &x);
		diff_eq("response copy", step, memcmp(&p, &x, sizeof(p)), 0);
		pf.rsp_cons++;
		xf.rsp_cons++;
	}
}

static void final_checks(unsigned step)
{
	int pw, xw;

	PV_RING_FINAL_CHECK_FOR_REQUESTS(&pb, pw);
	RING_FINAL_CHECK_FOR_REQUESTS(&xb, xw);
	diff_eq("final check for requests", step, pw, xw);
	PV_RING_FINAL_CHECK_FOR_RESPONSES(&pf, pw);
	RING_FINAL_CHECK_FOR_RESPONSES(&xf, xw);
	diff_eq("final check for responses", step, pw, xw);
}

/* Arbitrary producer values as a hostile peer might publish them. */
static void hostile_checks(unsigned step)
{
	pv_ring_idx_t prod = pb.req_cons + (rng_next() % 1024) - 512;
	pv_ring_idx_t saved = pf.sring->req_prod;

	diff_eq("req prod overflow", step, PV_RING_REQUEST_PROD_OVERFLOW(&pb, prod),
		RING_REQUEST_PROD_OVERFLOW(&xb, prod));
	diff_eq("rsp prod overflow", step, PV_RING_RESPONSE_PROD_OVERFLOW(&pf, prod),
		RING_RESPONSE_PROD_OVERFLOW(&xf, prod));
	diff_eq("cons overflow (any)", step, PV_RING_REQUEST_CONS_OVERFLOW(&pb, prod),
		RING_REQUEST_CONS_OVERFLOW(&xb, prod));
	pb.sring->req_prod = prod;
	xb.sring->req_prod = prod;
	diff_eq("clamped unconsumed requests", step, PV_RING_NR_UNCONSUMED_REQUESTS(&pb),
		XEN_RING_NR_UNCONSUMED_REQUESTS(&xb));
	pb.sring->req_prod = saved;
	xb.sring->req_prod = saved;
}

static void run_sequence(pv_ring_idx_t start)
{
	unsigned step;

	rings_setup(start);
	for (step = 1; step <= STEPS; step++) {
		uint32_t r = rng_next();
		unsigned n = (r >> 8) % 40;

		switch (r % 6) {
		case 0:
			front_produce(step, n);
			break;
		case 1:
			back_consume(step, n);
			break;
		case 2:
			back_respond(step, n);
			break;
		case 3:
			front_consume(step, n);
			break;
		case 4:
			final_checks(step);
			break;
		default:
			hostile_checks(step);
			break;
		}
		diff_eq("shared page", step, memcmp(pv_page.b, xen_page.b, PAGE), 0);
	}
}

int main(void)
{
	static const pv_ring_idx_t starts[] = { 0, 0xFFFFFF00u, 0x7FFFFFF0u };
	char what[96];
	unsigned i;

	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		run_sequence(starts[i]);
		/* The sequence must really have moved the ring a long way. */
		snprintf(what, sizeof(what), "over 10000 requests from index %#x", starts[i]);
		abi_eq(what, (pv_ring_idx_t)(pf.req_prod_pvt - starts[i]) > 10000, 1);
	}
	abi_eq("ring macro differential mismatches", diff_bad, 0);
	return abi_report("abi_ring");
}
#else
int main(void)
{
	return abi_skip("abi_ring");
}
#endif
