/* pvstart: starting the processes of a run directory for a front end such as
 * pvx -- the daemons (pvisor, xsd, pvconsoled, blkback, netback) and the domain
 * monitor (pvmon). It lives outside libpvx, which starts no process: whoever
 * links pvstart decides that daemons come up on demand. Errors come back as
 * libpvx's 0 / -errno plus a struct pvx_err. */
#ifndef PV_PVSTART_H
#define PV_PVSTART_H

#include <stddef.h>
#include <sys/types.h>

#include "libpvctrl/pvctrl.h"
#include "libpvx/pvx_err.h"

struct xs_handle;

/* One daemon of the run directory, in start order. pvxweb is enabled (started
 * with the others) only while $RUNDIR/pvxweb.conf exists: pvx web writes it. */
struct pvstart_daemon_status {
	const char *name;
	int running;    /* its socket accepts connections */
	pid_t pid;      /* from its pid file, 0 if none */
	int installed;  /* its binary exists */
	int enabled;    /* 0 for an optional daemon that is not enabled (pvxweb) */
};

/* Start every installed daemon that is not running, in order, under a lock so
 * that concurrent callers start each one once; each is waited for until its
 * socket answers. Output goes to <rundir>/<name>.log. 0 or -errno. */
int pvstart_daemons_ensure(struct pvx_err *err);
/* Stop them all, last first (SIGTERM, SIGKILL after 10 s). 0 or -errno. */
int pvstart_daemons_stop(struct pvx_err *err);
/* Stop one by name, the same way. 0 (also when it did not run) or -errno. */
int pvstart_daemon_stop(const char *name, struct pvx_err *err);
/* Fill up to max entries; returns how many. */
int pvstart_daemons_status(struct pvstart_daemon_status *out, size_t max);

/* Connect to the hypervisor, starting the daemons first when nothing listens. */
int pvstart_connect(struct pvctrl **h, struct pvx_err *err);
/* Open the store, starting the daemons first when nothing listens. */
int pvstart_store_open(struct xs_handle **xs, struct pvx_err *err);

/* Start the monitor of domain domid (the program pvmon, detached, log
 * <rundir>/pvmon.log): it carries out the domain's restart actions from its
 * saved config and cleans up after it (see dom0-tools/pvmon/pvmon.h).
 * config_name: the config file's path, absolute, which relative paths in the
 * config are resolved against. 0 or -errno. */
int pvstart_monitor(pv_domid_t domid, const char *config_name, struct pvx_err *err);

/* Start <bindir>/prog with argv in a session of its own: stdin from /dev/null,
 * stdout and stderr appended to <rundir>/logname, no other descriptor. The
 * child is not waited for here. 0 with *pid set, or -errno. */
int pvstart_spawn(const char *prog, char *const argv[], const char *logname, pid_t *pid);

#endif
