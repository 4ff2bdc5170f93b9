/* pvmon: the domain monitor (xl's per-domain "xl" process). The hypervisor
 * carries out the destroy and preserve actions itself; restart needs the
 * toolstack to build the domain again. pvmon watches @releaseDomain, restarts a
 * domain that stopped with a restart action (on_poweroff / on_reboot / on_crash
 * / on_watchdog) from the config that `pvx create` saved for it (at most
 * PVMON_RESTART_BURST times in PVMON_RESTART_WINDOW_S seconds), and removes a
 * gone domain's store entries and saved config.
 *
 * One loop serves a table of domains; `pvx create` starts one pvmon per domain
 * today, so that the table holds one entry. */
#ifndef PV_PVMON_H
#define PV_PVMON_H

#include <stddef.h>
#include <time.h>

#include "libpvctrl/pvctrl.h"
#include "libpvx/domcfg.h"

#define PVMON_RESTART_BURST 5     /* restarts ... */
#define PVMON_RESTART_WINDOW_S 10 /* ... within this many seconds: stop restarting */

struct xs_handle;

/* One watched domain. */
struct pvmon_dom {
	pv_domid_t domid;                  /* changes at each restart */
	char name[DOMCFG_NAME_MAX + 1];    /* for messages */
	int have_cfg;                      /* dc and text are loaded: it can restart */
	struct domcfg dc;
	char *text;                        /* the saved config, saved again at restart */
	time_t restarts[PVMON_RESTART_BURST]; /* when, newest first */
	int held;                          /* restarted too often: kept for inspection */
};

struct pvmon {
	struct pvctrl *h;
	struct xs_handle *xs;    /* NULL while the store is away */
	struct pvmon_dom *doms;
	size_t n, cap;
};

/* pvmon.c: the loop. */
/* Connect to the hypervisor. 0 or -errno. */
int pvmon_open(struct pvmon *m);
/* Watch domain domid, loading its saved config (parsed as config_name, the
 * original file's absolute path, for relative paths). Without a saved config
 * the domain is only cleaned up after. 0 or -ENOMEM. */
int pvmon_add(struct pvmon *m, pv_domid_t domid, const char *config_name);
/* Serve until no domain is left (0) or the hypervisor is gone (-EPIPE). */
int pvmon_run(struct pvmon *m);
/* Free everything m holds. */
void pvmon_close(struct pvmon *m);

/* pvmon_dom.c: one domain. */
/* Load d's saved config. 0, or -errno (d then only gets cleaned up after). */
int pvmon_dom_load(struct pvmon_dom *d, pv_domid_t domid, const char *config_name);
/* Act on the hypervisor's list of domains (n entries): 1 while d is still to
 * be watched, 0 once it is gone (cleaned up) or could not be restarted. */
int pvmon_dom_check(struct pvmon_dom *d, struct pvctrl *h,
		    const struct pv_privcmd_domext *list, int n);
void pvmon_dom_fini(struct pvmon_dom *d);

#endif
