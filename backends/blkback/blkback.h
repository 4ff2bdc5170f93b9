/* blkback: the dom0 block backend. Serves Xen's blkif protocol for vbd devices the
 * toolstack creates under /local/domain/0/backend/vbd, from raw image files or
 * block devices, with io_uring and grant copies through a per-ring copy buffer.
 *
 *   blk_req.c   request validation (one copy out of the ring, then checks)
 *   blk_disk.c  opening the image named by the backend keys, publishing features
 *   blk_ring.c  connecting queues: ring maps, event channels, buffers, io_uring
 *   blk_io.c    the data path: consume, grant copy, submit, complete, respond
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
#define BLK_MAX_QUEUES 4
#define BLK_SECTOR_SIZE 512u
#define BLK_PAGE_SIZE 4096u
#define BLK_SECTORS_PER_PAGE (BLK_PAGE_SIZE / BLK_SECTOR_SIZE)

/* What a request may do on this disk (from the backend's own configuration). */
struct blk_limits {
	uint64_t sectors;       /* disk size in 512-byte sectors */
	unsigned max_indirect;  /* largest indirect segment count accepted */
	int readonly;
	int discard;            /* feature-discard advertised */
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

/* A probed disk: the image and what it allows. */
struct blk_disk {
	int fd;
	int direct;  /* opened with O_DIRECT */
	int is_file; /* a regular file (discard = punch hole) */
	char path[512];
	struct blk_limits lim;
	unsigned nr_rings;
	struct blk_ring *rings[BLK_MAX_QUEUES];
	uint64_t nr_reqs, nr_errors; /* statistics: every response, error responses */
	uint64_t rd_reqs, rd_bytes, wr_reqs, wr_bytes, other_reqs; /* ... answered OK, by kind */
};

/* blk_ring.c */
struct xbe_device;
int blk_rings_connect(struct xbe_device *d);
void blk_rings_disconnect(struct xbe_device *d);
void blk_ring_event(struct xbe_device *d, uint32_t port);

#endif
