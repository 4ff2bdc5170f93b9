/* Unit tests for netback's pure parts: tx request validation (nb_tx.c), rx
 * planning (nb_rx.c), the learning switch (nb_switch.c) and the rate limiter
 * (nb_rate.c). */
#include "netback/nb_csum.h"
#include "netback/nb_rate.h"
#include "netback/nb_rx.h"
#include "netback/nb_switch.h"
#include "netback/nb_tx.h"

#include <CUnit/Basic.h>
#include <string.h>

static const struct nb_tx_limits lim = { .nr_grefs = 1024, .max_packet = 1518, .sg = 1 };

static struct pv_netif_tx_request req(uint32_t gref, uint16_t off, uint16_t flags, uint16_t id,
				      uint16_t size)
{
	struct pv_netif_tx_request r = { gref, off, flags, id, size };

	return r;
}

static struct pv_netif_tx_request extra(uint8_t type, uint8_t flags)
{
	struct pv_netif_tx_request r;
	struct pv_netif_extra_info x;

	memset(&r, 0xee, sizeof(r)); /* garbage past the extra's 8 bytes */
	memset(&x, 0, sizeof(x));
	x.type = type;
	x.flags = flags;
	memcpy(&r, &x, sizeof(x));
	return r;
}

static void expect_bad(const struct pv_netif_tx_request *s, unsigned n, unsigned slots,
		       const char *why)
{
	struct nb_tx_packet p;

	CU_ASSERT_EQUAL(nb_tx_parse(s, n, &lim, &p), slots);
	CU_ASSERT_EQUAL(p.verdict, NB_TX_BAD);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.why);
	CU_ASSERT_STRING_EQUAL(p.why, why);
	if (strcmp(p.why, why))
		fprintf(stderr, "\n  want %s\n  got  %s\n", why, p.why);
}

static void test_tx_single(void)
{
	struct pv_netif_tx_request s[1] = { req(8, 100, PV_NETTXF_data_validated, 7, 60) };
	struct pv_netif_tx_response rsp[1];
	struct nb_tx_packet p;

	CU_ASSERT_EQUAL(nb_tx_parse(s, 1, &lim, &p), 1);
	CU_ASSERT_EQUAL(p.verdict, NB_TX_OK);
	CU_ASSERT_EQUAL(p.nfrags, 1);
	CU_ASSERT_EQUAL(p.len, 60);
	CU_ASSERT_EQUAL(p.frags[0].gref, 8);
	CU_ASSERT_EQUAL(p.frags[0].offset, 100);
	CU_ASSERT_EQUAL(p.frags[0].len, 60);
	nb_tx_responses(&p, PV_NETIF_RSP_OKAY, rsp);
	CU_ASSERT_EQUAL(rsp[0].id, 7);
	CU_ASSERT_EQUAL(rsp[0].status, PV_NETIF_RSP_OKAY);
}

static void test_tx_chain(void)
{
	/* 1514 bytes: 1000 in the first slot, then 400 and 114. */
	struct pv_netif_tx_request s[3] = {
		req(10, 3000, PV_NETTXF_more_data, 1, 1514),
		req(11, 0, PV_NETTXF_more_data, 2, 400),
		req(12, 3982, 0, 3, 114),
	};
	struct nb_tx_packet p;

	CU_ASSERT_EQUAL(nb_tx_parse(s, 3, &lim, &p), 3);
	CU_ASSERT_EQUAL(p.verdict, NB_TX_OK);
	CU_ASSERT_EQUAL(p.nfrags, 3);
	CU_ASSERT_EQUAL(p.frags[0].len, 1000);
	CU_ASSERT_EQUAL(p.frags[1].len, 400);
	CU_ASSERT_EQUAL(p.frags[2].len, 114);
	/* the chain is not complete in 2 slots: wait */
	CU_ASSERT_EQUAL(nb_tx_parse(s, 2, &lim, &p), 0);
	CU_ASSERT_EQUAL(nb_tx_parse(s, 0, &lim, &p), 0);
}

static void test_tx_extra(void)
{
	struct pv_netif_tx_request s[4] = {
		req(10, 0, PV_NETTXF_extra_info | PV_NETTXF_more_data, 1, 100),
		extra(PV_NETIF_EXTRA_TYPE_MCAST_ADD, PV_NETIF_EXTRA_FLAG_MORE),
		extra(PV_NETIF_EXTRA_TYPE_HASH, 0),
		req(11, 0, 0, 2, 40),
	};
	struct pv_netif_tx_response rsp[4];
	struct nb_tx_packet p;

	CU_ASSERT_EQUAL(nb_tx_parse(s, 4, &lim, &p), 4);
	CU_ASSERT_EQUAL(p.verdict, NB_TX_OK);
	CU_ASSERT_EQUAL(p.nfrags, 2);
	CU_ASSERT_EQUAL(p.frags[0].len, 60);
	CU_ASSERT_EQUAL(nb_tx_parse(s, 3, &lim, &p), 0);
	CU_ASSERT_EQUAL(nb_tx_parse(s, 4, &lim, &p), 4);
	nb_tx_responses(&p, PV_NETIF_RSP_ERROR, rsp);
	CU_ASSERT_EQUAL(rsp[0].status, PV_NETIF_RSP_ERROR);
	CU_ASSERT_EQUAL(rsp[1].status, PV_NETIF_RSP_NULL);
	CU_ASSERT_EQUAL(rsp[2].status, PV_NETIF_RSP_NULL);
	CU_ASSERT_EQUAL(rsp[3].status, PV_NETIF_RSP_ERROR);
	CU_ASSERT_EQUAL(rsp[3].id, 2);
	/* GSO was not offered; unknown types are bad */
	s[2] = extra(PV_NETIF_EXTRA_TYPE_GSO, 0);
	expect_bad(s, 4, 4, "GSO extra info, but the backend offers no GSO");
	s[2] = extra(PV_NETIF_EXTRA_TYPE_MAX, 0);
	expect_bad(s, 4, 4, "bad extra info type");
	s[2] = extra(PV_NETIF_EXTRA_TYPE_NONE, 0);
	expect_bad(s, 4, 4, "bad extra info type");
	s[2] = extra(PV_NETIF_EXTRA_TYPE_HASH, 0x80);
	expect_bad(s, 4, 4, "unknown extra info flags");
}

static void test_tx_bad(void)
{
	struct pv_netif_tx_request s[3];

	s[0] = req(8, 0, 0, 1, 13);
	expect_bad(s, 1, 1, "packet shorter than an Ethernet header");
	s[0] = req(8, 0, 0, 1, 1519);
	expect_bad(s, 1, 1, "packet longer than the MTU allows");
	s[0] = req(8, 0, 0x40, 1, 60);
	expect_bad(s, 1, 1, "unknown tx flags");
	s[0] = req(7, 0, 0, 1, 60);
	expect_bad(s, 1, 1, "grant ref out of range");
	s[0] = req(1024, 0, 0, 1, 60);
	expect_bad(s, 1, 1, "grant ref out of range");
	s[0] = req(0xffffffffu, 0, 0, 1, 60);
	expect_bad(s, 1, 1, "grant ref out of range");
	s[0] = req(8, 4096, 0, 1, 60);
	expect_bad(s, 1, 1, "offset past the page");
	s[0] = req(8, 4050, 0, 1, 60);
	expect_bad(s, 1, 1, "first fragment crosses its page");
	/* later fragments */
	s[0] = req(8, 0, PV_NETTXF_more_data, 1, 100);
	s[1] = req(9, 4000, 0, 2, 97);
	expect_bad(s, 2, 2, "fragment crosses its page");
	s[1] = req(9, 0, 0, 2, 101);
	expect_bad(s, 2, 2, "fragments longer than the packet");
	s[1] = req(9, 0, PV_NETTXF_extra_info, 2, 50);
	s[2] = extra(PV_NETIF_EXTRA_TYPE_HASH, 0);
	expect_bad(s, 3, 3, "extra info after a later fragment");
	s[1] = req(3, 0, 0, 2, 50);
	expect_bad(s, 2, 2, "grant ref out of range");
}

static void test_tx_no_sg(void)
{
	struct nb_tx_limits l = lim;
	struct pv_netif_tx_request s[2] = {
		req(8, 0, PV_NETTXF_more_data, 1, 100),
		req(9, 0, 0, 2, 50),
	};
	struct nb_tx_packet p;

	l.sg = 0;
	CU_ASSERT_EQUAL(nb_tx_parse(s, 2, &l, &p), 2);
	CU_ASSERT_EQUAL(p.verdict, NB_TX_BAD);
	CU_ASSERT_STRING_EQUAL(p.why, "fragment chain, but the backend offered no feature-sg");
}

static void test_tx_too_many(void)
{
	struct nb_tx_limits l = lim;
	struct pv_netif_tx_request s[40];
	struct nb_tx_packet p;

	l.max_packet = 65535;
	/* 19 data slots: one more than a backend must take */
	for (int i = 0; i < 19; i++)
		s[i] = req(8, 0, i < 18 ? PV_NETTXF_more_data : 0, (uint16_t)i, i ? 10 : 1000);
	expect_bad(s, 19, 19, "too many fragments");
	/* 18 is fine */
	s[17].flags = 0;
	CU_ASSERT_EQUAL(nb_tx_parse(s, 18, &l, &p), 18);
	CU_ASSERT_EQUAL(p.verdict, NB_TX_OK);
	/* a chain that never ends: fatal after NB_TX_MAX_SLOTS */
	for (int i = 0; i < 40; i++)
		s[i] = req(8, 0, PV_NETTXF_more_data, (uint16_t)i, 100);
	CU_ASSERT_EQUAL(nb_tx_parse(s, 31, &l, &p), 0);
	CU_ASSERT_EQUAL(nb_tx_parse(s, 40, &l, &p), NB_TX_MAX_SLOTS);
	CU_ASSERT_EQUAL(p.verdict, NB_TX_FATAL);
	/* endless extras too */
	s[0] = req(8, 0, PV_NETTXF_extra_info, 0, 100);
	for (int i = 1; i < 40; i++)
		s[i] = extra(PV_NETIF_EXTRA_TYPE_HASH, PV_NETIF_EXTRA_FLAG_MORE);
	CU_ASSERT_EQUAL(nb_tx_parse(s, 40, &l, &p), NB_TX_MAX_SLOTS);
	CU_ASSERT_EQUAL(p.verdict, NB_TX_FATAL);
}

static void test_rx_plan(void)
{
	struct pv_netif_rx_request r[3] = { { 5, 0, 100 }, { 6, 0, 101 }, { 7, 0, 2 } };
	struct nb_rx_plan pl;

	/* 60 bytes at offset 4090 of frame 3: two copies into one slot */
	CU_ASSERT_EQUAL(nb_rx_plan_make(&pl, r, 3, 60, 3, 4090, 9, 1024, 0), 1);
	CU_ASSERT_EQUAL(pl.nslots, 1);
	CU_ASSERT_EQUAL(pl.nops, 2);
	CU_ASSERT_EQUAL(pl.ops[0].source.u.gmfn, 3);
	CU_ASSERT_EQUAL(pl.ops[0].source.offset, 4090);
	CU_ASSERT_EQUAL(pl.ops[0].len, 6);
	CU_ASSERT_EQUAL(pl.ops[1].source.u.gmfn, 4);
	CU_ASSERT_EQUAL(pl.ops[1].source.offset, 0);
	CU_ASSERT_EQUAL(pl.ops[1].dest.offset, 6);
	CU_ASSERT_EQUAL(pl.ops[1].dest.u.ref, 100);
	CU_ASSERT_EQUAL(pl.ops[1].dest.domid, 9);
	CU_ASSERT_EQUAL(pl.rsp[0].id, 5);
	CU_ASSERT_EQUAL(pl.rsp[0].status, 60);
	/* 5000 bytes need two slots: only with sg */
	CU_ASSERT_EQUAL(nb_rx_plan_make(&pl, r, 3, 5000, 0, 0, 9, 1024, 0), -1);
	CU_ASSERT_EQUAL(nb_rx_plan_make(&pl, r, 1, 5000, 0, 0, 9, 1024, 1), 0);
	CU_ASSERT_EQUAL(nb_rx_plan_make(&pl, r, 3, 5000, 0, 0, 9, 1024, 1), 1);
	CU_ASSERT_EQUAL(pl.nslots, 2);
	CU_ASSERT_EQUAL(pl.rsp[0].flags, PV_NETRXF_more_data);
	CU_ASSERT_EQUAL(pl.rsp[0].status, 4096);
	CU_ASSERT_EQUAL(pl.rsp[1].flags, 0);
	CU_ASSERT_EQUAL(pl.rsp[1].status, 904);
	/* a bad ref: that slot answers ERROR, and a failed copy does too */
	CU_ASSERT_EQUAL(nb_rx_plan_make(&pl, r + 2, 1, 60, 0, 0, 9, 1024, 0), 1);
	CU_ASSERT_EQUAL(pl.nops, 0);
	CU_ASSERT_EQUAL(pl.rsp[0].status, PV_NETIF_RSP_ERROR);
	CU_ASSERT_EQUAL(nb_rx_plan_make(&pl, r, 1, 60, 0, 0, 9, 1024, 0), 1);
	pl.ops[0].status = PV_GNTST_bad_gntref;
	CU_ASSERT_EQUAL(nb_rx_plan_finish(&pl), 1);
	CU_ASSERT_EQUAL(pl.rsp[0].status, PV_NETIF_RSP_ERROR);
}

static void test_rx_queue_of(void)
{
	uint8_t f[64];
	unsigned seen[4] = { 0 }, q;

	memset(f, 0, sizeof(f));
	f[12] = 0x08;
	f[14] = 0x45;
	f[23] = 17;
	CU_ASSERT_EQUAL(nb_rx_queue_of(f, 60, 1), 0);
	/* one flow: always the same queue; many flows: every queue used */
	for (unsigned port = 0; port < 256; port++) {
		f[34] = (uint8_t)(port >> 8);
		f[35] = (uint8_t)port;
		q = nb_rx_queue_of(f, 60, 4);
		CU_ASSERT(q < 4);
		CU_ASSERT_EQUAL(nb_rx_queue_of(f, 60, 4), q);
		seen[q % 4]++;
	}
	for (int i = 0; i < 4; i++)
		CU_ASSERT(seen[i] > 16);
	/* ARP, runts: queue 0 */
	f[13] = 0x06;
	CU_ASSERT_EQUAL(nb_rx_queue_of(f, 60, 4), 0);
	f[13] = 0;
	CU_ASSERT_EQUAL(nb_rx_queue_of(f, 20, 4), 0);
}

/* Switch ports that record what they get. */
struct rec_port {
	struct nb_port port;
	int got;
	uint8_t last[64];
};

static void rec_deliver(struct nb_port *p, const uint8_t *frame, uint32_t len)
{
	struct rec_port *r = (struct rec_port *)p;

	r->got++;
	memcpy(r->last, frame, len < 64 ? len : 64);
}

static const struct nb_port_ops rec_ops = { rec_deliver };

static void frame(uint8_t *f, uint8_t dst_last, uint8_t src_last)
{
	static const uint8_t base[6] = { 0x00, 0x16, 0x3e, 0, 0, 0 };

	memset(f, 0, 60);
	memcpy(f, base, 6);
	memcpy(f + 6, base, 6);
	f[5] = dst_last;
	f[11] = src_last;
	if (dst_last == 0xff)
		memset(f, 0xff, 6);
}

static void test_switch(void)
{
	struct nb_switches set = { 0 };
	struct rec_port p[3];
	struct nb_switch *sw = nb_switch_get(&set, "sw0", 1), *other;
	uint8_t f[60];

	CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
	CU_ASSERT_PTR_EQUAL(nb_switch_get(&set, "sw0", 0), sw);
	CU_ASSERT_PTR_NULL(nb_switch_get(&set, "nope", 0));
	other = nb_switch_get(&set, "sw1", 1);
	memset(p, 0, sizeof(p));
	for (int i = 0; i < 3; i++) {
		p[i].port.ops = &rec_ops;
		nb_switch_attach(i < 2 ? sw : other, &p[i].port);
	}
	/* unknown destination: flooded to the other port of sw0 only */
	frame(f, 2, 1);
	nb_switch_input(&p[0].port, f, 60, 1000);
	CU_ASSERT_EQUAL(p[1].got, 1);
	CU_ASSERT_EQUAL(p[2].got, 0);
	CU_ASSERT_PTR_EQUAL(nb_switch_lookup(sw, f + 6, 1000), &p[0].port);
	/* the reply is forwarded: learnt */
	frame(f, 1, 2);
	nb_switch_input(&p[1].port, f, 60, 2000);
	CU_ASSERT_EQUAL(p[0].got, 1);
	CU_ASSERT_EQUAL(sw->forwarded, 1);
	/* broadcast floods */
	frame(f, 0xff, 1);
	nb_switch_input(&p[0].port, f, 60, 3000);
	CU_ASSERT_EQUAL(p[1].got, 2);
	CU_ASSERT_EQUAL(p[0].got, 1);
	/* a frame for a MAC on the same port is filtered */
	frame(f, 1, 9);
	nb_switch_input(&p[0].port, f, 60, 4000);
	CU_ASSERT_EQUAL(sw->filtered, 1);
	CU_ASSERT_EQUAL(p[1].got, 2);
	/* runts are ignored */
	nb_switch_input(&p[0].port, f, 13, 4000);
	CU_ASSERT_EQUAL(p[1].got, 2);
	/* aging: after NB_MAC_AGE_NS the entry is gone, and the frame floods */
	CU_ASSERT_PTR_NULL(nb_switch_lookup(sw, f, 3000 + NB_MAC_AGE_NS + 1));
	CU_ASSERT_EQUAL(nb_switch_expire(sw, 4000 + NB_MAC_AGE_NS + 1), 3);
	CU_ASSERT_EQUAL(sw->nmacs, 0);
	/* detach forgets the port's addresses */
	frame(f, 2, 1);
	nb_switch_input(&p[0].port, f, 60, 5000);
	CU_ASSERT_EQUAL(sw->nmacs, 1);
	nb_switch_detach(&p[0].port);
	CU_ASSERT_EQUAL(sw->nmacs, 0);
	CU_ASSERT_EQUAL(sw->nports, 1);
	nb_switch_detach(&p[1].port);
	nb_switch_detach(&p[2].port);
	nb_switches_fini(&set);
}

static void test_switch_table_bound(void)
{
	struct nb_switches set = { 0 };
	struct rec_port a, b;
	struct nb_switch *sw = nb_switch_get(&set, "big", 1);
	uint8_t f[60];

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.port.ops = b.port.ops = &rec_ops;
	nb_switch_attach(sw, &a.port);
	nb_switch_attach(sw, &b.port);
	frame(f, 0xff, 0);
	for (unsigned i = 0; i < NB_MAC_MAX + 100; i++) {
		f[9] = (uint8_t)(i >> 16);
		f[10] = (uint8_t)(i >> 8);
		f[11] = (uint8_t)i;
		nb_switch_input(&a.port, f, 60, 1);
	}
	CU_ASSERT_EQUAL(sw->nmacs, NB_MAC_MAX);
	/* once old entries age, new sources are learnt again */
	f[11] ^= 0x55;
	nb_switch_input(&b.port, f, 60, 2 + NB_MAC_AGE_NS);
	CU_ASSERT_EQUAL(sw->nmacs, 1);
	nb_switch_detach(&a.port);
	nb_switch_detach(&b.port);
	nb_switches_fini(&set);
}

static void test_rate(void)
{
	struct nb_rate r;
	uint64_t retry = 0, now = 1000000000ull, sent = 0;

	/* 10Mb/s: 62500 bytes per 50 ms */
	nb_rate_init(&r, 62500, 50000, now);
	CU_ASSERT_EQUAL(nb_rate_take(&r, 62500, now, &retry), 1);
	CU_ASSERT_EQUAL(nb_rate_take(&r, 1, now, &retry), 0);
	CU_ASSERT_EQUAL(retry, now + 50000000ull);
	CU_ASSERT_EQUAL(nb_rate_take(&r, 1, retry - 1, &retry), 0);
	CU_ASSERT_EQUAL(nb_rate_take(&r, 1500, retry, &retry), 1);
	/* A sender that always retries at the time given gets 200 credits in 10 s
	 * (the first one and 199 refills), less what is left over. */
	nb_rate_init(&r, 62500, 50000, now);
	for (uint64_t t = now; t < now + 10000000000ull;) {
		if (nb_rate_take(&r, 1514, t, &retry))
			sent += 1514;
		else
			t = retry;
	}
	CU_ASSERT(sent > 12500000ull - 1514 && sent <= 12500000ull);
	if (sent <= 12500000ull - 1514 || sent > 12500000ull)
		fprintf(stderr, "\n  sent %llu\n", (unsigned long long)sent);
	/* idle time does not pile up more than the burst */
	nb_rate_init(&r, 1000, 1000, 0);
	CU_ASSERT_EQUAL(nb_rate_take(&r, 1000, 0, &retry), 1);
	CU_ASSERT_EQUAL(nb_rate_take(&r, 1000, 1000000000ull, &retry), 1);
	CU_ASSERT_EQUAL(r.remaining, 0);
	/* a credit smaller than a packet still lets packets through (burst 128 KiB) */
	nb_rate_init(&r, 100, 1000, 0);
	CU_ASSERT_EQUAL(nb_rate_take(&r, 1514, 0, &retry), 0);
	{
		uint64_t t = 0;
		int ok = 0;

		for (int i = 0; i < 100 && !ok; i++) {
			ok = nb_rate_take(&r, 1514, t, &retry);
			t = retry;
		}
		CU_ASSERT(ok);
	}
	/* unlimited */
	nb_rate_init(&r, 0, 0, 0);
	CU_ASSERT_EQUAL(nb_rate_take(&r, 65535, 0, &retry), 1);
}

/* One's-complement sum check: a correct checksum makes the total fold to 0. */
static uint16_t verify_l4(const uint8_t *f, unsigned ihl_off, unsigned l4len, uint8_t proto)
{
	const uint8_t *ip = f + 14, *l4 = f + 14 + ihl_off;
	uint32_t s = proto + l4len;

	for (int i = 12; i < 20; i += 2)
		s += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	for (unsigned i = 0; i + 1 < l4len; i += 2)
		s += (uint32_t)(l4[i] << 8 | l4[i + 1]);
	if (l4len & 1)
		s += (uint32_t)l4[l4len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void test_csum(void)
{
	uint8_t f[128];
	unsigned udplen = 8 + 33, tcplen = 20 + 10;

	/* IPv4/UDP, odd length, checksum field garbage (a pseudo-header sum) */
	memset(f, 0, sizeof(f));
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = 0;
	f[17] = (uint8_t)(20 + udplen);
	f[23] = 17;
	memcpy(f + 26, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	for (unsigned i = 0; i < udplen; i++)
		f[34 + i] = (uint8_t)(i * 7 + 3);
	f[38] = 0;
	f[39] = (uint8_t)udplen;
	f[40] = 0x12;
	f[41] = 0x34;
	CU_ASSERT_EQUAL(nb_csum_fill(f, 14 + 20 + udplen), 0);
	CU_ASSERT_EQUAL(verify_l4(f, 20, udplen, 17), 0);
	CU_ASSERT(f[40] || f[41]);
	/* TCP */
	f[23] = 6;
	f[17] = (uint8_t)(20 + tcplen);
	CU_ASSERT_EQUAL(nb_csum_fill(f, 14 + 20 + tcplen), 0);
	CU_ASSERT_EQUAL(verify_l4(f, 20, tcplen, 6), 0);
	/* truncated: total length past the frame */
	CU_ASSERT_EQUAL(nb_csum_fill(f, 14 + 20 + tcplen - 1), -1);
	CU_ASSERT_EQUAL(nb_csum_fill(f, 10), -1);
	/* ARP and ICMP are left alone */
	f[23] = 1;
	CU_ASSERT_EQUAL(nb_csum_fill(f, 14 + 20 + tcplen), 0);
	f[13] = 0x06;
	CU_ASSERT_EQUAL(nb_csum_fill(f, 60), 0);
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "tx single slot", test_tx_single },
		{ "tx chain", test_tx_chain },
		{ "tx extra info", test_tx_extra },
		{ "tx bad requests", test_tx_bad },
		{ "tx no sg", test_tx_no_sg },
		{ "tx too many slots", test_tx_too_many },
		{ "rx plan", test_rx_plan },
		{ "rx queue of a flow", test_rx_queue_of },
		{ "switch", test_switch },
		{ "switch table bound", test_switch_table_bound },
		{ "rate", test_rate },
		{ "checksums of csum_blank packets", test_csum },
	};
	CU_pSuite suite;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	suite = CU_add_suite("netback", NULL, NULL);
	for (size_t i = 0; suite && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(suite, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
