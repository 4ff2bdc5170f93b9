/* Starting a program of our own bin directory as a detached process (see
 * pvstart.h): posix_spawn, never fork in a library caller's address space. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pvstart/pvstart.h"
#include "pvstart/pvstart_priv.h"
#include "rundir.h"

extern char **environ;

/* Own session (no terminal's signals), default signal dispositions, nothing
 * blocked: the child must not inherit what the caller set up for itself. */
int pvstart_spawn_attrs(posix_spawnattr_t *a)
{
	sigset_t none, all;
	int rc;

	sigemptyset(&none);
	sigfillset(&all);
	rc = posix_spawnattr_init(a);
	if (rc == 0)
		rc = posix_spawnattr_setflags(a, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
							 POSIX_SPAWN_SETSIGDEF);
	if (rc == 0)
		rc = posix_spawnattr_setsigmask(a, &none);
	if (rc == 0)
		rc = posix_spawnattr_setsigdefault(a, &all);
	return -rc;
}

/* stdin /dev/null, stdout and stderr the log (opened by us: never through a link). */
static int spawn_files(posix_spawn_file_actions_t *fa, int log)
{
	int rc = posix_spawn_file_actions_init(fa);

	if (rc == 0)
		rc = posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
	if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(fa, log, 1);
	if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(fa, 1, 2);
	if (rc == 0)
		rc = posix_spawn_file_actions_addclosefrom_np(fa, 3);
	return -rc;
}

/* /proc/PID/FILE as a string in buf; its length, or -1. */
ssize_t pvstart_proc_read(pid_t pid, const char *file, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* Still running? A zombie has exited: an init that reaps late (some container and
 * micro-VM inits do it every few seconds) must not make stop wait for it. */
int pvstart_process_alive(pid_t pid)
{
	char buf[256], *p;

	if (kill(pid, 0) < 0)
		return 0;
	if (pvstart_proc_read(pid, "stat", buf, sizeof(buf)) < 0)
		return 1;
	p = strrchr(buf, ')'); /* the state follows the command name */
	return !(p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}

int pvstart_spawn(const char *prog, char *const argv[], const char *logname, pid_t *pid)
{
	char path[1024];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int rc, log;

	if (snprintf(path, sizeof(path), "%s/%s", rundir_bindir(), prog) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if ((rc = rundir_ensure()) < 0)
		return rc;
	log = rundir_open(logname, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (log < 0)
		return log;
	rc = pvstart_spawn_attrs(&attr);
	if (rc == 0) {
		rc = spawn_files(&fa, log);
		if (rc == 0)
			rc = -posix_spawn(pid, path, &fa, &attr, argv, environ);
		posix_spawn_file_actions_destroy(&fa);
	}
	posix_spawnattr_destroy(&attr);
	close(log);
	return rc;
}
