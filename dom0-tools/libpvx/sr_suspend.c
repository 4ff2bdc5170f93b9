/* The suspend handshake of a save, as libxl makes it with a PV guest: write
 * control/shutdown = "suspend", wait until the hypervisor reports the domain shut
 * down with reason suspend (it then quiesces it), and if it does not within the
 * timeout, take the request back -- the guest is left running as it was -- and say
 * whether it acknowledged the request at all. Resume undoes a suspend: the
 * domain runs on with the call returning 1 (cancelled). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/pvx_store.h"
#include "libpvx/sr_suspend.h"
#include "libxs/xs.h"
#include "pvisor/sched.h"
#include "util.h"

#define SR_QUIESCE_MS 10000u /* vCPUs of a suspended domain stop in microseconds */

int sr_domain_info(struct pvctrl *h, pv_domid_t domid, struct pv_privcmd_domext *out)
{
	struct pv_privcmd_domext *e = NULL;
	int n = pvctrl_domext_list(h, &e), rc = -ESRCH;

	for (int i = 0; i < n; i++)
		if (e[i].domid == domid) {
			*out = e[i];
			rc = 0;
		}
	free(e);
	return n < 0 ? n : rc;
}

static const char *sr_reason(uint32_t r)
{
	switch (r) {
	case PV_SHUTDOWN_poweroff:
		return "powered off";
	case PV_SHUTDOWN_reboot:
		return "rebooted";
	case PV_SHUTDOWN_crash:
		return "crashed";
	case PV_SHUTDOWN_watchdog:
		return "was stopped by its watchdog";
	default:
		return "shut down";
	}
}

/* 1 once suspended, 0 while it runs, or an error for any other end. */
static int sr_suspended(struct pvctrl *h, pv_domid_t domid, struct pvx_err *err)
{
	struct pv_privcmd_domext e;
	int rc = sr_domain_info(h, domid, &e);

	if (rc < 0)
		return pvx_fail(err, rc, "the domain went away while it was being suspended");
	if (e.state == PV_DOMSTATE_SHUTDOWN && e.shutdown_reason == PV_SHUTDOWN_suspend)
		return 1;
	if (e.state == PV_DOMSTATE_CRASHED)
		return pvx_fail(err, -EIO, "the domain crashed instead of suspending: %s",
				e.crash_reason);
	if (e.state == PV_DOMSTATE_SHUTDOWN || e.state == PV_DOMSTATE_DYING)
		return pvx_fail(err, -EIO, "the domain %s instead of suspending",
				sr_reason(e.shutdown_reason));
	return 0;
}

/* Wait until the deadline for the domain to suspend: 1, 0 (still running), error. */
static int sr_wait_suspend(struct pvctrl *h, pv_domid_t domid, uint64_t deadline,
			   struct pvx_err *err)
{
	int rc;

	while ((rc = sr_suspended(h, domid, err)) == 0) {
		uint64_t now = util_now_ns();

		if (now >= deadline)
			return 0;
		rc = pvctrl_wait_domain(h, domid, (uint32_t)((deadline - now) / 1000000 + 1));
		if (rc < 0 && rc != -ETIMEDOUT)
			return pvx_fail(err, rc, "waiting for the domain: %s", strerror(-rc));
	}
	return rc;
}

/* Take a request back that the guest never read (as libxl: in a transaction, only
 * if it still says "suspend"): 1 when it was still unread, 0 when acknowledged. */
static int sr_take_back(struct xs_handle *xs, pv_domid_t domid)
{
	char *v;
	int unread;

	v = pvx_xs_read_str(xs, 0, "/local/domain/%u/control/shutdown", domid);
	unread = v && strcmp(v, "suspend") == 0;
	if (unread)
		pvx_xs_write(xs, 0, "", "/local/domain/%u/control/shutdown", domid);
	free(v);
	return unread;
}

int sr_suspend(struct pvctrl *h, struct xs_handle *xs, pv_domid_t domid, uint32_t timeout_ms,
	       struct pvx_err *err)
{
	uint64_t deadline = util_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	int rc = pvx_xs_write(xs, 0, "suspend", "/local/domain/%u/control/shutdown", domid);

	if (rc < 0)
		return pvx_fail(err, rc, "asking the guest to suspend (control/shutdown): %s",
				strerror(-rc));
	rc = sr_wait_suspend(h, domid, deadline, err);
	if (rc == 0 && sr_take_back(xs, domid) == 0)
		rc = sr_wait_suspend(h, domid, util_now_ns() + 1000000000ull,
				     err); /* just now? */
	if (rc == 0)
		return pvx_fail(err, -ETIMEDOUT,
				"the guest did not suspend within %u s (%s); it "
				"was left running as it was",
				timeout_ms / 1000,
				sr_take_back(xs, domid)
					? "it never read the request: no PV "
					  "control interface?"
					: "it read the request but did not suspend: its "
					  "kernel may not support suspend");
	if (rc < 0)
		return rc;
	rc = pvctrl_domain_quiesce(h, domid, SR_QUIESCE_MS);
	if (rc < 0)
		return pvx_fail(err, rc, "the suspended domain's vCPUs did not stop: %s",
				strerror(-rc));
	return 0;
}

int sr_resume(struct pvctrl *h, struct xs_handle *xs, pv_domid_t domid, uint32_t flags)
{
	int rc = pvctrl_sr_resume(h, domid, flags);

	if (rc == 0 && xs)
		xs_resume(xs, domid); /* the store forgets it was shut down */
	return rc;
}
