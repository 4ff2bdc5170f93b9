/* One domain's console in pvconsoled: attach (map the page, bind the port, open
 * the pty and the log), move bytes both ways with flow control, detach.
 *
 * Flow control: output leaves the ring only once the log has taken it, so the
 * ring (and then the guest, which waits for room) absorbs a slow disk or the
 * rate limit, and nothing is lost. Attached clients also hold output back while
 * their queue is over CONS_CLIENT_QMAX (a client stalled that long is dropped).
 * The pty does not: a pty nobody reads fills up, and what it cannot take is
 * counted and dropped for the pty only, never for the log. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "log.h"
#include "pvconsoled.h"
#include "cring.h"
#include "libpvctrl/pvctrl.h"
#include "libxs/xs.h"
#include "rundir.h"
#include "util.h"

#define CDOM_LOG_WARN(d, ...) \
	do { \
		if (log_ratelimit(&(d)->warn_n, &(d)->warn_w, 5)) \
			log_warnx(__VA_ARGS__); \
	} while (0)

uint64_t cons_tag(enum cons_tag tag, pv_domid_t domid, int fd)
{
	return (uint64_t)tag << 56 | (uint64_t)domid << 32 | (uint32_t)fd;
}

struct cdom *cdom_find(struct consd *s, pv_domid_t domid)
{
	return domid < PV_DOMID_FIRST_RESERVED ? s->by_domid[domid] : NULL;
}

void cdom_wake(struct consd *s, struct cdom *d)
{
	d->work = 1;
	if (d->in_work)
		return;
	d->in_work = 1;
	d->work_next = s->work_list;
	s->work_list = d;
}

static void cdom_work_unlink(struct consd *s, struct cdom *d)
{
	struct cdom **pp = &s->work_list;

	while (d->in_work && *pp && *pp != d)
		pp = &(*pp)->work_next;
	if (d->in_work && *pp)
		*pp = d->work_next;
	d->in_work = 0;
}

struct cdom *cdom_by_lport(struct consd *s, uint32_t lport)
{
	return lport < PV_EVTCHN_HANDLE_PORTS ? s->by_lport[lport] : NULL;
}

static int cdom_epoll(struct consd *s, int op, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	return epoll_ctl(s->epfd, op, fd, &ev) < 0 ? -errno : 0;
}

/* A pty in raw mode; the slave stays open here so the master never sees EIO. */
static int cdom_pty_open(struct cdom *d)
{
	struct termios t;
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);

	if (m < 0)
		return -errno;
	if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, d->tty, sizeof(d->tty)) != 0)
		goto fail;
	d->pty_slave = open(d->tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (d->pty_slave < 0)
		goto fail;
	if (tcgetattr(d->pty_slave, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(d->pty_slave, TCSANOW, &t);
	}
	d->pty = m;
	return 0;
fail:
	close(m);
	return -errno;
}

static int cdom_map(struct consd *s, struct cdom *d, uint64_t gfn)
{
	struct pv_privcmd_memory info;
	int rc = pvctrl_map_foreign(s->pc, d->domid, &d->mem, &info);

	if (rc < 0)
		return rc;
	d->mem_len = info.size;
	if (gfn >= info.ram_bytes / 4096) { /* a ring lives in RAM, not the special pages */
		log_warnx("dom%u: console ring-ref %llu is past the domain's RAM (%llu pages)",
			  d->domid, (unsigned long long)gfn,
			  (unsigned long long)(info.ram_bytes / 4096));
		return -EINVAL;
	}
	d->intf = (struct pv_xencons_interface *)((char *)d->mem + gfn * 4096);
	return 0;
}

static int cdom_open_log(struct consd *s, struct cdom *d)
{
	char dir[480], path[600];
	int rc;

	conlog_init(&d->log, &s->lim, util_now_ns()); /* also when there is no file */
	if (rundir_file(dir, sizeof(dir), "console") < 0)
		return -ENAMETOOLONG;
	snprintf(path, sizeof(path), "%s/%s.log", dir, d->name);
	memcpy(d->log.path, path, sizeof(d->log.path) - 1); /* for the message */
	/* ours, not a link: then the final component is opened O_NOFOLLOW (conlog) */
	if ((rc = rundir_mkdir("console")) < 0)
		return rc;
	return conlog_open(&d->log, path, &s->lim, util_now_ns());
}

/* The domain is going: what a client has queued still goes out (half a second at
 * most per client), so `pvx console` shows the last lines. */
static void cdom_client_last_flush(struct cclient *c)
{
	struct timeval tv = { 0, 500000 };

	if (!c->qlen)
		return;
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (util_write_full(c->fd, c->q, c->qlen) == 0)
		c->qlen = 0;
}

static void cdom_free(struct consd *s, struct cdom *d)
{
	while (d->nclients > 0) {
		cdom_client_last_flush(&d->clients[0]);
		cdom_client_drop(s, d, &d->clients[0]);
	}
	if (d->lport)
		pvctrl_evtchn_unbind(s->ev, d->lport);
	if (d->mem)
		munmap(d->mem, d->mem_len);
	if (d->pty >= 0)
		close(d->pty);
	if (d->pty_slave >= 0)
		close(d->pty_slave);
	conlog_close(&d->log);
	free(d);
}

/* One writer per log file: a name another served domain still has (its log open)
 * is not used twice. A holder that is dead is dropped first, so a rebooted domain
 * (new id, same name) gets the name, and the file, back even when its
 * introduction is seen before the old one's release. */
static struct cdom **cdom_name_chain(struct consd *s, const char *name)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return &s->by_name[h & (CONS_NAME_BUCKETS - 1)];
}

static void cdom_name_unlink(struct consd *s, struct cdom *d)
{
	struct cdom **pp = cdom_name_chain(s, d->name);

	while (*pp && *pp != d)
		pp = &(*pp)->name_next;
	if (*pp)
		*pp = d->name_next;
}

static int cdom_name_taken(struct consd *s, const struct cdom *d)
{
	struct cdom *o = *cdom_name_chain(s, d->name);

	while (o && (o == d || strcmp(o->name, d->name) != 0))
		o = o->name_next;
	return o && !cons_drop_if_dead(s, o);
}

/* A name that makes a plain file name: [-_.0-9a-zA-Z], not starting with '.'. */
static int cdom_name_ok(const char *v, size_t len, size_t max)
{
	if (len == 0 || len >= max || v[0] == '.')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!(v[i] == '-' || v[i] == '_' || v[i] == '.' || (v[i] >= '0' && v[i] <= '9') ||
		      (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z')))
			return 0;
	return 1;
}

/* The log's name: the one given, else the store's /local/domain/<id>/name. */
static void cdom_name(struct consd *s, struct cdom *d, const char *given)
{
	char path[64], *v = NULL;
	size_t len = 0;
	int ok;

	if (given) {
		len = strlen(given);
	} else {
		snprintf(path, sizeof(path), "/local/domain/%u/name", d->domid);
		if (!s->xs || xs_read(s->xs, 0, path, &v, &len) < 0)
			len = 0;
	}
	ok = cdom_name_ok(given ? given : v, len, sizeof(d->name));
	if (ok) {
		memcpy(d->name, given ? given : v, len);
		d->name[len] = '\0';
	}
	free(v);
	if (ok && !cdom_name_taken(s, d))
		return;
	if (ok)
		log_warnx("dom%u: name %s is still served for another domain: logging to "
			  "dom%u.log",
			  d->domid, d->name, d->domid);
	snprintf(d->name, sizeof(d->name), "dom%u", d->domid);
}

int cdom_attach(struct consd *s, pv_domid_t domid, uint64_t gfn, uint32_t port, const char *name)
{
	struct cdom *d = calloc(1, sizeof(*d));
	int rc;

	if (!d)
		return -ENOMEM;
	d->domid = domid;
	d->pty = d->pty_slave = -1;
	d->log.fd = -1;
	d->rport = port;
	cdom_name(s, d, name);
	if ((rc = cdom_map(s, d, gfn)) < 0)
		goto fail;
	rc = pvctrl_evtchn_bind_interdomain(s->ev, domid, port);
	if (rc < 0)
		goto fail;
	d->lport = (uint32_t)rc;
	if ((rc = cdom_pty_open(d)) < 0 ||
	    (rc = cdom_epoll(s, EPOLL_CTL_ADD, d->pty, EPOLLIN,
			     cons_tag(TAG_PTY, domid, d->pty))) < 0)
		goto fail;
	if ((rc = cdom_open_log(s, d)) < 0)
		log_warnx("dom%u: cannot open its console log %s: %s (output goes to the pty only)",
			  domid, d->log.path, strerror(-rc));
	d->next = s->doms;
	s->doms = d;
	{
		struct cdom **chain = cdom_name_chain(s, d->name);

		d->name_next = *chain;
		*chain = d;
	}
	cdom_wake(s, d);
	s->by_domid[domid] = d;
	if (d->lport < PV_EVTCHN_HANDLE_PORTS)
		s->by_lport[d->lport] = d;
	log_info("dom%u (%s): console attached, ring gfn %llu, port %u, tty %s", domid, d->name,
		 (unsigned long long)gfn, port, d->tty);
	return 0;
fail:
	cdom_free(s, d);
	return rc;
}

void cdom_detach(struct consd *s, struct cdom *d)
{
	struct cdom **pp;

	/* The guest is gone but its page is still mapped: take what it left. */
	for (int i = 0; i < 64 && d->intf && !d->broken && cring_out_avail(d->intf) > 0; i++)
		cdom_service(s, d, 1);
	for (pp = &s->doms; *pp && *pp != d; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = d->next;
	cdom_work_unlink(s, d);
	cdom_name_unlink(s, d);
	s->by_domid[d->domid] = NULL;
	if (d->lport < PV_EVTCHN_HANDLE_PORTS && s->by_lport[d->lport] == d)
		s->by_lport[d->lport] = NULL;
	log_info("dom%u (%s): console detached (%llu bytes out, %llu in, %llu not taken by the pty)",
		 d->domid, d->name, (unsigned long long)d->out_bytes,
		 (unsigned long long)d->in_bytes, (unsigned long long)d->pty_dropped);
	cdom_free(s, d);
}

/* Input fds of d: read them only while in[] has room. */
static void cdom_input_enable(struct consd *s, struct cdom *d, int on)
{
	uint32_t ev = on ? EPOLLIN : 0;

	if (d->in_blocked == !on)
		return;
	d->in_blocked = !on;
	cdom_epoll(s, EPOLL_CTL_MOD, d->pty, ev, cons_tag(TAG_PTY, d->domid, d->pty));
	for (int i = 0; i < d->nclients; i++) {
		struct cclient *c = &d->clients[i];

		cdom_epoll(s, EPOLL_CTL_MOD, c->fd, ev | (c->qlen ? EPOLLOUT : 0) | EPOLLRDHUP,
			   cons_tag(TAG_CLIENT, d->domid, c->fd));
	}
}

static void cdom_broken(struct cdom *d, const char *what)
{
	d->broken = 1;
	log_warnx("dom%u (%s): console ring %s has impossible indices; console stopped until "
		  "the domain is re-created",
		  d->domid, d->name, what);
}

/* How much output the clients let through: 0 while one is over its queue limit
 * (dropped once stalled for CONS_CLIENT_STALL_NS). */
static int cdom_clients_ready(struct consd *s, struct cdom *d, uint64_t now)
{
	for (int i = 0; i < d->nclients; i++) {
		struct cclient *c = &d->clients[i];

		if (c->qlen < CONS_CLIENT_QMAX)
			continue;
		if (now - c->full_since < CONS_CLIENT_STALL_NS)
			return 0;
		CDOM_LOG_WARN(d, "dom%u (%s): console client reads nothing for %llu s: dropped",
			      d->domid, d->name, CONS_CLIENT_STALL_NS / 1000000000ull);
		cdom_client_drop(s, d, c);
		i--;
	}
	return 1;
}

static void cdom_client_queue(struct consd *s, struct cdom *d, struct cclient *c, const char *buf,
			      size_t n, uint64_t now)
{
	if (c->qlen + n > c->qcap) {
		size_t cap = c->qcap ? c->qcap : 4096;
		char *q;

		while (cap < c->qlen + n)
			cap *= 2;
		q = realloc(c->q, cap);
		if (!q) {
			cdom_client_drop(s, d, c);
			return;
		}
		c->q = q;
		c->qcap = cap;
	}
	memcpy(c->q + c->qlen, buf, n);
	c->qlen += n;
	if (c->qlen >= CONS_CLIENT_QMAX && !c->full_since)
		c->full_since = now;
	cdom_client_flush(s, d, c);
}

/* Output bytes to the sinks: log (must take them), pty (best effort), clients.
 * The ring is consumed right after the log write: the window in which a killed
 * daemon has logged bytes it did not consume (and logs again after a restart)
 * is one write long. */
static void cdom_output(struct consd *s, struct cdom *d, const char *buf, size_t n, uint64_t now)
{
	ssize_t w;
	int rc = conlog_write(&d->log, buf, n);

	if (rc < 0)
		CDOM_LOG_WARN(d, "dom%u (%s): console log %s: %s", d->domid, d->name, d->log.path,
			      strerror(-rc));
	cring_out_consume(d->intf, n);
	w = write(d->pty, buf, n);
	if (w < (ssize_t)n)
		d->pty_dropped += n - (w > 0 ? (size_t)w : 0);
	for (int i = d->nclients - 1; i >= 0; i--)
		cdom_client_queue(s, d, &d->clients[i], buf, n, now);
	d->out_bytes += n;
}

uint64_t cdom_service(struct consd *s, struct cdom *d, int final)
{
	char buf[4096];
	uint64_t now = util_now_ns();
	int avail, n, room;
	size_t allow;

	if (d->broken)
		return UINT64_MAX;
	room = cring_in_room(d->intf);
	if (room < 0)
		return cdom_broken(d, "in"), UINT64_MAX;
	if (room > 0)
		cdom_input_enable(s, d, 1);
	avail = cring_out_avail(d->intf);
	if (avail < 0)
		return cdom_broken(d, "out"), UINT64_MAX;
	if (avail == 0)
		return d->work = 0, UINT64_MAX;
	allow = (size_t)avail < s->budget ? (size_t)avail : s->budget;
	if (!final) {
		size_t a = conlog_allowance(&d->log, now);

		if (!cdom_clients_ready(s, d, now))
			return 50000000; /* woken earlier by the client's EPOLLOUT */
		if (a < allow)
			allow = a;
		if (allow == 0)
			return conlog_wait_ns(&d->log, avail < 256 ? (size_t)avail : 256);
	}
	if (allow > sizeof(buf))
		allow = sizeof(buf);
	n = cring_out_peek(d->intf, buf, allow);
	if (n < 0)
		return cdom_broken(d, "out"), UINT64_MAX;
	cdom_output(s, d, buf, (size_t)n, now);
	pvctrl_evtchn_notify(s->ev, d->lport);
	d->work = (size_t)n < (size_t)avail || cring_out_avail(d->intf) != 0;
	return d->work ? 0 : UINT64_MAX;
}

void cdom_input(struct consd *s, struct cdom *d, int fd)
{
	char buf[1024];
	int room = d->broken ? -EIO : cring_in_room(d->intf);
	ssize_t n;

	if (room <= 0) {
		if (room < 0 && !d->broken)
			cdom_broken(d, "in");
		cdom_input_enable(s, d, 0);
		return;
	}
	n = read(fd, buf, (size_t)room < sizeof(buf) ? (size_t)room : sizeof(buf));
	if (n <= 0) {
		struct cclient *c = cdom_client_find(d, fd);

		if (c && (n == 0 || (errno != EAGAIN && errno != EINTR)))
			cdom_client_drop(s, d, c);
		return;
	}
	cring_in_put(d->intf, buf, (size_t)n);
	d->in_bytes += (uint64_t)n;
	pvctrl_evtchn_notify(s->ev, d->lport);
}

struct cclient *cdom_client_find(struct cdom *d, int fd)
{
	for (int i = 0; i < d->nclients; i++)
		if (d->clients[i].fd == fd)
			return &d->clients[i];
	return NULL;
}

void cdom_client_flush(struct consd *s, struct cdom *d, struct cclient *c)
{
	ssize_t w = c->qlen ? write(c->fd, c->q, c->qlen) : 0;
	uint32_t ev = (d->in_blocked ? 0 : EPOLLIN) | EPOLLRDHUP;

	if (w < 0 && errno != EAGAIN && errno != EINTR) {
		cdom_client_drop(s, d, c);
		return;
	}
	if (w > 0) {
		memmove(c->q, c->q + w, c->qlen - (size_t)w);
		c->qlen -= (size_t)w;
	}
	if (c->qlen < CONS_CLIENT_QMAX) {
		if (c->full_since)
			cdom_wake(s, d); /* output was held back for this client */
		c->full_since = 0;
	}
	cdom_epoll(s, EPOLL_CTL_MOD, c->fd, ev | (c->qlen ? EPOLLOUT : 0),
		   cons_tag(TAG_CLIENT, d->domid, c->fd));
}

int cdom_client_add(struct consd *s, struct cdom *d, int fd)
{
	struct cclient *c;
	int rc;

	if (d->nclients == CONS_MAX_CLIENTS)
		return -EBUSY;
	c = &d->clients[d->nclients];
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	rc = cdom_epoll(s, EPOLL_CTL_ADD, fd, (d->in_blocked ? 0 : EPOLLIN) | EPOLLRDHUP,
			cons_tag(TAG_CLIENT, d->domid, fd));
	if (rc < 0)
		return rc;
	d->nclients++;
	return 0;
}

void cdom_client_drop(struct consd *s, struct cdom *d, struct cclient *c)
{
	(void)s;
	close(c->fd); /* also leaves the epoll set */
	free(c->q);
	*c = d->clients[--d->nclients];
}
