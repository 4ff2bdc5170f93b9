/* pvisor: the hypervisor daemon. Runs in the foreground in the run directory; the
 * starter (pvx daemons start) redirects its output to $RUNDIR/pvisor.log. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "core/dcg.h"
#include "core/hv.h"
#include "engines/engine.h"
#include "privcmd/privcmd_ops.h"
#include "log.h"
#include "pv_errno.h"
#include "rundir.h"
#include "util.h"

/* How long stopping waits for the domains (all killed at once) to be gone: less
 * than `pvx daemons stop` waits before its SIGKILL. */
#define SHUTDOWN_WAIT_MS 8000

static void usage(void)
{
	fprintf(stderr,
		"usage: pvisor [-v]\n"
		"  Runs the pvisor hypervisor in $PVISOR_RUNDIR (now %s).\n"
		"  Usually started by 'pvx daemons start' or the first pvx command.\n",
		rundir_path());
	exit(2);
}

static void cleanup_files(void)
{
	char path[512];

	if (rundir_file(path, sizeof(path), PV_PRIVCMD_SOCKET) == 0)
		unlink(path);
	if (rundir_file(path, sizeof(path), "pvisor.pid") == 0)
		unlink(path);
}

int main(int argc, char **argv)
{
	sigset_t set;
	const char *engine = NULL;
	int opt, verbose = 0, sig = 0, rc;

	while ((opt = getopt(argc, argv, "vh")) != -1) {
		if (opt == 'v')
			verbose = 1;
		else
			usage();
	}
	log_init("pvisor", verbose);
	hvlog_init();
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	util_raise_nofile(); /* three descriptors per domain: a thousand outgrow 1024 */
	if ((rc = rundir_ensure()) < 0)
		fatalx("%s", rundir_problem(rc));
	timeinfo_init();
	dcg_init(); /* before the engines: launchers are put in cgroups from the start */
	if ((rc = engines_init(&engine)) < 0)
		fatalx("cannot start the %s engine: %s", engine, strerror(pv_errno_to_host(-rc)));
	/* the pid file first: whoever sees the socket answer finds this pid in it */
	if ((rc = rundir_pidfile_write("pvisor.pid")) < 0)
		fatalx("cannot write pid file in %s: %s", rundir_path(), strerror(-rc));
	if ((rc = privcmd_start()) < 0)
		fatalx("cannot listen on %s/%s: %s", rundir_path(), PV_PRIVCMD_SOCKET,
		       strerror(pv_errno_to_host(-rc)));
	log_info("pvisor ready in %s (pid %d)", rundir_path(), (int)getpid());
	while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
		log_info("SIGHUP ignored");
	log_info("signal %d: destroying every domain and stopping", sig);
	domain_destroy_all(SHUTDOWN_WAIT_MS);
	engines_fini(); /* before dcg_fini: the waiting launcher holds a cgroup */
	dcg_fini();
	cleanup_files();
	return 0;
}
