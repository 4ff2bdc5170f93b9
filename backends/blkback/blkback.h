/* blkback: the dom0 block backend. Serves Xen's blkif protocol for vbd devices the
 * toolstack creates under /local/domain/0/backend/vbd, from raw image files or
 * block devices (io_uring), from vhost-user-blk exports (qemu-storage-daemon
 * serving qcow2, VMDK, VDI, ... for the toolstack) or from NBD exports (libnbd:
 * qemu-nbd serving the same, or network disks), with grant copies through a
 * per-ring copy buffer and persistent grants.
 *
 *   blk_req.c   request validation (one copy out of the ring, then checks)
 *   blk_disk.c  the backend keys: which disk ops, opening, publishing features
 *   blk_ring.c  connecting queues: ring maps, event channels, buffers
 *   blk_io.c    the data path: consume, grant copy, hand to the disk ops, respond
 *   blk_uring.c disk ops for raw files and block devices (io_uring)
 *   blk_nbd.c   disk ops for NBD exports (libnbd's asynchronous API)
 *   blk_vhost.c disk ops for vhost-user-blk servers (qemu-storage-daemon): the
 *               server reads and writes the guest's granted pages in place
 *   main.c      the daemon */
#ifndef PV_BLKBACK_H
#define PV_BLKBACK_H

#include <stdint.h>
#include <sys/uio.h>

#include "pvisor/io/blkif.h"

/* Limits advertised to frontends. */
#define BLK_MAX_INDIRECT_SEGS 256 /* feature-max-indirect-segments (1 MiB requests) */
#define BLK_MAX_INDIRECT_PAGES \
	((BLK_MAX_INDIRECT_SEGS + PV_BLKIF_SEGS_PER_INDIRECT_FRAME - 1) / \
	 PV_BLKIF_SEGS_PER_INDIRECT_FRAME)
#define BLK_MAX_QUEUES       4
#define BLK_SECTOR_SIZE      512u
#define BLK_PAGE_SIZE        4096u
#define BLK_SECTORS_PER_PAGE (BLK_PAGE_SIZE / BLK_SECTOR_SIZE)

/* What a request may do on this disk (from the backend's own configuration). */
struct blk_limits {
	uint64_t sectors;      /* disk size in 512-byte sectors */
	unsigned max_indirect; /* largest indirect segment count accepted */
	int readonly;
	int discard; /* feature-discard advertised */
};

/* A request after validation. op is the effective operation (READ, WRITE,
 * FLUSH_DISKCACHE, DISCARD); ring_op is the operation field as the frontend
 * wrote it, echoed in the response. */
struct blkreq {
	uint8_t op, ring_op;
	uint64_t id;
	uint64_t sector;     /* first sector */
	uint64_t nr_sectors; /* total over the segments (or the discard length) */
	unsigned nr_segs;
	unsigned nr_indirect; /* indirect pages still to fetch (0 when direct) */
	pv_grant_ref_t indirect_grefs[PV_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	struct pv_blkif_request_segment seg[BLK_MAX_INDIRECT_SEGS];
};

/*
 * Validate the private copy `raw` of one ring entry (the caller copied it out of
 * the shared page once). Fills out and returns PV_BLKIF_RSP_OKAY, or returns the
 * status to answer with (PV_BLKIF_RSP_ERROR, PV_BLKIF_RSP_EOPNOTSUPP); out->id and
 * out->ring_op are set either way. For an indirect request out->nr_indirect > 0
 * and the segments must then be filled with blkreq_set_indirect_segs.
 */
int blkreq_parse(const struct pv_blkif_request *raw, const struct blk_limits *lim,
		 struct blkreq *out);
/* Take r->nr_segs descriptors from the fetched indirect pages (contiguous, 512
 * per page) and check them as blkreq_parse checks direct ones. */
int blkreq_set_indirect_segs(struct blkreq *r, const struct pv_blkif_request_segment *segs,
			     const struct blk_limits *lim);

/* ---- the daemon ---- */
struct xbe_ops;
extern const struct xbe_ops blkback_ops;

struct blk_ring;
struct blk_slot;
struct blk_disk;
struct xbe_device;

/* How a disk's bytes are reached; chosen at probe from the backend keys. Both
 * sides share everything above them: validation, batching, grant copies,
 * persistent grants, multi-queue, responses (blk_io.c). */
struct blk_disk_ops {
	const char *name; /* for status lines: "raw", "nbd" */
	/* Probe: open k->path (k->lim.readonly is set), set k->lim.sectors and whether
	 * the medium can discard (k->lim.discard; the caller then applies read-only and
	 * discard-enable). Failures are reported with xbe_device_error. 0 or -errno. */
	int (*open)(struct blk_disk *k, struct xbe_device *d);
	/* Undo open (no ring is connected any more). */
	void (*close)(struct blk_disk *k);
	/* A ring was connected: set up its I/O context (r->io), register with the loop. */
	int (*ring_open)(struct blk_ring *r);
	/* Optional: every ring of this connection is open, none has been kicked yet
	 * (vhost-user hands the server all rings' memory at once). 0 or -errno. */
	int (*rings_ready)(struct blk_disk *k, struct xbe_device *d);
	/* Let the ring's running I/O end (or abandon it: its buffers go next), free
	 * r->io. Called after a failed ring_open too. */
	void (*ring_close)(struct blk_ring *r);
	/* Start the I/O of one validated slot; s->pending counts what was started. A
	 * failure sets s->status (a slot with nothing pending is answered at once). */
	void (*submit)(struct blk_ring *r, struct blk_slot *s);
	/* The batch is queued: send it on its way. */
	void (*commit)(struct blk_ring *r);
	/* Make what was written durable (before a storage handover). Optional. */
	int (*flush)(struct blk_disk *k);
};

extern const struct blk_disk_ops blk_uring_ops; /* blk_uring.c */
extern const struct blk_disk_ops blk_nbd_ops;   /* blk_nbd.c */
extern const struct blk_disk_ops blk_vhost_ops; /* blk_vhost.c */

/* A probed disk: what it is, what it allows, its rings. */
struct blk_disk {
	const struct blk_disk_ops *ops;
	void *io;       /* the ops' own state for the disk */
	char path[512]; /* the image (raw) or the NBD URI blkback connects to */
	char note[64];  /* how it is served, for the log and status ("O_DIRECT", ...) */
	struct blk_limits lim;
	unsigned max_queues; /* rings a frontend may connect (multi-queue-max-queues) */
	unsigned nr_rings;
	struct blk_ring *rings[BLK_MAX_QUEUES];
	uint64_t nr_reqs, nr_errors; /* statistics: every response, error responses */
	uint64_t rd_reqs, rd_bytes, wr_reqs, wr_bytes, other_reqs; /* ... answered OK, by kind */
	int held;   /* storage handover: no new requests; the disk closes once idle */
	int handed; /* ... and it is closed (ops->close done, k->io NULL) */
};

/* The storage handover of migration (xenbus_be.h), blk_disk.c: raw images only.
 * check: after I/O completed on a held disk, close it once nothing runs. */
int blk_handover(struct xbe_device *d, int close);
void blk_handover_check(struct xbe_device *d);

/* blk_ring.c */
int blk_rings_connect(struct xbe_device *d);
void blk_rings_disconnect(struct xbe_device *d);
void blk_ring_event(struct xbe_device *d, uint32_t port);

#endif
