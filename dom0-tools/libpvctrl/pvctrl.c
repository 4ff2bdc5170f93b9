/* libpvctrl transport: the privcmd socket, framing and descriptor passing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "pvctrl.h"
#include "pvctrl_priv.h"
#include "peer.h"
#include "pv_errno.h"
#include "rundir.h"
#include "util.h"

int pvctrl_open(struct pvctrl **out)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct pvctrl *h;
	int rc;

	if (rundir_file(path, sizeof(path), PV_PRIVCMD_SOCKET) < 0)
		return -ENAMETOOLONG;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* The server must be root or us before we send it anything (peer.h). */
	rc = h->fd < 0 ? -errno : peer_connect(h->fd, path, NULL);
	if (rc < 0) {
		if (h->fd >= 0)
			close(h->fd);
		free(h);
		return rc;
	}
	*out = h;
	return 0;
}

void pvctrl_close(struct pvctrl *h)
{
	if (!h)
		return;
	close(h->fd);
	free(h);
}

static int pvctrl_recv_header(struct pvctrl *h, struct pv_privcmd_reply *r, int *fd_out)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { r, sizeof(*r) };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	ssize_t n;

	do
		n = recvmsg(h->fd, &msg, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n != sizeof(*r))
		return -EPIPE;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int))) {
		int fd;

		memcpy(&fd, CMSG_DATA(c), sizeof(int));
		if (fd_out)
			*fd_out = fd;
		else
			close(fd);
	}
	return 0;
}

void pvctrl_slot_take_fd(struct pvctrl_slot *s, void *out)
{
	*(int *)out = s->fd;
	s->fd = -1;
}

void pvctrl_batch_init(struct pvctrl_batch *b, struct pvctrl *h)
{
	b->h = h;
	b->n = 0;
}

static struct pvctrl_slot *batch_slot(struct pvctrl_batch *b, uint32_t op, int *ret)
{
	struct pvctrl_slot *s;

	if (b->n == PVCTRL_BATCH_MAX) {
		*ret = -E2BIG;
		return NULL;
	}
	s = &b->s[b->n++];
	memset(s, 0, offsetof(struct pvctrl_slot, arg));
	s->hdr.magic = PV_PRIVCMD_MAGIC;
	s->hdr.op = op;
	s->req = NULL;
	s->req_len = s->buf_len = s->rsp_max = s->rsp_len = 0;
	s->buf = s->rsp = s->rbuf = s->out = NULL;
	s->done = NULL;
	s->fd = -1;
	s->ret = ret;
	*ret = -EPIPE; /* until answered */
	return s;
}

struct pvctrl_slot *pvctrl_q_request(struct pvctrl_batch *b, uint32_t op, const void *req,
				     size_t req_len, void *rsp, size_t rsp_max, int *ret)
{
	struct pvctrl_slot *s = batch_slot(b, op, ret);

	if (s) {
		s->req = req;
		s->req_len = req_len;
		s->rsp = rsp;
		s->rsp_max = rsp_max;
	}
	return s;
}

struct pvctrl_slot *pvctrl_q_hypercall(struct pvctrl_batch *b, unsigned nr, const uint64_t a[5],
				       const void *arg, size_t arg_len, void *arg_out,
				       const void *buf, size_t buf_len, void *rbuf, int *ret)
{
	struct pvctrl_slot *s;

	if (arg_len > PVCTRL_ARG_MAX) {
		*ret = -E2BIG;
		return NULL;
	}
	s = batch_slot(b, PV_PRIVCMD_OP_HYPERCALL, ret);
	if (!s)
		return NULL;
	s->is_hc = 1;
	s->hc = (struct pv_privcmd_hypercall){ .nr = nr,
					       .arg_len = (uint32_t)arg_len,
					       .buf_len = (uint32_t)buf_len };
	memcpy(s->hc.a, a, sizeof(s->hc.a));
	if (arg_len)
		memcpy(s->arg, arg, arg_len);
	s->req = s->arg;
	s->req_len = arg_len;
	s->rsp = arg_out;
	s->buf = buf;
	s->buf_len = buf_len;
	s->rbuf = rbuf;
	return s;
}

/* The iovecs of slot s's request: header, then payload (hypercall: hc, arg, buf). */
static int batch_iov(struct pvctrl_slot *s, uint32_t seq, struct iovec *v)
{
	size_t len = s->req_len + (s->is_hc ? sizeof(s->hc) + s->buf_len : 0);
	int n = 0;

	s->hdr.len = (uint32_t)len;
	s->hdr.seq = seq;
	v[n++] = (struct iovec){ &s->hdr, sizeof(s->hdr) };
	if (s->is_hc)
		v[n++] = (struct iovec){ &s->hc, sizeof(s->hc) };
	if (s->req_len)
		v[n++] = (struct iovec){ (void *)s->req, s->req_len };
	if (s->buf_len)
		v[n++] = (struct iovec){ (void *)s->buf, s->buf_len };
	return n;
}

static int batch_writev(int fd, struct iovec *v, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, v, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		while (n > 0 && (size_t)w >= v->iov_len) {
			w -= (ssize_t)v->iov_len;
			v++;
			n--;
		}
		if (n > 0) {
			v->iov_base = (char *)v->iov_base + w;
			v->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* Read len bytes into p, or drop them when p is NULL. */
static int batch_read(int fd, void *p, size_t len)
{
	char scratch[4096];

	while (len > 0) {
		size_t k = p ? len : (len < sizeof(scratch) ? len : sizeof(scratch));

		/* scratch only receives what is dropped */
		// cppcheck-suppress legacyUninitvar
		if (util_read_full(fd, p ? p : scratch, k) != (ssize_t)k)
			return -EPIPE;
		if (p)
			p = (char *)p + k;
		len -= k;
	}
	return 0;
}

/* The reply payload of s: a hypercall's arg and buf, each where the caller said
 * (or dropped); another op's into rsp, up to rsp_max (more is a protocol error). */
static int batch_payload(struct pvctrl *h, struct pvctrl_slot *s, uint32_t len)
{
	int rc;

	if (!s->is_hc) {
		if (len > s->rsp_max)
			return -EPROTO;
		s->rsp_len = len;
		return batch_read(h->fd, s->rsp, len);
	}
	if (len != s->req_len + s->buf_len) /* not the call's own data: drop it */
		return batch_read(h->fd, NULL, len);
	if ((rc = batch_read(h->fd, s->rsp, s->req_len)) < 0)
		return rc;
	return batch_read(h->fd, s->rbuf, s->buf_len);
}

static int batch_answer(struct pvctrl *h, struct pvctrl_slot *s)
{
	struct pv_privcmd_reply r = { 0 };
	int rc = pvctrl_recv_header(h, &r, &s->fd);

	if (rc < 0)
		return rc;
	if (r.magic != PV_PRIVCMD_MAGIC || r.seq != s->hdr.seq)
		return -EPROTO;
	if ((rc = batch_payload(h, s, r.len)) < 0)
		return rc;
	*s->ret = r.ret < 0 ? -pv_errno_to_host(-r.ret) : r.ret;
	if (*s->ret >= 0 && s->done)
		s->done(s, s->out);
	return 0;
}

int pvctrl_batch_run(struct pvctrl_batch *b)
{
	struct iovec v[PVCTRL_BATCH_MAX * 4];
	int nv = 0, rc;

	for (unsigned i = 0; i < b->n; i++) {
		struct pvctrl_slot *s = &b->s[i];

		if (s->req_len + s->buf_len + (s->is_hc ? sizeof(s->hc) : 0) >
		    PV_PRIVCMD_MAX_MSG - sizeof(s->hdr)) {
			*s->ret = -E2BIG;
			b->n = 0;
			return -E2BIG;
		}
		nv += batch_iov(s, ++b->h->seq, v + nv);
	}
	rc = batch_writev(b->h->fd, v, nv);
	for (unsigned i = 0; rc == 0 && i < b->n; i++)
		rc = batch_answer(b->h, &b->s[i]);
	for (unsigned i = 0; i < b->n; i++)
		if (b->s[i].fd >= 0) /* passed with a failed answer: nobody took it */
			close(b->s[i].fd);
	b->n = 0;
	return rc;
}

int pvctrl_request(struct pvctrl *h, uint32_t op, const void *req, size_t req_len, void *rsp,
		   size_t rsp_max, size_t *rsp_len, int *fd_out)
{
	struct pvctrl_batch b;
	struct pvctrl_slot *s;
	int ret, rc;

	pvctrl_batch_init(&b, h);
	s = pvctrl_q_request(&b, op, req, req_len, rsp, rsp_max, &ret);
	if (fd_out) {
		*fd_out = -1;
		s->done = pvctrl_slot_take_fd;
		s->out = fd_out;
	}
	if ((rc = pvctrl_batch_run(&b)) < 0)
		ret = rc;
	if (rsp_len)
		*rsp_len = s->rsp_len;
	return ret;
}
