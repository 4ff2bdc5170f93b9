/* pvmon: the domain monitor of a run directory (what xl leaves one process per
 * domain for). The hypervisor carries out the destroy and preserve actions itself;
 * restart needs the toolstack to build the domain again. pvmon runs as one of the
 * run directory's daemons and serves every domain: it learns each domain from the
 * store's @introduceDomain (watched with depth 1, so the event names it), loads the
 * config `pvx create` saved for it, and on @releaseDomain/<id> looks at that one
 * domain: restarts it when it stopped with a restart action (on_poweroff /
 * on_reboot / on_crash / on_watchdog; at most PVMON_RESTART_BURST times in
 * PVMON_RESTART_WINDOW_S seconds), removes its store entries and saved config when
 * it is gone. Each event costs work for its domain only. */
#ifndef PV_PVMON_H
#define PV_PVMON_H

#include <stddef.h>
#include <time.h>

#include "libpvctrl/pvctrl.h"
#include "libpvx/domcfg.h"

#define PVMON_RESTART_BURST    5            /* restarts ... */
#define PVMON_RESTART_WINDOW_S 10           /* ... within this many seconds: stop restarting */
#define PVMON_SOCKET           "pvmon.sock" /* answers connections: the daemon runs */
#define PVMON_PID              "pvmon.pid"

struct xs_handle;

/* One watched domain. */
struct pvmon_dom {
	pv_domid_t domid;               /* changes at each restart */
	char name[DOMCFG_NAME_MAX + 1]; /* for messages */
	int have_cfg;                   /* dc and text are loaded: it can restart */
	struct domcfg dc;
	char *text;                           /* the saved config, saved again at restart */
	time_t restarts[PVMON_RESTART_BURST]; /* when, newest first */
	int held;                             /* restarted too often: kept for inspection */
};

struct pvmon {
	struct pvctrl *h;
	struct xs_handle *xs;        /* NULL while the store is away */
	struct pvmon_dom **by_domid; /* PV_DOMID_FIRST_RESERVED entries */
	size_t n;                    /* domains watched */
	int epfd, lsock, sigfd;
	uint64_t store_retry_ns; /* when to try the store again (it is away) */
};

/* pvmon.c: the daemon's loop. */
/* Connect to the hypervisor and set up the table. 0 or -errno. */
int pvmon_open(struct pvmon *m);
/* Watch domain domid (nothing if it is watched already), loading the config saved
 * for it; without one the domain is only cleaned up after. 0 or -ENOMEM. */
int pvmon_add(struct pvmon *m, pv_domid_t domid);
/* Serve: lsock (connections are accepted and closed: they only ask whether pvmon
 * runs), sigfd (SIGTERM/SIGINT: return 0), the store's events. -EPIPE once the
 * hypervisor is gone. */
int pvmon_run(struct pvmon *m, int lsock, int sigfd);
/* Free everything m holds. */
void pvmon_close(struct pvmon *m);

/* pvmon_dom.c: one domain. */
/* Load d's saved config (its first line names the file it came from, against
 * which its relative paths resolve). 0, or -errno (d then only gets cleaned up
 * after). */
int pvmon_dom_load(struct pvmon_dom *d, pv_domid_t domid);
/* Act on what the hypervisor says of d (e: its entry, NULL when it is gone): 1
 * while d is still to be watched (its domid may have changed: a restart), 0 once it
 * is gone (cleaned up) or could not be restarted. */
int pvmon_dom_check(struct pvmon_dom *d, struct pvctrl *h, const struct pv_privcmd_domext *e);
void pvmon_dom_fini(struct pvmon_dom *d);

#endif
