/* The backend daemon frame (see xbe_daemon.h). */
#include "common/xbe_daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "peer.h"
#include "rundir.h"
#include "util.h"

struct xbe_daemon {
	struct xbe *be;
	void (*status)(int fd, void *arg);
	void *arg;
};

static void daemon_on_signal(int fd, void *arg)
{
	struct xbe_daemon *dm = arg;
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) > 0)
		xbe_stop(dm->be);
}

static void daemon_on_status(int fd, void *arg)
{
	struct xbe_daemon *dm = arg;
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK); /* never block the loop */

	if (c < 0)
		return;
	if (peer_trusted(c)) /* the status names guests and devices: root or us only */
		dm->status(c, dm->arg);
	else
		log_warnx("status socket: refused a client of another user");
	close(c);
}

static int daemon_listen(const char *sock)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, rc;

	if ((rc = rundir_ensure()) < 0)
		fatalx("%s", rundir_problem(rc));
	if (rundir_file(sa.sun_path, sizeof(sa.sun_path), sock) < 0)
		fatalx("run directory %s: its path is too long for %s", rundir_path(), sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		fatal("socket");
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0)
		fatal("cannot listen on %s", sa.sun_path);
	return fd;
}

int xbe_daemon_run(struct xbe *be, const char *name, void (*status)(int fd, void *arg), void *arg)
{
	struct xbe_daemon dm = { be, status, arg };
	char sock[64], pid[64];
	int rc, sfd, lfd;

	snprintf(sock, sizeof(sock), "%s.sock", name);
	snprintf(pid, sizeof(pid), "%s.pid", name);
	util_raise_nofile(); /* a few descriptors per guest */
	sfd = util_signalfd((const int[]){ SIGTERM, SIGINT }, 2);
	if (sfd < 0)
		fatalx("signalfd: %s", strerror(-sfd));
	lfd = daemon_listen(sock);
	if (xbe_fd_add(be, sfd, daemon_on_signal, &dm) < 0 ||
	    xbe_fd_add(be, lfd, daemon_on_status, &dm) < 0)
		fatalx("cannot poll the signal and status descriptors");
	if ((rc = rundir_pidfile_write(pid)) < 0)
		log_warnx("cannot write %s: %s", pid, strerror(-rc));
	rc = xbe_run(be);
	if (rc < 0)
		log_warnx("store connection lost (%s); exiting", strerror(-rc));
	rundir_unlink(sock);
	if (rc == 0) /* asked to stop; after a lost store the supervisor starts us again */
		rundir_unlink(pid);
	xbe_fd_del(be, lfd); /* they point at dm, which goes with this frame */
	xbe_fd_del(be, sfd);
	close(lfd);
	close(sfd);
	return rc;
}
