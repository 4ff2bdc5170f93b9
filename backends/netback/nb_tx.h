/* netback: validation of a frontend's tx requests. A packet is a chain of ring
 * slots: data requests linked by NETTXF_more_data, each of which may be followed
 * by extra-info slots (NETTXF_extra_info, chained by EXTRA_FLAG_MORE). The
 * parser works on a private copy of the slots (copied out of the shared ring
 * once) and never trusts a field: every size, offset, flag, extra type and grant
 * ref is checked before anything is copied. */
#ifndef NETBACK_NB_TX_H
#define NETBACK_NB_TX_H

#include <stddef.h>
#include <stdint.h>

#include "pvisor/io/netif.h"

#define NB_ETH_HLEN     14
#define NB_TX_MAX_FRAGS PV_NETIF_NR_SLOTS_MIN /* data slots in one packet */
#define NB_TX_MAX_SLOTS 32                    /* data and extra slots: longer chains are fatal */
#define NB_GREF_FIRST   8 /* refs below are the toolstack's (console, store) */

/* What the backend accepts from this frontend. */
struct nb_tx_limits {
	uint32_t nr_grefs;   /* refs at or above are out of the grant table */
	uint32_t max_packet; /* bytes: MTU + Ethernet header (+ VLAN tag) */
	int sg;              /* the backend offered feature-sg: chains are allowed */
};

struct nb_tx_frag {
	pv_grant_ref_t gref;
	uint16_t offset;
	uint16_t len;
};

enum nb_tx_verdict {
	NB_TX_OK,    /* a good packet: send it on */
	NB_TX_BAD,   /* answer every slot with NETIF_RSP_ERROR and go on */
	NB_TX_FATAL, /* chain longer than NB_TX_MAX_SLOTS: answer with errors
			   * and stop serving this frontend's tx ring */
};

struct nb_tx_packet {
	enum nb_tx_verdict verdict;
	const char *why;                /* for the log when not NB_TX_OK */
	unsigned nslots;                /* ring slots the packet used */
	uint16_t ids[NB_TX_MAX_SLOTS];  /* per slot: the request id to answer */
	uint8_t extra[NB_TX_MAX_SLOTS]; /* per slot: 1 = extra info (RSP_NULL) */
	unsigned nfrags;
	struct nb_tx_frag frags[NB_TX_MAX_FRAGS];
	uint32_t len;   /* whole packet */
	uint16_t flags; /* the first request's NETTXF_* */
};

/* Parse the packet that starts at slots[0], avail slots being available.
 * Returns 0 when the chain does not end within avail slots (wait for more;
 * never when avail >= NB_TX_MAX_SLOTS), else the slots used (pkt->nslots, >= 1)
 * with pkt->verdict saying what to do with them. */
unsigned nb_tx_parse(const struct pv_netif_tx_request *slots, unsigned avail,
		     const struct nb_tx_limits *lim, struct nb_tx_packet *pkt);

/* Fill tx responses for pkt into rsp[0..pkt->nslots): status for data slots
 * (PV_NETIF_RSP_OKAY or _ERROR), PV_NETIF_RSP_NULL for extra-info slots. */
void nb_tx_responses(const struct nb_tx_packet *pkt, int16_t status,
		     struct pv_netif_tx_response *rsp);

#endif
