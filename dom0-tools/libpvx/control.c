/* The toolstack's side of a guest's control/ keys: shutdown and reboot requests
 * (control/shutdown, as libxl writes it for every PV guest), whether the guest
 * has taken one, the feature-* keys it may have written, and sysrq. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/pvx.h"
#include "libpvx/pvx_store.h"
#include "libxs/xs.h"

int pvx_domain_request_shutdown(struct xs_handle *xs, pv_domid_t domid, const char *reason,
				struct pvx_err *err)
{
	int rc = pvx_xs_write(xs, 0, reason, "/local/domain/%u/control/shutdown", domid);

	if (rc < 0)
		pvx_fail(err, rc, "writing control/shutdown: %s", strerror(-rc));
	return rc;
}

int pvx_control_feature(struct xs_handle *xs, pv_domid_t domid, const char *feature)
{
	char *v = pvx_xs_read_str(xs, 0, "/local/domain/%u/control/feature-%s", domid, feature);
	int on = v && strcmp(v, "1") == 0;

	free(v);
	return on;
}

int pvx_control_request_pending(struct xs_handle *xs, pv_domid_t domid, const char *reason)
{
	char *v = pvx_xs_read_str(xs, 0, "/local/domain/%u/control/shutdown", domid);
	int pending = v && strcmp(v, reason) == 0;

	free(v);
	return pending;
}

int pvx_domain_sysrq(struct xs_handle *xs, pv_domid_t domid, char key, struct pvx_err *err)
{
	char v[2] = { key, '\0' };
	int rc;

	if (key <= ' ' || key > '~')
		return pvx_fail(err, -EINVAL, "a sysrq key is one printable character");
	rc = pvx_xs_write(xs, 0, v, "/local/domain/%u/control/sysrq", domid);
	if (rc < 0)
		pvx_fail(err, rc, "writing control/sysrq: %s", strerror(-rc));
	return rc;
}

struct vcpus_ctx {
	pv_domid_t domid;
	unsigned online, max;
};

static int vcpus_tx(struct xs_handle *xs, uint32_t t, void *arg)
{
	const struct vcpus_ctx *c = arg;
	int rc = 0;

	for (unsigned i = 0; i < c->max && rc == 0; i++)
		rc = pvx_xs_write(xs, t, i < c->online ? "online" : "offline",
				  "/local/domain/%u/cpu/%u/availability", c->domid, i);
	return rc;
}

int pvx_domain_vcpus_online(struct xs_handle *xs, pv_domid_t domid, unsigned online, unsigned max,
			    struct pvx_err *err)
{
	struct vcpus_ctx c = { domid, online, max };
	int rc;

	if (online < 1 || online > max)
		return pvx_fail(err, -EINVAL,
				"requested %u vCPUs, however the domain has %u "
				"(maxvcpus)",
				online, max);
	rc = pvx_xs_transact(xs, vcpus_tx, &c);
	if (rc < 0)
		pvx_fail(err, rc, "writing cpu/<n>/availability: %s", strerror(-rc));
	return rc;
}
