/* pvmon: the domain monitor of the run directory (see pvmon.h), one of its daemons
 * (started by pvx daemons start and on demand, as the others). Logs to
 * <rundir>/pvmon.log; pvmon.sock answers while it runs; SIGTERM stops it. */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "libpvx/diskspec.h"
#include "log.h"
#include "pvstart/pvstart.h"
#include "pvmon/pvmon.h"
#include "rundir.h"
#include "util.h"

int main(int argc, char **argv)
{
	struct pvmon m;
	int rc, lsock, sigfd;

	(void)argv;
	log_init("pvmon", 0);
	if (argc != 1)
		fatalx("usage: pvmon (a daemon of the run directory: pvx daemons start)");
	signal(SIGPIPE, SIG_IGN); /* a store that goes away is an error return */
	util_raise_nofile();      /* a few descriptors per guest */
	sigfd = util_signalfd((const int[]){ SIGTERM, SIGINT }, 2);
	if (sigfd < 0)
		fatalx("signalfd: %s", strerror(-sigfd));
	pvx_disk_server_set(&pvstart_disk_server); /* restarts serve qcow2 & co; stops too */
	if ((rc = pvmon_open(&m)) < 0)
		fatalx("cannot reach pvisor in %s: %s", rundir_path(), strerror(-rc));
	lsock = rundir_listen(PVMON_SOCKET, 16);
	if (lsock == -EADDRINUSE)
		fatalx("another pvmon serves %s", rundir_path());
	if (lsock < 0)
		fatalx("cannot listen on %s/%s: %s", rundir_path(), PVMON_SOCKET,
		       strerror(-lsock));
	if ((rc = rundir_pidfile_write(PVMON_PID)) < 0)
		fatalx("cannot write %s in %s: %s", PVMON_PID, rundir_path(), strerror(-rc));
	log_info("monitoring the domains of %s", rundir_path());
	rc = pvmon_run(&m, lsock, sigfd);
	log_info("stopping%s (%zu domain(s) watched)",
		 rc == -EPIPE ? ": the hypervisor is gone" : "", m.n);
	pvmon_close(&m);
	rundir_unlink(PVMON_SOCKET);
	rundir_unlink(PVMON_PID);
	return 0;
}
