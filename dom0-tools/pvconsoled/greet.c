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

/* What a client asks: "attach DOMID", or from a domain's creator, which knows the
 * ring before the store does, "attach DOMID ring=GFN port=PORT name=NAME". */
struct greet_req {
	long domid; /* -1: not a request */
	uint64_t gfn, port;
	int has_ring;
	char name[64];
};

static void greet_parse_opt(struct greet_req *r, const char *w, size_t n)
{
	char v[64];

	if (n >= sizeof(v))
		return;
	memcpy(v, w, n);
	v[n] = '\0';
	if (strncmp(v, "ring=", 5) == 0 && util_parse_u64(v + 5, UINT64_MAX / 4096, &r->gfn) == 0)
		r->has_ring |= 1;
	else if (strncmp(v, "port=", 5) == 0 &&
		 util_parse_u64(v + 5, PV_EVTCHN_2L_NR_CHANNELS - 1, &r->port) == 0)
		r->has_ring |= 2;
}

static void greet_parse(const char *line, struct greet_req *r)
{
	char id[16];
	size_t n;
	uint64_t v;

	memset(r, 0, sizeof(*r));
	r->domid = -1;
	if (strncmp(line, "attach ", 7) != 0)
		return;
	line += 7;
	n = strcspn(line, " ");
	if (n == 0 || n >= sizeof(id))
		return;
	memcpy(id, line, n);
	id[n] = '\0';
	if (util_parse_u64(id, PV_DOMID_FIRST_RESERVED - 1, &v) < 0)
		return;
	r->domid = (long)v;
	for (line += n; *line == ' '; line += n) {
		line++;
		if (strncmp(line, "name=", 5) == 0) { /* the rest of the line */
			snprintf(r->name, sizeof(r->name), "%s", line + 5);
			break;
		}
		n = strcspn(line, " ");
		greet_parse_opt(r, line, n);
	}
}

/* A domain not served yet: from the ring its creator gave, else from the store. */
static struct cdom *greet_find(struct consd *s, const struct greet_req *r)
{
	pv_domid_t domid = (pv_domid_t)r->domid;
	struct cdom *d = cdom_find(s, domid);

	if (!d && r->has_ring == 3) {
		int rc = cdom_attach(s, domid, r->gfn, (uint32_t)r->port,
				     r->name[0] ? r->name : NULL);

		if (rc < 0)
			log_warnx("dom%u: cannot attach its console (ring-ref %llu, port %llu): %s",
				  domid, (unsigned long long)r->gfn, (unsigned long long)r->port,
				  strerror(-rc));
		else
			cdom_find(s, domid)->unintroduced = 1;
		return cdom_find(s, domid);
	}
	if (!d) {
		cons_scan_one(s, domid);
		d = cdom_find(s, domid);
	}
	return d;
}

static void greet_finish(struct consd *s, int fd, const char *line)
{
	struct greet_req r;
	long domid;
	struct cdom *d;

	greet_parse(line, &r);
	domid = r.domid;
	if (domid < 0) {
		greet_reply(fd, "err bad request: expected 'attach DOMID'\n");
		goto drop;
	}
	d = greet_find(s, &r);
	if (!d && r.has_ring == 3) {
		greet_reply(fd,
			    "err domain %ld: its console ring cannot be served (see "
			    "pvconsoled.log)\n",
			    domid);
		goto drop;
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
