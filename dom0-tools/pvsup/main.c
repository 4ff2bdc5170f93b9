/* pvsup: the supervisor of a run directory's daemons, started with them by pvstart
 * (the last in its table, so `pvx daemons stop` stops it first). It watches xsd,
 * pvmon, pvconsoled, blkback and netback through pidfds and, when one ends -- kill -9, a
 * crash -- starts it again the way any pvx command would (pvstart_daemons_ensure:
 * under daemons.lock, waiting for its socket). The daemons know how to carry on
 * from the store (docs/NOTES-restart.md). A daemon that stopped on its own terms
 * (SIGTERM: it removes its pid file) is left alone; one that ends 5 times within
 * 30 s is left down, said once. pvsup ends with pvisor (a restarted pvisor has no domains
 * to serve: that restart is the admin's), on SIGTERM, and when asked by its socket's
 * liveness probes it merely accepts. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "peer.h"
#include "pvstart/pvstart.h"
#include "rundir.h"
#include "util.h"

#define SUP_MAX_RESTARTS 5
#define SUP_WINDOW_NS    (30ull * 1000000000ull)
#define SUP_SOCKET       "pvsup.sock"

struct sup_watch {
	const char *name;
	pid_t pid;
	int pidfd;         /* -1: not watched (not running, or given up) */
	unsigned restarts; /* within the window that started at window_ns */
	uint64_t window_ns;
	int given_up;
};

static struct sup_watch watched[] = {
	{ "xsd", 0, -1, 0, 0, 0 },        { "pvmon", 0, -1, 0, 0, 0 },
	{ "pvconsoled", 0, -1, 0, 0, 0 }, { "blkback", 0, -1, 0, 0, 0 },
	{ "netback", 0, -1, 0, 0, 0 },
};
#define SUP_N ARRAY_SIZE(watched)

static int sup_pidfd(pid_t pid)
{
	return pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
}

/* Watch every daemon that runs now and is not watched yet. */
static void sup_refresh(void)
{
	struct pvstart_daemon_status st[16];
	int n = pvstart_daemons_status(st, 16);

	for (size_t w = 0; w < SUP_N; w++)
		for (int i = 0; i < n; i++)
			if (strcmp(st[i].name, watched[w].name) == 0 && watched[w].pidfd < 0 &&
			    st[i].running && st[i].pid > 0) {
				watched[w].pid = st[i].pid;
				watched[w].pidfd = sup_pidfd(st[i].pid);
			}
}

/* The pid in <name>.pid, or 0. */
static pid_t sup_pidfile(const char *name)
{
	char file[64], buf[32];
	ssize_t n;
	int fd;

	snprintf(file, sizeof(file), "%s.pid", name);
	if ((fd = rundir_open(file, O_RDONLY, 0)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return (pid_t)atoi(buf);
}

/* Its pid file still names it: it did not stop on its own (a clean stop removes it). */
static int sup_died(const struct sup_watch *w)
{
	return sup_pidfile(w->name) == w->pid;
}

static int sup_own_pidfile(void)
{
	return sup_pidfile("pvsup") == getpid();
}

/* One daemon ended: start it (and whatever else is missing) again, unless it
 * stopped cleanly or keeps ending. */
static void sup_restart(struct sup_watch *w)
{
	struct pvx_err err = { 0 };
	uint64_t now = util_now_ns();
	int rc;

	close(w->pidfd);
	w->pidfd = -1;
	if (!sup_died(w)) {
		log_info("%s (pid %d) stopped: not restarted", w->name, (int)w->pid);
		return;
	}
	if (now - w->window_ns > SUP_WINDOW_NS) {
		w->window_ns = now;
		w->restarts = 0;
	}
	if (++w->restarts > SUP_MAX_RESTARTS) {
		if (!w->given_up++)
			log_warnx("%s ended %d times within 30 s: left down (pvx daemons start "
				  "starts it again)",
				  w->name, SUP_MAX_RESTARTS);
		return;
	}
	log_info("%s (pid %d) ended: starting it again", w->name, (int)w->pid);
	rc = pvstart_daemons_ensure(&err);
	if (rc < 0)
		log_warnx("cannot start the daemons again: %s", pvx_err_text(&err, rc));
	sup_refresh();
}

static int sup_listen(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0 || rundir_file(sa.sun_path, sizeof(sa.sun_path), SUP_SOCKET) < 0)
		fatal("cannot make %s", SUP_SOCKET);
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0)
		fatal("cannot listen on %s", sa.sun_path);
	return fd;
}

/* Liveness probes (pvstart's, ours included): accepted and closed, all of them. */
static void sup_accept(int lfd)
{
	int c;

	while ((c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
		close(c);
}

/* Poll set: signals, the socket, pvisor, then each watched daemon. Returns the
 * number of entries; map[i] names the daemon of entry i (or -1). */
static nfds_t sup_pollset(struct pollfd *p, int *map, int sfd, int lfd, int hvfd)
{
	nfds_t n = 0;

	p[n] = (struct pollfd){ sfd, POLLIN, 0 }, map[n++] = -1;
	p[n] = (struct pollfd){ lfd, POLLIN, 0 }, map[n++] = -1;
	p[n] = (struct pollfd){ hvfd, POLLIN, 0 }, map[n++] = -1;
	for (size_t w = 0; w < SUP_N; w++)
		if (watched[w].pidfd >= 0) {
			p[n] = (struct pollfd){ watched[w].pidfd, POLLIN, 0 };
			map[n++] = (int)w;
		}
	return n;
}

static int sup_loop(int sfd, int lfd, int hvfd)
{
	struct pollfd p[3 + SUP_N];
	int map[3 + SUP_N];

	for (;;) {
		nfds_t n = sup_pollset(p, map, sfd, lfd, hvfd);

		if (poll(p, n, 1000) < 0 && errno != EINTR)
			return -errno;
		if (p[0].revents)
			return 0;
		if (p[2].revents) {
			log_info("pvisor ended: stopping");
			return 0;
		}
		for (nfds_t i = 3; i < n; i++)
			if (p[i].revents)
				sup_restart(&watched[map[i]]);
		sup_refresh();   /* daemons started meanwhile by others */
		sup_accept(lfd); /* after our own probes too */
	}
}

int main(void)
{
	struct timespec nap = { 0, 50000000 };
	int hvfd = -1, sfd, lfd, rc;

	log_init("pvsup", 0);
	if ((rc = rundir_ensure()) < 0)
		fatalx("%s", rundir_problem(rc));
	/* pvisor answers; its pid file may lag a moment behind a restart */
	for (int i = 0; i < 100 && hvfd < 0; i++) {
		hvfd = sup_pidfd(sup_pidfile("pvisor"));
		if (hvfd < 0)
			nanosleep(&nap, NULL);
	}
	if (hvfd < 0)
		fatalx("pvisor is not running in %s: nothing to supervise", rundir_path());
	sfd = util_signalfd((const int[]){ SIGTERM, SIGINT }, 2);
	lfd = sup_listen();
	if ((rc = rundir_pidfile_write("pvsup.pid")) < 0)
		log_warnx("cannot write pvsup.pid: %s", strerror(-rc));
	sup_refresh();
	log_info("supervising xsd, pvmon, pvconsoled, blkback and netback in %s", rundir_path());
	rc = sup_loop(sfd, lfd, hvfd);
	/* the socket stays, and the pid file unless it is ours: a pvsup started meanwhile
	 * may have made them anew (a stale socket refuses connections, and is replaced) */
	if (sup_own_pidfile())
		rundir_unlink("pvsup.pid");
	return rc < 0;
}
