/* blkfront requests: segments granted per request, direct or indirect ring
 * entries, publication with notification suppression (the backend is notified
 * only when it asked to be), completions and the synchronous wrappers. */
#include <pvisor/errno.h>
#include <pvisor/io/xenbus.h>

#include "kernel/blkfront_priv.h"
#include "kernel/evtchn.h"
#include "kernel/gnttab.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/suspend.h"
#include "kernel/timer.h"
#include "kernel/xenbus.h"
#include "lib/kstring.h"

static int shadow_get(struct bf_queue *q)
{
	if (PV_RING_FULL(&q->ring))
		return -PV_EAGAIN;
	for (int i = 0; i < (int)BF_RING_SIZE; i++)
		if (!q->shadow[i].used)
			return i;
	return -PV_EAGAIN;
}

/* The next queue in turn that has a free slot, or NULL. */
static struct bf_queue *pick_queue(struct blkfront *bf)
{
	for (unsigned k = 0; k < bf->nq; k++) {
		struct bf_queue *q = &bf->q[bf->next_q++ % bf->nq];

		if (!PV_RING_FULL(&q->ring))
			return q;
	}
	return NULL;
}

/* Return the request's pool pages; a finished read first copies its data out. */
static void pool_release(struct blkfront *bf, struct bf_shadow *s, int ok)
{
	for (unsigned i = 0; i < s->npool; i++) {
		uint32_t left = s->nsect - i * BF_SECT_PER_PAGE;
		uint32_t n = left < BF_SECT_PER_PAGE ? left : BF_SECT_PER_PAGE;

		if (s->read && ok)
			memcpy(s->buf + (uint64_t)i * PV_PAGE_SIZE,
			       bf->pool + (uint64_t)s->pidx[i] * PV_PAGE_SIZE,
			       n * BLKFRONT_SECTOR);
		bf->pool_free[bf->pool_nfree++] = s->pidx[i];
	}
	s->npool = 0;
}

static void shadow_release(struct blkfront *bf, struct bf_shadow *s)
{
	for (unsigned i = 0; i < s->nr_grefs; i++)
		if (gnttab_end_access(s->grefs[i]) < 0)
			printk("blkfront: %s: grant %u still in use\n", bf->info.name,
			       s->grefs[i]);
	s->nr_grefs = 0;
	s->used = 0;
}

/* Grant the pages under buf and describe them as segments. */
static int grant_segments(struct blkfront *bf, struct bf_shadow *s, uintptr_t va, uint32_t nsect,
			  int readonly, struct pv_blkif_request_segment *segs)
{
	if (va % BLKFRONT_SECTOR)
		return -PV_EINVAL;
	while (nsect) {
		uintptr_t page = va & ~(uintptr_t)(PV_PAGE_SIZE - 1);
		unsigned first = (unsigned)((va - page) / BLKFRONT_SECTOR);
		unsigned cnt = BF_SECT_PER_PAGE - first;
		int ref;

		if (cnt > nsect)
			cnt = nsect;
		if (s->nr_grefs == bf->info.max_segs)
			return -PV_EINVAL;
		ref = gnttab_grant_access((pv_domid_t)bf->backend_id,
					  mm_virt_to_gfn((void *)page), readonly);
		if (ref < 0)
			return ref;
		segs[s->nr_grefs].gref = (pv_grant_ref_t)ref;
		segs[s->nr_grefs].first_sect = (uint8_t)first;
		segs[s->nr_grefs].last_sect = (uint8_t)(first + cnt - 1);
		s->grefs[s->nr_grefs++] = (pv_grant_ref_t)ref;
		va += (uintptr_t)cnt * BLKFRONT_SECTOR;
		nsect -= cnt;
	}
	return 0;
}

/* Persistent grants: whole pool pages, data copied in now (writes) or out at
 * completion (reads); any 512-byte aligned buffer. */
static int pool_segments(struct blkfront *bf, struct bf_shadow *s, int op, uint8_t *buf,
			 uint32_t nsect, struct pv_blkif_request_segment *segs)
{
	unsigned need = (nsect + BF_SECT_PER_PAGE - 1) / BF_SECT_PER_PAGE;

	if (need > bf->info.max_segs)
		return -PV_EINVAL;
	if (need > bf->pool_nfree)
		return -PV_EAGAIN;
	s->buf = buf;
	s->nsect = nsect;
	s->read = op == PV_BLKIF_OP_READ;
	for (unsigned i = 0; i < need; i++) {
		uint32_t left = nsect - i * BF_SECT_PER_PAGE;
		uint32_t n = left < BF_SECT_PER_PAGE ? left : BF_SECT_PER_PAGE;
		uint16_t p = bf->pool_free[--bf->pool_nfree];

		s->pidx[s->npool++] = p;
		if (!s->read)
			memcpy(bf->pool + (uint64_t)p * PV_PAGE_SIZE,
			       buf + (uint64_t)i * PV_PAGE_SIZE, n * BLKFRONT_SECTOR);
		segs[i].gref = (pv_grant_ref_t)bf->pool_ref[p];
		segs[i].first_sect = 0;
		segs[i].last_sect = (uint8_t)(n - 1);
	}
	return (int)need;
}

static int put_rw(struct blkfront *bf, struct bf_queue *q, int id, int op, uint64_t sector,
		  void *buf, uint32_t nsect)
{
	struct pv_blkif_request_segment segs[BF_MAX_SEGS];
	struct bf_shadow *s = &q->shadow[id];
	void *slot = PV_RING_GET_REQUEST(&q->ring, q->ring.req_prod_pvt);
	unsigned nseg;
	int rc;

	if (bf->persistent && (uintptr_t)buf % BLKFRONT_SECTOR == 0)
		rc = pool_segments(bf, s, op, buf, nsect, segs);
	else
		rc = grant_segments(bf, s, (uintptr_t)buf, nsect, op != PV_BLKIF_OP_READ, segs);
	if (rc < 0) {
		pool_release(bf, s, 0);
		shadow_release(bf, s);
		return rc;
	}
	nseg = s->npool ? s->npool : s->nr_grefs;
	if (nseg <= PV_BLKIF_MAX_SEGMENTS_PER_REQUEST) {
		struct pv_blkif_request req = { .operation = (uint8_t)op,
						.nr_segments = (uint8_t)nseg,
						.handle = (uint16_t)bf->info.vdev,
						.id = (uint64_t)id,
						.sector_number = sector };

		memcpy(req.seg, segs, nseg * sizeof(segs[0]));
		memcpy(slot, &req, sizeof(req));
	} else {
		struct pv_blkif_request_indirect req = { .operation = PV_BLKIF_OP_INDIRECT,
							 .indirect_op = (uint8_t)op,
							 .nr_segments = (uint16_t)nseg,
							 .id = (uint64_t)id,
							 .sector_number = sector,
							 .handle = (uint16_t)bf->info.vdev };

		memcpy(q->indirect[id], segs, nseg * sizeof(segs[0]));
		req.indirect_grefs[0] = (pv_grant_ref_t)q->indirect_ref[id];
		memcpy(slot, &req, sizeof(req));
	}
	return 0;
}

static void put_simple(struct blkfront *bf, struct bf_queue *q, int id, int op, uint64_t sector,
		       uint32_t nsect)
{
	void *slot = PV_RING_GET_REQUEST(&q->ring, q->ring.req_prod_pvt);

	if (op == PV_BLKIF_OP_DISCARD) {
		struct pv_blkif_request_discard req = { .operation = (uint8_t)op,
							.handle = (uint16_t)bf->info.vdev,
							.id = (uint64_t)id,
							.sector_number = sector,
							.nr_sectors = nsect };

		memcpy(slot, &req, sizeof(req));
	} else {
		struct pv_blkif_request req = { .operation = (uint8_t)op,
						.nr_segments = 0,
						.handle = (uint16_t)bf->info.vdev,
						.id = (uint64_t)id,
						.sector_number = sector };

		memcpy(slot, &req, sizeof(req));
	}
}

static int check_request(struct blkfront *bf, int op, uint64_t sector, uint32_t nsect)
{
	if (op == PV_BLKIF_OP_FLUSH_DISKCACHE)
		return bf->info.flush ? 0 : -PV_EOPNOTSUPP;
	if (op == PV_BLKIF_OP_DISCARD && !bf->info.discard)
		return -PV_EOPNOTSUPP;
	if (op != PV_BLKIF_OP_READ && op != PV_BLKIF_OP_WRITE && op != PV_BLKIF_OP_DISCARD)
		return -PV_EINVAL;
	if (nsect == 0 || sector >= bf->info.sectors || nsect > bf->info.sectors - sector)
		return -PV_EINVAL;
	return 0;
}

/* The request just put at req_prod_pvt is in flight: keep a copy (re-issued if the
 * backend starts over) and count it. */
static void shadow_keep(struct blkfront *bf, struct bf_queue *q, int id)
{
	memcpy(q->shadow[id].req, PV_RING_GET_REQUEST(&q->ring, q->ring.req_prod_pvt),
	       sizeof(q->shadow[id].req));
	q->ring.req_prod_pvt++;
	q->inflight++;
	bf->inflight++;
}

/* A restore happened since the disk connected: reconnect first. */
static void bf_check_resume(struct blkfront *bf)
{
	if (bf->up && bf->gen != suspend_generation())
		bf_resume(bf);
}

int bf_submit(struct blkfront *bf, int op, uint64_t sector, void *buf, uint32_t nsect,
	      uint64_t tag)
{
	int id, rc = check_request(bf, op, sector, nsect);
	struct bf_queue *q = pick_queue(bf);
	struct bf_shadow *s;

	if (rc < 0)
		return rc;
	if (!bf->up)
		return -PV_ENODEV;
	if (!q || (id = shadow_get(q)) < 0)
		return -PV_EAGAIN;
	s = &q->shadow[id];
	s->used = 1;
	s->raw = 0;
	s->op = op;
	s->sector = sector;
	s->va = buf;
	s->nsect = nsect;
	s->tag = tag;
	s->nr_grefs = 0;
	s->npool = 0;
	if (op == PV_BLKIF_OP_READ || op == PV_BLKIF_OP_WRITE) {
		if ((rc = put_rw(bf, q, id, op, sector, buf, nsect)) < 0)
			return rc;
	} else {
		put_simple(bf, q, id, op, sector, nsect);
	}
	shadow_keep(bf, q, id);
	return 0;
}

int blkfront_submit(struct blkfront *bf, int op, uint64_t sector, void *buf, uint32_t nsect,
		    uint64_t tag)
{
	bf_check_resume(bf);
	return bf_submit(bf, op, sector, buf, nsect, tag);
}

int blkfront_submit_raw(struct blkfront *bf, const struct pv_blkif_request *req)
{
	struct pv_blkif_request copy = *req;
	struct bf_queue *q = &bf->q[0];
	int id;

	bf_check_resume(bf);
	if ((id = shadow_get(q)) < 0)
		return id;
	q->shadow[id].used = 1;
	q->shadow[id].raw = 1;
	q->shadow[id].tag = req->id;
	q->shadow[id].nr_grefs = 0;
	q->shadow[id].npool = 0;
	copy.id = (uint64_t)id;
	memcpy(PV_RING_GET_REQUEST(&q->ring, q->ring.req_prod_pvt), &copy, sizeof(copy));
	shadow_keep(bf, q, id);
	return 0;
}

static void bf_kick(struct blkfront *bf)
{
	for (unsigned i = 0; i < bf->nq; i++) {
		struct bf_queue *q = &bf->q[i];
		int notify;

		if (q->ring.req_prod_pvt == q->sring->req_prod)
			continue;
		PV_RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->ring, notify);
		if (notify)
			evtchn_send((uint32_t)q->port);
	}
}

static int take_responses(struct blkfront *bf, struct bf_queue *q, struct blkfront_done *out,
			  int max)
{
	pv_ring_idx_t rp = q->sring->rsp_prod;
	int n = 0;

	PV_RING_RMB();
	if (PV_RING_RESPONSE_PROD_OVERFLOW(&q->ring, rp)) {
		printk("blkfront: %s: backend response producer %u is bogus\n", bf->info.name,
		       rp);
		return 0;
	}
	while (q->ring.rsp_cons != rp && n < max) {
		struct pv_blkif_response rsp;
		struct bf_shadow *s;

		PV_RING_COPY_RESPONSE(&q->ring, q->ring.rsp_cons, &rsp);
		q->ring.rsp_cons++;
		if (rsp.id >= BF_RING_SIZE || !q->shadow[rsp.id].used) {
			printk("blkfront: %s: response for unknown id %llu\n", bf->info.name,
			       (unsigned long long)rsp.id);
			continue;
		}
		s = &q->shadow[rsp.id];
		out[n].tag = s->tag;
		out[n].status = rsp.status;
		n++;
		pool_release(bf, s, rsp.status == PV_BLKIF_RSP_OKAY);
		shadow_release(bf, s);
		q->inflight--;
		bf->inflight--;
	}
	return n;
}

void blkfront_kick(struct blkfront *bf)
{
	bf_check_resume(bf);
	bf_kick(bf);
}

/* Requests a failed reconnect could not re-issue: they complete with an error. */
static int take_failed(struct blkfront *bf, struct blkfront_done *out, int max)
{
	int n = 0;

	while (bf->nfailed && n < max) {
		out[n].tag = bf->failed[--bf->nfailed];
		out[n++].status = PV_BLKIF_RSP_ERROR;
	}
	return n;
}

int blkfront_poll(struct blkfront *bf, struct blkfront_done *out, int max)
{
	int n, more;

	bf_check_resume(bf);
	n = take_failed(bf, out, max);
	for (unsigned i = 0; i < bf->nq && n < max; i++) {
		struct bf_queue *q = &bf->q[i];

		do {
			n += take_responses(bf, q, out + n, max - n);
			if (n == max)
				break;
			PV_RING_FINAL_CHECK_FOR_RESPONSES(&q->ring, more);
		} while (more);
	}
	return n;
}

/* With requests in flight and no news for BF_CHECK_NS: did the backend start over
 * (a restarted backend offers the disk again: InitWait)? */
static int backend_started_over(struct blkfront *bf)
{
	return xenbus_read_state(bf->bpath) == PV_XenbusStateInitWait;
}

void blkfront_wait(struct blkfront *bf)
{
	for (;;) {
		int work = 0, w;

		bf_check_resume(bf);
		if (bf->nfailed)
			return;
		bf->event = 0;
		for (unsigned i = 0; i < bf->nq; i++) {
			PV_RING_FINAL_CHECK_FOR_RESPONSES(&bf->q[i].ring, w);
			work |= w != 0;
		}
		if (work || bf->inflight == 0)
			return;
		if (!timer_wait_flag(&bf->event, BF_CHECK_NS) && backend_started_over(bf))
			blkfront_reconnect(bf);
	}
}

/* Submit one request and wait for it (others in flight are not expected). */
static int rw_one(struct blkfront *bf, int op, uint64_t sector, void *buf, uint32_t nsect)
{
	struct blkfront_done d;
	int rc = blkfront_submit(bf, op, sector, buf, nsect, 0);

	if (rc < 0)
		return rc;
	blkfront_kick(bf);
	while (blkfront_poll(bf, &d, 1) == 0)
		blkfront_wait(bf);
	if (d.status == PV_BLKIF_RSP_EOPNOTSUPP)
		return -PV_EOPNOTSUPP;
	return d.status == PV_BLKIF_RSP_OKAY ? 0 : -PV_EIO;
}

int blkfront_rw(struct blkfront *bf, int write, uint64_t sector, void *buf, uint32_t nsect)
{
	/* The most that spans max_segs pages from any 512-byte aligned start. */
	uint32_t chunk = (bf->info.max_segs - 1) * BF_SECT_PER_PAGE;

	while (nsect) {
		uint32_t n = nsect < chunk ? nsect : chunk;
		int rc = rw_one(bf, write ? PV_BLKIF_OP_WRITE : PV_BLKIF_OP_READ, sector, buf, n);

		if (rc < 0)
			return rc;
		sector += n;
		buf = (uint8_t *)buf + (uint64_t)n * BLKFRONT_SECTOR;
		nsect -= n;
	}
	return 0;
}

int blkfront_flush(struct blkfront *bf)
{
	return rw_one(bf, PV_BLKIF_OP_FLUSH_DISKCACHE, 0, 0, 0);
}

static int bf_disconnect(struct blkfront *bf);

int blkfront_close(struct blkfront *bf)
{
	struct blkfront_done d;

	while (bf->inflight || bf->nfailed) {
		blkfront_wait(bf);
		blkfront_poll(bf, &d, 1);
	}
	return bf_disconnect(bf);
}

void blkfront_shutdown_all(void)
{
	struct blkfront *bf;

	/* Powering off: whatever is in flight is abandoned, as a guest that halts does. */
	while ((bf = blkfront_get(0)) != NULL)
		bf_disconnect(bf);
}

static int bf_disconnect(struct blkfront *bf)
{
	/* Unknown: the toolstack removed the backend directory (unplug done). */
	xenbus_switch_state(bf->node, PV_XenbusStateClosing);
	xenbus_wait_state(bf->bpath,
			  1u << PV_XenbusStateClosing | 1u << PV_XenbusStateClosed |
				  1u << PV_XenbusStateUnknown,
			  BF_WAIT_NS);
	xenbus_switch_state(bf->node, PV_XenbusStateClosed);
	xenbus_wait_state(bf->bpath, 1u << PV_XenbusStateClosed | 1u << PV_XenbusStateUnknown,
			  BF_WAIT_NS);
	for (unsigned k = 0; k < bf->nq; k++) {
		struct bf_queue *q = &bf->q[k];

		evtchn_bind_handler((uint32_t)q->port, 0, 0);
		evtchn_close((uint32_t)q->port);
		if (gnttab_end_access((pv_grant_ref_t)q->ring_ref) < 0)
			printk("blkfront: %s: the backend still maps ring %u\n", bf->info.name,
			       k);
		for (unsigned i = 0; i < BF_RING_SIZE; i++)
			if (q->indirect[i])
				gnttab_end_access((pv_grant_ref_t)q->indirect_ref[i]);
	}
	for (unsigned i = 0; i < bf->pool_n; i++)
		if (gnttab_end_access((pv_grant_ref_t)bf->pool_ref[i]) < 0)
			printk("blkfront: %s: persistent grant %d still mapped\n", bf->info.name,
			       bf->pool_ref[i]);
	bf->up = 0;
	printk("blkfront: %s: closed\n", bf->info.name);
	return 0;
}

/* ---- after a restore ---- */

/* What was in flight when the domain was saved: noted for the re-issue (requests
 * put raw, by the tests of a backend's checks, complete with an error), their
 * grants ended (nothing in the new domain maps them) and pool pages returned. */
static unsigned bf_collect(struct blkfront *bf, struct bf_shadow *replay)
{
	unsigned n = 0;

	for (unsigned k = 0; k < bf->nq; k++) {
		struct bf_queue *q = &bf->q[k];

		for (unsigned i = 0; i < BF_RING_SIZE; i++) {
			struct bf_shadow *s = &q->shadow[i];

			if (!s->used)
				continue;
			if (s->raw && bf->nfailed < BF_RING_SIZE * BF_MAX_QUEUES)
				bf->failed[bf->nfailed++] = s->tag;
			else if (!s->raw)
				replay[n++] = *s;
			pool_release(bf, s, 0);
			shadow_release(bf, s);
		}
		q->inflight = 0;
	}
	bf->inflight = 0;
	return n;
}

/* The grants of the old connection: rings, indirect pages, the persistent pool. */
static void bf_ungrant(struct blkfront *bf)
{
	for (unsigned k = 0; k < bf->nq; k++) {
		struct bf_queue *q = &bf->q[k];

		gnttab_end_access((pv_grant_ref_t)q->ring_ref);
		for (unsigned i = 0; i < BF_RING_SIZE; i++)
			if (q->indirect[i])
				gnttab_end_access((pv_grant_ref_t)q->indirect_ref[i]);
	}
	for (unsigned i = 0; i < bf->pool_n; i++)
		gnttab_end_access((pv_grant_ref_t)bf->pool_ref[i]);
	bf->pool_nfree = 0;
}

/* Xen's blkfront resume: back to Initialising, connect to the backend the
 * toolstack made for the new domain, re-issue what was in flight. The old ports
 * are not closed: their numbers may be someone else's in the new domain. */
void bf_resume(struct blkfront *bf)
{
	static struct bf_shadow replay[BF_RING_SIZE * BF_MAX_QUEUES];
	unsigned n = bf_collect(bf, replay), again = 0;
	int rc;

	bf->gen = suspend_generation();
	printk("blkfront: %s: reconnecting after a restore, %u request%s to re-issue\n",
	       bf->info.name, n, n == 1 ? "" : "s");
	bf_ungrant(bf);
	rc = xenbus_backend_of(bf->node, bf->bpath, sizeof(bf->bpath), &bf->backend_id);
	if (rc == 0)
		rc = xenbus_switch_state(bf->node, PV_XenbusStateInitialising);
	if (rc == 0)
		rc = bf_connect(bf);
	for (unsigned i = 0; i < n; i++) {
		struct bf_shadow *s = &replay[i];

		if (rc == 0 && bf_submit(bf, s->op, s->sector, s->va, s->nsect, s->tag) == 0)
			again++;
		else if (bf->nfailed < BF_RING_SIZE * BF_MAX_QUEUES)
			bf->failed[bf->nfailed++] = s->tag;
	}
	bf_kick(bf);
	if (rc < 0) {
		bf->up = 0;
		printk("blkfront: %s: reconnect failed (%d): the disk is gone\n", bf->info.name,
		       rc);
		return;
	}
	printk("blkfront: %s: reconnected, %u request%s re-issued\n", bf->info.name, again,
	       again == 1 ? "" : "s");
}
