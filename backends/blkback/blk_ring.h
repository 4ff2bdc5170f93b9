/* blkback rings: one per queue the frontend set up (private to blk_ring.c and
 * blk_io.c). Each ring has its own privcmd connection (for its grant-copy buffer),
 * its own io_uring and one slot per ring entry; a slot owns a fixed run of buffer
 * pages for its data segments and indirect descriptor pages. */
#ifndef PV_BLKBACK_RING_H
#define PV_BLKBACK_RING_H

#include <liburing.h>

#include "blkback/blk_pgrant.h"
#include "blkback/blkback.h"
#include "libpvctrl/pvctrl.h"

#define BLK_RING_ENTRIES PV_BLKIF_RING_SIZE
#define BLK_SLOT_PAGES (BLK_MAX_INDIRECT_SEGS + BLK_MAX_INDIRECT_PAGES)

struct blk_slot {
	struct blkreq req;
	unsigned idx;      /* buffer pages idx * BLK_SLOT_PAGES .. */
	unsigned pending;  /* io_uring operations still running */
	int16_t status;
	struct blk_slot *next; /* free list or batch */
	uint8_t *segp[BLK_MAX_INDIRECT_SEGS]; /* persistently mapped page, else NULL */
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
	int broken; /* the frontend corrupted the ring indices: no more service */
	struct blk_pgrant *pg; /* persistent grants, when the frontend uses them */
	struct pvctrl *pc;
	uint8_t *buf;
	size_t buf_len;
	struct io_uring uring;
	int uring_ok;
	int efd;
	unsigned inflight;
	struct blk_slot *free;
	struct pv_gnttab_copy *ops;
	struct blk_slot **op_slot;
	size_t nops, max_ops;
	struct blk_slot slots[BLK_RING_ENTRIES];
};

/* blk_io.c: consume and start what the frontend queued; reap completions. */
void blk_io_kick(struct blk_ring *r);
void blk_io_complete(int fd, void *arg);
/* Wait for every running operation (disconnect): results are dropped. */
void blk_io_drain(struct blk_ring *r);
/* I/O of the ring is running (handover waits for none). */
static inline int blk_ring_busy(const struct blk_ring *r)
{
	return r->inflight != 0;
}

#endif
