/* One domain under the monitor (pvmon.h): its saved config, how it stopped, and
 * the restart the hypervisor leaves to the toolstack. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libpvx/pvx.h"
#include "log.h"
#include "pvisor/sched.h"
#include "pvmon/pvmon.h"
#include "pvstart/pvstart.h"

int pvmon_dom_load(struct pvmon_dom *d, pv_domid_t domid, const char *config_name)
{
	struct pvx_err err = { 0 };
	struct cfg_file *cf = NULL;
	int rc = -ENOENT;

	memset(d, 0, sizeof(*d));
	d->domid = domid;
	snprintf(d->name, sizeof(d->name), "dom%u", domid);
	d->text = pvx_domain_saved_config(domid);
	if (d->text)
		rc = cfg_parse_buffer(config_name, d->text, strlen(d->text), &cf, &err);
	if (rc == 0)
		rc = domcfg_from_cfg(cf, &d->dc, NULL, NULL, &err);
	cfg_free(cf);
	if (rc < 0) {
		log_warnx("dom%u: %s: restart actions will not be carried out", domid,
			  d->text ? pvx_err_text(&err, rc) : "no saved config");
		free(d->text);
		d->text = NULL;
		return rc;
	}
	d->have_cfg = 1;
	snprintf(d->name, sizeof(d->name), "%s", d->dc.name);
	return 0;
}

void pvmon_dom_fini(struct pvmon_dom *d)
{
	if (d->have_cfg)
		domcfg_fini(&d->dc);
	free(d->text);
	memset(d, 0, sizeof(*d));
}

/* The action the hypervisor recorded for how the domain stopped. */
static unsigned dom_action(const struct pv_privcmd_domext *e)
{
	if (e->state == PV_DOMSTATE_CRASHED)
		return e->on_crash;
	switch (e->shutdown_reason) {
	case PV_SHUTDOWN_poweroff: return e->on_poweroff;
	case PV_SHUTDOWN_reboot: return e->on_reboot;
	case PV_SHUTDOWN_crash: return e->on_crash;
	case PV_SHUTDOWN_watchdog: return e->on_watchdog;
	default: return PV_ACTION_PRESERVE;
	}
}

/* Too many restarts in a short time: the guest is failing at boot. */
static int dom_restart_allowed(struct pvmon_dom *d)
{
	time_t now = time(NULL), oldest = d->restarts[PVMON_RESTART_BURST - 1];

	if (oldest && now - oldest < PVMON_RESTART_WINDOW_S)
		return 0;
	memmove(d->restarts + 1, d->restarts, (PVMON_RESTART_BURST - 1) * sizeof(d->restarts[0]));
	d->restarts[0] = now;
	return 1;
}

/* The saved config again: pvx config-update or pvx rename may have replaced it
 * since the monitor read it. One that no longer parses leaves the old one. */
static void dom_reload(struct pvmon_dom *d)
{
	struct pvmon_dom fresh;
	char *config_name = strdup(d->dc.config_file ? d->dc.config_file : "saved config");

	if (config_name && pvmon_dom_load(&fresh, d->domid, config_name) == 0) {
		memcpy(fresh.restarts, d->restarts, sizeof(fresh.restarts));
		pvmon_dom_fini(d);
		*d = fresh;
	}
	free(config_name);
}

/* Destroy the stopped domain and create it again from its config: same name and
 * uuid, a new id. 1 when it runs again, 0 when it could not be. */
static int dom_restart(struct pvmon_dom *d, struct pvctrl *h, const char *why)
{
	struct pvx_err err = { 0 };
	pv_domid_t old = d->domid;
	int rc;

	dom_reload(d);
	log_info("dom%u (%s): %s: restarting it", old, d->name, why);
	pvctrl_domain_destroy(h, old);
	pvstart_domain_forget(old);
	rc = pvstart_domain_create(h, &d->dc, 0, d->text, &d->domid, &err);
	if (rc < 0) {
		log_warnx("dom%u (%s): restarting failed: %s", old, d->name,
			  pvx_err_text(&err, rc));
		return 0;
	}
	log_info("dom%u (%s): restarted as dom%u", old, d->name, d->domid);
	return 1;
}

static const struct pv_privcmd_domext *dom_find(const struct pv_privcmd_domext *list, int n,
						pv_domid_t domid)
{
	for (int i = 0; i < n; i++)
		if (list[i].domid == domid)
			return &list[i];
	return NULL;
}

int pvmon_dom_check(struct pvmon_dom *d, struct pvctrl *h,
		    const struct pv_privcmd_domext *list, int n)
{
	const struct pv_privcmd_domext *e = dom_find(list, n, d->domid);
	int crashed;

	if (!e || e->state == PV_DOMSTATE_DYING) {
		log_info("dom%u (%s): gone; its store entries are removed", d->domid, d->name);
		pvstart_domain_forget(d->domid);
		return 0;
	}
	crashed = e->state == PV_DOMSTATE_CRASHED;
	if (e->state != PV_DOMSTATE_SHUTDOWN && !crashed)
		return 1;
	if (dom_action(e) != PV_ACTION_RESTART || !d->have_cfg || d->held)
		return 1; /* destroy: the hypervisor does it; preserve: it stays */
	if (!dom_restart_allowed(d)) {
		log_warnx("dom%u (%s): restarted %d times within %d s: not restarting it again; "
			  "it is kept for inspection (pvx destroy it)", d->domid, d->name,
			  PVMON_RESTART_BURST, PVMON_RESTART_WINDOW_S);
		d->held = 1;
		return 1;
	}
	return dom_restart(d, h, crashed ? "crashed" : "shut down");
}
