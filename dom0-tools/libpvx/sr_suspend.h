/* The suspend handshake of a save (sr_suspend.c). */
#ifndef PV_LIBPVX_SR_SUSPEND_H
#define PV_LIBPVX_SR_SUSPEND_H

#include "libpvx/pvx.h"

struct xs_handle;

/* Ask the guest to suspend and wait up to timeout_ms; then its vCPUs are stopped.
 * -ETIMEDOUT (the request taken back, the guest left running), -EIO (it shut down
 * or crashed instead), or another -errno; err says which. */
int sr_suspend(struct pvctrl *h, struct xs_handle *xs, pv_domid_t domid, uint32_t timeout_ms,
	       struct pvx_err *err);
/* A suspended domain runs on (flags PV_SR_RESUME_*), and the store hears of it. */
int sr_resume(struct pvctrl *h, struct xs_handle *xs, pv_domid_t domid, uint32_t flags);
/* The hypervisor's record of one domain. 0, -ESRCH or -errno. */
int sr_domain_info(struct pvctrl *h, pv_domid_t domid, struct pv_privcmd_domext *out);

#endif
