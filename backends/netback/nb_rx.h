/* netback: planning the delivery of one packet into a frontend's rx requests.
 * The packet sits in netback's grant-copy buffer (local frames); the plan is a
 * batch of grant copies (split at every source and destination page boundary)
 * plus one response per rx request used, in that request's own slot. */
#ifndef NETBACK_NB_RX_H
#define NETBACK_NB_RX_H

#include <stdint.h>

#include "pvisor/grant_table.h"
#include "pvisor/io/netif.h"

#define NB_RX_MAX_SLOTS 17 /* a 64 KiB packet in 4 KiB pages, plus one */
#define NB_RX_MAX_OPS   (2 * NB_RX_MAX_SLOTS)

struct nb_rx_plan {
	unsigned nslots; /* rx requests used */
	unsigned nops;
	struct pv_gnttab_copy ops[NB_RX_MAX_OPS];
	uint8_t op_slot[NB_RX_MAX_OPS]; /* which response each copy fills */
	struct pv_netif_rx_response rsp[NB_RX_MAX_SLOTS];
};

/* Plan len bytes starting at byte src_off of local frame src_gmfn (the packet
 * may run over following frames) into reqs[0..avail) of domain dom, whose grant
 * table has nr_grefs entries. sg: the frontend takes packets over several
 * slots (feature-sg); without it a packet must fit one page.
 * Returns 1 (plan made), 0 (not enough rx requests yet), or -1 (the packet
 * cannot be delivered to this frontend: too long for it; drop it, no slot used).
 * A request with a bad grant ref is still used, answered with
 * PV_NETIF_RSP_ERROR and no copy. */
int nb_rx_plan_make(struct nb_rx_plan *pl, const struct pv_netif_rx_request *reqs, unsigned avail,
		    uint32_t len, uint64_t src_gmfn, uint32_t src_off, pv_domid_t dom,
		    uint32_t nr_grefs, int sg);
/* After the copies ran: a slot whose copy failed answers PV_NETIF_RSP_ERROR.
 * Returns how many copies failed. */
unsigned nb_rx_plan_finish(struct nb_rx_plan *pl);

/* The rx queue (0..nq-1) for a frame: a hash of the IPv4 addresses and, for
 * TCP and UDP, the ports, so one flow keeps one queue (and its order); every
 * other frame goes to queue 0. */
unsigned nb_rx_queue_of(const uint8_t *frame, uint32_t len, unsigned nq);

#endif
