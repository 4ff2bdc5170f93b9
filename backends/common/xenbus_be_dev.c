/* xenbus_be devices: discovery from watch events and the backend half of the
 * xenbus state machine (see the diagram in xenbus_be.h). Every store event for a
 * device re-evaluates it from what the store says now, so missed or merged events
 * do no harm and our own writes (which fire the watch again) change nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xenbus_be_priv.h"
#include "libxs/xs.h"
#include "log.h"
#include "util.h"

int xbe_parse_path(const char *type, const char *path, unsigned *domid, unsigned *devid)
{
	char prefix[64], a[16], b[16];
	const char *p, *slash;
	uint64_t v1, v2;
	size_t plen, n;

	plen = (size_t)snprintf(prefix, sizeof(prefix), "/local/domain/0/backend/%s/", type);
	if (plen >= sizeof(prefix) || strncmp(path, prefix, plen) != 0)
		return -EINVAL;
	p = path + plen;
	slash = strchr(p, '/');
	if (!slash || (n = (size_t)(slash - p)) == 0 || n >= sizeof(a))
		return -EINVAL;
	memcpy(a, p, n);
	a[n] = '\0';
	p = slash + 1;
	slash = strchr(p, '/');
	n = slash ? (size_t)(slash - p) : strlen(p);
	if (n == 0 || n >= sizeof(b))
		return -EINVAL;
	memcpy(b, p, n);
	b[n] = '\0';
	if (a[0] < '0' || a[0] > '9' || b[0] < '0' || b[0] > '9' ||
	    util_parse_u64(a, PV_DOMID_FIRST_RESERVED - 1, &v1) < 0 ||
	    util_parse_u64(b, UINT32_MAX, &v2) < 0)
		return -EINVAL;
	*domid = (unsigned)v1;
	*devid = (unsigned)v2;
	return 0;
}

static struct xbe_device *dev_find(struct xbe *be, unsigned domid, unsigned devid)
{
	for (struct xbe_device *d = be->devices; d; d = d->next)
		if (d->domid == domid && d->devid == devid)
			return d;
	return NULL;
}

static void fe_token(const struct xbe_device *d, char *buf, size_t len)
{
	snprintf(buf, len, XBE_TOKEN_FRONTEND "%u/%u", d->domid, d->devid);
}

static int state_write(struct xbe_device *d, enum pv_xenbus_state st)
{
	int rc;

	if (d->state == st)
		return 0;
	rc = xbe_printf(d, "state", "%d", (int)st);
	if (rc == 0) {
		log_debug("%s: state %d -> %d", d->name, (int)d->state, (int)st);
		d->state = st;
	}
	return rc;
}

/* A fresh device: the backend directory must name a frontend under the guest's
 * own home (a hostile or broken entry is ignored, with a log line). */
static struct xbe_device *dev_new(struct xbe *be, unsigned domid, unsigned devid)
{
	struct xbe_device *d = calloc(1, sizeof(*d));
	char want[64], tok[48];
	uint64_t fid;
	char *fe;
	int rc;

	if (!d)
		return NULL;
	d->be = be;
	d->domid = domid;
	d->devid = devid;
	snprintf(d->bpath, sizeof(d->bpath), "%s/%u/%u", be->root, domid, devid);
	snprintf(d->name, sizeof(d->name), "%s/%u/%u", be->ops->type, domid, devid);
	fe = xbe_be_read_str(d, "frontend", &rc);
	if (!fe || xbe_be_read_u64(d, "frontend-id", PV_DOMID_FIRST_RESERVED - 1, &fid) < 0)
		goto bad; /* not written yet (or removed): a later event brings it */
	snprintf(want, sizeof(want), "/local/domain/%u/", domid);
	if (fid != domid || strncmp(fe, want, strlen(want)) != 0 ||
	    strlen(fe) >= sizeof(d->fpath) || strstr(fe, "/..")) {
		log_warnx("%s: frontend %s (id %llu) is not under domain %u's home; ignored",
			  d->name, fe, (unsigned long long)fid, domid);
		goto bad;
	}
	strcpy(d->fpath, fe);
	free(fe);
	d->fe_domid = (unsigned)fid;
	d->state = PV_XenbusStateInitialising;
	fe_token(d, tok, sizeof(tok));
	snprintf(want, sizeof(want), "%s/state", d->fpath);
	if (xs_watch(be->xs, want, tok) < 0) {
		log_warnx("%s: cannot watch %s", d->name, want);
		free(d);
		return NULL;
	}
	d->next = be->devices;
	be->devices = d;
	log_info("%s: new device, frontend %s", d->name, d->fpath);
	return d;
bad:
	free(fe);
	free(d);
	return NULL;
}

static void dev_disconnect(struct xbe_device *d)
{
	if (d->connected || d->nr_ports) {
		if (d->be->ops->disconnect)
			d->be->ops->disconnect(d);
		xbe_dev_unbind_all(d);
		d->connected = 0;
		log_info("%s: disconnected", d->name);
	}
}

void xbe_dev_free(struct xbe_device *d)
{
	struct xbe *be = d->be;
	char tok[48], path[XBE_PATH_MAX + 8];

	dev_disconnect(d);
	if (d->probed && be->ops->remove)
		be->ops->remove(d);
	d->probed = 0;
	fe_token(d, tok, sizeof(tok));
	snprintf(path, sizeof(path), "%s/state", d->fpath);
	xs_unwatch(be->xs, path, tok);
	for (struct xbe_device **p = &be->devices; *p; p = &(*p)->next)
		if (*p == d) {
			*p = d->next;
			break;
		}
	log_info("%s: removed", d->name);
	free(d);
}

static int domain_alive(struct xbe *be, unsigned domid)
{
	struct pv_domctl_getdomaininfo info;

	if (pvctrl_domain_getinfo(be->pc, (pv_domid_t)domid, &info) < 0 || info.domain != domid)
		return 0;
	return !(info.flags & PV_DOMINF_dying);
}

static void dev_connect(struct xbe_device *d)
{
	int rc = d->be->ops->connect(d);

	if (rc < 0) {
		xbe_warnx(d, "connect failed (%s); closing", strerror(-rc));
		dev_disconnect(d);
		state_write(d, PV_XenbusStateClosing);
		return;
	}
	d->connected = 1;
	state_write(d, PV_XenbusStateConnected);
	log_info("%s: connected", d->name);
}

/* Follow the frontend's state once the device is probed and online. */
static void dev_follow_frontend(struct xbe_device *d, enum pv_xenbus_state fs)
{
	if (fs != PV_XenbusStateInitialised && fs != PV_XenbusStateConnected && d->stale_fe) {
		char path[XBE_PATH_MAX + 8];

		log_info("%s: the frontend starts over (state %d)", d->name, (int)fs);
		d->stale_fe = 0;
		snprintf(path, sizeof(path), "%s/resync", d->bpath);
		xs_rm(d->be->xs, 0, path); /* seen: it may publish its rings now */
	}
	switch (fs) {
	case PV_XenbusStateInitialised:
	case PV_XenbusStateConnected:
		if (!d->connected && d->state == PV_XenbusStateInitWait && !d->stale_fe)
			dev_connect(d);
		break;
	case PV_XenbusStateClosing:
		dev_disconnect(d);
		state_write(d, PV_XenbusStateClosing);
		break;
	case PV_XenbusStateClosed:
	case PV_XenbusStateUnknown:
		dev_disconnect(d);
		state_write(d, PV_XenbusStateClosed);
		break;
	case PV_XenbusStateInitialising:
	case PV_XenbusStateInitWait:
		/* A frontend starting (again) after a close: offer the device anew. */
		if (d->state == PV_XenbusStateClosed)
			state_write(d, PV_XenbusStateInitWait);
		break;
	default:
		break;
	}
}

static enum pv_xenbus_state state_of(struct xbe_device *d, int frontend)
{
	uint64_t v;
	int rc = frontend ? xbe_fe_read_u64(d, "state", PV_XenbusStateReconfigured, &v)
			  : xbe_be_read_u64(d, "state", PV_XenbusStateReconfigured, &v);

	return rc < 0 ? PV_XenbusStateUnknown : (enum pv_xenbus_state)v;
}

/* First look at a device: did a backend before us serve it? Its state key says so
 * (past Initialising, which the toolstack writes). Then the frontend's rings, if it
 * has any, were granted to that backend, whose maps and ports went with it: our
 * InitWait tells the frontend to start over (a frontend of ours does: it goes
 * Initialising, waits for our `resync` key to go -- we remove it once we saw that
 * state, which its next write could otherwise hide from us -- sets up its rings
 * again, re-issues what was in flight), and we connect only after it did.
 * docs/NOTES-restart.md has the protocol. */
static void dev_check_restart(struct xbe_device *d)
{
	enum pv_xenbus_state bs = state_of(d, 0), fs = state_of(d, 1);

	if (bs < PV_XenbusStateInitWait || bs > PV_XenbusStateConnected)
		return;
	d->stale_fe = fs == PV_XenbusStateInitialised || fs == PV_XenbusStateConnected;
	if (d->stale_fe)
		xbe_printf(d, "resync", "1");
	log_info("%s: served before we started (backend state %d, frontend %d)%s", d->name,
		 (int)bs, (int)fs, d->stale_fe ? ": waiting for the frontend to start over" : "");
}

/* The toolstack asks us to close: online = 0 or it wrote Closing itself. */
static int dev_unplug_requested(struct xbe_device *d)
{
	uint64_t online = 1;
	enum pv_xenbus_state bs = state_of(d, 0);

	if (xbe_be_read_u64(d, "online", 1, &online) == -EINVAL)
		online = 0;
	return !online || (bs == PV_XenbusStateClosing && d->state != PV_XenbusStateClosing &&
			   d->state != PV_XenbusStateClosed);
}

/* Migration's storage handover (xenbus_be.h): follow the backend key `handover`. */
static void dev_handover(struct xbe_device *d)
{
	char *h = xbe_be_read_str(d, "handover", NULL);
	int want = h && strcmp(h, "close") == 0;

	free(h);
	if (want == d->handover || !d->be->ops->handover)
		return;
	d->handover = want;
	if (d->be->ops->handover(d, want) < 0)
		xbe_warnx(d, "storage handover (%s) failed", want ? "close" : "open");
}

static void dev_update(struct xbe_device *d)
{
	enum pv_xenbus_state fs;
	int rc;
	char *fe = xbe_be_read_str(d, "frontend", &rc);

	if (!fe) { /* the toolstack removed the directory */
		xbe_dev_free(d);
		return;
	}
	free(fe);
	if (d->failed)
		return;
	if (!d->probed) {
		dev_check_restart(d);
		rc = d->be->ops->probe(d);
		if (rc < 0) {
			d->failed = 1;
			xbe_printf(d, "hotplug-status", "error");
			state_write(d, PV_XenbusStateClosed);
			return;
		}
		d->probed = 1;
		xbe_printf(d, "hotplug-status", "connected");
		state_write(d, PV_XenbusStateInitWait);
	}
	dev_handover(d);
	fs = state_of(d, 1);
	if (dev_unplug_requested(d)) {
		if (d->connected && fs != PV_XenbusStateClosing && fs != PV_XenbusStateClosed &&
		    fs != PV_XenbusStateUnknown) {
			state_write(d, PV_XenbusStateClosing); /* the frontend closes first */
			return;
		}
		dev_disconnect(d);
		state_write(d, PV_XenbusStateClosed);
		return;
	}
	dev_follow_frontend(d, fs);
}

static void scan_all(struct xbe *be)
{
	char **doms = NULL, **devs = NULL;
	unsigned nd = 0, nv = 0;
	char path[96];

	if (xs_directory(be->xs, 0, be->root, &doms, &nd) < 0)
		return;
	for (unsigned i = 0; i < nd; i++) {
		snprintf(path, sizeof(path), "%s/%s", be->root, doms[i]);
		if (xs_directory(be->xs, 0, path, &devs, &nv) < 0)
			continue;
		for (unsigned j = 0; j < nv; j++) {
			snprintf(path, sizeof(path), "%s/%s/%s", be->root, doms[i], devs[j]);
			xbe_dev_watch_event(be, path, XBE_TOKEN_BACKEND);
		}
		free(devs);
	}
	free(doms);
}

static void release_domains(struct xbe *be)
{
	struct xbe_device *d = be->devices, *next;

	for (; d; d = next) {
		next = d->next;
		if (!domain_alive(be, d->domid)) {
			log_info("%s: domain %u is gone", d->name, d->domid);
			dev_disconnect(d);
			state_write(d, PV_XenbusStateClosed);
			xbe_dev_free(d);
		}
	}
}

void xbe_dev_watch_event(struct xbe *be, const char *path, const char *token)
{
	unsigned domid, devid;
	struct xbe_device *d;

	if (strcmp(token, XBE_TOKEN_RELEASE) == 0) {
		release_domains(be);
		return;
	}
	if (strncmp(token, XBE_TOKEN_FRONTEND, strlen(XBE_TOKEN_FRONTEND)) == 0) {
		if (sscanf(token + strlen(XBE_TOKEN_FRONTEND), "%u/%u", &domid, &devid) == 2 &&
		    (d = dev_find(be, domid, devid)))
			dev_update(d);
		return;
	}
	if (strcmp(path, be->root) == 0) {
		scan_all(be);
		return;
	}
	if (xbe_parse_path(be->ops->type, path, &domid, &devid) < 0)
		return;
	d = dev_find(be, domid, devid);
	if (!d) {
		if (!domain_alive(be, domid))
			return;
		d = dev_new(be, domid, devid);
	}
	if (d)
		dev_update(d);
}
