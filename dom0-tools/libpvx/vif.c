/* vifs in the store: the keys of one network device (Xen's layout, see
 * docs/NOTES-net.md), added at create from vif = [...] and by network-attach. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/pvx.h"
#include "libpvx/pvx_store.h"
#include "libpvx/vifspec.h"

#define VIF_DEVID_MAX 65535

/* The lowest devid not in use. */
static int vif_next_devid(struct xs_handle *xs, pv_domid_t domid)
{
	unsigned *ids = NULL;
	int n = pvx_device_list(xs, domid, "vif", &ids), devid = 0;

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		if ((int)ids[i] == devid)
			devid++; /* ascending */
	free(ids);
	return devid <= VIF_DEVID_MAX ? devid : -ENOSPC;
}

int pvx_vif_add(struct xs_handle *xs, pv_domid_t domid, const struct vif_spec *vs,
		unsigned *devid_out, struct pvx_err *err)
{
	char mac[18], handle[16], mtu[16], rate[48];
	const char *bkv[20], *fkv[8];
	int devid = vs->devid, n = 0, rc;

	if (devid < 0 && (devid = vif_next_devid(xs, domid)) < 0)
		return pvx_fail(err, devid, "vif: no free device number: %s", strerror(-devid));
	netaddr_mac_format(vs->mac, mac);
	snprintf(handle, sizeof(handle), "%d", devid);
	snprintf(mtu, sizeof(mtu), "%u", vs->mtu);
	snprintf(rate, sizeof(rate), "%llu,%u", (unsigned long long)vs->rate_bytes,
		 vs->rate_usecs);
	bkv[n++] = "mac", bkv[n++] = mac;
	bkv[n++] = "bridge", bkv[n++] = vs->bridge;
	bkv[n++] = "handle", bkv[n++] = handle;
	bkv[n++] = "type", bkv[n++] = "vif";
	bkv[n++] = "mtu", bkv[n++] = mtu;
	if (vs->rate_bytes)
		bkv[n++] = "rate", bkv[n++] = rate;
	if (vs->vifname[0])
		bkv[n++] = "vifname", bkv[n++] = vs->vifname;
	if (vs->ip[0])
		bkv[n++] = "ip", bkv[n++] = vs->ip;
	if (vs->script[0])
		bkv[n++] = "script", bkv[n++] = vs->script;
	bkv[n] = NULL;
	n = 0;
	fkv[n++] = "mac", fkv[n++] = mac;
	fkv[n++] = "handle", fkv[n++] = handle;
	fkv[n++] = "mtu", fkv[n++] = mtu;
	fkv[n] = NULL;
	rc = pvx_device_add(xs, domid, "vif", (unsigned)devid, bkv, fkv, err);
	if (rc == 0 && devid_out)
		*devid_out = (unsigned)devid;
	return rc;
}

int pvx_vifs_add(struct xs_handle *xs, pv_domid_t domid, const struct domcfg *dc,
		 struct pvx_err *err)
{
	for (size_t i = 0; i < dc->n_vifs; i++) {
		int rc = pvx_vif_add(xs, domid, &dc->vifs[i], NULL, err);

		if (rc)
			return rc;
	}
	return 0;
}
