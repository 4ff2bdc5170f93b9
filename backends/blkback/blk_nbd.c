/* blkback disk ops for NBD exports: qemu-nbd serving a qcow2/VMDK/VDI/... image
 * for the toolstack, or a network disk (nbd://, nbd+unix://). blkback is the
 * client, through libnbd's asynchronous API driven from blkback's own loop: each
 * connection's socket is polled for what libnbd wants (nbd_aio_get_direction),
 * commands complete in callbacks that only collect the slots, and the slots are
 * answered after libnbd returns (a callback may not call libnbd).
 *
 * Connections: the one opened at probe (size, flags) stays for the device's life
 * and serves ring 0; when the server allows several clients on one export
 * (NBD_FLAG_CAN_MULTI_CONN: a flush on one covers writes done through all) each
 * ring gets NBD_RING_CONNS of its own -- QEMU's NBD server runs at most 16
 * commands of one client at a time, a ring has 32 -- else all rings share the
 * first. A connection that
 * dies (the server exited, the network broke) completes everything in flight with
 * an error and refuses new commands: the guest sees I/O errors, never a hang; it
 * is opened again when the frontend reconnects its rings. A server that stops
 * answering (stopped, or a network path that dropped without a reset) counts as
 * dead once commands have been waiting with no reply for NBD_STALL_S seconds
 * (PVISOR_NBD_TIMEOUT overrides it; Linux's nbd client also gives up after 30 s).
 *
 * NBD has no vectored commands: a slot whose segments are not one run of memory
 * is gathered into (writes) or scattered from (reads) its own buffer pages. */
#include <errno.h>
#include <libnbd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "blkback/blk_ring.h"
#include "common/xenbus_be.h"
#include "log.h"

#define NBD_CONNECT_MS 5000 /* blkback's loop waits this long for a server at most */
#define NBD_DRAIN_MS 5000   /* a disconnecting ring waits this long for its commands */
#define NBD_STALL_S 30      /* no reply for this long while commands wait: dead */
#define NBD_SNDBUF (4 << 20) /* a 1 MiB write goes out in one call (wmem_max caps it) */

#define NBD_RING_CONNS 2     /* connections per ring with multi-conn */
#define NBD_CONNS_MAX (BLK_MAX_QUEUES * NBD_RING_CONNS)

#define STAGE_FLUSH 1 /* slot: the write of a flush-with-data is done, the flush runs */

struct nbd_conn {
	struct nbd_handle *h;
	struct blk_disk *k;
	struct xbe_device *d;
	int fd;              /* registered with the loop while >= 0 */
	uint32_t events;     /* what the loop polls fd for */
	int dead;            /* the server is gone: commands fail */
	unsigned users;      /* rings using it */
	unsigned inflight;   /* commands sent, not completed */
	struct blk_slot *done; /* collected by callbacks, answered by conn_process */
	int tfd;             /* the stall watchdog's timer */
	unsigned replies, replies_seen, stalled_ticks;
};

struct nbd_disk {
	int multi_conn;
	int can_flush;
	struct nbd_conn *conn[NBD_CONNS_MAX]; /* ring q: q * NBD_RING_CONNS, ... */
};

/* A ring's connections (r->io). */
struct nbd_ring {
	struct nbd_conn *c[NBD_RING_CONNS];
	unsigned n;
};

static struct nbd_disk *nbd_of(struct blk_disk *k)
{
	return k->io;
}

/* ---- connections ---- */

static int conn_wait_connected(struct nbd_handle *h)
{
	struct timespec t0, t;
	long left = NBD_CONNECT_MS;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (nbd_aio_is_connecting(h)) {
		if (left <= 0)
			return -ETIMEDOUT;
		if (nbd_poll(h, (int)left) < 0)
			return -(nbd_get_errno() ? nbd_get_errno() : EIO);
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = NBD_CONNECT_MS - ((t.tv_sec - t0.tv_sec) * 1000 +
					 (t.tv_nsec - t0.tv_nsec) / 1000000);
	}
	return nbd_aio_is_ready(h) ? 0 : -(nbd_get_errno() ? nbd_get_errno() : ECONNREFUSED);
}

/* Connect to uri within NBD_CONNECT_MS. NULL with *err set (and *why, libnbd's
 * message, valid until the next libnbd call) on failure. */
static struct nbd_handle *nbd_handle_open(const char *uri, int *err, const char **why)
{
	struct nbd_handle *h = nbd_create();
	int rc;

	*why = "";
	if (!h) {
		*err = -ENOMEM;
		return NULL;
	}
	/* Reads land in slot pages or mapped guest pages that no other guest sees, and
	 * a failed read is answered with an error: no need to clear 1 MiB first. */
	nbd_set_pread_initialize(h, false);
	if (nbd_aio_connect_uri(h, uri) < 0) {
		rc = -(nbd_get_errno() ? nbd_get_errno() : EINVAL);
	} else {
		rc = conn_wait_connected(h);
	}
	if (rc < 0) {
		*err = rc;
		*why = rc == -ETIMEDOUT ? "no answer" : nbd_get_error();
		nbd_close(h);
		return NULL;
	}
	return h;
}

static void conn_events_update(struct nbd_conn *c)
{
	unsigned dir;
	uint32_t ev = 0;

	if (c->fd < 0)
		return;
	dir = nbd_aio_get_direction(c->h);
	if (dir & LIBNBD_AIO_DIRECTION_READ)
		ev |= EPOLLIN;
	if (dir & LIBNBD_AIO_DIRECTION_WRITE)
		ev |= EPOLLOUT;
	if (ev != c->events && xbe_fd_set_events(c->d->be, c->fd, ev) == 0)
		c->events = ev;
}

/* The server went away: stop polling (a dead socket is always ready). */
static void conn_mark_dead(struct nbd_conn *c)
{
	if (c->dead)
		return;
	c->dead = 1;
	xbe_device_error(c->d, 0, "NBD server %s is gone (%s): the disk's requests fail",
			 c->k->path, nbd_get_error() ? nbd_get_error() : "connection closed");
	if (c->fd >= 0)
		xbe_fd_del(c->d->be, c->fd);
	c->fd = -1;
}

static void conn_process(struct nbd_conn *c);

/* Seconds without a reply after which a server with waiting commands is dead. */
static unsigned stall_timeout_s(void)
{
	static unsigned t;
	const char *env;

	if (!t) {
		env = getenv("PVISOR_NBD_TIMEOUT");
		t = env && atoi(env) > 0 ? (unsigned)atoi(env) : NBD_STALL_S;
	}
	return t;
}

/* A tick a quarter of the timeout apart (at least 1 s). */
static unsigned stall_tick_s(void)
{
	return stall_timeout_s() >= 8 ? stall_timeout_s() / 4 : 1;
}

/* The watchdog: commands waiting and no reply since the last tick counts a
 * stalled tick; enough of them and the socket is shut down, which libnbd sees as
 * the server's end (everything in flight completes with an error). */
static void conn_on_tick(int fd, void *arg)
{
	struct nbd_conn *c = arg;
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0 || c->dead)
		return;
	if (nbd_aio_in_flight(c->h) > 0 && c->replies == c->replies_seen)
		c->stalled_ticks++;
	else
		c->stalled_ticks = 0;
	c->replies_seen = c->replies;
	if (c->stalled_ticks * stall_tick_s() < stall_timeout_s())
		return;
	log_warnx("%s: NBD server %s did not answer for %u s: giving up on it", c->d->name,
		  c->k->path, c->stalled_ticks * stall_tick_s());
	shutdown(c->fd, SHUT_RDWR);
	if (nbd_aio_notify_read(c->h) < 0 || nbd_aio_is_dead(c->h))
		conn_mark_dead(c);
	conn_process(c);
}

static int conn_watchdog(struct nbd_conn *c)
{
	struct itimerspec its = { { (time_t)stall_tick_s(), 0 }, { (time_t)stall_tick_s(), 0 } };

	c->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (c->tfd < 0)
		return -errno;
	if (timerfd_settime(c->tfd, 0, &its, NULL) < 0)
		return -errno;
	return xbe_fd_add(c->d->be, c->tfd, conn_on_tick, c);
}

static void conn_on_event(int fd, uint32_t revents, void *arg)
{
	struct nbd_conn *c = arg;
	int rc = 0;

	(void)fd;
	if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR))
		rc = nbd_aio_notify_read(c->h);
	else if (revents & EPOLLOUT)
		rc = nbd_aio_notify_write(c->h);
	if (rc < 0 || nbd_aio_is_dead(c->h) || nbd_aio_is_closed(c->h))
		conn_mark_dead(c);
	conn_process(c);
}

static void conn_close(struct nbd_conn *c)
{
	if (c->fd >= 0)
		xbe_fd_del(c->d->be, c->fd);
	if (c->tfd >= 0) {
		xbe_fd_del(c->d->be, c->tfd);
		close(c->tfd);
	}
	nbd_close(c->h); /* closes the socket; nothing is in flight by now */
	free(c);
}

/* A new connection to the disk's server, polled by the loop. NULL with *err (and
 * *why: libnbd's words, until the next libnbd call) on failure. */
static struct nbd_conn *conn_open(struct blk_disk *k, struct xbe_device *d, int *err,
				  const char **why)
{
	struct nbd_conn *c = calloc(1, sizeof(*c));

	*why = "";
	if (!c) {
		*err = -ENOMEM;
		return NULL;
	}
	c->k = k;
	c->d = d;
	c->fd = -1;
	c->tfd = -1;
	c->h = nbd_handle_open(k->path, err, why);
	if (!c->h) {
		free(c);
		return NULL;
	}
	if ((*err = xbe_fd_add_events(d->be, nbd_aio_get_fd(c->h), 0, conn_on_event, c)) == 0) {
		c->fd = nbd_aio_get_fd(c->h);
		setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &(int){ NBD_SNDBUF }, sizeof(int));
		*err = conn_watchdog(c);
	}
	if (*err < 0) {
		conn_close(c);
		return NULL;
	}
	conn_events_update(c);
	return c;
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
		xbe_device_error(d, 0, "NBD export %s is read-only: attach it read-only "
				 "(access=ro)", k->path);
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
	n->conn[0] = conn_open(k, d, &rc, &why);
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
			conn_close(n->conn[i]);
	free(n);
	k->io = NULL;
}

/* ---- rings ---- */

/* Connection i of the disk, opened (again, when it died and nobody uses it) if
 * need be. NULL with *rc and *why on failure. */
static struct nbd_conn *conn_get(struct blk_ring *r, unsigned i, int *rc, const char **why)
{
	struct nbd_disk *n = nbd_of(r->disk);

	if (n->conn[i] && n->conn[i]->dead && n->conn[i]->users == 0) {
		conn_close(n->conn[i]);
		n->conn[i] = NULL;
	}
	if (!n->conn[i])
		n->conn[i] = conn_open(r->disk, r->xd, rc, why);
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
		struct nbd_conn *c = conn_get(r, first + i, &rc, &why);

		if (c) {
			c->users++;
			nr->c[nr->n++] = c;
		}
	}
	if (nr->n == 0 && first > 0 && (nr->c[0] = conn_get(r, 0, &rc, &why))) {
		log_info("%s: ring %u shares the first NBD connection (%s)", r->xd->name, r->q,
			 why);
		nr->c[0]->users++;
		nr->n = 1;
	}
	if (nr->n == 0) {
		xbe_device_error(r->xd, rc, "cannot reach NBD server %s (%s)", r->disk->path, why);
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

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
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
			conn_mark_dead(c);
		conn_process(c);
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
		int give_up = ms_since(&t0) > NBD_DRAIN_MS;

		if (give_up && !warned++)
			log_warnx("%s: NBD commands of ring %u still running after %d ms: "
				  "dropping its connections", r->xd->name, r->q, NBD_DRAIN_MS);
		ring_drain_step(nr, give_up);
	}
	for (unsigned i = 0; i < nr->n; i++) {
		nr->c[i]->users--;
		conn_events_update(nr->c[i]);
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
	if (--s->pending == 0) {
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

	s->stage = STAGE_FLUSH;
	if (!nbd_of(r->disk)->can_flush)
		return; /* no write cache to flush: done */
	cmd_result(r, s, nbd_aio_flush(cmd_conn(r, s), cb, 0));
}

static void nbd_submit(struct blk_ring *r, struct blk_slot *s)
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
		cmd_result(r, s, nbd_aio_trim(cmd_conn(r, s), s->req.nr_sectors * BLK_SECTOR_SIZE,
					      s->req.sector * BLK_SECTOR_SIZE, cb, 0));
		break;
	default:
		s->status = PV_BLKIF_RSP_ERROR;
	}
}

static void nbd_commit(struct blk_ring *r)
{
	struct nbd_ring *nr = r->io;

	for (unsigned i = 0; nr && i < nr->n; i++) {
		struct nbd_conn *c = nr->c[i];

		if (nbd_aio_is_dead(c->h))
			conn_mark_dead(c);
		conn_process(c); /* updates what the loop polls for */
	}
}

/* A finished slot's next step: the flush after a flush's write, or the answer. */
static int slot_continue(struct blk_ring *r, struct blk_slot *s)
{
	if (s->status != PV_BLKIF_RSP_OKAY || r->closing)
		return 0;
	if (s->req.op == PV_BLKIF_OP_FLUSH_DISKCACHE && s->stage != STAGE_FLUSH) {
		submit_flush(r, s);
		return s->pending > 0;
	}
	if (s->packed && s->req.op == PV_BLKIF_OP_READ)
		slot_scatter(r, s);
	return 0;
}

/* Answer what the callbacks collected, ring by ring (a shared connection carries
 * several rings' slots). */
static void conn_process(struct nbd_conn *c)
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
	conn_events_update(c);
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
