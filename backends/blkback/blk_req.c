/* blkback request validation. The input is the backend's private copy of a ring
 * entry (the frontend may rewrite the shared one at any time): every field that
 * steers the backend (operation, segment count, sector range, first/last sector of
 * each segment) is checked here, before anything touches the image or a grant.
 * Grant refs are checked by the hypervisor on every copy (a bad one fails that
 * copy and the request is answered with an error). */
#include <string.h>

#include "blkback/blkback.h"

/* One segment: sectors first..last of a 4 KiB page (inclusive). */
static int seg_ok(const struct pv_blkif_request_segment *s)
{
	return s->first_sect <= s->last_sect && s->last_sect < BLK_SECTORS_PER_PAGE;
}

/* Sum the segments into r->nr_sectors and check they fit in the disk. */
static int segs_check(struct blkreq *r, const struct blk_limits *lim)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < r->nr_segs; i++) {
		if (!seg_ok(&r->seg[i]))
			return PV_BLKIF_RSP_ERROR;
		total += (uint64_t)(r->seg[i].last_sect - r->seg[i].first_sect + 1);
	}
	r->nr_sectors = total;
	if (r->sector >= lim->sectors || total > lim->sectors - r->sector)
		return PV_BLKIF_RSP_ERROR;
	return PV_BLKIF_RSP_OKAY;
}

static int parse_rw(const struct pv_blkif_request *raw, const struct blk_limits *lim,
		    struct blkreq *r)
{
	if (raw->nr_segments == 0 || raw->nr_segments > PV_BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return PV_BLKIF_RSP_ERROR;
	r->nr_segs = raw->nr_segments;
	memcpy(r->seg, raw->seg, r->nr_segs * sizeof(r->seg[0]));
	return segs_check(r, lim);
}

/* A flush may carry data (a write followed by the flush) or none. */
static int parse_flush(const struct pv_blkif_request *raw, const struct blk_limits *lim,
		       struct blkreq *r)
{
	if (raw->nr_segments == 0) {
		r->nr_segs = 0;
		return PV_BLKIF_RSP_OKAY;
	}
	if (lim->readonly)
		return PV_BLKIF_RSP_ERROR;
	return parse_rw(raw, lim, r);
}

static int parse_discard(const struct pv_blkif_request *raw, const struct blk_limits *lim,
			 struct blkreq *r)
{
	struct pv_blkif_request_discard d;

	memcpy(&d, raw, sizeof(d));
	if (!lim->discard)
		return PV_BLKIF_RSP_EOPNOTSUPP;
	if (lim->readonly || d.nr_sectors == 0 || d.sector_number >= lim->sectors ||
	    d.nr_sectors > lim->sectors - d.sector_number)
		return PV_BLKIF_RSP_ERROR;
	r->sector = d.sector_number;
	r->nr_sectors = d.nr_sectors;
	r->nr_segs = 0;
	return PV_BLKIF_RSP_OKAY;
}

static int parse_indirect(const struct pv_blkif_request *raw, const struct blk_limits *lim,
			  struct blkreq *r)
{
	struct pv_blkif_request_indirect ind;

	memcpy(&ind, raw, sizeof(ind));
	if (ind.indirect_op != PV_BLKIF_OP_READ && ind.indirect_op != PV_BLKIF_OP_WRITE)
		return PV_BLKIF_RSP_ERROR;
	if (ind.nr_segments == 0 || ind.nr_segments > lim->max_indirect ||
	    ind.nr_segments > BLK_MAX_INDIRECT_SEGS)
		return PV_BLKIF_RSP_ERROR;
	if (ind.indirect_op == PV_BLKIF_OP_WRITE && lim->readonly)
		return PV_BLKIF_RSP_ERROR;
	r->op = ind.indirect_op;
	r->sector = ind.sector_number;
	r->nr_segs = ind.nr_segments;
	r->nr_indirect = (r->nr_segs + PV_BLKIF_SEGS_PER_INDIRECT_FRAME - 1) /
			 PV_BLKIF_SEGS_PER_INDIRECT_FRAME;
	memcpy(r->indirect_grefs, ind.indirect_grefs,
	       r->nr_indirect * sizeof(r->indirect_grefs[0]));
	/* The start must already be inside the disk; the end is checked with the
	 * segments. */
	return r->sector < lim->sectors ? PV_BLKIF_RSP_OKAY : PV_BLKIF_RSP_ERROR;
}

int blkreq_parse(const struct pv_blkif_request *raw, const struct blk_limits *lim,
		 struct blkreq *out)
{
	out->id = raw->id;
	out->ring_op = raw->operation;
	out->op = raw->operation;
	out->sector = raw->sector_number;
	out->nr_sectors = 0;
	out->nr_segs = 0;
	out->nr_indirect = 0;
	switch (raw->operation) {
	case PV_BLKIF_OP_READ:
		return parse_rw(raw, lim, out);
	case PV_BLKIF_OP_WRITE:
		return lim->readonly ? PV_BLKIF_RSP_ERROR : parse_rw(raw, lim, out);
	case PV_BLKIF_OP_FLUSH_DISKCACHE:
		return parse_flush(raw, lim, out);
	case PV_BLKIF_OP_DISCARD:
		return parse_discard(raw, lim, out);
	case PV_BLKIF_OP_INDIRECT:
		return parse_indirect(raw, lim, out);
	case PV_BLKIF_OP_WRITE_BARRIER: /* not advertised (feature-barrier) */
		return PV_BLKIF_RSP_EOPNOTSUPP;
	default:
		return PV_BLKIF_RSP_ERROR;
	}
}

int blkreq_set_indirect_segs(struct blkreq *r, const struct pv_blkif_request_segment *segs,
			     const struct blk_limits *lim)
{
	if (r->nr_segs == 0 || r->nr_segs > BLK_MAX_INDIRECT_SEGS)
		return PV_BLKIF_RSP_ERROR;
	memcpy(r->seg, segs, r->nr_segs * sizeof(r->seg[0]));
	r->nr_indirect = 0;
	return segs_check(r, lim);
}
