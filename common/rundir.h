/* The run directory: where daemons keep sockets, pid files and logs. */
#ifndef PV_COMMON_RUNDIR_H
#define PV_COMMON_RUNDIR_H

#include <stddef.h>
#include <sys/types.h>

/* Resolve the run directory: $PVISOR_RUNDIR, else /run/pvisor for root, else
 * $XDG_RUNTIME_DIR/pvisor, else /tmp/pvisor-<uid>. Returns a static string. */
const char *rundir_path(void);
/* Create the run directory (mode 0700) if missing, and check that it can be
 * trusted: a directory, not a symbolic link, owned by the caller's effective uid,
 * writable by nobody else, under parents owned by root or the caller that others
 * may not rename it in (sticky where they may write). 0 or -errno: -EPERM another
 * owner, -EACCES writable by others, -ELOOP a link, -ENOTDIR, or the failing call's.
 * rundir_problem(rc) says what is wrong and what to do, naming the directory. */
int rundir_ensure(void);
const char *rundir_problem(int rc);
/* Write "<rundir>/<name>" into buf. 0, or -ENAMETOOLONG. */
int rundir_file(char *buf, size_t len, const char *name);
/* Open "<rundir>/<name>" (name may hold subdirectories: "console/x.log") in a
 * trusted run directory, never following a symbolic link on the way; O_NOFOLLOW
 * and O_CLOEXEC are added to flags. The descriptor, or -errno (-ELOOP: a link was
 * in the way; the run directory's own problems as rundir_ensure). */
int rundir_open(const char *name, int flags, mode_t mode);
/* Make "<rundir>/<name>" a directory (0700) if missing; refuse a link, or one of
 * another owner or writable by others (-EPERM). 0 or -errno. */
int rundir_mkdir(const char *name);
/* Replace "<rundir>/<name>" with len bytes of data atomically: written to
 * "<name>.tmp", created exclusively (a stale one, or a link planted there, is
 * removed, never followed), then renamed. 0 or -errno. */
int rundir_write_file(const char *name, const void *data, size_t len);
/* Write this process's pid to "<rundir>/<name>" (rundir_write_file). 0 or -errno. */
int rundir_pidfile_write(const char *name);
/* Listen (non-blocking) on the Unix socket "<rundir>/<name>", replacing a stale
 * socket file but never a live daemon's (-EADDRINUSE). The descriptor, or -errno. */
int rundir_listen(const char *name, int backlog);
/* Remove "<rundir>/<name>" (a pid file or socket at exit); errors are ignored. */
void rundir_unlink(const char *name);

/* Directory holding our own executable (for finding sibling binaries): static. */
const char *rundir_bindir(void);

#endif
