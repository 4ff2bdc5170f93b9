/* netback: rx delivery planning (see nb_rx.h). */
#include "netback/nb_rx.h"

#include <string.h>

#include "netback/nb_tx.h"

#define NB_PAGE 4096u

static void rx_add_op(struct nb_rx_plan *pl, unsigned slot, uint64_t gmfn, uint32_t soff,
		      pv_grant_ref_t gref, pv_domid_t dom, uint32_t doff, uint32_t n)
{
	struct pv_gnttab_copy *op = &pl->ops[pl->nops];

	memset(op, 0, sizeof(*op));
	op->source.u.gmfn = gmfn;
	op->source.domid = PV_DOMID_SELF;
	op->source.offset = (uint16_t)soff;
	op->dest.u.ref = gref;
	op->dest.domid = dom;
	op->dest.offset = (uint16_t)doff;
	op->len = (uint16_t)n;
	op->flags = PV_GNTCOPY_dest_gref;
	pl->op_slot[pl->nops++] = (uint8_t)slot;
}

/* Copies for one destination page: bytes [pos, pos + n) of the packet. */
static void rx_plan_slot(struct nb_rx_plan *pl, unsigned slot, pv_grant_ref_t gref,
			 pv_domid_t dom, uint64_t src_gmfn, uint32_t src_off, uint32_t pos,
			 uint32_t n)
{
	uint32_t done = 0;

	while (done < n) {
		uint64_t abs = (uint64_t)src_off + pos + done;
		uint32_t soff = (uint32_t)(abs % NB_PAGE);
		uint32_t chunk = NB_PAGE - soff;

		if (chunk > n - done)
			chunk = n - done;
		rx_add_op(pl, slot, src_gmfn + abs / NB_PAGE, soff, gref, dom, done, chunk);
		done += chunk;
	}
}

int nb_rx_plan_make(struct nb_rx_plan *pl, const struct pv_netif_rx_request *reqs, unsigned avail,
		    uint32_t len, uint64_t src_gmfn, uint32_t src_off, pv_domid_t dom,
		    uint32_t nr_grefs, int sg)
{
	unsigned need = len ? (len + NB_PAGE - 1) / NB_PAGE : 1;
	uint32_t pos = 0;

	if (need > NB_RX_MAX_SLOTS - 1 || (need > 1 && !sg))
		return -1;
	if (need > avail)
		return 0;
	pl->nslots = need;
	pl->nops = 0;
	for (unsigned s = 0; s < need; s++) {
		uint32_t n = len - pos < NB_PAGE ? len - pos : NB_PAGE;
		struct pv_netif_rx_response *r = &pl->rsp[s];

		r->id = reqs[s].id;
		r->offset = 0;
		r->flags = s + 1 < need ? PV_NETRXF_more_data : 0;
		r->status = (int16_t)n;
		if (reqs[s].gref < NB_GREF_FIRST || reqs[s].gref >= nr_grefs)
			r->status = PV_NETIF_RSP_ERROR;
		else
			rx_plan_slot(pl, s, reqs[s].gref, dom, src_gmfn, src_off, pos, n);
		pos += n;
	}
	return 1;
}

unsigned nb_rx_plan_finish(struct nb_rx_plan *pl)
{
	unsigned failed = 0;

	for (unsigned i = 0; i < pl->nops; i++) {
		if (pl->ops[i].status != PV_GNTST_okay) {
			pl->rsp[pl->op_slot[i]].status = PV_NETIF_RSP_ERROR;
			failed++;
		}
	}
	return failed;
}

unsigned nb_rx_queue_of(const uint8_t *frame, uint32_t len, unsigned nq)
{
	const uint8_t *ip = frame + 14;
	uint32_t h, hl;

	if (nq <= 1 || len < 34 || frame[12] != 0x08 || frame[13] != 0x00 || (ip[0] >> 4) != 4)
		return 0;
	h = (uint32_t)ip[12] << 24 ^ (uint32_t)ip[13] << 16 ^ (uint32_t)ip[14] << 8 ^ ip[15];
	h ^= ((uint32_t)ip[16] << 24 ^ (uint32_t)ip[17] << 16 ^ (uint32_t)ip[18] << 8 ^ ip[19]) *
	     2654435761u;
	hl = (uint32_t)(ip[0] & 15) * 4;
	if ((ip[9] == 6 || ip[9] == 17) && !(ip[6] & 0x3f) && !ip[7] && 14 + hl + 4 <= len)
		h ^= ((uint32_t)ip[hl] << 24 | (uint32_t)ip[hl + 1] << 16 |
		      (uint32_t)ip[hl + 2] << 8 | ip[hl + 3]) *
		     40503u;
	h ^= h >> 16;
	h *= 0x45d9f3bu;
	h ^= h >> 16;
	return h % nq;
}
