/* How the toolstack shows a domain, shared by pvx and pvxweb: xl's state letters,
 * the saved config (the text pvx create keeps for `pvx list -l`: file, then the
 * overrides as overrides), and that config as xl's JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "libpvx/cfg.h"
#include "libpvx/pvx.h"

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

char *pvx_saved_text(const char *file_text, size_t file_len, const char *const *overrides,
		     size_t n_overrides, const uint8_t uuid[16])
{
	char *text = NULL, u[37];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	fwrite(file_text, 1, file_len, f);
	fputs("\n" PVX_SAVED_OVERRIDES "\n", f);
	for (size_t i = 0; i < n_overrides; i++)
		fprintf(f, "%s\n", overrides[i]);
	domcfg_uuid_format(uuid, u);
	fprintf(f, "uuid=%s\n", u);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

int pvx_saved_config_parse(const char *label, const char *text, struct cfg_file **out,
			   char *err, size_t errlen)
{
	const char *mark = strstr(text, "\n" PVX_SAVED_OVERRIDES "\n"), *p;
	size_t flen = mark ? (size_t)(mark - text) : strlen(text);
	int rc = cfg_parse_buffer(label, text, flen, out, err, errlen);

	for (p = mark ? mark + strlen(PVX_SAVED_OVERRIDES) + 2 : NULL; rc == 0 && p && *p;) {
		size_t len = strcspn(p, "\n");
		char *line = strndup(p, len);

		rc = line ? (len ? cfg_apply_override(*out, line, err, errlen) : 0) : -ENOMEM;
		free(line);
		p += len + (p[len] == '\n');
	}
	if (rc < 0) {
		cfg_free(*out);
		*out = NULL;
	}
	return rc;
}

int pvx_domain_config_json(struct yajl_gen_t *g, pv_domid_t domid, const char *name)
{
	char *text = pvx_domain_saved_config(domid), err[512];
	struct cfg_file *cf = NULL;
	struct domcfg dc;
	int rc = -ENOENT;

	memset(&dc, 0, sizeof(dc));
	if (text && pvx_saved_config_parse(name, text, &cf, err, sizeof(err)) == 0 &&
	    domcfg_from_cfg(cf, &dc, NULL, NULL, err, sizeof(err)) == 0)
		rc = domcfg_json_gen_config(&dc, g);
	if (rc == -ENOENT) { /* created by another toolstack: what the hypervisor knows */
		yajl_gen_map_open(g);
		yajl_gen_string(g, (const unsigned char *)"c_info", 6);
		yajl_gen_map_open(g);
		yajl_gen_string(g, (const unsigned char *)"name", 4);
		yajl_gen_string(g, (const unsigned char *)name, strlen(name));
		yajl_gen_map_close(g);
		yajl_gen_map_close(g);
		rc = 0;
	}
	domcfg_fini(&dc);
	cfg_free(cf);
	free(text);
	return rc;
}
