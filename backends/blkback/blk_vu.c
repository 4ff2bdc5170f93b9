/* vhost-user front end (blk_vu.h): framing, fds over SCM_RIGHTS, bounded replies.
 * The socket is blocking with send and receive timeouts, so a server that stops
 * answering costs blkback's loop at most BLK_VU_REPLY_MS per message. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "blkback/blk_vu.h"

#define VU_VERSION    0x1u
#define VU_FLAG_REPLY 0x4u
#define VU_MAX_CONFIG 256

struct vu_hdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size; /* of the payload that follows */
};

struct vu_state {
	uint32_t index, num;
};

struct vu_addr {
	uint32_t index, flags;
	uint64_t desc, used, avail, log;
};

struct vu_config {
	uint32_t offset, size, flags;
	uint8_t region[VU_MAX_CONFIG];
};

struct vu_mem {
	uint32_t nregions, padding;
	struct blk_vu_region reg[BLK_VU_MAX_REGIONS];
};

static int vu_sendmsg(struct blk_vu *v, uint32_t req, const void *p, size_t len, const int *fds,
		      unsigned nfds)
{
	struct vu_hdr h = { req, VU_VERSION, (uint32_t)len };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)p, len } };
	char cbuf[CMSG_SPACE(sizeof(int) * BLK_VU_MAX_REGIONS)];
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	ssize_t n;

	if (v->fd < 0)
		return -ENOTCONN;
	if (nfds) {
		struct cmsghdr *c;

		memset(cbuf, 0, sizeof(cbuf));
		m.msg_control = cbuf;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	do
		n = sendmsg(v->fd, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	return (size_t)n == sizeof(h) + len ? 0 : -EPIPE;
}

static int vu_recv_all(struct blk_vu *v, void *p, size_t len)
{
	for (size_t got = 0; got < len;) {
		ssize_t n = recv(v->fd, (uint8_t *)p + got, len - got, 0);

		if (n == 0)
			return -EPIPE;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		got += (size_t)n;
	}
	return 0;
}

/* The reply to req: its payload (at most len bytes; *got says how many). */
static int vu_reply(struct blk_vu *v, uint32_t req, void *p, size_t len, size_t *got)
{
	struct vu_hdr h;
	int rc = vu_recv_all(v, &h, sizeof(h));

	if (rc < 0)
		return rc;
	if (h.request != req || !(h.flags & VU_FLAG_REPLY) || h.size > len)
		return -EPROTO;
	*got = h.size;
	return vu_recv_all(v, p, h.size);
}

int blk_vu_connect(struct blk_vu *v, const char *path, unsigned timeout_ms)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { BLK_VU_REPLY_MS / 1000, 0 };
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	int rc;

	v->fd = v->pidfd = -1;
	v->peer = 0;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	if ((v->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	tv.tv_sec = timeout_ms / 1000 ? (time_t)(timeout_ms / 1000) : 1;
	setsockopt(v->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(v->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(v->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockopt(v->fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0) {
		rc = errno == EAGAIN ? -ETIMEDOUT : -errno;
		blk_vu_close(v);
		return rc;
	}
	if (cred.uid != 0 && cred.uid != geteuid()) {
		blk_vu_close(v); /* another user's server would be handed guest memory */
		return -EPERM;
	}
	v->peer = cred.pid;
	v->pidfd = (int)syscall(SYS_pidfd_open, cred.pid, 0);
	return 0;
}

void blk_vu_close(struct blk_vu *v)
{
	if (v->fd >= 0)
		close(v->fd);
	if (v->pidfd >= 0)
		close(v->pidfd);
	v->fd = v->pidfd = -1;
}

int blk_vu_send(struct blk_vu *v, uint32_t req)
{
	return vu_sendmsg(v, req, NULL, 0, NULL, 0);
}

int blk_vu_set_u64(struct blk_vu *v, uint32_t req, uint64_t val, int fd)
{
	if (fd < 0 && (req == BLK_VU_SET_VRING_KICK || req == BLK_VU_SET_VRING_CALL))
		val |= 0x100; /* "no fd": polling mode */
	return vu_sendmsg(v, req, &val, sizeof(val), &fd, fd >= 0);
}

int blk_vu_get_u64(struct blk_vu *v, uint32_t req, uint64_t *val)
{
	size_t got = 0;
	int rc = vu_sendmsg(v, req, NULL, 0, NULL, 0);

	if (rc == 0)
		rc = vu_reply(v, req, val, sizeof(*val), &got);
	return rc == 0 && got != sizeof(*val) ? -EPROTO : rc;
}

int blk_vu_set_state(struct blk_vu *v, uint32_t req, unsigned index, unsigned num)
{
	struct vu_state s = { index, num };

	return vu_sendmsg(v, req, &s, sizeof(s), NULL, 0);
}

int blk_vu_get_vring_base(struct blk_vu *v, unsigned index, unsigned *num)
{
	struct vu_state s = { index, 0 };
	size_t got = 0;
	int rc = vu_sendmsg(v, BLK_VU_GET_VRING_BASE, &s, sizeof(s), NULL, 0);

	if (rc == 0)
		rc = vu_reply(v, BLK_VU_GET_VRING_BASE, &s, sizeof(s), &got);
	if (rc == 0 && got != sizeof(s))
		rc = -EPROTO;
	*num = s.num;
	return rc;
}

int blk_vu_set_vring_addr(struct blk_vu *v, unsigned index, uint64_t desc, uint64_t used,
			  uint64_t avail)
{
	struct vu_addr a = { .index = index, .desc = desc, .used = used, .avail = avail };

	return vu_sendmsg(v, BLK_VU_SET_VRING_ADDR, &a, sizeof(a), NULL, 0);
}

int blk_vu_set_mem_table(struct blk_vu *v, const struct blk_vu_region *reg, const int *fds,
			 unsigned n)
{
	struct vu_mem m = { .nregions = n };

	if (n == 0 || n > BLK_VU_MAX_REGIONS)
		return -EINVAL;
	memcpy(m.reg, reg, n * sizeof(*reg));
	return vu_sendmsg(v, BLK_VU_SET_MEM_TABLE, &m, 8 + n * sizeof(*reg), fds, n);
}

int blk_vu_get_config(struct blk_vu *v, unsigned off, void *buf, size_t len)
{
	struct vu_config c = { .offset = off, .size = (uint32_t)len };
	size_t got = 0;
	int rc;

	if (len > VU_MAX_CONFIG)
		return -EINVAL;
	rc = vu_sendmsg(v, BLK_VU_GET_CONFIG, &c, 12 + len, NULL, 0);
	if (rc == 0)
		rc = vu_reply(v, BLK_VU_GET_CONFIG, &c, sizeof(c), &got);
	if (rc == 0 && (got != 12 + len || c.size != len))
		rc = -EIO; /* the server refused (it answers with size 0) */
	if (rc == 0)
		memcpy(buf, c.region, len);
	return rc;
}

int blk_vu_set_config(struct blk_vu *v, unsigned off, const void *buf, size_t len)
{
	struct vu_config c = { .offset = off, .size = (uint32_t)len };

	if (len > VU_MAX_CONFIG)
		return -EINVAL;
	memcpy(c.region, buf, len);
	return vu_sendmsg(v, BLK_VU_SET_CONFIG, &c, 12 + len, NULL, 0);
}
