/* pvconsoled: the console backend daemon -- options, start-up (socket, pid file,
 * first scan of running domains), the event loop, the client handshake. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "libpvctrl/pvctrl.h"
#include "libxs/xs.h"
#include "log.h"
#include "pvconsoled.h"
#include "rundir.h"
#include "util.h"

#define CONSD_SOCKET "pvconsoled.sock"
#define CONSD_PID    "pvconsoled.pid"

static void consd_usage(void)
{
	fprintf(stderr,
		"usage: pvconsoled [-v] [--log-max BYTES] [--log-rate BYTES_PER_S]\n"
		"                  [--log-burst BYTES] [--budget BYTES]\n"
		"  --log-max    rotate console/<name>.log to .log.1 at this size (8 MiB; 0 never)\n"
		"  --log-rate   bytes per second one domain may log (1 MiB; 0 unlimited)\n"
		"  --log-burst  bytes a quiet domain may log at once (256 KiB)\n"
		"  --budget     output bytes taken from one domain per loop turn (4096)\n");
	exit(2);
}

static uint64_t consd_num(const char *opt, const char *s)
{
	uint64_t v;

	if (util_parse_u64(s, UINT64_MAX, &v) < 0) {
		fprintf(stderr, "pvconsoled: %s: '%s' is not a number\n", opt, s);
		exit(2);
	}
	return v;
}

static int consd_opts(int argc, char **argv, struct consd *s)
{
	static const struct option lo[] = {
		{ "log-max", required_argument, NULL, 'm' }, { "log-rate", required_argument, NULL, 'r' },
		{ "log-burst", required_argument, NULL, 'b' }, { "budget", required_argument, NULL, 'B' },
		{ "verbose", no_argument, NULL, 'v' }, { NULL, 0, NULL, 0 }
	};
	int c, verbose = 0;

	s->lim = (struct conlog_limits){ 8u << 20, 1u << 20, 256u << 10 };
	s->budget = 4096;
	while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		switch (c) {
		case 'm': s->lim.max_bytes = consd_num("--log-max", optarg); break;
		case 'r': s->lim.rate = consd_num("--log-rate", optarg); break;
		case 'b': s->lim.burst = consd_num("--log-burst", optarg); break;
		case 'B': s->budget = consd_num("--budget", optarg); break;
		case 'v': verbose = 1; break;
		default: consd_usage();
		}
	}
	if (optind != argc || s->budget == 0)
		consd_usage();
	if (s->lim.burst < 4096)
		s->lim.burst = 4096; /* at least one ring's worth, or output could never move */
	return verbose;
}

/* Bind the socket, replacing a stale file but never a live daemon's. */
static int consd_listen(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), probe;

	if (fd < 0 || rundir_file(sa.sun_path, sizeof(sa.sun_path), CONSD_SOCKET) < 0)
		fatal("cannot create the socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EADDRINUSE)
			fatal("bind %s", sa.sun_path);
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			fatalx("%s: another pvconsoled is already serving it", sa.sun_path);
		if (probe >= 0)
			close(probe);
		unlink(sa.sun_path);
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			fatal("bind %s", sa.sun_path);
	}
	if (listen(fd, 16) < 0)
		fatal("listen %s", sa.sun_path);
	return fd;
}

static void consd_reply(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void consd_reply(int fd, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		util_write_full(fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/* Read the request line "attach DOMID\n" (the client sends it at once; 200 ms at
 * most, so a silent client cannot hold the loop long). -1: not a valid request. */
static long consd_request(int fd)
{
	struct timeval tv = { 0, 200000 };
	char line[64];
	size_t len = 0;
	uint64_t id;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (len < sizeof(line) - 1) {
		ssize_t n = read(fd, line + len, 1);

		if (n <= 0)
			return -1;
		if (line[len] == '\n')
			break;
		len++;
	}
	line[len] = '\0';
	if (strncmp(line, "attach ", 7) != 0 ||
	    util_parse_u64(line + 7, PV_DOMID_FIRST_RESERVED - 1, &id) < 0)
		return -1;
	return (long)id;
}

static int consd_peer_ok(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
	       (cred.uid == 0 || cred.uid == getuid());
}

/* A client connects: "attach DOMID" -> "ok NAME TTY" and then the raw console,
 * or "wait ..." (no console for it yet: ask again) / "err ..." and close. */
static void consd_accept(struct consd *s)
{
	int fd = accept4(s->lsock, NULL, NULL, SOCK_CLOEXEC);
	struct cdom *d;
	long domid;

	if (fd < 0)
		return;
	if (!consd_peer_ok(fd)) {
		consd_reply(fd, "err permission denied: run pvx as root or as pvconsoled's user\n");
		goto drop;
	}
	domid = consd_request(fd);
	if (domid < 0) {
		consd_reply(fd, "err bad request: expected 'attach DOMID'\n");
		goto drop;
	}
	d = cdom_find(s, (pv_domid_t)domid);
	if (!d) {
		cons_scan(s);
		d = cdom_find(s, (pv_domid_t)domid);
	}
	if (!d) {
		consd_reply(fd, "wait domain %ld has no console in the store yet\n", domid);
		goto drop;
	}
	if (cdom_client_add(s, d, fd) < 0) {
		consd_reply(fd, "err domain %ld has %d console clients already\n", domid,
			    CONS_MAX_CLIENTS);
		goto drop;
	}
	consd_reply(fd, "ok %s %s\n", d->name, d->tty);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return;
drop:
	close(fd);
}

/* Store events: any domain coming or going means a scan. */
static void consd_xs_events(struct consd *s)
{
	struct xs_watch_event *ev;
	int rc;

	while ((rc = xs_read_watch(s->xs, &ev, 0)) == 0) {
		free(ev);
		s->scan_now = 1;
	}
	if (rc == -EPIPE) {
		log_warnx("store connection lost; reconnecting");
		xs_close(s->xs);
		s->xs = NULL;
	}
}

static void consd_evtchn(struct consd *s)
{
	int port;

	while ((port = pvctrl_evtchn_pending(s->ev)) >= 0) {
		struct cdom *d = cdom_by_lport(s, (uint32_t)port);

		if (d)
			d->work = 1;
		pvctrl_evtchn_unmask(s->ev, (uint32_t)port);
	}
}

static void consd_fd_event(struct consd *s, uint64_t tag, uint32_t events)
{
	struct cdom *d = cdom_find(s, CONS_TAG_DOMID(tag));
	int fd = CONS_TAG_FD(tag);
	struct cclient *c;

	if (!d)
		return;
	if (CONS_TAG_KIND(tag) == TAG_PTY) {
		if (events & EPOLLIN)
			cdom_input(s, d, fd);
		return;
	}
	c = cdom_client_find(d, fd);
	if (!c)
		return;
	if (events & EPOLLOUT)
		cdom_client_flush(s, d, c);
	if ((c = cdom_client_find(d, fd)) && (events & EPOLLIN))
		cdom_input(s, d, fd);
	if ((c = cdom_client_find(d, fd)) && (events & (EPOLLHUP | EPOLLERR)))
		cdom_client_drop(s, d, c);
}

/* Serve every domain with work once (its budget at most); the shortest wait any
 * of them asked for bounds the next epoll_wait. */
static int consd_service_all(struct consd *s)
{
	uint64_t now = util_now_ns(), wait = s->next_scan_ns > now ? s->next_scan_ns - now : 0;

	for (struct cdom *d = s->doms; d; d = d->next) {
		uint64_t w = d->work ? cdom_service(s, d, 0) : UINT64_MAX;

		if (w < wait)
			wait = w;
	}
	return (int)((wait + 999999) / 1000000);
}

static int consd_loop(struct consd *s)
{
	struct epoll_event evs[32];

	for (;;) {
		int timeout = consd_service_all(s), n;

		n = epoll_wait(s->epfd, evs, 32, s->scan_now ? 0 : timeout);
		if (n < 0 && errno != EINTR)
			return -errno;
		for (int i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;

			switch (CONS_TAG_KIND(tag)) {
			case TAG_SIGNAL: return 0;
			case TAG_LISTEN: consd_accept(s); break;
			case TAG_EVTCHN: consd_evtchn(s); break;
			case TAG_XS: consd_xs_events(s); break;
			default: consd_fd_event(s, tag, evs[i].events); break;
			}
		}
		if (s->scan_now || util_now_ns() >= s->next_scan_ns)
			cons_scan(s);
	}
}

static void consd_add_fd(struct consd *s, int fd, enum cons_tag tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = cons_tag(tag, 0, 0) };

	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		fatal("epoll_ctl");
}

int main(int argc, char **argv)
{
	struct consd s = { 0 };
	int sigfd, rc;

	log_init("pvconsoled", consd_opts(argc, argv, &s));
	if (rundir_ensure() < 0)
		fatal("cannot create run directory %s", rundir_path());
	sigfd = util_signalfd((const int[]){ SIGTERM, SIGINT }, 2);
	if (sigfd < 0)
		fatalx("signalfd: %s", strerror(-sigfd));
	if ((rc = pvctrl_open(&s.pc)) < 0)
		fatalx("cannot reach pvisor in %s: %s (start it with 'pvx daemons start')",
		       rundir_path(), strerror(-rc));
	if ((rc = pvctrl_evtchn_open(&s.ev)) < 0)
		fatalx("cannot open an event-channel handle: %s", strerror(-rc));
	s.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s.epfd < 0)
		fatal("epoll_create1");
	s.lsock = consd_listen();
	consd_add_fd(&s, s.lsock, TAG_LISTEN);
	consd_add_fd(&s, sigfd, TAG_SIGNAL);
	consd_add_fd(&s, pvctrl_evtchn_fd(s.ev), TAG_EVTCHN);
	if ((rc = rundir_pidfile_write(CONSD_PID)) < 0)
		fatalx("cannot write %s in %s: %s", CONSD_PID, rundir_path(), strerror(-rc));
	cons_scan(&s); /* guests that run already (a restart) are served at once */
	log_info("serving consoles; log limit %llu bytes, rate %llu B/s, budget %zu B/turn",
		 (unsigned long long)s.lim.max_bytes, (unsigned long long)s.lim.rate, s.budget);
	rc = consd_loop(&s);
	while (s.doms)
		cdom_detach(&s, s.doms);
	rundir_unlink(CONSD_SOCKET);
	rundir_unlink(CONSD_PID);
	log_info("stopped");
	return rc < 0 ? 1 : 0;
}
