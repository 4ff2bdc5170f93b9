/* Live migration's channel and control lines (mig_proto.h). The stream and the
 * lines share one buffered sr_io per direction, so a line read after the stream
 * takes what the stream's reads buffered. Each transfer waits for the descriptor
 * with poll(): a peer that stops reading or writing for MIG_IO_TIMEOUT_MS ends
 * the migration instead of hanging it forever (ssh over a dead network). */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libpvx/mig_proto.h"

/* Wait until fd can do `events`: 0, -ETIMEDOUT, or -errno. */
static int chan_wait(const struct mig_chan *c, short events)
{
	struct pollfd p = { c->fd, events, 0 };
	int n;

	do
		n = poll(&p, 1, (int)c->timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 0 ? -ETIMEDOUT : 0;
}

static ssize_t chan_read(void *ctx, void *buf, size_t len)
{
	struct mig_chan *c = ctx;
	ssize_t n;
	int rc = chan_wait(c, POLLIN);

	if (rc < 0)
		return rc;
	do
		n = read(c->fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static ssize_t chan_writev(void *ctx, const struct iovec *iov, int n)
{
	struct mig_chan *c = ctx;
	ssize_t w;
	int rc = chan_wait(c, POLLOUT);

	if (rc < 0)
		return rc;
	do
		w = writev(c->fd, iov, n);
	while (w < 0 && errno == EINTR);
	return w < 0 ? -errno : w;
}

static const struct sr_io_ops chan_ops = { .read = chan_read, .writev = chan_writev };

int mig_chan_open(struct mig_chan *c, int fd, int writing, uint32_t timeout_ms)
{
	c->fd = fd;
	c->timeout_ms = timeout_ms ? timeout_ms : MIG_IO_TIMEOUT_MS;
	return sr_io_init(&c->io, &chan_ops, c, writing);
}

void mig_chan_close(struct mig_chan *c)
{
	sr_io_fini(&c->io);
}

int mig_line_write(struct mig_chan *c, const char *fmt, ...)
{
	char line[MIG_LINE_MAX];
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	rc = sr_io_write(&c->io, line, (size_t)n);
	return rc < 0 ? rc : sr_io_flush(&c->io);
}

int mig_line_read(struct mig_chan *c, char *buf, size_t len)
{
	size_t n = 0;

	for (;;) {
		char ch;
		int rc = sr_io_read(&c->io, &ch, 1);

		if (rc < 0)
			return rc;
		if (ch == '\n')
			break;
		if (n + 1 >= len)
			return -EMSGSIZE;
		buf[n++] = ch;
	}
	buf[n] = '\0';
	return 0;
}

int mig_expect(struct mig_chan *c, const char *want, const char *what, struct pvx_err *err)
{
	char line[MIG_LINE_MAX];
	int rc = mig_line_read(c, line, sizeof(line));

	if (rc == -ENODATA)
		return pvx_fail(err, -ENODATA, "the connection closed before %s", what);
	if (rc == -ETIMEDOUT)
		return pvx_fail(err, rc, "no %s within %u s", what, c->timeout_ms / 1000);
	if (rc < 0)
		return pvx_fail(err, rc, "reading %s: %s", what, strerror(-rc));
	if (strncmp(line, MIG_ERROR, strlen(MIG_ERROR)) == 0)
		return pvx_fail(err, -EREMOTEIO, "%s", line + strlen(MIG_ERROR));
	if (strcmp(line, want) != 0)
		return pvx_fail(err, -EPROTO, "expected %s, got \"%.80s\"", what, line);
	return 0;
}
