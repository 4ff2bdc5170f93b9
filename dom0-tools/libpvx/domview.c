/* How the toolstack keeps and shows a domain, shared by pvx and pvxweb: the
 * config snapshot it saves at create (for `pvx list -l` and the monitor), that
 * config as xl's JSON, and xl's state letters. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "libpvx/cfg.h"
#include "libpvx/pvx.h"
#include "libpvx/vifspec.h"
#include "netaddr.h"

void pvx_domain_letters(struct pvctrl *h, pv_domid_t domid, char out[7])
{
	static const char reasons[] = "-rscwS";
	struct pv_domctl_getdomaininfo info;

	memcpy(out, "------", 7);
	if (pvctrl_domain_getinfo(h, domid, &info) < 0)
		return;
	if (info.flags & PV_DOMINF_running)
		out[0] = 'r';
	if (info.flags & PV_DOMINF_blocked)
		out[1] = 'b';
	if (info.flags & PV_DOMINF_paused)
		out[2] = 'p';
	if (info.flags & PV_DOMINF_shutdown) {
		unsigned r = (info.flags >> PV_DOMINF_shutdownshift) & PV_DOMINF_shutdownmask;

		out[3] = 's';
		out[4] = r < sizeof(reasons) - 1 ? reasons[r] : '?';
	}
	if (info.flags & PV_DOMINF_dying)
		out[5] = 'd';
}

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
	char uuid[37], ov[64], *text = NULL;

	domcfg_uuid_format(dc->uuid, uuid);
	snprintf(ov, sizeof(ov), "uuid=\"%s\"", uuid);
	if (cfg_apply_override(cf, ov, NULL) < 0 || snapshot_macs(cf, dc) < 0 ||
	    cfg_format(cf, &text) < 0)
		return NULL;
	return text;
}

static void config_json_bare(struct yajl_gen_t *g, const char *name)
{
	yajl_gen_map_open(g);
	yajl_gen_string(g, (const unsigned char *)"c_info", 6);
	yajl_gen_map_open(g);
	yajl_gen_string(g, (const unsigned char *)"name", 4);
	yajl_gen_string(g, (const unsigned char *)name, strlen(name));
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

int pvx_domain_config_json(struct yajl_gen_t *g, pv_domid_t domid, const char *name)
{
	char *text = pvx_domain_saved_config(domid);
	struct cfg_file *cf = NULL;
	struct domcfg dc;
	int rc = -ENOENT;

	memset(&dc, 0, sizeof(dc));
	if (text && cfg_parse_buffer(name, text, strlen(text), &cf, NULL) == 0 &&
	    domcfg_from_cfg(cf, &dc, NULL, NULL, NULL) == 0)
		rc = domcfg_json_gen_config(&dc, g);
	if (rc == -ENOENT) { /* created by another toolstack: what the hypervisor knows */
		config_json_bare(g, name);
		rc = 0;
	}
	domcfg_fini(&dc);
	cfg_free(cf);
	free(text);
	return rc;
}
