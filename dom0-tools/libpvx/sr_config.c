/* The domain config in a save image (xl's header carries it as JSON): libxl's
 * domain-config shape, as `pvx list -l` prints it, plus a "pvisor" object with the
 * config file's text and path. Restore parses that text again -- or the CFG the
 * user gives instead, as xl does -- with the command line's key=value overrides,
 * so a restored domain is configured exactly as `pvx create` would configure it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "libpvx/sr_config.h"

static int gen_str(yajl_gen g, const char *s)
{
	return yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

const char *sr_config_engine(const struct domcfg *dc)
{
	return dc->type == DOMCFG_TYPE_PV ? "pv" : "hvm";
}

int sr_config_json(const char *text, const char *file, char **json, char *engine,
		   struct pvx_err *err)
{
	struct cfg_file *cf = NULL;
	struct domcfg dc = { 0 };
	const unsigned char *buf;
	size_t len;
	yajl_gen g = NULL;
	int rc = cfg_parse_buffer(file, text, strlen(text), &cf, err);

	if (rc == 0)
		rc = domcfg_from_cfg(cf, &dc, NULL, NULL, err);
	cfg_free(cf);
	if (rc < 0)
		return rc;
	strcpy(engine, sr_config_engine(&dc));
	if (!(g = yajl_gen_alloc(NULL)))
		rc = -ENOMEM;
	if (rc == 0)
		yajl_gen_config(g, yajl_gen_beautify, 1);
	if (rc == 0 && (domcfg_json_gen_config_open(&dc, g) ||
			gen_str(g, "pvisor") | yajl_gen_map_open(g) | gen_str(g, "config_file") |
				gen_str(g, file) | gen_str(g, "config") | gen_str(g, text) |
				yajl_gen_map_close(g) | yajl_gen_map_close(g) ||
			yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok))
		rc = -EIO;
	if (rc == 0 && !(*json = strndup((const char *)buf, len)))
		rc = -ENOMEM;
	if (g)
		yajl_gen_free(g);
	domcfg_fini(&dc);
	return rc < 0 ? pvx_fail(err, rc, "writing the config as JSON: %s", strerror(-rc)) : 0;
}

/* The "pvisor" object's config text and file from the image's JSON. */
static int sr_config_from_json(const char *json, char **text, char **file, struct pvx_err *err)
{
	static const char *tp[] = { "pvisor", "config", NULL };
	static const char *fp[] = { "pvisor", "config_file", NULL };
	char ebuf[128];
	yajl_val root = yajl_tree_parse(json, ebuf, sizeof(ebuf)), t, f;
	int rc = 0;

	if (!root)
		return pvx_fail(err, -EINVAL, "the image's config is not JSON (%s)", ebuf);
	t = yajl_tree_get(root, tp, yajl_t_string);
	f = yajl_tree_get(root, fp, yajl_t_string);
	if (!t || !f)
		rc = pvx_fail(err, -EINVAL,
			      "the image's config has no pvisor config (an image "
			      "of another toolstack?); give a config file to restore it with");
	else if (!(*text = strdup(t->u.string)) || !(*file = strdup(f->u.string)))
		rc = pvx_fail(err, -ENOMEM, "out of memory");
	yajl_tree_free(root);
	return rc;
}

/* Another name than the image's: a new uuid too (unless one is given), so that the
 * same image can start several domains side by side (/vm/<uuid> is per domain). */
static int sr_config_new_uuid(struct cfg_file *cf, struct domcfg *dc, struct pvx_err *err)
{
	char uuid[37], ov[64];
	int rc = domcfg_uuid_generate(dc->uuid);

	if (rc < 0)
		return pvx_fail(err, rc, "drawing a uuid: %s", strerror(-rc));
	domcfg_uuid_format(dc->uuid, uuid);
	snprintf(ov, sizeof(ov), "uuid=\"%s\"", uuid);
	return cfg_apply_override(cf, ov, err);
}

static int sr_config_has(char *const *ov, int n, const char *key)
{
	size_t k = strlen(key);

	for (int i = 0; i < n; i++)
		if (strncmp(ov[i], key, k) == 0 && (ov[i][k] == '=' || ov[i][k] == '+'))
			return 1;
	return 0;
}

int sr_config_load(const char *json, const char *cfg_path, char *const *overrides, int n,
		   struct domcfg *dc, char **text_out, char **file_out, struct pvx_err *err)
{
	char *text = NULL, *file = NULL, orig[DOMCFG_NAME_MAX + 1] = "";
	struct cfg_file *cf = NULL;
	int rc = cfg_path ? cfg_parse_file(cfg_path, &cf, err)
			  : sr_config_from_json(json, &text, &file, err);

	if (rc == 0 && !cfg_path)
		rc = cfg_parse_buffer(file, text, strlen(text), &cf, err);
	if (rc == 0 && cfg_get(cf, "name") && cfg_get(cf, "name")->str)
		snprintf(orig, sizeof(orig), "%s", cfg_get(cf, "name")->str);
	for (int i = 0; rc == 0 && i < n; i++)
		rc = cfg_apply_override(cf, overrides[i], err);
	if (rc == 0)
		rc = domcfg_from_cfg(cf, dc, NULL, NULL, err);
	if (rc == 0 && strcmp(orig, dc->name) != 0 && !sr_config_has(overrides, n, "uuid"))
		rc = sr_config_new_uuid(cf, dc, err);
	free(text);
	text = NULL;
	if (rc == 0 && cfg_format(cf, &text) < 0)
		rc = pvx_fail(err, -ENOMEM, "out of memory");
	if (rc == 0 && !file && !(file = strdup(cf->name)))
		rc = pvx_fail(err, -ENOMEM, "out of memory");
	cfg_free(cf);
	if (rc < 0) {
		free(text);
		free(file);
		domcfg_fini(dc);
		return rc;
	}
	*text_out = text;
	*file_out = file;
	return 0;
}
