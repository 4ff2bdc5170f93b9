/* Helpers of the API handlers that reach the toolstack (api_dom.c). */
#ifndef PVXWEB_API_DOM_H
#define PVXWEB_API_DOM_H

#include "api.h"
#include "libpvctrl/pvctrl.h"

/* The loop thread's hypervisor connection, or NULL with c failed (503). */
struct pvctrl *api_hv(struct api_call *c);
/* The domain that c->param names (a name or an id, as pvx takes it) and the
 * connection to act on it with. 0, or -1 with c failed (404 no-such-domain, 503). */
int api_domain_arg(struct api_call *c, struct pvctrl **pc, pv_domid_t *domid);
/* Fail c for a toolstack error rc of `verb` on c->param, worded as pvx words it:
 * "pvx: VERB DOM: why" (404 for -ESRCH, 409 for a state that does not allow it,
 * 503 when the hypervisor is gone, else 500). */
void api_fail_op(struct api_call *c, const char *verb, int rc, const char *why);

#endif
