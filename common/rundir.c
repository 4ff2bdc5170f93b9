/* The run directory: where daemons keep sockets, pid files and logs. */
#include "rundir.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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

/* Someone accepts connections on the socket at path. */
static int rundir_sock_live(const struct sockaddr_un *sa)
{
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int live = probe >= 0 && connect(probe, (const struct sockaddr *)sa, sizeof(*sa)) == 0;

	if (probe >= 0)
		close(probe);
	return live;
}

int rundir_listen(const char *name, int backlog)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	if (rundir_file(sa.sun_path, sizeof(sa.sun_path), name) < 0)
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EADDRINUSE)
			goto fail;
		if (rundir_sock_live(&sa)) {
			close(fd);
			return -EADDRINUSE;
		}
		unlink(sa.sun_path); /* stale: its daemon is gone */
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			goto fail;
	}
	if (listen(fd, backlog) < 0)
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}
