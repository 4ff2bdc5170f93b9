/* blkback disk ops for raw images: a regular file or a block device, opened with
 * O_DIRECT where the filesystem allows it, driven by one io_uring per ring whose
 * completions arrive on an eventfd in blkback's loop. Reads and writes are
 * readv/writev of the slot's iovecs, a flush with data is the write linked to an
 * fsync(DATASYNC), discard punches a hole. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blkback/blk_ring.h"
#include "common/xenbus_be.h"
#include "log.h"

#define UD_RW 1u /* user_data tag: the data transfer (others: fsync, fallocate) */

struct uring_disk {
	int fd;
	int direct;  /* opened with O_DIRECT */
	int is_file; /* a regular file (discard = punch hole) */
};

struct uring_ring {
	struct io_uring uring;
	int uring_ok;
	int efd;
};

static int uring_size(struct blk_disk *k, struct uring_disk *u, struct xbe_device *d)
{
	struct stat st;
	uint64_t bytes;

	if (fstat(u->fd, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(u->fd, BLKGETSIZE64, &bytes) < 0)
			return -errno;
	} else if (S_ISREG(st.st_mode)) {
		bytes = (uint64_t)st.st_size;
		u->is_file = 1;
	} else {
		xbe_device_error(d, 0, "%s is neither a regular file nor a block device",
				 k->path);
		return -EINVAL;
	}
	k->lim.sectors = bytes / BLK_SECTOR_SIZE;
	k->lim.discard = u->is_file;
	return 0;
}

static int uring_open(struct blk_disk *k, struct xbe_device *d)
{
	struct uring_disk *u = calloc(1, sizeof(*u));
	int flags = (k->lim.readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	int rc;

	if (!u)
		return -ENOMEM;
	u->fd = open(k->path, flags | O_DIRECT);
	u->direct = u->fd >= 0;
	if (u->fd < 0 && errno == EINVAL) /* tmpfs and friends have no O_DIRECT */
		u->fd = open(k->path, flags);
	if (u->fd < 0) {
		rc = -errno;
		xbe_device_error(d, rc, "cannot open disk image %s%s", k->path,
				 k->lim.readonly ? " read-only" : "");
		free(u);
		return rc;
	}
	k->io = u;
	if ((rc = uring_size(k, u, d)) < 0)
		return rc; /* the caller closes */
	snprintf(k->note, sizeof(k->note), "raw%s", u->direct ? ", O_DIRECT" : "");
	return 0;
}

static void uring_close(struct blk_disk *k)
{
	struct uring_disk *u = k->io;

	if (!u)
		return;
	close(u->fd);
	free(u);
	k->io = NULL;
}

static int uring_flush(struct blk_disk *k)
{
	struct uring_disk *u = k->io;

	return u && fdatasync(u->fd) < 0 ? -errno : 0;
}

static struct io_uring_sqe *sqe_get(struct uring_ring *u, struct blk_slot *s, unsigned tag)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->uring);

	if (!sqe) { /* never: the queue holds two per slot */
		s->status = PV_BLKIF_RSP_ERROR;
		return NULL;
	}
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)s | tag);
	s->pending++;
	return sqe;
}

static void submit_rw(struct blk_ring *r, struct blk_slot *s, int link)
{
	struct uring_ring *u = r->io;
	int fd = ((struct uring_disk *)r->disk->io)->fd;
	off_t off = (off_t)(s->req.sector * BLK_SECTOR_SIZE);
	struct io_uring_sqe *sqe = sqe_get(u, s, UD_RW);
	unsigned n;

	if (!sqe)
		return;
	n = blk_slot_iovecs(r, s);
	if (blk_req_writes(&s->req))
		io_uring_prep_writev(sqe, fd, s->iov, n, off);
	else
		io_uring_prep_readv(sqe, fd, s->iov, n, off);
	if (link)
		sqe->flags |= IOSQE_IO_LINK;
}

/* Start the image I/O of one validated slot. */
static void uring_submit(struct blk_ring *r, struct blk_slot *s)
{
	struct uring_ring *u = r->io;
	int fd = ((struct uring_disk *)r->disk->io)->fd;
	struct io_uring_sqe *sqe;

	switch (s->req.op) {
	case PV_BLKIF_OP_READ:
	case PV_BLKIF_OP_WRITE:
		submit_rw(r, s, 0);
		break;
	case PV_BLKIF_OP_FLUSH_DISKCACHE:
		if (s->req.nr_segs)
			submit_rw(r, s, 1); /* the data first, then the flush */
		if ((sqe = sqe_get(u, s, 0)))
			io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
		break;
	case PV_BLKIF_OP_DISCARD:
		if ((sqe = sqe_get(u, s, 0)))
			io_uring_prep_fallocate(sqe, fd,
						FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
						(off_t)(s->req.sector * BLK_SECTOR_SIZE),
						(off_t)(s->req.nr_sectors * BLK_SECTOR_SIZE));
		break;
	default:
		s->status = PV_BLKIF_RSP_ERROR;
	}
}

static void uring_commit(struct blk_ring *r)
{
	io_uring_submit(&((struct uring_ring *)r->io)->uring);
}

static void cqe_account(struct blk_ring *r, struct blk_slot *s, unsigned tag, int res)
{
	int64_t want = tag == UD_RW ? (int64_t)(s->req.nr_sectors * BLK_SECTOR_SIZE) : 0;

	if (res < 0)
		blk_slot_fail(r, s, strerror(-res));
	else if (res != want)
		blk_slot_fail(r, s, "short transfer");
}

static void uring_complete(int fd, void *arg)
{
	struct blk_ring *r = arg;
	struct uring_ring *u = r->io;
	struct blk_slot *done = NULL, *s;
	struct io_uring_cqe *cqe;
	uint64_t cnt;

	if (read(fd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		log_warn("blkback: eventfd");
	while (io_uring_peek_cqe(&u->uring, &cqe) == 0) {
		uint64_t ud = io_uring_cqe_get_data64(cqe);

		s = (struct blk_slot *)(uintptr_t)(ud & ~(uint64_t)UD_RW);
		cqe_account(r, s, (unsigned)(ud & UD_RW), cqe->res);
		io_uring_cqe_seen(&u->uring, cqe);
		if (--s->pending == 0) {
			s->next = done;
			done = s;
		}
	}
	blk_io_done(r, done);
}

static int uring_ring_open(struct blk_ring *r)
{
	struct uring_ring *u = calloc(1, sizeof(*u));
	int rc;

	if (!u)
		return -ENOMEM;
	u->efd = -1;
	r->io = u;
	if ((rc = io_uring_queue_init(2 * BLK_RING_ENTRIES, &u->uring, 0)) < 0)
		return rc;
	u->uring_ok = 1;
	u->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (u->efd < 0)
		return -errno;
	if ((rc = io_uring_register_eventfd(&u->uring, u->efd)) < 0)
		return rc;
	return xbe_fd_add(r->xd->be, u->efd, uring_complete, r);
}

/* Wait for every running operation (disconnect): results are dropped. */
static void uring_drain(struct blk_ring *r, struct uring_ring *u)
{
	struct io_uring_cqe *cqe;

	while (r->inflight) {
		uint64_t ud;
		struct blk_slot *s;

		if (io_uring_wait_cqe(&u->uring, &cqe) < 0)
			return;
		ud = io_uring_cqe_get_data64(cqe);
		s = (struct blk_slot *)(uintptr_t)(ud & ~(uint64_t)UD_RW);
		io_uring_cqe_seen(&u->uring, cqe);
		if (--s->pending == 0)
			r->inflight--;
	}
}

static void uring_ring_close(struct blk_ring *r)
{
	struct uring_ring *u = r->io;

	if (!u)
		return;
	if (u->uring_ok) {
		uring_drain(r, u);
		io_uring_queue_exit(&u->uring);
	}
	if (u->efd >= 0) {
		xbe_fd_del(r->xd->be, u->efd);
		close(u->efd);
	}
	free(u);
	r->io = NULL;
}

const struct blk_disk_ops blk_uring_ops = {
	.name = "raw",
	.open = uring_open,
	.close = uring_close,
	.ring_open = uring_ring_open,
	.ring_close = uring_ring_close,
	.submit = uring_submit,
	.commit = uring_commit,
	.flush = uring_flush,
};
