/* libFuzzer harness for netback's handling of a frontend's rings: the input is a
 * ring's worth of tx slots (after 3 bytes choosing the limits), consumed packet
 * by packet as the daemon does -- checking every promise nb_tx.h makes about an
 * accepted packet and that a ring always makes progress -- and the same bytes
 * read as rx requests, into which each accepted packet is planned (nb_rx.h):
 * every copy stays within its pages and every slot is answered. */
#include "netback/nb_rx.h"
#include "netback/nb_tx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ok(const struct nb_tx_packet *p, const struct nb_tx_limits *lim)
{
	uint32_t sum = 0;

	if (p->nfrags < 1 || p->nfrags > NB_TX_MAX_FRAGS || p->len < NB_ETH_HLEN ||
	    p->len > lim->max_packet || (p->nfrags > 1 && !lim->sg))
		abort();
	for (unsigned i = 0; i < p->nfrags; i++) {
		const struct nb_tx_frag *f = &p->frags[i];

		if (f->gref < NB_GREF_FIRST || f->gref >= lim->nr_grefs ||
		    f->offset + (uint32_t)f->len > 4096)
			abort();
		sum += f->len;
	}
	if (sum != p->len)
		abort();
}

static void check_rx(const uint8_t *data, size_t size, uint32_t len,
		     const struct nb_tx_limits *lim)
{
	struct pv_netif_rx_request reqs[NB_RX_MAX_SLOTS];
	static struct nb_rx_plan pl;
	unsigned avail = (unsigned)(size / sizeof(reqs[0]));
	uint32_t sum = 0;
	int rc;

	if (avail > NB_RX_MAX_SLOTS)
		avail = NB_RX_MAX_SLOTS;
	memcpy(reqs, data, avail * sizeof(reqs[0]));
	rc = nb_rx_plan_make(&pl, reqs, avail, len, 7, len % 4096, 3, lim->nr_grefs, lim->sg);
	if (rc <= 0)
		return;
	if (pl.nslots > avail || pl.nops > NB_RX_MAX_OPS)
		abort();
	for (unsigned i = 0; i < pl.nops; i++) {
		const struct pv_gnttab_copy *op = &pl.ops[i];

		if (op->len == 0 || op->source.offset + op->len > 4096 ||
		    op->dest.offset + op->len > 4096 || op->dest.u.ref < NB_GREF_FIRST ||
		    op->dest.u.ref >= lim->nr_grefs || pl.op_slot[i] >= pl.nslots)
			abort();
		sum += op->len;
	}
	for (unsigned s = 0; s < pl.nslots; s++) {
		if (pl.rsp[s].id != reqs[s].id)
			abort();
		if (pl.rsp[s].status > 0 && reqs[s].gref < NB_GREF_FIRST)
			abort();
	}
	if (sum > len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pv_netif_tx_request slots[256];
	struct pv_netif_tx_response rsp[NB_TX_MAX_SLOTS];
	struct nb_tx_limits lim;
	unsigned n, pos = 0;

	if (size < 3)
		return 0;
	lim.nr_grefs = 8u + data[0] * 64u;
	lim.max_packet = data[1] & 1 ? 65535 : 1518;
	lim.sg = data[2] & 1;
	data += 3;
	size -= 3;
	n = (unsigned)(size / sizeof(slots[0]));
	if (n > 256)
		n = 256;
	memcpy(slots, data, n * sizeof(slots[0]));
	while (pos < n) {
		struct nb_tx_packet p;
		unsigned used = nb_tx_parse(slots + pos, n - pos, &lim, &p);

		if (used == 0) {
			if (n - pos >= NB_TX_MAX_SLOTS)
				abort(); /* must decide once a whole chain's worth is there */
			break;
		}
		if (used > n - pos || used != p.nslots || used > NB_TX_MAX_SLOTS)
			abort();
		if (p.verdict == NB_TX_OK) {
			check_ok(&p, &lim);
			check_rx(data, size, p.len, &lim);
		} else if (!p.why)
			abort();
		nb_tx_responses(&p,
				p.verdict == NB_TX_OK ? PV_NETIF_RSP_OKAY : PV_NETIF_RSP_ERROR,
				rsp);
		pos += used;
	}
	return 0;
}
