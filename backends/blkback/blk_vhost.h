/* blkback's vhost-user-blk disk ops, shared between blk_vhost.c (rings, requests,
 * completions) and blk_vhost_dev.c (the connection to the server: negotiation,
 * the memory table, death and the stall watchdog). Private to those two files.
 *
 * Memory the server sees (SET_MEM_TABLE), by "guest physical" address:
 *   VH_GPA_GUEST  the frontend's RAM (its memory fd): persistently granted pages,
 *                 read and written in place -- the zero-copy path;
 *   VH_GPA_BUF(q) ring q's grant-copy buffer (blk_ring.buf): segments that are
 *                 not persistently granted, copied there and back by blk_io.c;
 *   VH_GPA_CTL    blkback's own control area: the vrings, and per slot the
 *                 request header, status byte and indirect descriptor table.
 * Descriptors only ever name a page the frontend granted writable and blkback
 * holds mapped (a persistent grant: pinned until the ring is gone), or
 * blkback's own memory. */
#ifndef PV_BLKBACK_VHOST_H
#define PV_BLKBACK_VHOST_H

#include <linux/virtio_blk.h>
#include <time.h>

#include "blkback/blk_ring.h"
#include "blkback/blk_vring.h"
#include "blkback/blk_vu.h"

#define VH_QSIZE         BLK_RING_ENTRIES /* one ring entry per slot (indirect chains) */
#define VH_ITAB          (BLK_MAX_INDIRECT_SEGS + 2) /* header, data, status */
#define VH_CONNECT_MS    5000
#define VH_DRAIN_MS      5000 /* a disconnecting ring waits this long for its requests */
#define VH_STALL_S       30   /* requests waiting and no completion for this long: dead */
#define VH_KILL_MS       5000 /* a server we gave up on must be gone within this */
#define VH_EXIT_GRACE_MS 3000 /* a server that closed its socket exits on its own within this */

#define VH_GPA_GUEST  0ull
#define VH_GPA_BUF(q) ((1ull << 40) + ((unsigned long long)(q) << 36))
#define VH_GPA_CTL    (1ull << 44)

/* slot->stage */
#define VH_STAGE_FLUSH 1 /* the write of a flush-with-data is done, the flush runs */

/* Per slot, in the control area (the server reads hdr, dz and itab, writes status). */
struct vh_slot_area {
	struct virtio_blk_outhdr hdr;
	struct virtio_blk_discard_write_zeroes dz;
	uint8_t status;
	uint8_t pad[15];
	struct vring_desc itab[VH_ITAB];
};

struct vh_disk {
	struct blk_disk *k;
	struct xbe_device *d;
	struct blk_vu vu;     /* the connection; vu.fd < 0: none */
	int polled;           /* vu.fd is registered with the loop */
	int dead;             /* the server is gone (or was given up on): requests fail */
	int lingering;        /* it outlived our SIGKILL: it may still write guest pages */
	int ready;            /* rings set up on this connection */
	uint64_t features;    /* negotiated virtio features */
	uint32_t max_discard; /* sectors per discard request (server's limit) */
	int guest_mem;        /* hand the server the frontend's RAM (zero copy) */
	int mem_fd;           /* the frontend's memory fd while rings are set up */
	uint64_t ram_bytes;
	int ctl_fd; /* the control area: memfd, mapping, size */
	uint8_t *ctl;
	size_t ctl_len;
	int tfd; /* stall watchdog */
	unsigned completions, completions_seen, stalled_ticks;
};

struct vh_ring {
	struct blk_vring q;
	struct vh_slot_area *area; /* VH_QSIZE of them, after the vring */
	uint64_t area_gpa;
	int kick_fd, call_fd;
	uint32_t busy; /* slots whose chain the server holds */
};

/* Bytes of ring q's part of the control area, and where it starts. */
size_t vh_queue_bytes(void);
uint64_t vh_queue_off(unsigned q);

/* blk_vhost_dev.c */
/* Connect to the server at k->path and negotiate (probe, and again for a new set
 * of rings). Fills what the device offers into vd. 0 or -errno; *why says what. */
int vh_dev_connect(struct vh_disk *vd, const char **why);
void vh_dev_disconnect(struct vh_disk *vd);
/* Hand the server the memory table and every ring of k (rings_ready). */
int vh_dev_setup(struct vh_disk *vd, const char **why);
/* Stop ring q on the server (it hands back its position). */
void vh_dev_ring_stop(struct vh_disk *vd, unsigned q);
/* Give up on the server: kill it, wait until it is gone (it can then no longer
 * touch guest pages), fail everything in flight. Returns 0 once it is gone,
 * -ETIMEDOUT when it outlived VH_KILL_MS. */
int vh_dev_fail(struct vh_disk *vd, const char *why);
/* The same for a server that closed its socket: it gets grace_ms to exit on its own
 * (it is shutting down) before SIGKILL. */
int vh_dev_fail_after(struct vh_disk *vd, const char *why, unsigned grace_ms);
int vh_dev_watchdog_start(struct vh_disk *vd);

/* blk_vhost.c */
/* Fail every slot ring r's server holds (the server is gone). */
void vh_ring_fail_all(struct blk_ring *r);
/* Take ring r's completions (call eventfd readable, or draining). */
void vh_ring_complete(struct blk_ring *r);

#endif
