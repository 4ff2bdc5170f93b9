/* POST /domains/DOM/{pause,unpause,destroy,shutdown,reboot}: the lifecycle
 * actions, as the pvx verbs of the same names do them (without -w: the reply
 * comes at once and the events stream shows the domain stopping). Save and
 * restore are in api_sr.c, migrate in api_migrate.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api_dom.h"
#include "libpvx/pvx.h"
#include "pvisor/sched.h"
#include "pvxweb.h"
#include "sampler.h"

static const char *const no_keys[] = { NULL };
static const char *const force_keys[] = { "force", NULL };

static void action_reply(struct api_call *c, pv_domid_t domid, const char *action,
			 const char *result)
{
	yajl_gen_map_open(c->g);
	json_kint(c->g, "domid", domid);
	json_kstr(c->g, "action", action);
	json_kstr(c->g, "result", result);
	yajl_gen_map_close(c->g);
	sampler_kick(c->w->smp); /* the events stream shows the change at once */
}

/* The verbs that are one hypervisor call on the domain. */
static void action_simple(struct api_call *c, const char *verb,
			  int (*op)(struct pvctrl *pc, pv_domid_t domid))
{
	struct pvctrl *pc;
	pv_domid_t domid;
	int rc;

	if (api_body_keys(c, no_keys) < 0 || api_domain_arg(c, &pc, &domid) < 0)
		return;
	rc = op(pc, domid);
	if (rc < 0) {
		api_fail_op(c, verb, rc, NULL);
		return;
	}
	action_reply(c, domid, verb, "done");
}

void api_domain_pause(struct api_call *c)
{
	action_simple(c, "pause", pvctrl_domain_pause);
}

void api_domain_unpause(struct api_call *c)
{
	action_simple(c, "unpause", pvctrl_domain_unpause);
}

static int destroy_op(struct pvctrl *pc, pv_domid_t domid)
{
	int rc = pvctrl_domain_destroy(pc, domid);

	if (rc == 0)
		pvx_domain_forget(domid);
	return rc;
}

void api_domain_destroy(struct api_call *c)
{
	action_simple(c, "destroy", destroy_op);
}

/* Through control/shutdown as xl does; "force": the hypervisor stops a guest
 * that has no PV control interface. */
static void action_shutdown(struct api_call *c, const char *verb, const char *what,
			    unsigned reason)
{
	struct pvx_err err = { 0 };
	struct xs_handle *xs;
	struct pvctrl *pc;
	pv_domid_t domid;
	int force, rc;

	if (api_body_keys(c, force_keys) < 0 || api_body_bool(c, "force", &force) < 0 ||
	    api_domain_arg(c, &pc, &domid) < 0)
		return;
	xs = web_store(c->w, err.msg, sizeof(err.msg));
	rc = xs ? pvx_domain_request_shutdown(xs, domid, what, &err) : -ENOTCONN;
	if (rc == 0) {
		action_reply(c, domid, verb, "requested");
		return;
	}
	if (rc == -EOPNOTSUPP && !force)
		snprintf(err.msg, sizeof(err.msg),
			 "the guest has no PV control interface for %s "
			 "(its kernel did not write control/feature-%s); send {\"force\": true} to "
			 "make the hypervisor stop it",
			 what, what);
	if (rc != -EOPNOTSUPP || !force) {
		if (rc != -EOPNOTSUPP && rc != -ESRCH && rc != -ENOTCONN)
			web_store_reset(c->w); /* a broken store connection is opened again */
		api_fail_op(c, verb, rc, pvx_err_text(&err, rc));
		return;
	}
	rc = pvctrl_domain_shutdown(pc, domid, reason);
	if (rc < 0)
		api_fail_op(c, verb, rc, NULL);
	else
		action_reply(c, domid, verb, "forced");
}

void api_domain_shutdown(struct api_call *c)
{
	action_shutdown(c, "shutdown", "poweroff", PV_SHUTDOWN_poweroff);
}

void api_domain_reboot(struct api_call *c)
{
	action_shutdown(c, "reboot", "reboot", PV_SHUTDOWN_reboot);
}
