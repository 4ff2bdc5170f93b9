/* The run directory: where daemons keep sockets, pid files and logs. It is trusted
 * only when no other user could have put anything there: a directory (not a link)
 * owned by us, writable by nobody else, under parents owned by root or us that no
 * one else may rename it in (sticky where others may write, as /tmp). Files in it
 * are opened without following any symbolic link, temporaries exclusively. */
#include "rundir.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"

/* What the last failed check found, in words (rundir_problem). */
static __thread char problem[PATH_MAX + 256];

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

static __attribute__((format(printf, 2, 3))) int say(int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(problem, sizeof(problem), fmt, ap);
	va_end(ap);
	return rc;
}

/* The run directory itself, open (O_PATH): ours alone, or -errno with a problem. */
static int rundir_check_fd(int fd, const char *path)
{
	struct stat st;
	uid_t me = geteuid();

	if (fstat(fd, &st) < 0)
		return say(-errno, "run directory %s: cannot stat it: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return say(-ENOTDIR, "run directory %s is not a directory", path);
	if (st.st_uid != me)
		return say(-EPERM,
			   "run directory %s is owned by uid %lu, not by you (uid %lu): "
			   "another user may have made it to catch your daemons' sockets and "
			   "files; remove it, or set PVISOR_RUNDIR to a directory of your own",
			   path, (unsigned long)st.st_uid, (unsigned long)me);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return say(-EACCES,
			   "run directory %s is writable by others (mode %04lo): "
			   "chmod 0700 it, or set PVISOR_RUNDIR to a directory of your own",
			   path, (unsigned long)(st.st_mode & 07777));
	return 0;
}

/* Every parent of path: owned by root or us, and if others may write to it, sticky
 * (else they could rename our directory away and put theirs in its place). */
static int rundir_check_parents(const char *path)
{
	char buf[PATH_MAX], *slash;
	struct stat st;

	snprintf(buf, sizeof(buf), "%s", path);
	while ((slash = strrchr(buf, '/')) != NULL) {
		if (slash == buf)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(buf, &st) < 0) {
			int err = -errno;

			return say(err, "run directory %s: cannot check its parent %s: %s", path,
				   buf, strerror(-err));
		}
		if (st.st_uid != 0 && st.st_uid != geteuid())
			return say(-EPERM,
				   "run directory %s: a parent directory is owned by uid "
				   "%lu, neither root nor you: set PVISOR_RUNDIR elsewhere",
				   path, (unsigned long)st.st_uid);
		if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
			return say(-EACCES,
				   "run directory %s: a parent directory is writable by "
				   "others without the sticky bit (mode %04lo): set PVISOR_RUNDIR "
				   "elsewhere",
				   path, (unsigned long)(st.st_mode & 07777));
		if (strcmp(buf, "/") == 0)
			break;
	}
	return 0;
}

/* The run directory, opened O_PATH without following a link, and checked. */
static int rundir_open_dir(void)
{
	const char *p = rundir_path();
	int fd, rc;

	problem[0] = '\0';
	fd = open(p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		struct stat st;

		if (errno == ENOTDIR && lstat(p, &st) == 0 && S_ISLNK(st.st_mode))
			return say(-ELOOP,
				   "run directory %s is a symbolic link: remove it, or set "
				   "PVISOR_RUNDIR to a directory of your own",
				   p);
		return say(-errno, "run directory %s: cannot open it: %s", p, strerror(errno));
	}
	if ((rc = rundir_check_fd(fd, p)) < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

int rundir_ensure(void)
{
	const char *p = rundir_path();
	int fd, rc;

	problem[0] = '\0';
	if (p[0] != '/')
		return say(-EINVAL, "run directory %s is not an absolute path", p);
	if ((rc = rundir_check_parents(p)) < 0)
		return rc;
	if (mkdir(p, 0700) < 0 && errno != EEXIST)
		return say(-errno, "cannot create run directory %s: %s", p, strerror(errno));
	fd = rundir_open_dir();
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

const char *rundir_problem(int rc)
{
	static __thread char other[PATH_MAX + 64];

	if (problem[0])
		return problem;
	snprintf(other, sizeof(other), "run directory %s: %s", rundir_path(), strerror(-rc));
	return other;
}

int rundir_file(char *buf, size_t len, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", rundir_path(), name);

	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

/* openat2 refusing every symbolic link on the way and anything outside dir; older
 * kernels: one level of subdirectory, each opened O_NOFOLLOW. */
static int open_beneath(int dir, const char *name, int flags, mode_t mode)
{
	struct open_how how = { .flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
				.mode = (flags & O_CREAT) ? mode : 0,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH |
					   RESOLVE_NO_MAGICLINKS };
	const char *slash;
	int fd, sub;

	fd = (int)syscall(SYS_openat2, dir, name, &how, sizeof(how));
	if (fd >= 0 || errno != ENOSYS)
		return fd < 0 ? -errno : fd;
	slash = strchr(name, '/');
	if (!slash)
		return (fd = openat(dir, name, (int)how.flags, how.mode)) < 0 ? -errno : fd;
	{
		char part[NAME_MAX + 1];

		if ((size_t)(slash - name) > NAME_MAX || strchr(slash + 1, '/'))
			return -EINVAL;
		memcpy(part, name, (size_t)(slash - name));
		part[slash - name] = '\0';
		sub = openat(dir, part, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			return -errno;
		fd = openat(sub, slash + 1, (int)how.flags, how.mode);
		fd = fd < 0 ? -errno : fd;
		close(sub);
		return fd;
	}
}

int rundir_open(const char *name, int flags, mode_t mode)
{
	int dir = rundir_open_dir(), fd;

	if (dir < 0)
		return dir;
	fd = open_beneath(dir, name, flags, mode);
	close(dir);
	return fd;
}

int rundir_mkdir(const char *name)
{
	int dir = rundir_open_dir(), fd, rc = 0;
	struct stat st;

	if (dir < 0)
		return dir;
	if (mkdirat(dir, name, 0700) < 0 && errno != EEXIST)
		rc = -errno;
	if (rc == 0 && (fd = open_beneath(dir, name, O_PATH | O_DIRECTORY, 0)) < 0)
		rc = fd;
	else if (rc == 0) {
		if (fstat(fd, &st) < 0)
			rc = -errno;
		else if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
			rc = -EPERM;
		close(fd);
	}
	close(dir);
	return rc;
}

/* name + ".tmp": created exclusively (a stale one, or a link planted there, is
 * removed first, never followed), filled, then renamed over name. */
int rundir_write_file(const char *name, const void *data, size_t len)
{
	char tmp[PATH_MAX];
	int dir, fd, rc;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", name) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	if ((dir = rundir_open_dir()) < 0)
		return dir;
	fd = open_beneath(dir, tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd == -EEXIST && unlinkat(dir, tmp, 0) == 0)
		fd = open_beneath(dir, tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		close(dir);
		return fd;
	}
	rc = util_write_full(fd, data, len);
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && renameat(dir, tmp, dir, name) < 0)
		rc = -errno;
	if (rc < 0)
		unlinkat(dir, tmp, 0);
	close(dir);
	return rc;
}

int rundir_pidfile_write(const char *name)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	return rundir_write_file(name, buf, (size_t)n);
}

void rundir_unlink(const char *name)
{
	char path[PATH_MAX];

	if (rundir_file(path, sizeof(path), name) == 0)
		unlink(path);
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
