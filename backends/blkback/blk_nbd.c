/* blkback disk ops for NBD exports: qemu-nbd serving a qcow2/VMDK/VDI/... image
 * for the toolstack, or a network disk (nbd://, nbd+unix://). blkback is the
 * client, through libnbd's asynchronous API driven from blkback's own loop
 * (connections: blk_nbd_conn.c): commands complete in callbacks that only collect
 * the slots, which are answered after libnbd returns (a callback may not call
 * libnbd).
 *
 * Connections: the one opened at probe (size, flags) stays for the device's life
 * and serves ring 0; when the server allows several clients on one export
 * (NBD_FLAG_CAN_MULTI_CONN: a flush on one covers writes done through all) each
 * ring gets NBD_RING_CONNS of its own -- QEMU's NBD server runs at most 16
 * commands of one client at a time, a ring has 32 -- else all rings share the
 * first. A dead connection fails its commands (the guest sees I/O errors, never a
 * hang) and is opened again when the frontend reconnects its rings.
 *
 * NBD has no vectored commands: a slot whose segments are not one run of memory
 * is gathered into (writes) or scattered from (reads) its own buffer pages. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "blkback/blk_nbd.h"
#include "common/xenbus_be.h"
#include "log.h"

static struct nbd_disk *nbd_of(struct blk_disk *k)
{
	return k->io;
}

/* ---- the disk ---- */

static int nbd_check_export(struct blk_disk *k, struct nbd_disk *n, struct xbe_device *d)
{
	struct nbd_handle *h = n->conn[0]->h;
	int64_t size = nbd_get_size(h);

	if (size < 0) {
		xbe_device_error(d, 0, "NBD server %s: no export size (%s)", k->path,
				 nbd_get_error());
		return -EIO;
	}
	if (!k->lim.readonly && nbd_is_read_only(h) == 1) {
		xbe_device_error(d, 0,
				 "NBD export %s is read-only: attach it read-only "
				 "(access=ro)",
				 k->path);
		return -EROFS;
	}
	k->lim.sectors = (uint64_t)size / BLK_SECTOR_SIZE;
	k->lim.discard = nbd_can_trim(h) == 1;
	n->multi_conn = nbd_can_multi_conn(h) == 1;
	n->can_flush = nbd_can_flush(h) == 1;
	snprintf(k->note, sizeof(k->note), "NBD%s%s", n->multi_conn ? ", multi-conn" : "",
		 n->can_flush ? "" : ", no flush");
	return 0;
}

static int nbd_disk_open(struct blk_disk *k, struct xbe_device *d)
{
	struct nbd_disk *n = calloc(1, sizeof(*n));
	const char *why;
	int rc = 0;

	if (!n)
		return -ENOMEM;
	k->io = n;
	n->conn[0] = nbd_conn_open(k, d, &rc, &why);
	if (!n->conn[0]) {
		xbe_device_error(d, rc, "cannot reach NBD server %s (%s)", k->path, why);
		return rc; /* the caller closes */
	}
	return nbd_check_export(k, n, d);
}

static void nbd_disk_close(struct blk_disk *k)
{
	struct nbd_disk *n = nbd_of(k);

	if (!n)
		return;
	for (unsigned i = 0; i < NBD_CONNS_MAX; i++)
		if (n->conn[i])
			nbd_conn_close(n->conn[i]);
	free(n);
	k->io = NULL;
}

/* ---- rings ---- */

/* Connection i of the disk, opened (again, when it died and nobody uses it) if
 * need be. NULL with *rc and *why on failure. */
static struct nbd_conn *nbd_conn_get(struct blk_ring *r, unsigned i, int *rc, const char **why)
{
	struct nbd_disk *n = nbd_of(r->disk);

	if (n->conn[i] && n->conn[i]->dead && n->conn[i]->users == 0) {
		nbd_conn_close(n->conn[i]);
		n->conn[i] = NULL;
	}
	if (!n->conn[i])
		n->conn[i] = nbd_conn_open(r->disk, r->xd, rc, why);
	return n->conn[i];
}

/* Ring q's connections: NBD_RING_CONNS of its own with multi-conn, else the
 * shared first one. Connections past the first that cannot be opened are done
 * without (the server may allow fewer clients). */
static int nbd_ring_open(struct blk_ring *r)
{
	struct nbd_disk *n = nbd_of(r->disk);
	struct nbd_ring *nr = calloc(1, sizeof(*nr));
	unsigned first = n->multi_conn ? r->q * NBD_RING_CONNS : 0;
	unsigned want = n->multi_conn ? NBD_RING_CONNS : 1;
	const char *why = "";
	int rc = 0;

	if (!nr)
		return -ENOMEM;
	r->io = nr;
	for (unsigned i = 0; i < want; i++) {
		struct nbd_conn *c = nbd_conn_get(r, first + i, &rc, &why);

		if (c) {
			c->users++;
			nr->c[nr->n++] = c;
		}
	}
	if (nr->n == 0 && first > 0 && (nr->c[0] = nbd_conn_get(r, 0, &rc, &why))) {
		log_info("%s: ring %u shares the first NBD connection (%s)", r->xd->name, r->q,
			 why);
		nr->c[0]->users++;
		nr->n = 1;
	}
	if (nr->n == 0) {
		xbe_device_error(r->xd, rc, "cannot reach NBD server %s (%s)", r->disk->path,
				 why);
		return rc;
	}
	return 0;
}

static int ring_conns_dead(const struct nbd_ring *nr)
{
	for (unsigned i = 0; i < nr->n; i++)
		if (!nr->c[i]->dead)
			return 0;
	return 1;
}


/* One round of waiting for the ring's commands on each of its connections. */
static void ring_drain_step(struct nbd_ring *nr, int give_up)
{
	for (unsigned i = 0; i < nr->n; i++) {
		struct nbd_conn *c = nr->c[i];

		if (c->dead)
			continue;
		if (give_up)
			shutdown(nbd_aio_get_fd(c->h), SHUT_RDWR);
		if (nbd_poll(c->h, 20) < 0 || nbd_aio_is_dead(c->h))
			nbd_conn_mark_dead(c);
		nbd_conn_process(c);
	}
}

/* Let the ring's commands finish (they write into its pages) for NBD_DRAIN_MS;
 * past that its connections are shut down, which completes them with errors. */
static void nbd_ring_close(struct blk_ring *r)
{
	struct nbd_ring *nr = r->io;
	struct timespec t0;
	int warned = 0;

	if (!nr)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (r->inflight && !ring_conns_dead(nr)) {
		int give_up = nbd_ms_since(&t0) > NBD_DRAIN_MS;

		if (give_up && !warned++)
			log_warnx("%s: NBD commands of ring %u still running after %d ms: "
				  "dropping its connections",
				  r->xd->name, r->q, NBD_DRAIN_MS);
		ring_drain_step(nr, give_up);
	}
	for (unsigned i = 0; i < nr->n; i++) {
		nr->c[i]->users--;
		nbd_conn_events_update(nr->c[i]);
	}
	free(nr);
	r->io = NULL;
}

/* ---- commands ---- */

/* libnbd's completion callback: collect the slot (libnbd may not be called here). */
static int cmd_done(void *user_data, int *error)
{
	struct blk_slot *s = user_data;
	struct nbd_conn *c = s->io; /* the connection running this command */

	c->replies++;
	c->inflight--;
	if (*error)
		blk_slot_fail(s->ring, s, strerror(*error));
	if (--s->pending == 0 && !(s->stage & STAGE_SUBMITTING)) {
		s->next = c->done;
		c->done = s;
	}
	return 1; /* retire the command */
}

/* The ring's connection with the fewest commands running, counted as one more;
 * the slot remembers it (its completion comes back there). */
static struct nbd_handle *cmd_conn(struct blk_ring *r, struct blk_slot *s)
{
	struct nbd_ring *nr = r->io;
	struct nbd_conn *c = nr->c[0];

	for (unsigned i = 1; i < nr->n; i++)
		if (!nr->c[i]->dead && (c->dead || nr->c[i]->inflight < c->inflight))
			c = nr->c[i];
	c->inflight++;
	s->io = c;
	s->pending++;
	return c->h;
}

static void cmd_result(struct blk_ring *r, struct blk_slot *s, int64_t cookie)
{
	if (cookie >= 0)
		return;
	((struct nbd_conn *)s->io)->inflight--;
	s->pending--;
	blk_slot_fail(r, s, nbd_get_error() ? nbd_get_error() : "NBD command refused");
}

/* Gather a scattered write into the slot's pages (each segment moves down or
 * stays: segment i starts at page i or later and at most i pages come before it). */
static void slot_gather(struct blk_ring *r, struct blk_slot *s)
{
	uint8_t *dst = blk_slot_page(r, s, 0);

	for (unsigned i = 0; i < s->niov; i++) {
		memmove(dst + s->packed, s->iov[i].iov_base, s->iov[i].iov_len);
		s->packed += s->iov[i].iov_len;
	}
}

/* The reverse after a read, last segment first (each moves up or stays). */
static void slot_scatter(struct blk_ring *r, struct blk_slot *s)
{
	uint8_t *src = blk_slot_page(r, s, 0);
	size_t off = s->packed;

	for (unsigned i = s->niov; i-- > 0;) {
		off -= s->iov[i].iov_len;
		memmove(s->iov[i].iov_base, src + off, s->iov[i].iov_len);
	}
}

static void submit_rw(struct blk_ring *r, struct blk_slot *s)
{
	nbd_completion_callback cb = { .callback = cmd_done, .user_data = s };
	uint64_t off = s->req.sector * BLK_SECTOR_SIZE;
	size_t len = (size_t)(s->req.nr_sectors * BLK_SECTOR_SIZE);
	void *buf;

	if (blk_slot_iovecs(r, s) == 1) {
		buf = s->iov[0].iov_base;
	} else {
		buf = blk_slot_page(r, s, 0);
		if (blk_req_writes(&s->req))
			slot_gather(r, s);
		else
			s->packed = len;
	}
	if (blk_req_writes(&s->req))
		cmd_result(r, s, nbd_aio_pwrite(cmd_conn(r, s), buf, len, off, cb, 0));
	else
		cmd_result(r, s, nbd_aio_pread(cmd_conn(r, s), buf, len, off, cb, 0));
}

static void submit_flush(struct blk_ring *r, struct blk_slot *s)
{
	nbd_completion_callback cb = { .callback = cmd_done, .user_data = s };

	s->stage |= STAGE_FLUSH;
	if (!nbd_of(r->disk)->can_flush)
		return; /* no write cache to flush: done */
	cmd_result(r, s, nbd_aio_flush(cmd_conn(r, s), cb, 0));
}

static void submit_slot(struct blk_ring *r, struct blk_slot *s)
{
	nbd_completion_callback cb = { .callback = cmd_done, .user_data = s };

	switch (s->req.op) {
	case PV_BLKIF_OP_READ:
	case PV_BLKIF_OP_WRITE:
		submit_rw(r, s);
		break;
	case PV_BLKIF_OP_FLUSH_DISKCACHE:
		/* NBD orders nothing: the flush covers writes completed before it was
		 * sent, so a flush with data flushes once the write is done. */
		if (s->req.nr_segs)
			submit_rw(r, s);
		else
			submit_flush(r, s);
		break;
	case PV_BLKIF_OP_DISCARD:
		cmd_result(r, s,
			   nbd_aio_trim(cmd_conn(r, s), s->req.nr_sectors * BLK_SECTOR_SIZE,
					s->req.sector * BLK_SECTOR_SIZE, cb, 0));
		break;
	default:
		s->status = PV_BLKIF_RSP_ERROR;
	}
}

/* The caller answers the slot when nothing is pending afterwards (start_batch). */
static void nbd_submit(struct blk_ring *r, struct blk_slot *s)
{
	s->stage |= STAGE_SUBMITTING;
	submit_slot(r, s);
	s->stage &= (uint8_t)~STAGE_SUBMITTING;
}

static void nbd_commit(struct blk_ring *r)
{
	struct nbd_ring *nr = r->io;

	for (unsigned i = 0; nr && i < nr->n; i++) {
		struct nbd_conn *c = nr->c[i];

		if (nbd_aio_is_dead(c->h))
			nbd_conn_mark_dead(c);
		nbd_conn_process(c); /* updates what the loop polls for */
	}
}

/* A finished slot's next step: the flush after a flush's write, or the answer. */
static int slot_continue(struct blk_ring *r, struct blk_slot *s)
{
	if (s->status != PV_BLKIF_RSP_OKAY || r->closing)
		return 0;
	if (s->req.op == PV_BLKIF_OP_FLUSH_DISKCACHE && !(s->stage & STAGE_FLUSH)) {
		s->stage |= STAGE_SUBMITTING;
		submit_flush(r, s);
		s->stage &= (uint8_t)~STAGE_SUBMITTING;
		return s->pending > 0; /* else answered now (refused, or done meanwhile) */
	}
	if (s->packed && s->req.op == PV_BLKIF_OP_READ)
		slot_scatter(r, s);
	return 0;
}

/* Answer what the callbacks collected, ring by ring (a shared connection carries
 * several rings' slots). */
void nbd_conn_process(struct nbd_conn *c)
{
	while (c->done) {
		struct blk_slot *todo = c->done, *s, *next;
		struct blk_slot *per_ring[BLK_MAX_QUEUES] = { NULL };

		c->done = NULL;
		for (s = todo; s; s = next) {
			next = s->next;
			if (slot_continue(s->ring, s))
				continue; /* more to do: it comes back through cmd_done */
			s->next = per_ring[s->ring->q];
			per_ring[s->ring->q] = s;
		}
		for (unsigned q = 0; q < BLK_MAX_QUEUES; q++)
			if (per_ring[q])
				blk_io_done(per_ring[q]->ring, per_ring[q]);
	}
	nbd_conn_events_update(c);
}

const struct blk_disk_ops blk_nbd_ops = {
	.name = "nbd",
	.open = nbd_disk_open,
	.close = nbd_disk_close,
	.ring_open = nbd_ring_open,
	.ring_close = nbd_ring_close,
	.submit = nbd_submit,
	.commit = nbd_commit,
};
