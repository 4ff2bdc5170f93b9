/* Running an outside program to completion for the toolstack (a bootloader, a
 * hotplug script) with a deadline (pvstart.h). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "pvstart/pvstart.h"

#define RUN_TICK_NS 10000000L

/* Wait for pid until deadline_ns (CLOCK_MONOTONIC); *status as waitpid's. */
static int run_wait(pid_t pid, uint64_t deadline_ns, int *status)
{
	const struct timespec tick = { 0, RUN_TICK_NS };
	struct timespec now;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((uint64_t)now.tv_sec * 1000000000ull + now.tv_nsec >= deadline_ns)
			return -ETIMEDOUT;
		nanosleep(&tick, NULL);
	}
}

int pvstart_run(const char *path, char *const argv[], char *const envp[], const char *logname,
		int timeout_s, struct pvx_err *err)
{
	struct timespec now;
	pid_t pid;
	int status = 0, rc = pvstart_spawn_path(path, argv, envp, logname, &pid);

	if (rc < 0)
		return pvx_fail(err, rc, "cannot run %s: %s", path, strerror(-rc));
	clock_gettime(CLOCK_MONOTONIC, &now);
	rc = run_wait(pid, (uint64_t)(now.tv_sec + timeout_s) * 1000000000ull + now.tv_nsec,
		      &status);
	if (rc == -ETIMEDOUT) {
		kill(-pid, SIGKILL); /* its own session: the script's children too */
		waitpid(pid, &status, 0);
		return pvx_fail(err, rc, "%s did not finish within %d s (killed)", path,
				timeout_s);
	}
	if (rc < 0)
		return pvx_fail(err, rc, "waiting for %s: %s", path, strerror(-rc));
	if (WIFSIGNALED(status))
		return pvx_fail(err, -EIO, "%s was killed by signal %d", path, WTERMSIG(status));
	if (WEXITSTATUS(status) != 0)
		return pvx_fail(err, -EIO, "%s failed (exit status %d)", path,
				WEXITSTATUS(status));
	return 0;
}
