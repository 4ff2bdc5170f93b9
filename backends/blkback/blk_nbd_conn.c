/* blkback's NBD connections (see blk_nbd.h): libnbd handles connected with a time
 * bound, their sockets polled by blkback's loop for what libnbd asks
 * (nbd_aio_get_direction), a stall watchdog per connection, and death: a server
 * that closed its end, or stopped answering for NBD_STALL_S seconds
 * (PVISOR_NBD_TIMEOUT overrides it), completes everything in flight with an error
 * and the connection is dropped from the loop. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "blkback/blk_nbd.h"
#include "common/xenbus_be.h"
#include "log.h"

long nbd_ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static int nbd_conn_wait_connected(struct nbd_handle *h)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (nbd_aio_is_connecting(h)) {
		long left = NBD_CONNECT_MS - nbd_ms_since(&t0);

		if (left <= 0)
			return -ETIMEDOUT;
		if (nbd_poll(h, (int)left) < 0)
			return -(nbd_get_errno() ? nbd_get_errno() : EIO);
	}
	return nbd_aio_is_ready(h) ? 0 : -(nbd_get_errno() ? nbd_get_errno() : ECONNREFUSED);
}

/* Connect to uri within NBD_CONNECT_MS. NULL with *err set (and *why, libnbd's
 * message, valid until the next libnbd call) on failure. */
static struct nbd_handle *nbd_conn_handle_open(const char *uri, int *err, const char **why)
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
		rc = nbd_conn_wait_connected(h);
	}
	if (rc < 0) {
		*err = rc;
		*why = rc == -ETIMEDOUT ? "no answer" : nbd_get_error();
		nbd_close(h);
		return NULL;
	}
	return h;
}

void nbd_conn_events_update(struct nbd_conn *c)
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
void nbd_conn_mark_dead(struct nbd_conn *c)
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


/* Seconds without a reply after which a server with waiting commands is dead. */
static unsigned nbd_conn_stall_timeout_s(void)
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
static unsigned nbd_conn_stall_tick_s(void)
{
	return nbd_conn_stall_timeout_s() >= 8 ? nbd_conn_stall_timeout_s() / 4 : 1;
}

/* The watchdog: commands waiting and no reply since the last tick counts a
 * stalled tick; enough of them and the socket is shut down, which libnbd sees as
 * the server's end (everything in flight completes with an error). */
static void nbd_conn_on_tick(int fd, void *arg)
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
	if (c->stalled_ticks * nbd_conn_stall_tick_s() < nbd_conn_stall_timeout_s())
		return;
	log_warnx("%s: NBD server %s did not answer for %u s: giving up on it", c->d->name,
		  c->k->path, c->stalled_ticks * nbd_conn_stall_tick_s());
	shutdown(c->fd, SHUT_RDWR);
	if (nbd_aio_notify_read(c->h) < 0 || nbd_aio_is_dead(c->h))
		nbd_conn_mark_dead(c);
	nbd_conn_process(c);
}

static int nbd_conn_watchdog(struct nbd_conn *c)
{
	struct itimerspec its = { { (time_t)nbd_conn_stall_tick_s(), 0 },
				  { (time_t)nbd_conn_stall_tick_s(), 0 } };

	c->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (c->tfd < 0)
		return -errno;
	if (timerfd_settime(c->tfd, 0, &its, NULL) < 0)
		return -errno;
	return xbe_fd_add(c->d->be, c->tfd, nbd_conn_on_tick, c);
}

static void nbd_conn_on_event(int fd, uint32_t revents, void *arg)
{
	struct nbd_conn *c = arg;
	int rc = 0;

	(void)fd;
	if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR))
		rc = nbd_aio_notify_read(c->h);
	else if (revents & EPOLLOUT)
		rc = nbd_aio_notify_write(c->h);
	if (rc < 0 || nbd_aio_is_dead(c->h) || nbd_aio_is_closed(c->h))
		nbd_conn_mark_dead(c);
	nbd_conn_process(c);
}

void nbd_conn_close(struct nbd_conn *c)
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
struct nbd_conn *nbd_conn_open(struct blk_disk *k, struct xbe_device *d, int *err,
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
	c->h = nbd_conn_handle_open(k->path, err, why);
	if (!c->h) {
		free(c);
		return NULL;
	}
	if ((*err = xbe_fd_add_events(d->be, nbd_aio_get_fd(c->h), 0, nbd_conn_on_event, c)) ==
	    0) {
		c->fd = nbd_aio_get_fd(c->h);
		setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &(int){ NBD_SNDBUF }, sizeof(int));
		*err = nbd_conn_watchdog(c);
	}
	if (*err < 0) {
		nbd_conn_close(c);
		return NULL;
	}
	nbd_conn_events_update(c);
	return c;
}
