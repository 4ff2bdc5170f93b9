/* blkback's NBD disk ops, shared between blk_nbd.c (the disk, its rings, the
 * commands) and blk_nbd_conn.c (connections to the server: opening, polling,
 * the stall watchdog, death). Private to those two files. */
#ifndef PV_BLKBACK_NBD_H
#define PV_BLKBACK_NBD_H

#include <libnbd.h>
#include <time.h>

#include "blkback/blk_ring.h"

#define NBD_CONNECT_MS 5000      /* blkback's loop waits this long for a server at most */
#define NBD_DRAIN_MS   5000      /* a disconnecting ring waits this long for its commands */
#define NBD_STALL_S    30        /* no reply for this long while commands wait: dead */
#define NBD_SNDBUF     (4 << 20) /* a 1 MiB write goes out in one call (wmem_max caps it) */

#define NBD_RING_CONNS 2 /* connections per ring with multi-conn */
#define NBD_CONNS_MAX  (BLK_MAX_QUEUES * NBD_RING_CONNS)

/* slot->stage bits. SUBMITTING: being handed to libnbd; a completion arriving
 * meanwhile is left to the submitter (libnbd retires queued commands inside the
 * call when it finds the server gone). */
#define STAGE_FLUSH      1 /* the write of a flush-with-data is done, the flush runs */
#define STAGE_SUBMITTING 2

struct nbd_conn {
	struct nbd_handle *h;
	struct blk_disk *k;
	struct xbe_device *d;
	int fd;                /* registered with the loop while >= 0 */
	uint32_t events;       /* what the loop polls fd for */
	int dead;              /* the server is gone: commands fail */
	unsigned users;        /* rings using it */
	unsigned inflight;     /* commands sent, not completed */
	struct blk_slot *done; /* collected by callbacks, answered by nbd_conn_process */
	int tfd;               /* the stall watchdog's timer */
	unsigned replies, replies_seen, stalled_ticks;
};

struct nbd_disk {
	int multi_conn;
	int can_flush;
	struct nbd_conn *conn[NBD_CONNS_MAX]; /* ring q: q * NBD_RING_CONNS, ... */
};

/* A ring's connections (r->io). */
struct nbd_ring {
	struct nbd_conn *c[NBD_RING_CONNS];
	unsigned n;
};

/* blk_nbd_conn.c */
/* A new connection to the disk's server (k->path), polled by d's loop, its
 * watchdog running. NULL with *err (and *why: libnbd's words, valid until the next
 * libnbd call) on failure. */
struct nbd_conn *nbd_conn_open(struct blk_disk *k, struct xbe_device *d, int *err,
			       const char **why);
/* Close it (nothing may be in flight any more). */
void nbd_conn_close(struct nbd_conn *c);
/* Poll its socket for what libnbd wants now. */
void nbd_conn_events_update(struct nbd_conn *c);
/* The server is gone: log it once and stop polling (a dead socket is always ready). */
void nbd_conn_mark_dead(struct nbd_conn *c);
/* Milliseconds since t0 (CLOCK_MONOTONIC). */
long nbd_ms_since(const struct timespec *t0);

/* blk_nbd.c */
/* Answer the slots libnbd's callbacks collected on c, then update what the loop
 * polls c for. */
void nbd_conn_process(struct nbd_conn *c);

#endif
