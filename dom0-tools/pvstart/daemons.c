/* Starting, stopping and checking the daemons of a run directory (pvstart.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libpvx/pvx.h"
#include "libxs/xs.h"
#include "pvstart/pvstart.h"
#include "peer.h"
#include "pvstart/pvstart_priv.h"
#include "rundir.h"
#include "util.h"

struct daemon_def {
	const char *name;
	const char *socket; /* in the run directory */
	int required;       /* pvx cannot work without it */
	const char *enable; /* started only while this file is in the run directory */
};

static const struct daemon_def daemons[] = {
	{ "pvisor", PV_PRIVCMD_SOCKET, 1, NULL },
	{ "xsd", "xenstored.sock", 0, NULL },
	{ "pvmon", "pvmon.sock", 0, NULL },
	{ "pvconsoled", "pvconsoled.sock", 0, NULL },
	{ "blkback", "blkback.sock", 0, NULL },
	{ "netback", "netback.sock", 0, NULL },
	{ "pvxweb", "pvxweb.sock", 0, "pvxweb.conf" }, /* pvx web enables it */
	/* last: started once the others run, stopped first (it would restart them) */
	{ "pvsup", "pvsup.sock", 0, NULL },
};

static int daemon_installed(const struct daemon_def *dd)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", rundir_bindir(), dd->name);
	return access(path, X_OK) == 0;
}

static int daemon_enabled(const struct daemon_def *dd)
{
	char path[1024];

	return !dd->enable ||
	       (rundir_file(path, sizeof(path), dd->enable) == 0 && access(path, F_OK) == 0);
}

/* Built and enabled: it is started with the others. */
static int daemon_wanted(const struct daemon_def *dd)
{
	return daemon_installed(dd) && daemon_enabled(dd);
}

static pid_t daemon_dying(const struct daemon_def *dd);
static int daemon_wait_gone(const struct daemon_def *dd, struct pvx_err *err);

/* Running: its socket accepts a connection, from root or us (a socket of another
 * user's is not ours), and it is not a killed instance that has not finished dying
 * (whose socket still accepts). The probe never blocks: a listener whose queue is
 * full (busy, or the caller itself) is running. */
static int daemon_running(const struct daemon_def *dd)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int fd, rc;

	if (rundir_file(path, sizeof(path), dd->socket) < 0)
		return 0;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return 0;
	rc = peer_connect(fd, path, NULL);
	close(fd);
	return (rc == 0 || rc == -EAGAIN) && !daemon_dying(dd);
}

static pid_t daemon_pid(const struct daemon_def *dd)
{
	char file[64], buf[32];
	ssize_t n;
	int fd;

	snprintf(file, sizeof(file), "%s.pid", dd->name);
	if ((fd = rundir_open(file, O_RDONLY, 0)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return (pid_t)atoi(buf);
}

/* Start it and wait until its socket answers; a daemon that exits first (its log
 * says why) is reported at once. It stays our child: its exit status is reaped
 * here when it fails at start, by init once we have exited otherwise. */
static int daemon_start(const struct daemon_def *dd, struct pvx_err *err)
{
	struct timespec ms = { 0, 2000000 };
	char *const argv[] = { (char *)dd->name, NULL };
	char log[64];
	pid_t pid;
	int rc, status;

	rc = daemon_wait_gone(dd, err);
	if (rc < 0)
		return rc;
	snprintf(log, sizeof(log), "%s.log", dd->name);
	rc = pvstart_spawn(dd->name, argv, log, &pid);
	if (rc == -ELOOP)
		return pvx_fail(err, rc,
				"cannot start %s: %s/%s is a symbolic link (not "
				"followed): remove it",
				dd->name, rundir_path(), log);
	if (rc < 0)
		return pvx_fail(err, rc, "cannot start %s/%s: %s", rundir_bindir(), dd->name,
				strerror(-rc));
	for (int i = 0; i < 5000; i++) {
		if (daemon_running(dd))
			return 0;
		if (waitpid(pid, &status, WNOHANG) == pid)
			return pvx_fail(err, -ECHILD, "%s exited at start; see %s/%s.log",
					dd->name, rundir_path(), dd->name);
		nanosleep(&ms, NULL);
	}
	return pvx_fail(err, -ETIMEDOUT, "%s did not start in %s; see %s/%s.log", dd->name,
			rundir_path(), rundir_path(), dd->name);
}

/* The run directory checked (rundir.h) and daemons.lock held: its fd, or -errno
 * with the reason in err. */
static int daemons_lock(struct pvx_err *err)
{
	int fd = rundir_ensure();

	if (fd < 0)
		return pvx_fail(err, fd, "%s", rundir_problem(fd));
	fd = rundir_open("daemons.lock", O_RDWR | O_CREAT, 0600);
	if (fd < 0)
		return pvx_fail(err, fd, "cannot open %s/daemons.lock: %s%s", rundir_path(),
				strerror(-fd),
				fd == -ELOOP ? " (a symbolic link: remove it)" : "");
	if (flock(fd, LOCK_EX) < 0) {
		int rc = -errno;

		close(fd);
		return pvx_fail(err, rc, "cannot lock %s/daemons.lock: %s", rundir_path(),
				strerror(-rc));
	}
	return fd;
}

static int daemon_is(pid_t pid, const struct daemon_def *dd);
static int process_dying(pid_t pid);

/* Running, looked at cheaply: its main thread's state (/proc/PID/stat would walk
 * every thread of the process: pvisor has one per domain) is not a zombie's, and no
 * SIGKILL waits for it. */
static int daemon_alive(pid_t pid)
{
	char file[48], buf[256], *p;

	if (kill(pid, 0) < 0)
		return 0;
	snprintf(file, sizeof(file), "task/%d/stat", (int)pid);
	if (pvstart_proc_read(pid, file, buf, sizeof(buf)) < 0)
		return 0;
	p = strrchr(buf, ')'); /* the state follows the command name */
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X' && !process_dying(pid);
}

/* The fast path's look: every daemon's pid file names a live process of that name.
 * Unlike a connection to its socket this wakes no daemon (six of them, each
 * scheduled just when `pvx create` needs the CPUs); anything unexpected sends
 * the caller down the careful path (sockets, under the lock). */
static int daemons_all_alive(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(daemons); i++) {
		pid_t pid = daemon_pid(&daemons[i]);

		if (pid <= 0 && !daemon_wanted(&daemons[i]))
			continue; /* not built or not enabled: nothing to start either */
		if (pid <= 0 || !daemon_is(pid, &daemons[i]) || !daemon_alive(pid))
			return 0;
	}
	return 1;
}

int pvstart_daemons_ensure(struct pvx_err *err)
{
	int lock, rc = 0;

	if (daemons_all_alive())
		return 0; /* fast path: every daemon runs */
	lock = daemons_lock(err);
	if (lock < 0)
		return lock;
	for (size_t i = 0; i < ARRAY_SIZE(daemons) && rc == 0; i++) {
		const struct daemon_def *dd = &daemons[i];

		if (!daemon_wanted(dd)) {
			if (dd->required)
				rc = pvx_fail(err, -ENOENT, "%s/%s is missing; run 'make' first",
					      rundir_bindir(), dd->name);
			continue;
		}
		if (!daemon_running(dd))
			rc = daemon_start(dd, err);
	}
	close(lock);
	return rc;
}

/* A pid file can outlive its daemon and its pid be reused: only signal a process
 * that still is that daemon. */
static int daemon_is(pid_t pid, const struct daemon_def *dd)
{
	char comm[32];

	if (pvstart_proc_read(pid, "comm", comm, sizeof(comm)) < 0)
		return 0;
	comm[strcspn(comm, "\n")] = '\0';
	return strncmp(comm, dd->name, 15) == 0; /* comm holds 15 characters */
}

static int status_mask_has(const char *status, const char *field, int sig)
{
	const char *p = strstr(status, field);
	unsigned long long mask;

	return p && sscanf(p + strlen(field), "%llx", &mask) == 1 && (mask & (1ull << (sig - 1)));
}

/* Sent SIGKILL and not yet torn down: the kernel finishes a killed process only once it
 * runs again (seconds on a loaded host, or after the fsync it sits in), and until then
 * its listening socket still accepts connections. */
static int process_dying(pid_t pid)
{
	char buf[4096];

	if (pvstart_proc_read(pid, "status", buf, sizeof(buf)) < 0)
		return 0;
	return status_mask_has(buf, "\nSigPnd:", SIGKILL) ||
	       status_mask_has(buf, "\nShdPnd:", SIGKILL);
}

/* The daemon's pid, when its pid file names a live instance that is being killed. */
static pid_t daemon_dying(const struct daemon_def *dd)
{
	pid_t pid = daemon_pid(dd);

	return pid > 0 && daemon_is(pid, dd) && process_dying(pid) ? pid : 0;
}

/* Wait for a killed instance to be gone before starting the next one: its socket must
 * not answer for the new daemon, nor make the new one think the socket is taken. */
static int daemon_wait_gone(const struct daemon_def *dd, struct pvx_err *err)
{
	struct timespec ms = { 0, 5000000 };
	pid_t pid = daemon_dying(dd);

	for (int i = 0; pid > 0 && i < 6000; i++) {
		if (!pvstart_process_alive(pid))
			return 0;
		nanosleep(&ms, NULL);
	}
	if (pid <= 0)
		return 0;
	return pvx_fail(err, -ETIMEDOUT, "%s (pid %d) was killed but has not exited in 30 s",
			dd->name, (int)pid);
}

static int daemon_stop(const struct daemon_def *dd)
{
	struct timespec ms = { 0, 5000000 };
	pid_t pid = daemon_pid(dd);

	if (pid <= 0 || !daemon_is(pid, dd) || kill(pid, SIGTERM) < 0)
		return 0;
	for (int i = 0; i < 2000; i++) {
		if (!pvstart_process_alive(pid))
			return 0;
		nanosleep(&ms, NULL);
	}
	kill(pid, SIGKILL);
	return -ETIMEDOUT;
}

int pvstart_daemon_stop(const char *name, struct pvx_err *err)
{
	int lock, rc;

	for (size_t i = 0; i < ARRAY_SIZE(daemons); i++) {
		if (strcmp(daemons[i].name, name) != 0)
			continue;
		lock = daemons_lock(err);
		if (lock < 0)
			return lock;
		rc = daemon_stop(&daemons[i]);
		close(lock);
		return rc < 0 ? pvx_fail(err, rc, "%s did not stop on SIGTERM: killed", name) : 0;
	}
	return pvx_fail(err, -ENOENT, "%s: no such daemon", name);
}

int pvstart_daemons_stop(struct pvx_err *err)
{
	int lock = daemons_lock(err), rc = 0;

	if (lock < 0)
		return lock;
	for (size_t i = ARRAY_SIZE(daemons); i-- > 0;)
		if (daemon_stop(&daemons[i]) < 0)
			rc = pvx_fail(err, -ETIMEDOUT, "%s did not stop on SIGTERM: killed",
				      daemons[i].name);
	pvstart_serve_stop_all(); /* the domains they served are gone with pvisor */
	close(lock);
	return rc;
}

int pvstart_daemons_status(struct pvstart_daemon_status *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(daemons) && n < max; i++, n++) {
		out[n].name = daemons[i].name;
		out[n].installed = daemon_installed(&daemons[i]);
		out[n].enabled = daemon_enabled(&daemons[i]);
		out[n].running = daemon_running(&daemons[i]);
		out[n].pid = out[n].running ? daemon_pid(&daemons[i]) : 0;
	}
	return (int)n;
}

/* Nothing listens at the socket: the daemons are not running (yet). */
static int nobody_listens(int rc)
{
	return rc == -ENOENT || rc == -ECONNREFUSED;
}

int pvstart_connect(struct pvctrl **h, struct pvx_err *err)
{
	int rc = pvctrl_open(h);

	/* Usually the hypervisor answers: one connection, no probe. */
	if (nobody_listens(rc)) {
		rc = pvstart_daemons_ensure(err);
		if (rc < 0)
			return rc;
		rc = pvctrl_open(h);
	}
	if (rc == -EPERM)
		return pvx_fail(err, rc,
				"%s/%s is served by another user's process (neither "
				"root nor you): not talking to it; remove it, or use a run "
				"directory of your own",
				rundir_path(), PV_PRIVCMD_SOCKET);
	if (rc < 0)
		return pvx_fail(err, rc, "cannot reach pvisor in %s: %s", rundir_path(),
				strerror(-rc));
	return 0;
}

int pvstart_store_open(struct xs_handle **xs, struct pvx_err *err)
{
	int rc = xs_open(xs);

	if (rc == 0)
		return 0;
	if (nobody_listens(rc) && (rc = pvstart_daemons_ensure(err)) < 0)
		return rc;
	return pvx_store_open(xs, err);
}
