/* What API handlers share: the hypervisor connection, the DOM argument, and
 * toolstack errors turned into HTTP statuses with pvx's wording. */
#include <errno.h>
#include <string.h>

#include "api_dom.h"
#include "libpvx/pvx.h"
#include "pvxweb.h"

struct pvctrl *api_hv(struct api_call *c)
{
	char err[512];
	struct pvctrl *pc = web_pvctrl(c->w, err, sizeof(err));

	if (!pc)
		api_fail(c, 503, "no-hypervisor", "pvx: %s", err);
	return pc;
}

int web_domain_resolve(struct web *w, const char *spec, pv_domid_t *domid, char *err,
		       size_t errlen)
{
	struct pvctrl *pc = web_pvctrl(w, err, errlen);
	int rc;

	if (!pc)
		return -ENOTCONN;
	rc = pvx_domain_resolve(pc, spec, domid);
	if (rc == -ESRCH)
		snprintf(err, errlen, "pvx: %s: no such domain; 'pvx list' shows the domains",
			 spec);
	else if (rc < 0) {
		web_pvctrl_reset(w);
		snprintf(err, errlen, "pvx: %s: cannot look up the domain: %s", spec,
			 strerror(-rc));
	}
	return rc;
}

int api_domain_arg(struct api_call *c, struct pvctrl **pc, pv_domid_t *domid)
{
	char err[512];
	int rc = web_domain_resolve(c->w, c->param, domid, err, sizeof(err));

	if (rc == -ESRCH)
		api_fail(c, 404, "no-such-domain", "%s", err);
	else if (rc < 0)
		api_fail(c, 503, "no-hypervisor", "%s", err);
	if (rc < 0)
		return -1;
	*pc = web_pvctrl(c->w, err, sizeof(err));
	return *pc ? 0 : -1;
}

void api_fail_op(struct api_call *c, const char *verb, int rc, const char *why)
{
	int status = 500;
	const char *code = "failed";

	switch (rc) {
	case -ESRCH:
		status = 404;
		code = "no-such-domain";
		break;
	case -EBUSY:
	case -EINVAL:
	case -EOPNOTSUPP:
	case -EEXIST:
	case -EPERM:
		status = 409;
		code = "not-now";
		break;
	case -EPIPE:
	case -ECONNRESET:
	case -ENOTCONN:
	case -ECONNREFUSED:
		status = 503;
		code = "no-hypervisor";
		web_pvctrl_reset(c->w);
		break;
	default:
		break;
	}
	api_fail(c, status, code, "pvx: %s %s: %s", verb, c->param ? c->param : "",
		 why ? why : strerror(-rc));
}
