/* pvconsoled: the console backend daemon -- options, start-up (socket, pid file,
 * first scan of running domains), the event loop, the client handshake. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
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
	static const struct option lo[] = { { "log-max", required_argument, NULL, 'm' },
					    { "log-rate", required_argument, NULL, 'r' },
					    { "log-burst", required_argument, NULL, 'b' },
					    { "budget", required_argument, NULL, 'B' },
					    { "verbose", no_argument, NULL, 'v' },
					    { NULL, 0, NULL, 0 } };
	int c, verbose = 0;

	s->lim = (struct conlog_limits){ 8u << 20, 1u << 20, 256u << 10 };
	s->budget = 4096;
	while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		switch (c) {
		case 'm':
			s->lim.max_bytes = consd_num("--log-max", optarg);
			break;
		case 'r':
			s->lim.rate = consd_num("--log-rate", optarg);
			break;
		case 'b':
			s->lim.burst = consd_num("--log-burst", optarg);
			break;
		case 'B':
			s->budget = consd_num("--budget", optarg);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			consd_usage();
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

/* Store events: a domain came or went. */
static void consd_xs_events(struct consd *s)
{
	struct xs_watch_event *ev;
	int rc;

	while (s->xs && (rc = xs_read_watch(s->xs, &ev, 0)) == 0) {
		cons_scan_event(s, ev->path);
		free(ev);
	}
	if (!s->xs)
		return;
	if (rc == -EPIPE) {
		log_warnx("store connection lost; reconnecting");
		xs_close(s->xs);
		s->xs = NULL;
		s->scan_now = 1; /* at once, then every CONS_STORE_RETRY_NS until it answers */
	}
}

static void consd_evtchn(struct consd *s)
{
	int port;

	while ((port = pvctrl_evtchn_pending(s->ev)) >= 0) {
		struct cdom *d = cdom_by_lport(s, (uint32_t)port);

		if (d)
			cdom_wake(s, d);
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
	/* The creator that handed us the ring went away before the introduction: a
	 * create that failed destroyed the domain first; let its console go now,
	 * not at the next safety scan (its domain id must not find it served). */
	if (d->unintroduced && !cdom_client_find(d, fd)) {
		pv_domid_t domid = d->domid;

		if (cons_drop_if_dead(s, d))
			log_info("dom%u: its creator left before the introduction and the domain "
				 "is gone (a failed create): console let go",
				 domid);
	}
}

/* Serve every domain with work once (its budget at most): the work list, not every
 * domain; the shortest wait any of them asked for bounds the next epoll_wait. */
static int consd_service_all(struct consd *s)
{
	uint64_t now = util_now_ns(), wait = s->next_scan_ns > now ? s->next_scan_ns - now : 0;

	for (struct cdom **pp = &s->work_list; *pp;) {
		struct cdom *d = *pp;
		uint64_t w = cdom_service(s, d, 0);

		if (!d->work || d->broken) {
			*pp = d->work_next; /* done: off the list until it fires again */
			d->in_work = 0;
			d->work = 0;
			continue;
		}
		if (w < wait)
			wait = w;
		pp = &d->work_next;
	}
	if (s->ngreets && wait > 1000000000ull)
		wait = 1000000000ull; /* greetings expire */
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
			case TAG_SIGNAL:
				return 0;
			case TAG_LISTEN:
				greet_accept(s);
				break;
			case TAG_GREET:
				greet_input(s, CONS_TAG_FD(tag));
				break;
			case TAG_EVTCHN:
				consd_evtchn(s);
				break;
			case TAG_XS:
				consd_xs_events(s);
				break;
			default:
				consd_fd_event(s, tag, evs[i].events);
				break;
			}
		}
		if (s->scan_now || util_now_ns() >= s->next_scan_ns)
			cons_scan(s);
		if (s->ngreets)
			greet_expire(s, util_now_ns());
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
	if ((rc = rundir_ensure()) < 0)
		fatalx("%s", rundir_problem(rc));
	util_raise_nofile(); /* a few descriptors per guest */
	sigfd = util_signalfd((const int[]){ SIGTERM, SIGINT }, 2);
	if (sigfd < 0)
		fatalx("signalfd: %s", strerror(-sigfd));
	if ((rc = pvctrl_open(&s.pc)) < 0)
		fatalx("cannot reach pvisor in %s: %s (start it with 'pvx daemons start')",
		       rundir_path(), strerror(-rc));
	if ((rc = pvctrl_evtchn_open(&s.ev)) < 0)
		fatalx("cannot open an event-channel handle: %s", strerror(-rc));
	s.by_domid = calloc(PV_DOMID_FIRST_RESERVED, sizeof(*s.by_domid));
	s.by_lport = calloc(PV_EVTCHN_HANDLE_PORTS, sizeof(*s.by_lport));
	if (!s.by_domid || !s.by_lport)
		fatalx("out of memory");
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
