/* libFuzzer harness for netback's tx request validation: the input is a ring's
 * worth of tx slots (after 3 bytes choosing the limits), consumed packet by
 * packet as the daemon does. Checks every promise nb_tx.h makes about an
 * accepted packet, and that a ring always makes progress. */
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
		if (p.verdict == NB_TX_OK)
			check_ok(&p, &lim);
		else if (!p.why)
			abort();
		nb_tx_responses(&p, p.verdict == NB_TX_OK ? PV_NETIF_RSP_OKAY : PV_NETIF_RSP_ERROR,
				rsp);
		pos += used;
	}
	return 0;
}
