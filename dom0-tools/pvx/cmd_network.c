/* pvx network-attach / network-detach / network-list: vif hotplug as xl does it.
 * attach takes the spec as key=value words (joined with commas, as xl does);
 * detach takes the device id or the MAC address; list prints xl's columns. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/pvx_store.h"
#include "libpvx/vifspec.h"
#include "libxs/xs.h"
#include "pvx_cli.h"
#include "util.h"

#define DETACH_TIMEOUT_MS 10000

static void net_warn(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "pvx: warning: %s\n", msg);
}

int cmd_network_attach(int argc, char **argv)
{
	struct pvx_err err = { 0 };
	char spec[1024] = "", mac[18];
	struct vif_spec vs;
	struct xs_handle *xs;
	struct pvctrl *h;
	pv_domid_t domid;
	unsigned devid;
	int rc;

	if (argc < 2)
		return cli_usage("network-attach");
	for (int i = 2; i < argc; i++) {
		if (strlen(spec) + strlen(argv[i]) + 2 > sizeof(spec))
			return cli_fail("network-attach: the vif spec is too long");
		if (i > 2)
			strcat(spec, ",");
		strcat(spec, argv[i]);
	}
	if ((rc = vifspec_parse(spec, &vs, net_warn, NULL, &err)) < 0)
		return cli_fail("network-attach: %s", pvx_err_text(&err, rc));
	h = cli_connect();
	domid = cli_domain(h, argv[1]);
	pvctrl_close(h);
	xs = cli_store();
	rc = pvx_vif_add(xs, domid, &vs, &devid, &err);
	if (rc == 0 && (rc = pvstart_vif_hotplug(xs, domid, devid, 1, &err)) < 0)
		pvx_device_remove(xs, domid, "vif", devid, 0, DETACH_TIMEOUT_MS, NULL);
	xs_close(xs);
	if (rc == -EEXIST)
		return cli_fail("network-attach: domain %s already has vif %d; give another "
				"devid=",
				argv[1], vs.devid);
	if (rc < 0)
		return cli_fail("network-attach: %s", pvx_err_text(&err, rc));
	netaddr_mac_format(vs.mac, mac);
	fprintf(stderr, "pvx: vif %u (%s) added to %s on %s\n", devid, mac, argv[1], vs.bridge);
	return 0;
}

/* devid from "N" or from a MAC that one of the domain's vifs has. */
static int net_find(struct xs_handle *xs, pv_domid_t domid, const char *spec, unsigned *devid)
{
	unsigned *ids = NULL;
	uint64_t n64;
	int n, found = -ENOENT;

	if (util_parse_u64(spec, 65535, &n64) == 0) {
		*devid = (unsigned)n64;
		return 0;
	}
	n = pvx_device_list(xs, domid, "vif", &ids);
	for (int i = 0; i < n && found; i++) {
		char *m = pvx_xs_read_str(xs, 0, "/local/domain/0/backend/vif/%u/%u/mac", domid,
					  ids[i]);

		if (m && strcasecmp(m, spec) == 0) {
			*devid = ids[i];
			found = 0;
		}
		free(m);
	}
	free(ids);
	return found;
}

int cmd_network_detach(int argc, char **argv)
{
	struct xs_handle *xs;
	struct pvctrl *h;
	pv_domid_t domid;
	unsigned devid;
	struct pvx_err err = { 0 };
	int rc;

	if (argc != 3)
		return cli_usage("network-detach");
	h = cli_connect();
	domid = cli_domain(h, argv[1]);
	pvctrl_close(h);
	xs = cli_store();
	rc = net_find(xs, domid, argv[2], &devid);
	/* closed, then the offline script (it may read the store), then removed */
	if (rc == 0)
		rc = pvx_device_close(xs, domid, "vif", devid, DETACH_TIMEOUT_MS, &err);
	if (rc == 0 && pvstart_vif_hotplug(xs, domid, devid, 0, &err) < 0)
		fprintf(stderr, "pvx: warning: %s\n", err.msg);
	if (rc == 0)
		rc = pvx_device_remove(xs, domid, "vif", devid, 1, 0, &err);
	xs_close(xs);
	if (rc == -ENOENT)
		return cli_fail("network-detach: %s has no vif %s (see pvx network-list %s)",
				argv[1], argv[2], argv[1]);
	if (rc < 0)
		return cli_fail("network-detach: %s", pvx_err_text(&err, rc));
	return 0;
}

static int net_num(struct xs_handle *xs, const char *dir, const char *key)
{
	char *v = pvx_xs_read_str(xs, 0, "%s/%s", dir, key);
	uint64_t n;
	int r = -1;

	if (v && util_parse_u64(v, 0x7fffffff, &n) == 0)
		r = (int)n;
	free(v);
	return r;
}

static void net_list_one(struct xs_handle *xs, pv_domid_t domid, unsigned devid)
{
	char fe[96], be[96];
	char *mac;

	snprintf(fe, sizeof(fe), "/local/domain/%u/device/vif/%u", domid, devid);
	snprintf(be, sizeof(be), "/local/domain/0/backend/vif/%u/%u", domid, devid);
	mac = pvx_xs_read_str(xs, 0, "%s/mac", be);
	printf("%-3u %-2d %-17s %-6d %-5d %-6d %5d/%-11d %-30s\n", devid, 0, mac ? mac : "-",
	       net_num(xs, be, "handle"), net_num(xs, fe, "state"),
	       net_num(xs, fe, "event-channel"), net_num(xs, fe, "tx-ring-ref"),
	       net_num(xs, fe, "rx-ring-ref"), be);
	free(mac);
}

int cmd_network_list(int argc, char **argv)
{
	struct xs_handle *xs;
	struct pvctrl *h;

	if (argc < 2)
		return cli_usage("network-list");
	h = cli_connect();
	for (int i = 1; i < argc; i++)
		cli_domain(h, argv[i]); /* every name is good before the table starts */
	xs = cli_store();
	printf("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-11s %-30s\n", "Idx", "BE", "Mac Addr.",
	       "handle", "state", "evt-ch", "tx-", "rx-ring-ref", "BE-path");
	for (int i = 1; i < argc; i++) {
		pv_domid_t domid = cli_domain(h, argv[i]);
		unsigned *ids = NULL;
		int n = pvx_device_list(xs, domid, "vif", &ids);

		for (int k = 0; k < n; k++)
			net_list_one(xs, domid, ids[k]);
		free(ids);
	}
	xs_close(xs);
	pvctrl_close(h);
	return 0;
}
