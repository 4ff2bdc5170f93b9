/* vif script= run as libxl runs Xen's hotplug scripts (pvstart.h): when the
 * backend is ready the script gets "online", when the vif goes "offline", plus
 * "type_if=vif", with the environment Xen's scripts read -- script,
 * XENBUS_TYPE, XENBUS_PATH (backend/vif/DOMID/DEVID, relative to dom0's home),
 * XENBUS_BASE_PATH, vif (the interface name) and netdev (gatewaydev=). A vif
 * without script= runs none: netback does the bridging itself. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libpvx/pvx.h"
#include "libpvx/pvx_store.h"
#include "libxs/xs.h"
#include "pvstart/pvstart.h"
#include "util.h"

#define HP_TIMEOUT_S 40    /* libxl's LIBXL_HOTPLUG_TIMEOUT */
#define HP_READY_MS  10000 /* for the backend to reach InitWait */
#define HP_LOG       "hotplug.log"


/* The backend at InitWait (2) or later, when libxl runs the online script. */
static void hp_wait_ready(struct xs_handle *xs, const char *be)
{
	const struct timespec tick = { 0, 20000000 };

	for (int waited = 0; waited < HP_READY_MS; waited += 20) {
		char *st = pvx_xs_read_str(xs, 0, "%s/state", be);
		int ready = st && atoi(st) >= 2;

		free(st);
		if (ready)
			return;
		nanosleep(&tick, NULL);
	}
}

/* Run the script with Xen's arguments and environment. */
static int hp_run(const char *script, const char *rel, const char *vif, const char *netdev,
		  int online, struct pvx_err *err)
{
	char *argv[] = { (char *)script, online ? "online" : "offline", "type_if=vif", NULL };
	char env[6][320];
	const char *add[7];

	snprintf(env[0], sizeof(env[0]), "script=%s", script);
	snprintf(env[1], sizeof(env[1]), "XENBUS_TYPE=vif");
	snprintf(env[2], sizeof(env[2]), "XENBUS_PATH=%s", rel);
	snprintf(env[3], sizeof(env[3]), "XENBUS_BASE_PATH=backend");
	snprintf(env[4], sizeof(env[4]), "vif=%s", vif);
	snprintf(env[5], sizeof(env[5]), "netdev=%s", netdev);
	for (int i = 0; i < 6; i++)
		add[i] = env[i];
	add[6] = NULL;
	return pvstart_run_logged(argv, add, HP_TIMEOUT_S * 1000, HP_LOG, err);
}

struct hp_claim {
	const char *key;
	char *script;
};

static int hp_claim_fn(struct xs_handle *xs, uint32_t t, void *arg)
{
	struct hp_claim *c = arg;

	free(c->script);
	c->script = pvx_xs_read_str(xs, t, "%s", c->key);
	return c->script && *c->script ? xs_rm(xs, t, c->key) : 0;
}

/* Offline runs once: pvx destroy and the monitor may both clean up after a
 * domain. The script key is read and removed in one transaction, so only one
 * of them sees it (a plain RM of an absent key succeeds, as in Xen). */
static char *hp_claim(struct xs_handle *xs, const char *key)
{
	struct hp_claim c = { key, NULL };

	if (pvx_xs_transact(xs, hp_claim_fn, &c) < 0) {
		free(c.script);
		return NULL;
	}
	return c.script;
}

int pvstart_vif_hotplug(struct xs_handle *xs, pv_domid_t domid, unsigned devid, int online,
			struct pvx_err *err)
{
	char be[96], rel[80], key[112], vifdef[32], *script, *vif = NULL, *gw = NULL;
	int rc = 0;

	snprintf(rel, sizeof(rel), "backend/vif/%u/%u", domid, devid);
	snprintf(be, sizeof(be), "/local/domain/0/%s", rel);
	snprintf(key, sizeof(key), "%s/script", be);
	snprintf(vifdef, sizeof(vifdef), "vif%u.%u", domid, devid);
	script = online ? pvx_xs_read_str(xs, 0, "%s", key) : hp_claim(xs, key);
	if (script && *script) {
		vif = pvx_xs_read_str(xs, 0, "%s/vifname", be);
		gw = pvx_xs_read_str(xs, 0, "%s/gatewaydev", be);
		if (online)
			hp_wait_ready(xs, be);
		rc = hp_run(script, rel, vif && *vif ? vif : vifdef, gw ? gw : "", online, err);
	}
	if (rc < 0) {
		char why[PVX_ERR_MAX];

		snprintf(why, sizeof(why), "%s", pvx_err_text(err, rc));
		pvx_fail(err, rc, "vif %u: hotplug script %s: %s", devid,
			 online ? "online" : "offline", why);
	}
	free(script);
	free(vif);
	free(gw);
	return rc;
}

int pvstart_vifs_hotplug(struct xs_handle *xs, pv_domid_t domid, int online, struct pvx_err *err)
{
	unsigned *ids = NULL;
	int n = pvx_device_list(xs, domid, "vif", &ids), rc = 0;

	for (int i = 0; i < n; i++) {
		int r = pvstart_vif_hotplug(xs, domid, ids[i], online, err);

		if (r < 0 && rc == 0)
			rc = r; /* offline: run them all all the same */
		if (r < 0 && online)
			break;
	}
	free(ids);
	return rc;
}

void pvstart_domain_forget(pv_domid_t domid)
{
	struct xs_handle *xs;

	if (pvx_store_open(&xs, NULL) == 0) {
		pvstart_vifs_hotplug(xs, domid, 0, NULL);
		xs_close(xs);
	}
	pvx_domain_forget(domid);
}
