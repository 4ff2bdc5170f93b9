/* The client handshake on pvconsoled.sock (see pvconsoled.h): connections wait
 * in a small table, non-blocking, until their request line is complete, so a
 * silent or slow client cannot hold up the consoles. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "pvconsoled.h"
#include "util.h"

static void greet_reply(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void greet_reply(int fd, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* A fresh socket's buffer takes one short line; a client that fills it gets less. */
	if (n > 0 && write(fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1) < 0)
		log_debug("client reply: %s", strerror(errno));
}

static int greet_peer_ok(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
	       (cred.uid == 0 || cred.uid == getuid());
}

void greet_accept(struct consd *s)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fd = accept4(s->lsock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct greet *g;

	if (fd < 0)
		return;
	if (!greet_peer_ok(fd)) {
		greet_reply(fd,
			    "err permission denied: run pvx as root or as pvconsoled's user\n");
		close(fd);
		return;
	}
	if (s->ngreets == CONS_MAX_GREETS) {
		greet_reply(fd, "err busy: %d connections are being set up; try again\n",
			    CONS_MAX_GREETS);
		close(fd);
		return;
	}
	ev.data.u64 = cons_tag(TAG_GREET, 0, fd);
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		return;
	}
	g = &s->greets[s->ngreets++];
	memset(g, 0, sizeof(*g));
	g->fd = fd;
	g->since = util_now_ns();
}

/* Take g out of the table (its descriptor stays open for the caller). */
static int greet_take(struct consd *s, struct greet *g)
{
	int fd = g->fd;

	epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
	*g = s->greets[--s->ngreets];
	return fd;
}

/* "attach DOMID": the domain id, or -1. */
static long greet_parse(const char *line)
{
	uint64_t id;

	if (strncmp(line, "attach ", 7) != 0 ||
	    util_parse_u64(line + 7, PV_DOMID_FIRST_RESERVED - 1, &id) < 0)
		return -1;
	return (long)id;
}

static void greet_finish(struct consd *s, int fd, const char *line)
{
	long domid = greet_parse(line);
	struct cdom *d;

	if (domid < 0) {
		greet_reply(fd, "err bad request: expected 'attach DOMID'\n");
		goto drop;
	}
	d = cdom_find(s, (pv_domid_t)domid);
	if (!d) {
		cons_scan_one(s, (pv_domid_t)domid);
		d = cdom_find(s, (pv_domid_t)domid);
	}
	if (!d) {
		greet_reply(fd, "wait domain %ld has no console in the store yet\n", domid);
		goto drop;
	}
	if (d->nclients == CONS_MAX_CLIENTS) {
		greet_reply(fd, "err domain %ld has %d console clients already\n", domid,
			    CONS_MAX_CLIENTS);
		goto drop;
	}
	/* The answer goes out before anything the domain prints is queued behind it. */
	greet_reply(fd, "ok %s %s\n", d->name, d->tty);
	if (cdom_client_add(s, d, fd) == 0)
		return;
drop:
	close(fd);
}

void greet_input(struct consd *s, int fd)
{
	struct greet *g = NULL;
	char line[sizeof(g->line)], *nl;
	ssize_t n;

	for (int i = 0; i < s->ngreets && !g; i++)
		if (s->greets[i].fd == fd)
			g = &s->greets[i];
	if (!g)
		return;
	n = read(fd, g->line + g->len, sizeof(g->line) - 1 - g->len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		close(greet_take(s, g));
		return;
	}
	g->len += (size_t)n;
	g->line[g->len] = '\0';
	nl = memchr(g->line, '\n', g->len);
	if (!nl && g->len < sizeof(g->line) - 1)
		return;
	if (nl)
		*nl = '\0';
	else
		g->line[0] = '\0'; /* too long: not a request */
	memcpy(line, g->line, sizeof(line));
	greet_finish(s, greet_take(s, g), line);
}

void greet_expire(struct consd *s, uint64_t now)
{
	for (int i = s->ngreets - 1; i >= 0; i--) {
		struct greet *g = &s->greets[i];

		if (now - g->since < CONS_GREET_NS)
			continue;
		greet_reply(g->fd, "err no request within %llu s\n",
			    CONS_GREET_NS / 1000000000ull);
		close(greet_take(s, g));
	}
}
