/* blkback data path. A kick takes every request the frontend queued (one copy out
 * of the ring each, then blkreq_parse), fetches indirect descriptor pages and write
 * data with one batched grant copy each into the slots' buffer pages, and hands
 * the batch to the disk ops (io_uring or NBD), which send it in one go.
 * Completions copy read data to the frontend (one batched grant copy) and answer.
 * Whatever fails -- validation, a grant the hypervisor refuses, the disk I/O --
 * is answered with an error response; the frontend can never stop the loop. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "blkback/blk_ring.h"
#include "common/xenbus_be.h"
#include "log.h"

uint8_t *blk_slot_page(struct blk_ring *r, const struct blk_slot *s, unsigned i)
{
	return r->buf + ((size_t)s->idx * BLK_SLOT_PAGES + i) * BLK_PAGE_SIZE;
}

static uint64_t slot_gmfn(const struct blk_slot *s, unsigned i)
{
	return (uint64_t)s->idx * BLK_SLOT_PAGES + i;
}

static void respond(struct blk_ring *r, uint64_t id, uint8_t op, int16_t status)
{
	struct pv_blkif_response rsp = { .id = id, .operation = op, .status = status };
	struct pv_blkif_response *dst = PV_RING_GET_RESPONSE(&r->br, r->br.rsp_prod_pvt);

	memcpy(dst, &rsp, sizeof(rsp));
	r->br.rsp_prod_pvt++;
	r->disk->nr_reqs++;
	if (status != PV_BLKIF_RSP_OKAY)
		r->disk->nr_errors++;
}

static void push_responses(struct blk_ring *r)
{
	int notify;

	PV_RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&r->br, notify);
	if (notify)
		xbe_evtchn_notify(r->xd, (uint32_t)r->port);
}

/* The counters of the status socket (pvxweb, pvx top): what was served, by kind. */
static void slot_account(struct blk_disk *k, const struct blk_slot *s)
{
	uint64_t bytes = s->req.nr_sectors * BLK_SECTOR_SIZE;

	if (s->status != PV_BLKIF_RSP_OKAY)
		return; /* counted in nr_errors */
	if (s->req.op == PV_BLKIF_OP_READ) {
		k->rd_reqs++;
		k->rd_bytes += bytes;
	} else if (s->req.op == PV_BLKIF_OP_WRITE) {
		k->wr_reqs++;
		k->wr_bytes += bytes;
	} else {
		k->other_reqs++; /* flush, discard */
	}
}

static void slot_finish(struct blk_ring *r, struct blk_slot *s)
{
	slot_account(r->disk, s);
	respond(r, s->req.id, s->req.ring_op, s->status);
	s->next = r->free;
	r->free = s;
}

/* Queue one grant copy between slot page `page` and the frontend's gref. */
static void copy_add(struct blk_ring *r, struct blk_slot *s, unsigned page, pv_grant_ref_t gref,
		     unsigned off, unsigned len, int to_guest)
{
	struct pv_gnttab_copy *op = &r->ops[r->nops];
	struct pv_gnttab_copy_ptr granted = { .u.ref = gref,
					      .domid = (pv_domid_t)r->xd->fe_domid,
					      .offset = (uint16_t)off };
	struct pv_gnttab_copy_ptr local = { .u.gmfn = slot_gmfn(s, page),
					    .domid = PV_DOMID_SELF,
					    .offset = (uint16_t)off };

	memset(op, 0, sizeof(*op));
	op->source = to_guest ? local : granted;
	op->dest = to_guest ? granted : local;
	op->flags = to_guest ? PV_GNTCOPY_dest_gref : PV_GNTCOPY_source_gref;
	op->len = (uint16_t)len;
	r->op_slot[r->nops++] = s;
}

/* Run the queued copies; a slot any of whose copies failed gets an error. */
static void copy_run(struct blk_ring *r)
{
	int rc;

	if (!r->nops)
		return;
	rc = pvctrl_gnttab_copy(r->pc, r->ops, r->nops);
	for (size_t i = 0; i < r->nops; i++) {
		if (rc < 0 || r->ops[i].status != PV_GNTST_okay) {
			if (r->op_slot[i]->status == PV_BLKIF_RSP_OKAY)
				xbe_warnx(r->xd,
					  "grant copy of ref %u failed (%d): request answered "
					  "with an error",
					  (r->ops[i].flags & PV_GNTCOPY_source_gref)
						  ? r->ops[i].source.u.ref
						  : r->ops[i].dest.u.ref,
					  rc < 0 ? rc : r->ops[i].status);
			r->op_slot[i]->status = PV_BLKIF_RSP_ERROR;
		}
	}
	r->nops = 0;
}

/* Segments not persistently mapped go through the slot's buffer pages. */
static void copy_segs(struct blk_ring *r, struct blk_slot *s, int to_guest)
{
	for (unsigned i = 0; i < s->req.nr_segs; i++) {
		const struct pv_blkif_request_segment *g = &s->req.seg[i];

		if (s->segp[i])
			continue;
		copy_add(r, s, i, g->gref, g->first_sect * BLK_SECTOR_SIZE,
			 (unsigned)(g->last_sect - g->first_sect + 1) * BLK_SECTOR_SIZE,
			 to_guest);
	}
}

/* Indirect requests: fetch their descriptor pages, then check the segments. */
static void fetch_indirect(struct blk_ring *r, struct blk_slot *batch)
{
	struct blk_slot *s;

	for (s = batch; s; s = s->next) {
		unsigned left = s->req.nr_segs * sizeof(struct pv_blkif_request_segment);

		for (unsigned j = 0; j < s->req.nr_indirect; j++, left -= BLK_PAGE_SIZE)
			copy_add(r, s, BLK_MAX_INDIRECT_SEGS + j, s->req.indirect_grefs[j], 0,
				 left < BLK_PAGE_SIZE ? left : BLK_PAGE_SIZE, 0);
	}
	copy_run(r);
	for (s = batch; s; s = s->next)
		if (s->status == PV_BLKIF_RSP_OKAY && s->req.nr_indirect)
			s->status = (int16_t)blkreq_set_indirect_segs(
				&s->req,
				(const struct pv_blkif_request_segment *)
					blk_slot_page(r, s, BLK_MAX_INDIRECT_SEGS),
				&r->disk->lim);
}

/* With persistent grants, find (or map once) each segment's page. A read-only
 * grant (-EACCES for a writable map) is served by copying, as without the feature;
 * any other refusal fails the request. */
static void resolve_segments(struct blk_ring *r, struct blk_slot *s)
{
	for (unsigned i = 0; i < s->req.nr_segs; i++) {
		int err = 0;

		s->segp[i] = r->pg ? blk_pgrant_get(r->pg, s->req.seg[i].gref, &err,
						    &s->segoff[i])
				   : NULL;
		if (err < 0 && err != -EACCES && s->status == PV_BLKIF_RSP_OKAY) {
			xbe_warnx(r->xd,
				  "cannot map persistent grant %u (%d): request answered "
				  "with an error",
				  s->req.seg[i].gref, err);
			s->status = PV_BLKIF_RSP_ERROR;
		}
	}
}

int blk_req_writes(const struct blkreq *q)
{
	return q->op == PV_BLKIF_OP_WRITE || (q->op == PV_BLKIF_OP_FLUSH_DISKCACHE && q->nr_segs);
}

void blk_slot_fail(struct blk_ring *r, struct blk_slot *s, const char *why)
{
	if (s->status == PV_BLKIF_RSP_OKAY)
		xbe_warnx(r->xd, "disk I/O at sector %llu (op %u): %s",
			  (unsigned long long)s->req.sector, s->req.op, why);
	s->status = PV_BLKIF_RSP_ERROR;
}

unsigned blk_slot_iovecs(struct blk_ring *r, struct blk_slot *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->req.nr_segs; i++) {
		const struct pv_blkif_request_segment *g = &s->req.seg[i];
		uint8_t *base = (s->segp[i] ? s->segp[i] : blk_slot_page(r, s, i)) +
				g->first_sect * BLK_SECTOR_SIZE;
		size_t len = (size_t)(g->last_sect - g->first_sect + 1) * BLK_SECTOR_SIZE;

		if (n && (uint8_t *)s->iov[n - 1].iov_base + s->iov[n - 1].iov_len == base) {
			s->iov[n - 1].iov_len += len;
			continue;
		}
		s->iov[n].iov_base = base;
		s->iov[n++].iov_len = len;
	}
	s->niov = n;
	return n;
}

/* Take queued requests into free slots; answer invalid ones at once. Returns the
 * batch of valid ones (linked through next). */
static struct blk_slot *consume(struct blk_ring *r)
{
	struct blk_slot *batch = NULL, **tail = &batch;
	struct pv_blkif_request raw;
	pv_ring_idx_t prod = r->br.sring->req_prod;

	PV_RING_RMB();
	if (PV_RING_REQUEST_PROD_OVERFLOW(&r->br, prod)) {
		xbe_warnx(r->xd,
			  "queue %u: request producer %u is more than a ring ahead of %u; "
			  "ring no longer served",
			  r->q, prod, r->br.rsp_prod_pvt);
		r->broken = 1;
		return NULL;
	}
	while (r->free && r->br.req_cons != prod) {
		struct blk_slot *s = r->free;

		PV_RING_COPY_REQUEST(&r->br, r->br.req_cons, &raw);
		r->br.req_cons++;
		r->free = s->next;
		s->next = NULL;
		s->pending = 0;
		s->stage = 0;
		s->packed = 0;
		s->status = (int16_t)blkreq_parse(&raw, &r->disk->lim, &s->req);
		if (s->status != PV_BLKIF_RSP_OKAY) {
			xbe_warnx(r->xd,
				  "bad request (op %u, %u segments, sector %llu): status %d",
				  raw.operation, raw.nr_segments,
				  (unsigned long long)raw.sector_number, s->status);
			slot_finish(r, s);
			continue;
		}
		*tail = s;
		tail = &s->next;
	}
	return batch;
}

static void start_batch(struct blk_ring *r, struct blk_slot *batch)
{
	struct blk_slot *s, *next;

	fetch_indirect(r, batch);
	for (s = batch; s; s = s->next) {
		if (s->status == PV_BLKIF_RSP_OKAY)
			resolve_segments(r, s);
		if (s->status == PV_BLKIF_RSP_OKAY && blk_req_writes(&s->req))
			copy_segs(r, s, 0);
	}
	copy_run(r);
	for (s = batch; s; s = next) {
		next = s->next;
		if (s->status == PV_BLKIF_RSP_OKAY)
			r->disk->ops->submit(r, s);
		if (s->pending == 0) /* refused before any I/O */
			slot_finish(r, s);
		else
			r->inflight++;
	}
	r->disk->ops->commit(r);
}

void blk_io_kick(struct blk_ring *r)
{
	int more;

	do {
		struct blk_slot *batch;

		if (r->broken || r->disk->held)
			return;
		batch = consume(r);
		if (batch)
			start_batch(r, batch);
		push_responses(r);
		if (!r->free)
			return; /* completions kick again */
		PV_RING_FINAL_CHECK_FOR_REQUESTS(&r->br, more);
	} while (more);
}

void blk_io_done(struct blk_ring *r, struct blk_slot *done)
{
	struct blk_slot *s, *next;

	if (r->closing) { /* the ring is going: nothing is answered */
		for (s = done; s; s = s->next)
			r->inflight--;
		return;
	}
	for (s = done; s; s = s->next)
		if (s->status == PV_BLKIF_RSP_OKAY && s->req.op == PV_BLKIF_OP_READ)
			copy_segs(r, s, 1);
	copy_run(r);
	for (s = done; s; s = next) {
		next = s->next;
		r->inflight--;
		slot_finish(r, s);
	}
	push_responses(r);
	blk_io_kick(r);
	blk_handover_check(r->xd);
}
