/* netback: tx request validation (see nb_tx.h). First the chain's extent is
 * found (so that a bad packet's slots can all be answered), then every data
 * slot and extra slot is checked. */
#include "netback/nb_tx.h"

#include <string.h>

#define NB_PAGE_SIZE 4096u
#define NB_TXF_KNOWN \
	(PV_NETTXF_csum_blank | PV_NETTXF_data_validated | PV_NETTXF_more_data | \
	 PV_NETTXF_extra_info)

static unsigned tx_verdict(struct nb_tx_packet *pkt, enum nb_tx_verdict v, const char *why)
{
	pkt->verdict = v;
	pkt->why = why;
	return pkt->nslots;
}

static struct pv_netif_extra_info tx_extra(const struct pv_netif_tx_request *slot)
{
	struct pv_netif_extra_info x;

	memcpy(&x, slot, sizeof(x));
	return x;
}

/* Walk the chain, filling ids/extra/nslots. 1 when it ends within avail, 0 when
 * more slots are needed, -1 when it runs past NB_TX_MAX_SLOTS. */
static int tx_extent(const struct pv_netif_tx_request *slots, unsigned avail,
		     struct nb_tx_packet *pkt)
{
	unsigned k = 0;
	int more_data, more_extra;

	do {
		if (k >= NB_TX_MAX_SLOTS)
			return -1;
		if (k >= avail)
			return 0;
		pkt->ids[k] = slots[k].id;
		pkt->extra[k] = 0;
		more_data = (slots[k].flags & PV_NETTXF_more_data) != 0;
		more_extra = (slots[k].flags & PV_NETTXF_extra_info) != 0;
		k++;
		while (more_extra) {
			if (k >= NB_TX_MAX_SLOTS)
				return -1;
			if (k >= avail)
				return 0;
			pkt->ids[k] = 0;
			pkt->extra[k] = 1;
			more_extra = (tx_extra(&slots[k]).flags & PV_NETIF_EXTRA_FLAG_MORE) != 0;
			k++;
		}
		pkt->nslots = k;
	} while (more_data);
	return 1;
}

static const char *tx_check_extra(const struct pv_netif_tx_request *slot, int first)
{
	struct pv_netif_extra_info x = tx_extra(slot);

	if (!first)
		return "extra info after a later fragment";
	if (x.flags & ~PV_NETIF_EXTRA_FLAG_MORE)
		return "unknown extra info flags";
	switch (x.type) {
	case PV_NETIF_EXTRA_TYPE_MCAST_ADD:
	case PV_NETIF_EXTRA_TYPE_MCAST_DEL:
	case PV_NETIF_EXTRA_TYPE_HASH:
		return NULL;
	case PV_NETIF_EXTRA_TYPE_GSO:
		return "GSO extra info, but the backend offers no GSO";
	default:
		return "bad extra info type";
	}
}

static const char *tx_check_slot(const struct pv_netif_tx_request *r,
				 const struct nb_tx_limits *lim)
{
	if (r->flags & ~NB_TXF_KNOWN)
		return "unknown tx flags";
	if (r->gref < NB_GREF_FIRST || r->gref >= lim->nr_grefs)
		return "grant ref out of range";
	if (r->offset >= NB_PAGE_SIZE)
		return "offset past the page";
	return NULL;
}

/* Data fragments: sizes, offsets, refs; fills frags and len. */
static const char *tx_check_data(const struct pv_netif_tx_request *slots,
				 const struct nb_tx_limits *lim, struct nb_tx_packet *pkt)
{
	uint32_t rest = 0;
	const char *why;

	for (unsigned k = 0; k < pkt->nslots; k++) {
		const struct pv_netif_tx_request *r = &slots[k];

		if (pkt->extra[k]) {
			if ((why = tx_check_extra(r, pkt->nfrags == 1)))
				return why;
			continue;
		}
		if (pkt->nfrags == NB_TX_MAX_FRAGS)
			return "too many fragments";
		if ((why = tx_check_slot(r, lim)))
			return why;
		if (pkt->nfrags > 0) {
			if (r->offset + (uint32_t)r->size > NB_PAGE_SIZE)
				return "fragment crosses its page";
			rest += r->size;
		}
		pkt->frags[pkt->nfrags].gref = r->gref;
		pkt->frags[pkt->nfrags].offset = r->offset;
		pkt->frags[pkt->nfrags].len = r->size;
		pkt->nfrags++;
	}
	if (pkt->nfrags > 1 && !lim->sg)
		return "fragment chain, but the backend offered no feature-sg";
	if (rest > pkt->len)
		return "fragments longer than the packet";
	pkt->frags[0].len = (uint16_t)(pkt->len - rest);
	if (pkt->frags[0].offset + (uint32_t)pkt->frags[0].len > NB_PAGE_SIZE)
		return "first fragment crosses its page";
	return NULL;
}

unsigned nb_tx_parse(const struct pv_netif_tx_request *slots, unsigned avail,
		     const struct nb_tx_limits *lim, struct nb_tx_packet *pkt)
{
	const char *why;
	int ext;

	pkt->nslots = 0;
	pkt->nfrags = 0;
	pkt->why = NULL;
	ext = tx_extent(slots, avail, pkt);
	if (ext == 0)
		return 0;
	if (ext < 0) {
		pkt->nslots = NB_TX_MAX_SLOTS;
		return tx_verdict(pkt, NB_TX_FATAL, "fragment chain without an end");
	}
	pkt->len = slots[0].size;
	pkt->flags = slots[0].flags;
	if (pkt->len < NB_ETH_HLEN)
		return tx_verdict(pkt, NB_TX_BAD, "packet shorter than an Ethernet header");
	if (pkt->len > lim->max_packet)
		return tx_verdict(pkt, NB_TX_BAD, "packet longer than the MTU allows");
	why = tx_check_data(slots, lim, pkt);
	if (why) {
		pkt->nfrags = 0;
		return tx_verdict(pkt, NB_TX_BAD, why);
	}
	return tx_verdict(pkt, NB_TX_OK, NULL);
}

void nb_tx_responses(const struct nb_tx_packet *pkt, int16_t status,
		     struct pv_netif_tx_response *rsp)
{
	for (unsigned k = 0; k < pkt->nslots; k++) {
		rsp[k].id = pkt->ids[k];
		rsp[k].status = pkt->extra[k] ? PV_NETIF_RSP_NULL : status;
	}
}
