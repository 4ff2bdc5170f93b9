/* Console log files with rotation and a per-domain rate limit (see conlog.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conlog.h"
#include "util.h"

void conlog_init(struct conlog *l, const struct conlog_limits *lim, uint64_t now_ns)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->lim = lim;
	l->tokens = (double)lim->burst;
	l->refill_ns = now_ns;
}

int conlog_open(struct conlog *l, const char *path, const struct conlog_limits *lim,
		uint64_t now_ns)
{
	struct stat st;

	conlog_init(l, lim, now_ns);
	if (snprintf(l->path, sizeof(l->path), "%s", path) >= (int)sizeof(l->path)) {
		l->fd = -1;
		return -ENAMETOOLONG;
	}
	/* never through a link someone left in its place (docs/SECURITY.md) */
	l->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (l->fd < 0)
		return -errno;
	if (fstat(l->fd, &st) == 0)
		l->bytes = (uint64_t)st.st_size;
	return 0;
}

void conlog_close(struct conlog *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

size_t conlog_allowance(struct conlog *l, uint64_t now_ns)
{
	if (!l->lim->rate)
		return SIZE_MAX;
	if (now_ns > l->refill_ns) {
		l->tokens += (double)(now_ns - l->refill_ns) * (double)l->lim->rate / 1e9;
		if (l->tokens > (double)l->lim->burst)
			l->tokens = (double)l->lim->burst;
		l->refill_ns = now_ns;
	}
	return l->tokens < 1 ? 0 : (size_t)l->tokens;
}

uint64_t conlog_wait_ns(const struct conlog *l, size_t want)
{
	if (!l->lim->rate || l->tokens >= (double)want)
		return 0;
	return (uint64_t)(((double)want - l->tokens) * 1e9 / (double)l->lim->rate) + 1;
}

/* <path> -> <path>.1 (replacing the older one), then a fresh <path>. */
static int conlog_rotate(struct conlog *l)
{
	char old[sizeof(l->path) + 2];
	int fd;

	snprintf(old, sizeof(old), "%s.1", l->path);
	if (rename(l->path, old) < 0)
		return -errno;
	fd = open(l->path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(l->fd);
	l->fd = fd;
	l->bytes = 0;
	return 0;
}

/* Rotation waits for the end of a line (up to CONLOG_LINE_SLACK bytes past the
 * limit), so no line is split between two files. */
#define CONLOG_LINE_SLACK 65536

static int conlog_append(struct conlog *l, const char *buf, size_t len)
{
	int rc = util_write_full(l->fd, buf, len);

	if (rc < 0)
		return rc;
	l->bytes += len;
	return 0;
}

int conlog_write(struct conlog *l, const char *buf, size_t len)
{
	int rc = 0;

	if (l->fd < 0)
		return 0;
	if (l->lim->rate)
		l->tokens -= (double)len;
	if (l->lim->max_bytes && l->bytes + len > l->lim->max_bytes) {
		const char *nl = l->bytes >= l->lim->max_bytes + CONLOG_LINE_SLACK
					 ? buf - 1
					 : memchr(buf, '\n', len);
		size_t head = nl ? (size_t)(nl - buf) + 1 : len;

		if (head > 0 && (rc = conlog_append(l, buf, head)) < 0)
			return rc;
		if (!nl)
			return 0;
		if ((rc = conlog_rotate(l)) < 0)
			return rc;
		buf += head;
		len -= head;
	}
	return len ? conlog_append(l, buf, len) : 0;
}
