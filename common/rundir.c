/* The run directory: where daemons keep sockets, pid files and logs. */
#include "rundir.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *rundir_path(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("PVISOR_RUNDIR");

	if (path[0])
		return path;
	if (env && env[0])
		snprintf(path, sizeof(path), "%s", env);
	else if (geteuid() == 0)
		snprintf(path, sizeof(path), "/run/pvisor");
	else if ((env = getenv("XDG_RUNTIME_DIR")) && env[0])
		snprintf(path, sizeof(path), "%s/pvisor", env);
	else
		snprintf(path, sizeof(path), "/tmp/pvisor-%u", (unsigned)geteuid());
	return path;
}

int rundir_ensure(void)
{
	const char *p = rundir_path();

	if (mkdir(p, 0700) == 0 || errno == EEXIST)
		return 0;
	return -errno;
}

int rundir_file(char *buf, size_t len, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", rundir_path(), name);

	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

const char *rundir_bindir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("PVISOR_BINDIR");
	ssize_t n;

	if (dir[0])
		return dir;
	if (env && env[0]) {
		snprintf(dir, sizeof(dir), "%s", env);
		return dir;
	}
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	if (n <= 0) {
		snprintf(dir, sizeof(dir), ".");
		return dir;
	}
	dir[n] = '\0';
	{
		char *d = dirname(dir); /* may point into dir: move it once */

		memmove(dir, d, strlen(d) + 1);
	}
	return dir;
}

int rundir_pidfile_write(const char *name)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;
	int rc = 0;

	if (rundir_file(path, sizeof(path), name) < 0)
		return -ENAMETOOLONG;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	if (fprintf(f, "%d\n", (int)getpid()) < 0)
		rc = -EIO;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	return rc;
}

void rundir_unlink(const char *name)
{
	char path[PATH_MAX];

	if (rundir_file(path, sizeof(path), name) == 0)
		unlink(path);
}
