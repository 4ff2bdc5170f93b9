/* Split-driver devices in the store (see pvx.h): the frontend and backend
 * directories of one device, written together, unplugged as xl does, listed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libpvx/pvx.h"
#include "libpvx/pvx_store.h"
#include "libxs/xs.h"
#include "util.h"

#define BACKEND_DOMID 0u

static void dev_paths(pv_domid_t domid, const char *type, unsigned devid, char *fe, char *be,
		      size_t len)
{
	snprintf(fe, len, "/local/domain/%u/device/%s/%u", domid, type, devid);
	snprintf(be, len, "/local/domain/%u/backend/%s/%u/%u", BACKEND_DOMID, type, domid, devid);
}

static int dev_type_ok(const char *type)
{
	if (!*type || strlen(type) > 16)
		return 0;
	for (const char *p = type; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

static int dev_write_kv(struct xs_handle *xs, uint32_t t, const char *dir, const char *const *kv)
{
	int rc = 0;

	for (size_t i = 0; kv && kv[i] && rc == 0; i += 2) {
		if (!kv[i + 1] || strchr(kv[i], '/'))
			return -EINVAL;
		rc = pvx_xs_write(xs, t, kv[i + 1], "%s/%s", dir, kv[i]);
	}
	return rc;
}

static int dev_add_tx(struct xs_handle *xs, uint32_t t, pv_domid_t domid, const char *fe,
		      const char *be, const char *const *backend_kv,
		      const char *const *frontend_kv)
{
	char *v, num[16];
	size_t len;
	int rc;

	if (xs_read(xs, t, fe, &v, &len) == 0) {
		free(v);
		return -EEXIST;
	}
	/* each directory first, with its owner and reader, so its keys inherit them */
	if ((rc = xs_write(xs, t, fe, "", 0)) < 0 ||
	    (rc = pvx_xs_perms(xs, t, domid, BACKEND_DOMID, "%s", fe)) < 0 ||
	    (rc = xs_write(xs, t, be, "", 0)) < 0 ||
	    (rc = pvx_xs_perms(xs, t, BACKEND_DOMID, domid, "%s", be)) < 0)
		return rc;
	snprintf(num, sizeof(num), "%u", BACKEND_DOMID);
	if ((rc = pvx_xs_write(xs, t, be, "%s/backend", fe)) < 0 ||
	    (rc = pvx_xs_write(xs, t, num, "%s/backend-id", fe)) < 0 ||
	    (rc = pvx_xs_write(xs, t, "1", "%s/state", fe)) < 0 ||
	    (rc = dev_write_kv(xs, t, fe, frontend_kv)) < 0)
		return rc;
	snprintf(num, sizeof(num), "%u", domid);
	if ((rc = pvx_xs_write(xs, t, fe, "%s/frontend", be)) < 0 ||
	    (rc = pvx_xs_write(xs, t, num, "%s/frontend-id", be)) < 0 ||
	    (rc = pvx_xs_write(xs, t, "1", "%s/online", be)) < 0 ||
	    (rc = pvx_xs_write(xs, t, "1", "%s/state", be)) < 0 ||
	    (rc = dev_write_kv(xs, t, be, backend_kv)) < 0)
		return rc;
	return 0;
}

struct add_ctx {
	pv_domid_t domid;
	const char *fe, *be;
	const char *const *backend_kv, *const *frontend_kv;
};

static int dev_add_fn(struct xs_handle *xs, uint32_t t, void *arg)
{
	const struct add_ctx *c = arg;

	return dev_add_tx(xs, t, c->domid, c->fe, c->be, c->backend_kv, c->frontend_kv);
}

int pvx_device_add(struct xs_handle *xs, pv_domid_t domid, const char *type, unsigned devid,
		   const char *const *backend_kv, const char *const *frontend_kv,
		   struct pvx_err *err)
{
	char fe[128], be[128];
	struct add_ctx c = { domid, fe, be, backend_kv, frontend_kv };
	int rc;

	if (!dev_type_ok(type))
		return pvx_fail(err, -EINVAL,
				"device type '%s': expected a short lower-case name", type);
	dev_paths(domid, type, devid, fe, be, sizeof(fe));
	rc = pvx_xs_transact(xs, dev_add_fn, &c);
	if (rc == -EEXIST)
		pvx_fail(err, rc,
			 "domain %u already has %s device %u; detach it first or "
			 "choose another",
			 domid, type, devid);
	else if (rc == -EINVAL)
		pvx_fail(err, rc, "%s device %u: bad key list (keys may not contain '/')", type,
			 devid);
	else if (rc < 0)
		pvx_fail(err, rc, "writing %s device %u of domain %u into the store: %s", type,
			 devid, domid, strerror(-rc));
	return rc;
}

static int dev_state(struct xs_handle *xs, const char *dir)
{
	char *v = pvx_xs_read_str(xs, 0, "%s/state", dir);
	uint64_t st;
	int rc = v && util_parse_u64(v, 8, &st) == 0 ? (int)st : -1;

	free(v);
	return rc;
}

/* Wait for the backend to reach Closed (or vanish). 0 or -ETIMEDOUT. */
static int dev_wait_closed(struct xs_handle *xs, const char *be, unsigned timeout_ms)
{
	char path[160];
	struct timespec ts;
	uint64_t end;
	int rc = -ETIMEDOUT;

	snprintf(path, sizeof(path), "%s/state", be);
	if (xs_watch(xs, path, "pvx:unplug") < 0)
		return -EIO;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	end = (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + timeout_ms;
	for (;;) {
		struct xs_watch_event *ev = NULL;
		int st = dev_state(xs, be);
		uint64_t now;

		if (st == 6 || st < 0) {
			rc = 0;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		if (now >= end)
			break;
		if (xs_read_watch(xs, &ev, (int)(end - now)) == 0)
			free(ev);
	}
	xs_unwatch(xs, path, "pvx:unplug");
	return rc;
}

int pvx_device_close(struct xs_handle *xs, pv_domid_t domid, const char *type, unsigned devid,
		     unsigned timeout_ms, struct pvx_err *err)
{
	char fe[128], be[128];
	int rc = 0, bst, fst;

	if (!dev_type_ok(type))
		return pvx_fail(err, -EINVAL, "device type '%s': unknown", type);
	dev_paths(domid, type, devid, fe, be, sizeof(fe));
	bst = dev_state(xs, be);
	fst = dev_state(xs, fe);
	if (bst < 0 && fst < 0)
		return pvx_fail(err, -ENOENT, "domain %u has no %s device %u", domid, type,
				devid);
	/* A device that never connected (no backend or frontend yet) goes at once. */
	if (bst > 1 && fst > 1) {
		if ((rc = pvx_xs_write(xs, 0, "0", "%s/online", be)) == 0)
			rc = pvx_xs_write(xs, 0, "5", "%s/state", be);
		if (rc == 0)
			rc = dev_wait_closed(xs, be, timeout_ms);
		if (rc < 0)
			return pvx_fail(err, rc,
					"%s device %u of domain %u: the %s did not close "
					"in %u ms; use force to remove it anyway",
					type, devid, domid,
					rc == -ETIMEDOUT ? "backend" : "store", timeout_ms);
	}
	return 0;
}

int pvx_device_remove(struct xs_handle *xs, pv_domid_t domid, const char *type, unsigned devid,
		      int force, unsigned timeout_ms, struct pvx_err *err)
{
	char fe[128], be[128];
	int rc = force ? 0 : pvx_device_close(xs, domid, type, devid, timeout_ms, err);

	if (rc < 0)
		return rc;
	if (!dev_type_ok(type))
		return pvx_fail(err, -EINVAL, "device type '%s': unknown", type);
	dev_paths(domid, type, devid, fe, be, sizeof(fe));
	xs_rm(xs, 0, fe);
	xs_rm(xs, 0, be);
	return 0;
}

static int dev_cmp(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

int pvx_device_list(struct xs_handle *xs, pv_domid_t domid, const char *type, unsigned **ids)
{
	char path[96], **names = NULL;
	unsigned n = 0, count = 0;
	int rc;

	*ids = NULL;
	if (!dev_type_ok(type))
		return -EINVAL;
	snprintf(path, sizeof(path), "/local/domain/%u/device/%s", domid, type);
	rc = xs_directory(xs, 0, path, &names, &n);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	if (n && !(*ids = calloc(n, sizeof(**ids)))) {
		free(names);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < n; i++) {
		uint64_t v;

		if (util_parse_u64(names[i], UINT32_MAX, &v) == 0)
			(*ids)[count++] = (unsigned)v;
	}
	free(names);
	qsort(*ids, count, sizeof(**ids), dev_cmp);
	if (!count) {
		free(*ids);
		*ids = NULL;
	}
	return (int)count;
}
