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

int pvmon_dom_load(struct pvmon_dom *d, pv_domid_t domid)
{
	struct pvx_err err = { 0 };
	struct cfg_file *cf = NULL;
	char *source = NULL;
	int rc = -ENOENT;

	memset(d, 0, sizeof(*d));
	d->domid = domid;
	snprintf(d->name, sizeof(d->name), "dom%u", domid);
	d->text = pvx_domain_saved_config(domid);
	if (d->text && !(source = pvx_saved_source(d->text)))
		rc = pvx_fail(&err, -EINVAL, "its saved config does not say where it came from");
	else if (d->text)
		rc = cfg_parse_buffer(source, d->text, strlen(d->text), &cf, &err);
	free(source);
	if (rc == 0)
		rc = domcfg_from_cfg(cf, &d->dc, NULL, NULL, &err);
	cfg_free(cf);
	if (rc < 0) {
		if (d->text)
			log_warnx("dom%u: %s: restart actions will not be carried out", domid,
				  pvx_err_text(&err, rc));
		else /* not created by pvx create: cleaned up after, nothing more */
			log_info("dom%u: no saved config: cleaned up after when it goes", domid);
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
	case PV_SHUTDOWN_poweroff:
		return e->on_poweroff;
	case PV_SHUTDOWN_reboot:
		return e->on_reboot;
	case PV_SHUTDOWN_crash:
		return e->on_crash;
	case PV_SHUTDOWN_watchdog:
		return e->on_watchdog;
	default:
		return PV_ACTION_PRESERVE;
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

	if (pvmon_dom_load(&fresh, d->domid) == 0) {
		memcpy(fresh.restarts, d->restarts, sizeof(fresh.restarts));
		fresh.held = d->held;
		pvmon_dom_fini(d);
		*d = fresh;
	}
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

int pvmon_dom_check(struct pvmon_dom *d, struct pvctrl *h, const struct pv_privcmd_domext *e)
{
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
			  "it is kept for inspection (pvx destroy it)",
			  d->domid, d->name, PVMON_RESTART_BURST, PVMON_RESTART_WINDOW_S);
		d->held = 1;
		return 1;
	}
	return dom_restart(d, h, crashed ? "crashed" : "shut down");
}
