/* How the toolstack shows a domain, shared by pvx and pvxweb: its saved config
 * as xl's JSON, and xl's state letters. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "libpvx/cfg.h"
#include "libpvx/pvx.h"

void pvx_domain_letters(const struct pv_domctl_getdomaininfo *info, char out[7])
{
	static const char reasons[] = "-rscwS";

	memcpy(out, "------", 7);
	if (!info)
		return;
	if (info->flags & PV_DOMINF_running)
		out[0] = 'r';
	if (info->flags & PV_DOMINF_blocked)
		out[1] = 'b';
	if (info->flags & PV_DOMINF_paused)
		out[2] = 'p';
	if (info->flags & PV_DOMINF_shutdown) {
		unsigned r = (info->flags >> PV_DOMINF_shutdownshift) & PV_DOMINF_shutdownmask;

		out[3] = 's';
		out[4] = r < sizeof(reasons) - 1 ? reasons[r] : '?';
	}
	if (info->flags & PV_DOMINF_dying)
		out[5] = 'd';
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
