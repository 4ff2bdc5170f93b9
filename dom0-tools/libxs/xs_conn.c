/* libxs: the connection -- open/close, framing of requests and replies, the watch-event
 * queue and its pollable descriptor. */
#include "libxs/xs_private.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "peer.h"
#include "rundir.h"

int xs_errno_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(pv_xsd_errors) / sizeof(pv_xsd_errors[0]); i++)
		if (strcmp(pv_xsd_errors[i].errstring, name) == 0)
			return pv_xsd_errors[i].errnum;
	return EINVAL;
}

const char *xs_errno_name(int err)
{
	for (size_t i = 0; i < sizeof(pv_xsd_errors) / sizeof(pv_xsd_errors[0]); i++)
		if (pv_xsd_errors[i].errnum == err)
			return pv_xsd_errors[i].errstring;
	return "EINVAL";
}

static int xs_pollfd_setup(struct xs_handle *h)
{
	struct epoll_event ev = { .events = EPOLLIN };

	h->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	h->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (h->evfd < 0 || h->epfd < 0)
		return -errno;
	ev.data.fd = h->fd;
	if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->fd, &ev) < 0)
		return -errno;
	ev.data.fd = h->evfd;
	if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->evfd, &ev) < 0)
		return -errno;
	return 0;
}

int xs_open_path(struct xs_handle **out, const char *path)
{
	struct xs_handle *h;
	int err;

	if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return -ENAMETOOLONG;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->evfd = h->epfd = -1;
	h->evq_tail = &h->evq;
	h->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* The server must be root or us before we send it anything (peer.h). */
	err = h->fd < 0 ? -errno : peer_connect(h->fd, path, NULL);
	if (err)
		goto err;
	err = xs_pollfd_setup(h);
	if (err)
		goto err;
	*out = h;
	return 0;
err:
	xs_close(h);
	return err;
}

int xs_open(struct xs_handle **out)
{
	char path[PATH_MAX];
	const char *env = getenv("XENSTORED_PATH");

	if (env && *env)
		return xs_open_path(out, env);
	if (rundir_file(path, sizeof(path), "xenstored.sock") < 0)
		return -ENAMETOOLONG;
	return xs_open_path(out, path);
}

void xs_close(struct xs_handle *h)
{
	if (!h)
		return;
	while (h->evq) {
		struct xs_evq *e = h->evq;
		h->evq = e->next;
		free(e->ev);
		free(e);
	}
	if (h->fd >= 0)
		close(h->fd);
	if (h->evfd >= 0)
		close(h->evfd);
	if (h->epfd >= 0)
		close(h->epfd);
	free(h->rbuf);
	free(h->cbuf);
	free(h);
}

int xs_fileno(struct xs_handle *h)
{
	return h->epfd;
}

/* Make sure rbuf holds at least `need` unparsed bytes (blocking reads). */
static int xs_fill(struct xs_handle *h, size_t need)
{
	if (h->rhead && h->rlen - h->rhead < need) {
		memmove(h->rbuf, h->rbuf + h->rhead, h->rlen - h->rhead);
		h->rlen -= h->rhead;
		h->rhead = 0;
	}
	if (h->rcap < need + 65536) {
		char *b = realloc(h->rbuf, need + 65536);
		if (!b)
			return -ENOMEM;
		h->rbuf = b;
		h->rcap = need + 65536;
	}
	while (h->rlen - h->rhead < need) {
		ssize_t n = read(h->fd, h->rbuf + h->rlen, h->rcap - h->rlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		h->rlen += (size_t)n;
	}
	return 0;
}

int xs_recv_msg(struct xs_handle *h, struct pv_xsd_sockmsg *hdr, char **body)
{
	int err = xs_fill(h, sizeof(*hdr));

	if (err)
		return err;
	memcpy(hdr, h->rbuf + h->rhead, sizeof(*hdr));
	if (hdr->len > PV_XENSTORE_PAYLOAD_MAX * 4)
		return -EPROTO;
	err = xs_fill(h, sizeof(*hdr) + hdr->len);
	if (err)
		return err;
	*body = malloc((size_t)hdr->len + 1);
	if (!*body)
		return -ENOMEM;
	memcpy(*body, h->rbuf + h->rhead + sizeof(*hdr), hdr->len);
	(*body)[hdr->len] = '\0';
	h->rhead += sizeof(*hdr) + hdr->len;
	if (h->rhead == h->rlen)
		h->rhead = h->rlen = 0;
	return 0;
}

bool xs_buffered(const struct xs_handle *h)
{
	return h->rlen > h->rhead;
}

/* Queue the complete watch events already read into the buffer, so that xs_fileno
 * reports them (the socket will not become readable for bytes we already hold). */
static void xs_drain_buffered(struct xs_handle *h)
{
	struct pv_xsd_sockmsg hdr;

	while (h->rlen - h->rhead >= sizeof(hdr)) {
		char *body;
		memcpy(&hdr, h->rbuf + h->rhead, sizeof(hdr));
		if (h->rlen - h->rhead < sizeof(hdr) + hdr.len ||
		    hdr.len > PV_XENSTORE_PAYLOAD_MAX)
			return;
		if (xs_recv_msg(h, &hdr, &body) < 0)
			return;
		if (hdr.type == PV_XS_WATCH_EVENT)
			xs_queue_event(h, body, hdr.len);
		free(body);
	}
}

/* Queue a WATCH_EVENT payload ("path\0token\0"). */
void xs_queue_event(struct xs_handle *h, const char *body, uint32_t len)
{
	size_t plen = strnlen(body, len);
	struct xs_evq *q;
	struct xs_watch_event *ev;
	uint64_t one = 1;

	if (plen >= len)
		return; /* malformed: no token */
	q = calloc(1, sizeof(*q));
	ev = malloc(sizeof(*ev) + len + 1);
	if (!q || !ev) {
		free(q);
		free(ev);
		return;
	}
	memcpy((char *)(ev + 1), body, len);
	((char *)(ev + 1))[len] = '\0';
	ev->path = (char *)(ev + 1);
	ev->token = ev->path + plen + 1;
	q->ev = ev;
	*h->evq_tail = q;
	h->evq_tail = &q->next;
	if (write(h->evfd, &one, sizeof(one)) < 0) {
		/* the counter cannot overflow in practice; poll then just reports late */
	}
}

/* Write every byte of v[0..n) (which it consumes). */
static int xs_send_raw(struct xs_handle *h, struct iovec *v, int n)
{
	for (int i = 0; i < n;) {
		ssize_t w = writev(h->fd, v + i, n - i);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno == EPIPE ? -EPIPE : -errno;
		while (i < n && (size_t)w >= v[i].iov_len)
			w -= (ssize_t)v[i++].iov_len;
		if (i < n) {
			v[i].iov_base = (char *)v[i].iov_base + w;
			v[i].iov_len -= (size_t)w;
		}
	}
	return 0;
}

int xs_send(struct xs_handle *h, uint32_t type, uint32_t tx, const struct iovec *iov, int niov)
{
	struct pv_xsd_sockmsg hdr = { type, ++h->req_id, tx, 0 };
	struct iovec v[8];
	int n = 0;

	if (niov > 7)
		return -EINVAL;
	v[n++] = (struct iovec){ &hdr, sizeof(hdr) };
	for (int i = 0; i < niov; i++) {
		hdr.len += (uint32_t)iov[i].iov_len;
		v[n++] = iov[i];
	}
	if (hdr.len > PV_XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	return xs_send_raw(h, v, n);
}

/* Append one message to the cork buffer. */
static int xs_queue(struct xs_handle *h, uint32_t type, uint32_t tx, const struct iovec *iov,
		    int niov)
{
	struct pv_xsd_sockmsg hdr = { type, ++h->req_id, tx, 0 };
	size_t need;

	for (int i = 0; i < niov; i++)
		hdr.len += (uint32_t)iov[i].iov_len;
	if (hdr.len > PV_XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	need = h->clen + sizeof(hdr) + hdr.len;
	if (need > h->ccap) {
		size_t cap = need * 2;
		char *b = realloc(h->cbuf, cap);

		if (!b)
			return -ENOMEM;
		h->cbuf = b;
		h->ccap = cap;
	}
	memcpy(h->cbuf + h->clen, &hdr, sizeof(hdr));
	h->clen += sizeof(hdr);
	for (int i = 0; i < niov; i++) {
		memcpy(h->cbuf + h->clen, iov[i].iov_base, iov[i].iov_len);
		h->clen += iov[i].iov_len;
	}
	h->cpending++;
	return 0;
}

/* Send what the cork buffer holds and read its replies (watch events are
 * queued); the first error is kept in h->cerr. */
static int xs_cork_flush(struct xs_handle *h)
{
	struct iovec v = { h->cbuf, h->clen };
	int err = h->clen ? xs_send_raw(h, &v, 1) : 0;

	h->clen = 0;
	while (!err && h->cpending) {
		struct pv_xsd_sockmsg hdr;
		char *body;

		err = xs_recv_msg(h, &hdr, &body);
		if (err)
			break;
		if (hdr.type == PV_XS_WATCH_EVENT) {
			xs_queue_event(h, body, hdr.len);
		} else {
			h->cpending--;
			if (hdr.type == PV_XS_ERROR && !h->cerr)
				h->cerr = -xs_errno_from_name(body);
		}
		free(body);
	}
	if (err) {
		h->cpending = 0;
		if (!h->cerr)
			h->cerr = err;
	}
	return err;
}

void xs_cork(struct xs_handle *h)
{
	h->corked = true;
}

int xs_uncork(struct xs_handle *h)
{
	int err;

	xs_cork_flush(h);
	err = h->cerr;
	h->cerr = 0;
	h->corked = false;
	if (!err)
		xs_drain_buffered(h);
	return err;
}

int xs_talk(struct xs_handle *h, uint32_t type, uint32_t tx, const struct iovec *iov, int niov,
	    char **reply, size_t *rlen)
{
	struct pv_xsd_sockmsg hdr;
	char *body;
	int err;

	if (h->corked && !reply && !rlen)
		return xs_queue(h, type, tx, iov, niov);
	if (h->corked && (err = xs_cork_flush(h)) < 0)
		return err;
	err = xs_send(h, type, tx, iov, niov);

	while (!err) {
		err = xs_recv_msg(h, &hdr, &body);
		if (err)
			break;
		if (hdr.type == PV_XS_WATCH_EVENT) {
			xs_queue_event(h, body, hdr.len);
			free(body);
			continue;
		}
		if (hdr.type == PV_XS_ERROR) {
			err = -xs_errno_from_name(body);
			free(body);
			break;
		}
		if (reply)
			*reply = body;
		else
			free(body);
		if (rlen)
			*rlen = hdr.len;
		break;
	}
	if (!err)
		xs_drain_buffered(h);
	return err;
}

/* Wait up to timeout_ms for socket data; 0 when readable, -ETIMEDOUT. */
static int xs_wait(struct xs_handle *h, int timeout_ms)
{
	struct pollfd p = { .fd = h->fd, .events = POLLIN };
	int n;

	if (xs_buffered(h))
		return 0;
	do
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 0 ? -ETIMEDOUT : 0;
}

static void xs_pop_event(struct xs_handle *h, struct xs_watch_event **ev)
{
	struct xs_evq *q = h->evq;
	uint64_t v;

	h->evq = q->next;
	if (!h->evq) {
		h->evq_tail = &h->evq;
		if (read(h->evfd, &v, sizeof(v)) < 0) {
			/* already zero */
		}
	}
	*ev = q->ev;
	free(q);
}

int xs_read_watch(struct xs_handle *h, struct xs_watch_event **ev, int timeout_ms)
{
	while (!h->evq) {
		struct pv_xsd_sockmsg hdr;
		char *body;
		int err = xs_wait(h, timeout_ms);
		if (!err)
			err = xs_recv_msg(h, &hdr, &body);
		if (err)
			return err;
		if (hdr.type == PV_XS_WATCH_EVENT)
			xs_queue_event(h, body, hdr.len);
		free(body);
		xs_drain_buffered(h);
	}
	xs_pop_event(h, ev);
	return 0;
}
