/* pvisor public ABI: the block device protocol between blkfront and blkback
 * (Xen 4.17 io/blkif.h requests, responses and ring: 32 entries per page). */
#ifndef PVISOR_IO_BLKIF_H
#define PVISOR_IO_BLKIF_H

#include <stdint.h>
#include "ring.h"
#include "../grant_table.h"

typedef uint16_t pv_blkif_vdev_t;   /* device handle */
typedef uint64_t pv_blkif_sector_t; /* 512-byte sectors (or sector-size units) */

#define PV_BLKIF_OP_READ            0
#define PV_BLKIF_OP_WRITE           1
#define PV_BLKIF_OP_WRITE_BARRIER   2
#define PV_BLKIF_OP_FLUSH_DISKCACHE 3
#define PV_BLKIF_OP_RESERVED_1      4
#define PV_BLKIF_OP_DISCARD         5
#define PV_BLKIF_OP_INDIRECT        6

#define PV_BLKIF_MAX_SEGMENTS_PER_REQUEST       11
#define PV_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8
/* Segment descriptors per indirect page (4096 / 8); not in Xen's header. */
#define PV_BLKIF_SEGS_PER_INDIRECT_FRAME        512

/* One granted page and the sectors of it to transfer (inclusive, 0..7). */
struct pv_blkif_request_segment {
	pv_grant_ref_t gref;
	uint8_t first_sect, last_sect;
};

struct pv_blkif_request {
	uint8_t operation;   /* PV_BLKIF_OP_* */
	uint8_t nr_segments; /* 1..PV_BLKIF_MAX_SEGMENTS_PER_REQUEST */
	pv_blkif_vdev_t handle;
	uint64_t id;                     /* echoed in the response */
	pv_blkif_sector_t sector_number; /* first sector */
	struct pv_blkif_request_segment seg[PV_BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

#define PV_BLKIF_DISCARD_SECURE (1 << 0)

struct pv_blkif_request_discard {
	uint8_t operation; /* PV_BLKIF_OP_DISCARD */
	uint8_t flag;      /* PV_BLKIF_DISCARD_SECURE or 0 */
	pv_blkif_vdev_t handle;
	uint64_t id;
	pv_blkif_sector_t sector_number;
	uint64_t nr_sectors;
};

/* Segments live in granted pages of pv_blkif_request_segment arrays. */
struct pv_blkif_request_indirect {
	uint8_t operation;   /* PV_BLKIF_OP_INDIRECT */
	uint8_t indirect_op; /* PV_BLKIF_OP_READ or _WRITE */
	uint16_t nr_segments;
	uint64_t id;
	pv_blkif_sector_t sector_number;
	pv_blkif_vdev_t handle;
	pv_grant_ref_t indirect_grefs[PV_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};

struct pv_blkif_response {
	uint64_t id;       /* from the request */
	uint8_t operation; /* from the request */
	int16_t status;    /* PV_BLKIF_RSP_* */
};

#define PV_BLKIF_RSP_EOPNOTSUPP -2
#define PV_BLKIF_RSP_ERROR      -1
#define PV_BLKIF_RSP_OKAY       0

PV_DEFINE_RING_TYPES(blkif, struct pv_blkif_request, struct pv_blkif_response);

/* Ring entries in one 4 KiB page: 32. */
#define PV_BLKIF_RING_SIZE PV_CONST_RING_SIZE(blkif, 4096)

/* Backend "info" key bits */
#define PV_VDISK_CDROM     0x1
#define PV_VDISK_REMOVABLE 0x2
#define PV_VDISK_READONLY  0x4

#endif
