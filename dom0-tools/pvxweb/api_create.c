/* POST /domains: create a domain from a template (an xl.cfg file in the
 * templates directory) or from config text, with pvx create's KEY=VALUE
 * overrides; GET /templates lists the templates. Everything pvx create checks is
 * checked, and its messages come back as the error. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_dom.h"
#include "libpvx/cfg.h"
#include "libpvx/pvx.h"
#include "pvstart/pvstart.h"
#include "pvxweb.h"
#include "sampler.h"

#define CREATE_MAX_OVERRIDES 64
#define CREATE_OVERRIDE_MAX  4096
#define CREATE_WARN_MAX      16

static const char *const create_keys[] = { "template", "config", "overrides", "paused", NULL };

struct create_req {
	const char *tmpl, *config;
	const char **ov;
	size_t n_ov;
	int paused;
	char path[2048]; /* the template file */
	char *warn[CREATE_WARN_MAX];
	int n_warn;
};

static void create_warn(void *ctx, const char *msg)
{
	struct create_req *r = ctx;

	if (r->n_warn < CREATE_WARN_MAX)
		r->warn[r->n_warn++] = strdup(msg);
}

/* A template name is a path segment (checked already by the path rules' test). */
static int template_path(struct api_call *c, const char *name, char *out, size_t len)
{
	struct api_call tmp;

	memset(&tmp, 0, sizeof(tmp));
	if (strchr(name, '/') || api_path_split(&tmp, name) < 0 || tmp.nseg != 1 ||
	    name[0] == '.') {
		api_fail(c, 400, "bad-body",
			 "pvx: template \"%.64s\": not a template name "
			 "(GET " API_PREFIX "templates lists them)",
			 name);
		return -EINVAL;
	}
	snprintf(out, len, "%s/%s.cfg", c->w->o.templates, name);
	return 0;
}

static int create_args(struct api_call *c, struct create_req *r)
{
	if (api_body_keys(c, create_keys) < 0 ||
	    api_body_string(c, "template", API_SEG_MAX, &r->tmpl) < 0 ||
	    api_body_string(c, "config", CFG_MAX_FILE_SIZE, &r->config) < 0 ||
	    api_body_strings(c, "overrides", CREATE_OVERRIDE_MAX, CREATE_MAX_OVERRIDES, &r->ov,
			     &r->n_ov) < 0 ||
	    api_body_bool(c, "paused", &r->paused) < 0)
		return -EINVAL;
	for (size_t i = 0; i < r->n_ov; i++)
		if (strpbrk(r->ov[i], "\n\r")) {
			api_fail(c, 400, "bad-body",
				 "pvx: overrides[%zu]: one KEY=VALUE per string, "
				 "without line breaks",
				 i);
			return -EINVAL;
		}
	if (!r->tmpl == !r->config) {
		api_fail(c, 400, "bad-body",
			 "pvx: create: give either \"template\" (a name from "
			 "GET " API_PREFIX "templates) or \"config\" (xl.cfg text), not %s",
			 r->tmpl ? "both" : "neither");
		return -EINVAL;
	}
	return r->tmpl ? template_path(c, r->tmpl, r->path, sizeof(r->path)) : 0;
}

/* Parse, override and check, as pvx create does; *cf stays for the saved
 * snapshot. Config text's relative paths resolve against the templates directory
 * (pvxweb's own directory is nobody's). */
static int create_load(struct api_call *c, struct create_req *r, struct cfg_file **cf,
		       struct domcfg *dc)
{
	struct pvx_err err = { 0 };
	int rc = r->tmpl ? cfg_parse_file(r->path, cf, &err)
			 : cfg_parse_buffer("config", r->config, strlen(r->config), cf, &err);

	if (rc == -ENOENT && r->tmpl)
		pvx_fail(&err, rc,
			 "template \"%s\": no such template (GET " API_PREFIX
			 "templates lists them)",
			 r->tmpl);
	for (size_t i = 0; rc == 0 && i < r->n_ov; i++)
		rc = cfg_apply_override(*cf, r->ov[i], &err);
	if (rc == 0)
		rc = domcfg_from_cfg(*cf, dc, create_warn, r, &err);
	if (rc == 0 && !r->tmpl) {
		free(dc->config_dir);
		dc->config_dir = strdup(c->w->o.templates);
		rc = dc->config_dir ? 0 : pvx_fail(&err, -ENOMEM, "out of memory");
	}
	if (rc < 0)
		api_fail(c, rc == -ENOENT && r->tmpl ? 404 : 400, "bad-config", "pvx: %s",
			 pvx_err_text(&err, rc));
	return rc;
}

static void create_reply(struct api_call *c, struct create_req *r, const struct domcfg *dc,
			 pv_domid_t domid)
{
	c->status = 201;
	yajl_gen_map_open(c->g);
	json_kint(c->g, "domid", domid);
	json_kstr(c->g, "name", dc->name);
	json_kbool(c->g, "paused", r->paused);
	json_key(c->g, "warnings");
	yajl_gen_array_open(c->g);
	for (int i = 0; i < r->n_warn; i++)
		json_str(c->g, r->warn[i]);
	yajl_gen_array_close(c->g);
	yajl_gen_map_close(c->g);
	sampler_kick(c->w->smp);
}

static void create_run(struct api_call *c, struct create_req *r, struct cfg_file *cf,
		       struct domcfg *dc)
{
	struct pvctrl *pc = api_hv(c);
	struct pvx_err err = { 0 };
	pv_domid_t domid;
	char *text;
	int rc;

	if (!pc)
		return;
	if ((rc = pvstart_disks_servable(dc, &err)) < 0) {
		api_fail(c, 400, "create-failed", "pvx: %s: %s", dc->name,
			 pvx_err_text(&err, rc));
		return;
	}
	if ((rc = pvstart_daemons_ensure(&err)) < 0) /* pvconsoled serves it from the start */
		create_warn(r, pvx_err_text(&err, rc));
	text = pvx_config_snapshot(cf, dc);
	if (!text) {
		api_fail(c, 500, "no-memory", "pvx: %s: out of memory saving its config",
			 dc->name);
		return;
	}
	rc = pvx_domain_create(pc, dc, r->paused ? PVX_CREATE_PAUSED : 0, text, &domid, &err);
	free(text);
	if (rc < 0) {
		api_fail(c,
			 rc == -EEXIST   ? 409
			 : rc == -ENOMEM ? 507
					 : 400,
			 "create-failed", "pvx: %s: %s", dc->name, pvx_err_text(&err, rc));
		return;
	}
	create_reply(c, r, dc, domid);
}

void api_domain_create(struct api_call *c)
{
	struct cfg_file *cf = NULL;
	struct create_req r;
	struct domcfg dc;

	memset(&r, 0, sizeof(r));
	memset(&dc, 0, sizeof(dc));
	if (create_args(c, &r) == 0 && create_load(c, &r, &cf, &dc) == 0)
		create_run(c, &r, cf, &dc);
	cfg_free(cf);
	domcfg_fini(&dc);
	free(r.ov);
	for (int i = 0; i < r.n_warn; i++)
		free(r.warn[i]);
}

static int tmpl_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void api_templates_get(struct api_call *c)
{
	DIR *d = opendir(c->w->o.templates);
	char *names[256];
	struct dirent *de;
	size_t n = 0;

	while (d && (de = readdir(d)) && n < 256) {
		size_t len = strlen(de->d_name);

		char *name;

		if (len > 4 && len - 4 <= API_SEG_MAX && de->d_name[0] != '.' &&
		    strcmp(de->d_name + len - 4, ".cfg") == 0 &&
		    (name = strndup(de->d_name, len - 4)))
			names[n++] = name;
	}
	if (d)
		closedir(d);
	qsort(names, n, sizeof(names[0]), tmpl_cmp);
	yajl_gen_map_open(c->g);
	json_kstr(c->g, "directory", c->w->o.templates);
	json_key(c->g, "templates");
	yajl_gen_array_open(c->g);
	for (size_t i = 0; i < n; i++) {
		json_str(c->g, names[i]);
		free(names[i]);
	}
	yajl_gen_array_close(c->g);
	yajl_gen_map_close(c->g);
}
