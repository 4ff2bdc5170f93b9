/* xsd: the Unix-socket transport and the epoll event loop (see sock.h). Sockets are
 * non-blocking; output goes through each connection's bounded queue, so one slow client
 * never blocks another. Journal records are written before the replies they cover. */
#include "xsd/sock.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

#define SOCK_READ_BUDGET (256u << 10) /* bytes read from one client per loop turn */

/* What an epoll event points at: every such struct starts with its kind. */
enum sock_kind { SOCK_LISTEN, SOCK_SIGNAL, SOCK_CLIENT, SOCK_EXTRA };

struct sock_tag {
	enum sock_kind kind;
};

/* An extra descriptor (e.g. an event-channel handle) and what to run when readable. */
struct sock_extra {
	enum sock_kind kind;
	int fd;
	void (*fn)(void *opaque);
	void *opaque;
	struct sock_extra *next;
};

/* A connection whose pump runs at the end of the loop turn. */
struct sock_defer {
	struct xsd_conn *c;
	void (*fn)(struct xsd_conn *c);
	struct sock_defer *next;
};

struct sock_conn {
	enum sock_kind kind;
	struct xsd_conn *c;
	struct xsd_sock_server *srv;
	int fd;
	bool out_armed;
	bool kicked;
	struct sock_conn *next_kick, *next_dead;
};

struct xsd_sock_server {
	struct xsd_core *core;
	struct xsd_journal *journal;
	int epfd, lfd;
	unsigned next_id;
	struct sock_conn *kicks, *dead;
	struct sock_extra *extras;
	struct sock_defer *defers, **defer_tail;
	char path[108];
};

static struct sock_tag sock_tag_listen = { SOCK_LISTEN }, sock_tag_signal = { SOCK_SIGNAL };

static void sock_kick(struct xsd_conn *c)
{
	struct sock_conn *sc = c->opaque;

	if (!sc || sc->kicked)
		return;
	sc->kicked = true;
	sc->next_kick = sc->srv->kicks;
	sc->srv->kicks = sc;
}

static void sock_close_cb(struct xsd_conn *c)
{
	struct sock_conn *sc = c->opaque;

	if (!sc)
		return;
	close(sc->fd);
	sc->fd = -1;
	sc->c = NULL;
	sc->next_dead = sc->srv->dead;
	sc->srv->dead = sc;
}

static const struct xsd_conn_ops sock_ops = {
	.name = "socket",
	.kick = sock_kick,
	.close = sock_close_cb,
};

static void sock_drop(struct sock_conn *sc)
{
	struct xsd_conn *c = sc->c;

	if (!c)
		return;
	sock_close_cb(c);
	xsd_conn_destroy(c);
}

static bool sock_peer_ok(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	if (cred.uid == 0 || cred.uid == getuid())
		return true;
	log_warnx("refusing store client pid %d uid %u: only uid %u or root may connect",
		  (int)cred.pid, (unsigned)cred.uid, (unsigned)getuid());
	return false;
}

static void sock_accept_one(struct xsd_sock_server *s, int fd)
{
	struct sock_conn *sc = calloc(1, sizeof(*sc));
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };

	if (!sc || !sock_peer_ok(fd))
		goto err;
	sc->kind = SOCK_CLIENT;
	sc->srv = s;
	sc->fd = fd;
	sc->c = xsd_conn_create(s->core, &sock_ops, sc, 0, true);
	if (!sc->c)
		goto err;
	snprintf(sc->c->label, sizeof(sc->c->label), "sock%u", ++s->next_id);
	ev.data.ptr = sc;
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		xsd_conn_destroy(sc->c);
		goto err;
	}
	return;
err:
	free(sc);
	close(fd);
}

static void sock_accept(struct xsd_sock_server *s)
{
	static unsigned rl_count;
	static long rl_window;

	for (;;) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    log_ratelimit(&rl_count, &rl_window, 5))
				log_warn("accept on %s", s->path);
			return;
		}
		sock_accept_one(s, fd);
	}
}

static void sock_read(struct sock_conn *sc)
{
	static char buf[65536];
	size_t total = 0;

	while (sc->c && total < SOCK_READ_BUDGET) {
		ssize_t n = read(sc->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			sock_drop(sc);
			return;
		}
		total += (size_t)n;
		if (xsd_conn_input(sc->c, buf, (size_t)n) < 0)
			return; /* dead: closed when the kick list is flushed */
		if ((size_t)n < sizeof(buf))
			return;
	}
}

static void sock_arm(struct sock_conn *sc, bool out)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP | (out ? EPOLLOUT : 0u) };

	if (sc->out_armed == out)
		return;
	ev.data.ptr = sc;
	if (epoll_ctl(sc->srv->epfd, EPOLL_CTL_MOD, sc->fd, &ev) == 0)
		sc->out_armed = out;
}

static void sock_flush(struct sock_conn *sc)
{
	const void *buf;
	size_t len;

	while (sc->c && (len = xsd_conn_out_peek(sc->c, &buf)) > 0) {
		ssize_t n = send(sc->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			sock_drop(sc);
			return;
		}
		xsd_conn_out_consume(sc->c, (size_t)n);
	}
	if (!sc->c)
		return;
	if (sc->c->dead) {
		sock_drop(sc);
		return;
	}
	sock_arm(sc, xsd_conn_out_peek(sc->c, &buf) > 0);
}

/* End of a loop turn: persist, then send, then free closed connections. */
/* Run deferred pumps; they may defer more (events for other domains): bounded. */
static void sock_run_defers(struct xsd_sock_server *s)
{
	for (int round = 0; s->defers && round < 64; round++) {
		struct sock_defer *d = s->defers;
		s->defers = d->next;
		if (!s->defers)
			s->defer_tail = &s->defers;
		d->c->in_kick_list = false;
		d->fn(d->c);
		free(d);
	}
}

static void sock_turn_end(struct xsd_sock_server *s)
{
	sock_run_defers(s);
	if (s->journal) {
		int err = xsd_journal_flush(s->journal);
		if (err < 0)
			log_warnx("journal write failed: %s", strerror(-err));
	}
	while (s->kicks) {
		struct sock_conn *sc = s->kicks;
		s->kicks = sc->next_kick;
		sc->kicked = false;
		sock_flush(sc);
	}
	while (s->dead) {
		struct sock_conn *sc = s->dead;
		s->dead = sc->next_dead;
		free(sc);
	}
	if (s->journal && xsd_journal_maybe_compact(s->journal) < 0)
		log_warnx("snapshot failed; the journal keeps growing");
}

static void sock_event(struct xsd_sock_server *s, struct epoll_event *ev)
{
	struct sock_tag *tag = ev->data.ptr;
	struct sock_conn *sc = ev->data.ptr;

	if (tag->kind == SOCK_LISTEN) {
		sock_accept(s);
		return;
	}
	if (tag->kind == SOCK_EXTRA) {
		struct sock_extra *x = ev->data.ptr;
		x->fn(x->opaque);
		return;
	}
	if (!sc->c)
		return;
	if (ev->events & EPOLLIN)
		sock_read(sc);
	if (sc->c && (ev->events & EPOLLOUT))
		sock_kick(sc->c);
	if (sc->c && (ev->events & (EPOLLERR | EPOLLHUP)))
		sock_drop(sc);
	else if (sc->c && (ev->events & EPOLLRDHUP) && !(ev->events & EPOLLIN))
		sock_drop(sc);
}

int xsd_sock_watch_fd(struct xsd_sock_server *s, int fd, void (*fn)(void *opaque), void *opaque)
{
	struct sock_extra *x = calloc(1, sizeof(*x));
	struct epoll_event ev = { .events = EPOLLIN };

	if (!x)
		return -ENOMEM;
	*x = (struct sock_extra){ SOCK_EXTRA, fd, fn, opaque, s->extras };
	ev.data.ptr = x;
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int err = -errno;
		free(x);
		return err;
	}
	s->extras = x;
	return 0;
}

void xsd_sock_unwatch_fd(struct xsd_sock_server *s, int fd)
{
	for (struct sock_extra **pp = &s->extras; *pp; pp = &(*pp)->next) {
		struct sock_extra *x = *pp;
		if (x->fd == fd) {
			epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
			*pp = x->next;
			free(x);
			return;
		}
	}
}

int xsd_sock_defer(struct xsd_sock_server *s, struct xsd_conn *c, void (*fn)(struct xsd_conn *c))
{
	struct sock_defer *d;

	if (c->in_kick_list)
		return 0;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->c = c;
	d->fn = fn;
	*s->defer_tail = d;
	s->defer_tail = &d->next;
	c->in_kick_list = true;
	return 0;
}

void xsd_sock_undefer(struct xsd_sock_server *s, struct xsd_conn *c)
{
	struct sock_defer **pp = &s->defers;

	while (*pp) {
		struct sock_defer *d = *pp;

		if (d->c == c) {
			*pp = d->next;
			free(d);
		} else {
			pp = &d->next;
		}
	}
	s->defer_tail = pp;
	c->in_kick_list = false;
}

/* True when the signal read from sigfd asks us to stop (SIGHUP is ignored). */
static bool sock_signal(int sigfd)
{
	struct signalfd_siginfo si;

	if (read(sigfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return false;
	if (si.ssi_signo == SIGHUP) {
		log_info("SIGHUP ignored (logs go to stderr)");
		return false;
	}
	log_info("signal %u: shutting down", si.ssi_signo);
	return true;
}

int xsd_sock_run(struct xsd_sock_server *s, int sigfd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &sock_tag_signal };
	struct epoll_event evs[64];

	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, sigfd, &ev) < 0)
		return -errno;
	for (;;) {
		int n = epoll_wait(s->epfd, evs, 64, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr == &sock_tag_signal) {
				if (sock_signal(sigfd)) {
					sock_turn_end(s);
					return 0;
				}
				continue;
			}
			sock_event(s, &evs[i]);
		}
		sock_turn_end(s);
	}
}

/* Bind path, replacing a stale socket file but never a live daemon's. */
static int sock_bind(int fd, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return 0;
	if (errno != EADDRINUSE)
		return -errno;
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live = probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	if (probe >= 0)
		close(probe);
	if (live)
		return -EADDRINUSE;
	unlink(path);
	return bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0 : -errno;
}

int xsd_sock_create(struct xsd_sock_server **out, struct xsd_core *core, struct xsd_journal *j,
		    const char *path)
{
	struct xsd_sock_server *s = calloc(1, sizeof(*s));
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &sock_tag_listen };
	int err;

	if (!s)
		return -ENOMEM;
	s->core = core;
	s->journal = j;
	s->defer_tail = &s->defers;
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->epfd < 0 || s->lfd < 0) {
		err = -errno;
		goto err;
	}
	err = sock_bind(s->lfd, path);
	if (!err && listen(s->lfd, 128) < 0)
		err = -errno;
	if (!err && epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->lfd, &ev) < 0)
		err = -errno;
	if (err)
		goto err;
	*out = s;
	return 0;
err:
	if (s->lfd >= 0)
		close(s->lfd);
	if (s->epfd >= 0)
		close(s->epfd);
	free(s);
	return err;
}

void xsd_sock_destroy(struct xsd_sock_server *s)
{
	struct xsd_conn *c, *next;

	if (!s)
		return;
	for (c = s->core->conns; c; c = next) {
		next = c->next;
		if (c->ops == &sock_ops)
			sock_drop(c->opaque);
	}
	while (s->dead) {
		struct sock_conn *sc = s->dead;
		s->dead = sc->next_dead;
		free(sc);
	}
	while (s->extras)
		xsd_sock_unwatch_fd(s, s->extras->fd);
	while (s->defers) {
		struct sock_defer *d = s->defers;
		s->defers = d->next;
		free(d);
	}
	close(s->lfd);
	close(s->epfd);
	unlink(s->path);
	free(s);
}
