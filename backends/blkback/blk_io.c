/* blkback data path. A kick takes every request the frontend queued (one copy out
 * of the ring each, then blkreq_parse), fetches indirect descriptor pages and write
 * data with one batched grant copy each into the slots' buffer pages, and submits
 * the image I/O to the ring's io_uring in one go. Completions copy read data to
 * the frontend (one batched grant copy) and answer. Whatever fails -- validation,
 * a grant the hypervisor refuses, the image I/O -- is answered with an error
 * response; the frontend can never stop the loop. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "blkback/blk_ring.h"
#include "common/xenbus_be.h"
#include "log.h"

#define UD_RW 1u /* user_data tag: the data transfer (others: fsync, fallocate) */

static uint8_t *slot_page(struct blk_ring *r, const struct blk_slot *s, unsigned i)
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
	struct pv_gnttab_copy_ptr granted = { .u.ref = gref, .domid = (pv_domid_t)r->xd->fe_domid,
					      .offset = (uint16_t)off };
	struct pv_gnttab_copy_ptr local = { .u.gmfn = slot_gmfn(s, page), .domid = PV_DOMID_SELF,
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
				xbe_warnx(r->xd, "grant copy of ref %u failed (%d): request answered "
					  "with an error", (r->ops[i].flags & PV_GNTCOPY_source_gref)
					  ? r->ops[i].source.u.ref : r->ops[i].dest.u.ref,
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
			 (unsigned)(g->last_sect - g->first_sect + 1) * BLK_SECTOR_SIZE, to_guest);
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
				(const struct pv_blkif_request_segment *)slot_page(
					r, s, BLK_MAX_INDIRECT_SEGS),
				&r->disk->lim);
}

/* With persistent grants, find (or map once) each segment's page. A read-only
 * grant (-EACCES for a writable map) is served by copying, as without the feature;
 * any other refusal fails the request. */
static void resolve_segments(struct blk_ring *r, struct blk_slot *s)
{
	for (unsigned i = 0; i < s->req.nr_segs; i++) {
		int err = 0;

		s->segp[i] = r->pg ? blk_pgrant_get(r->pg, s->req.seg[i].gref, &err) : NULL;
		if (err < 0 && err != -EACCES && s->status == PV_BLKIF_RSP_OKAY) {
			xbe_warnx(r->xd, "cannot map persistent grant %u (%d): request answered "
				  "with an error", s->req.seg[i].gref, err);
			s->status = PV_BLKIF_RSP_ERROR;
		}
	}
}

static int is_write(const struct blkreq *q)
{
	return q->op == PV_BLKIF_OP_WRITE || (q->op == PV_BLKIF_OP_FLUSH_DISKCACHE && q->nr_segs);
}

static struct io_uring_sqe *sqe_get(struct blk_ring *r, struct blk_slot *s, unsigned tag)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&r->uring);

	if (!sqe) { /* never: the queue holds two per slot */
		s->status = PV_BLKIF_RSP_ERROR;
		return NULL;
	}
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)s | tag);
	s->pending++;
	return sqe;
}

/* The slot's segments as iovecs, adjacent ones merged (full pages of a slot are
 * contiguous in the buffer: a 1 MiB request becomes one iovec). Returns the count. */
static unsigned slot_iovecs(struct blk_ring *r, struct blk_slot *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->req.nr_segs; i++) {
		const struct pv_blkif_request_segment *g = &s->req.seg[i];
		uint8_t *base = (s->segp[i] ? s->segp[i] : slot_page(r, s, i)) +
				g->first_sect * BLK_SECTOR_SIZE;
		size_t len = (size_t)(g->last_sect - g->first_sect + 1) * BLK_SECTOR_SIZE;

		if (n && (uint8_t *)s->iov[n - 1].iov_base + s->iov[n - 1].iov_len == base) {
			s->iov[n - 1].iov_len += len;
			continue;
		}
		s->iov[n].iov_base = base;
		s->iov[n++].iov_len = len;
	}
	return n;
}

static void submit_rw(struct blk_ring *r, struct blk_slot *s, int link)
{
	off_t off = (off_t)(s->req.sector * BLK_SECTOR_SIZE);
	struct io_uring_sqe *sqe = sqe_get(r, s, UD_RW);
	unsigned n;

	if (!sqe)
		return;
	n = slot_iovecs(r, s);
	if (is_write(&s->req))
		io_uring_prep_writev(sqe, r->disk->fd, s->iov, n, off);
	else
		io_uring_prep_readv(sqe, r->disk->fd, s->iov, n, off);
	if (link)
		sqe->flags |= IOSQE_IO_LINK;
}

/* Start the image I/O of one validated slot. */
static void submit_slot(struct blk_ring *r, struct blk_slot *s)
{
	struct io_uring_sqe *sqe;

	switch (s->req.op) {
	case PV_BLKIF_OP_READ:
	case PV_BLKIF_OP_WRITE:
		submit_rw(r, s, 0);
		break;
	case PV_BLKIF_OP_FLUSH_DISKCACHE:
		if (s->req.nr_segs)
			submit_rw(r, s, 1); /* the data first, then the flush */
		if ((sqe = sqe_get(r, s, 0)))
			io_uring_prep_fsync(sqe, r->disk->fd, IORING_FSYNC_DATASYNC);
		break;
	case PV_BLKIF_OP_DISCARD:
		if ((sqe = sqe_get(r, s, 0)))
			io_uring_prep_fallocate(sqe, r->disk->fd,
						FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
						(off_t)(s->req.sector * BLK_SECTOR_SIZE),
						(off_t)(s->req.nr_sectors * BLK_SECTOR_SIZE));
		break;
	default:
		s->status = PV_BLKIF_RSP_ERROR;
	}
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
		xbe_warnx(r->xd, "queue %u: request producer %u is more than a ring ahead of %u; "
			  "ring no longer served", r->q, prod, r->br.rsp_prod_pvt);
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
		s->status = (int16_t)blkreq_parse(&raw, &r->disk->lim, &s->req);
		if (s->status != PV_BLKIF_RSP_OKAY) {
			xbe_warnx(r->xd, "bad request (op %u, %u segments, sector %llu): status %d",
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
		if (s->status == PV_BLKIF_RSP_OKAY && is_write(&s->req))
			copy_segs(r, s, 0);
	}
	copy_run(r);
	for (s = batch; s; s = next) {
		next = s->next;
		if (s->status == PV_BLKIF_RSP_OKAY)
			submit_slot(r, s);
		if (s->pending == 0) /* refused before any I/O */
			slot_finish(r, s);
		else
			r->inflight++;
	}
	io_uring_submit(&r->uring);
}

void blk_io_kick(struct blk_ring *r)
{
	int more;

	do {
		struct blk_slot *batch;

		if (r->broken)
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

static void cqe_account(struct blk_ring *r, struct blk_slot *s, unsigned tag, int res)
{
	int64_t want = tag == UD_RW ? (int64_t)(s->req.nr_sectors * BLK_SECTOR_SIZE) : 0;

	if (res < 0 || res != want) {
		if (s->status == PV_BLKIF_RSP_OKAY)
			xbe_warnx(r->xd, "image I/O at sector %llu: %s",
				  (unsigned long long)s->req.sector,
				  res < 0 ? strerror(-res) : "short transfer");
		s->status = PV_BLKIF_RSP_ERROR;
	}
}

void blk_io_complete(int fd, void *arg)
{
	struct blk_ring *r = arg;
	struct blk_slot *done = NULL, *s, *next;
	struct io_uring_cqe *cqe;
	uint64_t cnt;

	if (read(fd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		log_warn("blkback: eventfd");
	while (io_uring_peek_cqe(&r->uring, &cqe) == 0) {
		uint64_t ud = io_uring_cqe_get_data64(cqe);

		s = (struct blk_slot *)(uintptr_t)(ud & ~(uint64_t)UD_RW);
		cqe_account(r, s, (unsigned)(ud & UD_RW), cqe->res);
		io_uring_cqe_seen(&r->uring, cqe);
		if (--s->pending == 0) {
			s->next = done;
			done = s;
		}
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
}

void blk_io_drain(struct blk_ring *r)
{
	struct io_uring_cqe *cqe;

	while (r->inflight) {
		uint64_t ud;
		struct blk_slot *s;

		if (io_uring_wait_cqe(&r->uring, &cqe) < 0)
			return;
		ud = io_uring_cqe_get_data64(cqe);
		s = (struct blk_slot *)(uintptr_t)(ud & ~(uint64_t)UD_RW);
		io_uring_cqe_seen(&r->uring, cqe);
		if (--s->pending == 0)
			r->inflight--;
	}
}
