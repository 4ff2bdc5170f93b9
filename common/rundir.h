/* The run directory: where daemons keep sockets, pid files and logs. */
#ifndef PV_COMMON_RUNDIR_H
#define PV_COMMON_RUNDIR_H

#include <stddef.h>

/* Resolve the run directory: $PVISOR_RUNDIR, else /run/pvisor for root, else
 * $XDG_RUNTIME_DIR/pvisor, else /tmp/pvisor-<uid>. Returns a static string. */
const char *rundir_path(void);
/* Create the run directory (mode 0700) if missing. 0 or -errno. */
int rundir_ensure(void);
/* Write "<rundir>/<name>" into buf. 0, or -ENAMETOOLONG. */
int rundir_file(char *buf, size_t len, const char *name);
/* Write this process's pid to "<rundir>/<name>" (through a temporary file and a
 * rename, so a reader never sees it half written). 0 or -errno. */
int rundir_pidfile_write(const char *name);
/* Listen (non-blocking) on the Unix socket "<rundir>/<name>", replacing a stale
 * socket file but never a live daemon's (-EADDRINUSE). The descriptor, or -errno. */
int rundir_listen(const char *name, int backlog);
/* Remove "<rundir>/<name>" (a pid file or socket at exit); errors are ignored. */
void rundir_unlink(const char *name);

/* Directory holding our own executable (for finding sibling binaries): static. */
const char *rundir_bindir(void);

#endif
