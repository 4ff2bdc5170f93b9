/* The config the toolstack saves for a live domain (pvx create, pvx
 * config-update): the settings as parsed, with the uuid and MACs it uses pinned,
 * after a first line naming the file it came from (PVX_SAVED_SOURCE). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/cfg.h"
#include "libpvx/pvx.h"
#include "libpvx/vifspec.h"
#include "netaddr.h"

/* One vif spec with the MAC in use: a vif without mac= got a random one when the
 * config was parsed. As a quoted string of the file grammar; NULL without memory. */
static char *snapshot_vif(const struct vif_spec *vs)
{
	char mac[18], *spec = NULL, *quoted = NULL;

	netaddr_mac_format(vs->mac, mac);
	if (asprintf(&spec, "%s%s%s", vs->text,
		     vs->mac_given ? ""
		     : *vs->text   ? ",mac="
				   : "mac=",
		     vs->mac_given ? "" : mac) < 0)
		return NULL;
	cfg_format_string(spec, &quoted);
	free(spec);
	return quoted;
}

/* vif = [...] again, each with its MAC, so that a restart gives the guest the same
 * NICs (xl keeps the MACs it drew too). 0 or -ENOMEM. */
static int snapshot_macs(struct cfg_file *cf, const struct domcfg *dc)
{
	size_t len = 0;
	char *ov = NULL;
	FILE *f;
	int rc = 0;

	if (!dc->n_vifs || !(f = open_memstream(&ov, &len)))
		return dc->n_vifs ? -ENOMEM : 0;
	fputs("vif=[", f);
	for (size_t i = 0; i < dc->n_vifs && rc == 0; i++) {
		char *q = snapshot_vif(&dc->vifs[i]);

		rc = q ? 0 : -ENOMEM;
		fprintf(f, "%s%s", i ? ", " : " ", q ? q : "");
		free(q);
	}
	fputs(" ]", f);
	if (fclose(f) != 0)
		rc = -ENOMEM;
	if (rc == 0)
		rc = cfg_apply_override(cf, ov, NULL);
	free(ov);
	return rc;
}

char *pvx_config_snapshot(struct cfg_file *cf, const struct domcfg *dc)
{
	const char *base = dc->config_file ? strrchr(dc->config_file, '/') : NULL;
	char uuid[37], ov[64], *text = NULL, *out = NULL;

	domcfg_uuid_format(dc->uuid, uuid);
	snprintf(ov, sizeof(ov), "uuid=\"%s\"", uuid);
	if (cfg_apply_override(cf, ov, NULL) < 0 || snapshot_macs(cf, dc) < 0 ||
	    cfg_format(cf, &text) < 0)
		return NULL;
	/* the monitor resolves relative paths against the file's folder, as create did */
	if (!dc->config_file || !dc->config_dir)
		return text;
	if (asprintf(&out, PVX_SAVED_SOURCE "%s/%s\n%s", dc->config_dir,
		     base ? base + 1 : dc->config_file, text) < 0)
		out = NULL;
	free(text);
	return out;
}
