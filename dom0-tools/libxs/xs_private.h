/* libxs: the handle and the framing helpers shared by libxs's files. Internal. */
#ifndef PV_LIBXS_XS_PRIVATE_H
#define PV_LIBXS_XS_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include <pvisor/io/xs_wire.h>

#include "libxs/xs.h"

struct xs_evq {
	struct xs_evq *next;
	struct xs_watch_event *ev;
};

struct xs_handle {
	int fd;   /* the store socket (blocking) */
	int evfd; /* eventfd: non-zero while events are queued */
	int epfd; /* epoll over fd and evfd: what xs_fileno returns */
	uint32_t req_id;
	struct xs_evq *evq, **evq_tail;
	char *rbuf; /* received bytes [rhead, rlen) */
	size_t rhead, rlen, rcap;
	bool corked; /* status-only requests wait in cbuf until xs_uncork */
	char *cbuf;
	size_t clen, ccap;
	unsigned cpending; /* replies owed for what cbuf held */
	int cerr;          /* first error among them */
};

/* Send one message made of iov pieces (header added). 0 or -errno (-E2BIG over 4096). */
int xs_send(struct xs_handle *h, uint32_t type, uint32_t tx, const struct iovec *iov, int niov);
/* Read one whole message (blocking); *body is malloc'd and NUL-terminated. */
int xs_recv_msg(struct xs_handle *h, struct pv_xsd_sockmsg *hdr, char **body);
/* Send and wait for the reply, queueing watch events; an ERROR reply becomes -errno. */
int xs_talk(struct xs_handle *h, uint32_t type, uint32_t tx, const struct iovec *iov, int niov,
	    char **reply, size_t *rlen);
/* Append a WATCH_EVENT payload to the queue. */
void xs_queue_event(struct xs_handle *h, const char *body, uint32_t len);
/* Whether received bytes wait in the buffer. */
bool xs_buffered(const struct xs_handle *h);

#endif
