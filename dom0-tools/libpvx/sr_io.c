/* sr_io: buffered stream I/O through a transport's ops (sr_io.h), and the
 * descriptor transport every pvisor stream uses today. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libpvx/sr_io.h"

#define SR_IO_IOV_MAX 64

static ssize_t fd_read(void *ctx, void *buf, size_t len)
{
	struct sr_io *io = ctx;
	ssize_t n;

	do
		n = read(io->fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static ssize_t fd_writev(void *ctx, const struct iovec *iov, int n)
{
	struct sr_io *io = ctx;
	ssize_t w;

	do
		w = writev(io->fd, iov, n);
	while (w < 0 && errno == EINTR);
	return w < 0 ? -errno : w;
}

static int fd_skip(void *ctx, uint64_t len)
{
	struct sr_io *io = ctx;

	return lseek(io->fd, (off_t)len, SEEK_CUR) < 0 ? -ESPIPE : 0;
}

static const struct sr_io_ops sr_io_fd_ops = {
	.read = fd_read,
	.writev = fd_writev,
	.skip = fd_skip,
};

int sr_io_init(struct sr_io *io, const struct sr_io_ops *ops, void *ctx, int writing)
{
	memset(io, 0, sizeof(*io));
	io->fd = -1;
	io->ops = ops;
	io->ctx = ctx;
	io->writing = writing;
	io->buf = malloc(SR_IO_BUF);
	return io->buf ? 0 : -ENOMEM;
}

int sr_io_fd(struct sr_io *io, int fd, int writing)
{
	int rc = sr_io_init(io, &sr_io_fd_ops, NULL, writing);

	io->ctx = io;
	io->fd = fd;
	return rc;
}

void sr_io_fini(struct sr_io *io)
{
	free(io->buf);
	io->buf = NULL;
}

/* Write every byte of iov[0..n) (the array is consumed). */
static int sr_io_push(struct sr_io *io, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = io->ops->writev(io->ctx, iov, n > SR_IO_IOV_MAX ? SR_IO_IOV_MAX : n);

		if (w < 0)
			return (int)w;
		if (w == 0)
			return -EIO;
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

int sr_io_flush(struct sr_io *io)
{
	struct iovec v = { io->buf, io->len };
	int rc;

	if (!io->writing || io->len == 0)
		return 0;
	rc = sr_io_push(io, &v, 1);
	io->len = 0;
	return rc;
}

/* What does not fit the buffer goes out at once, after what the buffer holds:
 * page data is written from the guest's memory without a copy. */
int sr_io_writev(struct sr_io *io, const struct iovec *iov, int n)
{
	struct iovec small[SR_IO_IOV_MAX], *copy = small;
	size_t total = 0;
	int rc;

	for (int i = 0; i < n; i++)
		total += iov[i].iov_len;
	io->offset += total;
	if (io->len + total <= SR_IO_BUF) {
		for (int i = 0; i < n; i++) {
			memcpy(io->buf + io->len, iov[i].iov_base, iov[i].iov_len);
			io->len += iov[i].iov_len;
		}
		return 0;
	}
	if ((rc = sr_io_flush(io)) < 0)
		return rc;
	if (n > SR_IO_IOV_MAX && !(copy = malloc((size_t)n * sizeof(*iov))))
		return -ENOMEM;
	memcpy(copy, iov, (size_t)n * sizeof(*iov));
	rc = sr_io_push(io, copy, n);
	if (copy != small)
		free(copy);
	return rc;
}

int sr_io_write(struct sr_io *io, const void *buf, size_t len)
{
	struct iovec v = { (void *)buf, len };

	return sr_io_writev(io, &v, 1);
}

/* Refill the buffer: 0, -ENODATA at the end, or -errno. */
static int sr_io_fill(struct sr_io *io)
{
	ssize_t n = io->ops->read(io->ctx, io->buf, SR_IO_BUF);

	if (n < 0)
		return (int)n;
	if (n == 0)
		return -ENODATA;
	io->len = (size_t)n;
	io->pos = 0;
	return 0;
}

int sr_io_read(struct sr_io *io, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		size_t have = io->len - io->pos;

		if (have == 0 && len >= SR_IO_BUF) { /* big: straight into place */
			ssize_t n = io->ops->read(io->ctx, out, len);

			if (n <= 0)
				return n == 0 ? -ENODATA : (int)n;
			out += n;
			len -= (size_t)n;
			io->offset += (uint64_t)n;
			continue;
		}
		if (have == 0) {
			int rc = sr_io_fill(io);

			if (rc)
				return rc;
			continue;
		}
		if (have > len)
			have = len;
		memcpy(out, io->buf + io->pos, have);
		io->pos += have;
		out += have;
		len -= have;
		io->offset += have;
	}
	return 0;
}

int sr_io_skip(struct sr_io *io, uint64_t len)
{
	uint8_t scratch[4096];
	size_t have = io->len - io->pos;

	if (have >= len) {
		io->pos += (size_t)len;
		io->offset += len;
		return 0;
	}
	io->pos = io->len;
	io->offset += have;
	len -= have;
	if (io->ops->skip && io->ops->skip(io->ctx, len) == 0) {
		io->offset += len;
		return 0;
	}
	while (len) {
		size_t n = len < sizeof(scratch) ? (size_t)len : sizeof(scratch);
		int rc = sr_io_read(io, scratch, n);

		if (rc)
			return rc;
		len -= n;
	}
	return 0;
}
