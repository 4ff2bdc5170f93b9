/* pvstart: starting the processes of a run directory for a front end such as
 * pvx -- the daemons (pvisor, xsd, pvmon the domain monitor, pvconsoled, blkback,
 * netback). It lives outside libpvx, which starts no process: whoever
 * links pvstart decides that daemons come up on demand. Errors come back as
 * libpvx's 0 / -errno plus a struct pvx_err. */
#ifndef PV_PVSTART_H
#define PV_PVSTART_H

#include <stddef.h>
#include <sys/types.h>

#include "libpvctrl/pvctrl.h"
#include "libpvx/pvx_err.h"

struct xs_handle;

/* One daemon of the run directory, in start order. */
struct pvstart_daemon_status {
	const char *name;
	int running;    /* its socket accepts connections */
	pid_t pid;      /* from its pid file, 0 if none */
	int installed;  /* its binary exists */
};

/* Start every installed daemon that is not running, in order, under a lock so
 * that concurrent callers start each one once; each is waited for until its
 * socket answers. Output goes to <rundir>/<name>.log. 0 or -errno. */
int pvstart_daemons_ensure(struct pvx_err *err);
/* Stop them all, last first (SIGTERM, SIGKILL after 10 s). 0 or -errno. */
int pvstart_daemons_stop(struct pvx_err *err);
/* Fill up to max entries; returns how many. */
int pvstart_daemons_status(struct pvstart_daemon_status *out, size_t max);

/* Connect to the hypervisor, starting the daemons first when nothing listens. */
int pvstart_connect(struct pvctrl **h, struct pvx_err *err);
/* Open the store, starting the daemons first when nothing listens. */
int pvstart_store_open(struct xs_handle **xs, struct pvx_err *err);

/* Start <bindir>/prog with argv in a session of its own: stdin from /dev/null,
 * stdout and stderr appended to <rundir>/logname, no other descriptor. The
 * child is not waited for here. 0 with *pid set, or -errno. */
int pvstart_spawn(const char *prog, char *const argv[], const char *logname, pid_t *pid);

#endif
