/* netback: the network backend daemon. Serves every vif the toolstack creates in
 * the store (backend/vif/<domid>/<devid>) through xenbus_be: maps the tx and
 * rx rings of each queue, binds the event channels, and moves packets with
 * batched grant copies through netback's copy buffer:
 *
 *   guest tx ring -> validate (nb_tx) -> copy into a buffer slot -> rate limit
 *     -> the vif's uplink: the built-in switch named by bridge= (nb_switch), or
 *        the vif's TAP device on a Linux bridge of that name (nb_tap, root only)
 *   uplink -> the destination vif's rx queue -> copy into the guest's posted
 *     rx pages (nb_rx), one response in each request's own slot.
 *
 * Everything runs on xenbus_be's one loop; a guest can only hurt its own vif:
 * bad requests are answered with errors, a chain without an end stops that
 * vif's tx ring, full rx queues drop packets. */
#ifndef NETBACK_NETBACK_H
#define NETBACK_NETBACK_H

#include <stdint.h>

#include "common/xenbus_be.h"
#include "netback/nb_pmap.h"
#include "netback/nb_rate.h"
#include "netback/nb_switch.h"
#include "netback/nb_tx.h"
#include "pvisor/io/netif.h"

#define NB_MAX_QUEUES 4
#define NB_SLOT_PAGES 2 /* a buffer slot: frames up to 8 KiB */
#define NB_SLOT_BYTES (NB_SLOT_PAGES * 4096u)
#define NB_POOL_SLOTS 4096 /* 32 MiB of copy buffer */
#define NB_RXQ_MAX    64   /* packets waiting for one vif */
#define NB_TX_BATCH   64   /* packets per copy batch */

struct nb_vif;

struct nb_queue {
	struct nb_vif *vif;
	unsigned id;
	struct pv_netif_tx_back_ring tx;
	struct pv_netif_rx_back_ring rx;
	void *tx_page, *rx_page;
	uint32_t tx_handle, rx_handle;
	uint32_t port_tx, port_rx; /* the same port unless split */
	int tx_dead;               /* the frontend broke the tx protocol */
	int tx_more;               /* stopped with requests left (budget, rate) */
};

struct nb_vif {
	struct xbe_device *d;
	uint8_t mac[6];
	char bridge[NB_SWITCH_NAME_MAX + 1];
	char ifname[16];
	unsigned mtu;
	struct nb_tx_limits lim;
	int fe_sg;      /* the frontend takes multi-slot rx packets */
	int persistent; /* feature-persistent: copy through nb_pmap */
	struct nb_pmap pmap;
	unsigned nq;
	struct nb_queue q[NB_MAX_QUEUES];
	struct nb_rate rate;
	uint64_t rate_retry_ns; /* rate-limited until then (0: not) */
	struct nb_port port;    /* on the built-in switch, or ... */
	int tap_fd;             /* ... a TAP device (-1: none) */
	int connected;
	/* packets waiting to go to this guest: pool slot and length */
	uint16_t rxq_slot[NB_RXQ_MAX];
	uint16_t rxq_len[NB_RXQ_MAX];
	unsigned rxq_head, rxq_count;
	uint64_t tx_pkts, tx_bytes, tx_errors, rx_pkts, rx_bytes, rx_drops;
	uint64_t tx_reqs, rx_reqs; /* ring slots consumed (a packet may take several) */
	struct nb_vif *next;       /* every vif (nb_vifs) */
	struct nb_vif *next_dirty; /* on the list of vifs with rx to push */
	int dirty;
};

/* nb_io.c: the packet pool and the data path. */
int nb_io_init(struct xbe *be, char *err, size_t errlen);
/* Serve a queue's tx ring (ports fired, or more work was left). */
void nb_io_tx(struct nb_queue *q);
/* Hand queued packets to the guest's rx ring. */
void nb_io_rx(struct nb_vif *v);
/* Forget a vif's queued packets (on disconnect). */
void nb_io_vif_flush(struct nb_vif *v);
/* A frame from the vif's TAP device (already in the pool: see nb_io_pool_*). */
void nb_io_from_tap(struct nb_vif *v);
extern struct nb_switches nb_switches;
extern int nb_use_tap;

/* nb_vif.c: the xenbus_be ops for "vif". */
extern const struct xbe_ops netback_ops;
extern struct nb_vif *nb_vifs; /* every probed vif, newest first */

/* nb_tap.c: a TAP device named ifname on the Linux bridge `bridge` (made and
 * brought up when missing). Returns the non-blocking fd or -errno. */
int nb_tap_open(const char *ifname, const char *bridge, unsigned mtu);
void nb_tap_close(int fd, const char *ifname, const char *bridge);
/* 1 when TAP devices can be made here (root, /dev/net/tun). */
int nb_tap_available(void);

#endif
