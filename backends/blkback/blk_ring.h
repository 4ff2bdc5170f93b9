/* blkback rings: one per queue the frontend set up (private to blkback's data
 * path: blk_ring.c, blk_io.c and the disk ops). Each ring has its own privcmd
 * connection (for its grant-copy buffer), its disk ops' I/O context and one slot
 * per ring entry; a slot owns a fixed run of buffer pages for its data segments and
 * indirect descriptor pages. */
#ifndef PV_BLKBACK_RING_H
#define PV_BLKBACK_RING_H

#include "blkback/blk_pgrant.h"
#include "blkback/blkback.h"
#include "libpvctrl/pvctrl.h"

#define BLK_RING_ENTRIES PV_BLKIF_RING_SIZE
#define BLK_SLOT_PAGES   (BLK_MAX_INDIRECT_SEGS + BLK_MAX_INDIRECT_PAGES)

struct blk_slot {
	struct blkreq req;
	struct blk_ring *ring;
	unsigned idx;     /* buffer pages idx * BLK_SLOT_PAGES .. */
	unsigned pending; /* disk operations still running */
	int16_t status;
	uint8_t stage;         /* the disk ops' own progress (a write before its flush) */
	unsigned niov;         /* iov entries in use */
	size_t packed;         /* bytes gathered into the slot's pages (NBD), else 0 */
	uint64_t progress;     /* the disk ops' own count (vhost: sectors discarded so far) */
	void *io;              /* the disk ops' per-request state (NBD: its connection) */
	struct blk_slot *next; /* free list or batch */
	uint8_t *segp[BLK_MAX_INDIRECT_SEGS];   /* persistently mapped page, else NULL */
	uint64_t segoff[BLK_MAX_INDIRECT_SEGS]; /* where segp[i] is in the frontend's memfd */
	struct iovec iov[BLK_MAX_INDIRECT_SEGS];
};

struct blk_ring {
	struct xbe_device *xd;
	struct blk_disk *disk;
	unsigned q;
	struct pv_blkif_back_ring br;
	void *page;
	uint32_t map_handle;
	int port;
	int broken;            /* the frontend corrupted the ring indices: no more service */
	int closing;           /* being disconnected: completions are dropped, not answered */
	int keep_grants;       /* a server that may still write into them did not go: no unmap */
	struct blk_pgrant *pg; /* persistent grants, when the frontend uses them */
	struct pvctrl *pc;
	uint8_t *buf;
	size_t buf_len;
	int buf_fd; /* buf's memory fd (the vhost-user server maps it too) */
	void *io;   /* the disk ops' per-ring state */
	unsigned inflight;
	struct blk_slot *free;
	struct pv_gnttab_copy *ops;
	struct blk_slot **op_slot;
	size_t nops, max_ops;
	struct blk_slot slots[BLK_RING_ENTRIES];
};

/* blk_io.c: consume and start what the frontend queued. */
void blk_io_kick(struct blk_ring *r);
/* The disk ops report finished slots (a list through ->next, pending 0): read data
 * goes to the frontend, every slot is answered, the ring is kicked again. While
 * the ring is closing, the slots are only counted out. */
void blk_io_done(struct blk_ring *r, struct blk_slot *done);
/* Mark a slot failed, logging why (rate-limited, once per slot). */
void blk_slot_fail(struct blk_ring *r, struct blk_slot *s, const char *why);
/* Writes data to the disk (WRITE, or FLUSH_DISKCACHE with segments). */
int blk_req_writes(const struct blkreq *q);
/* Page i of the slot's buffer. */
uint8_t *blk_slot_page(struct blk_ring *r, const struct blk_slot *s, unsigned i);
/* The slot's segments as s->iov (persistent pages or buffer pages, adjacent ones
 * merged: a 1 MiB request copied through the buffer is one iovec); sets and
 * returns s->niov. */
unsigned blk_slot_iovecs(struct blk_ring *r, struct blk_slot *s);

#endif
