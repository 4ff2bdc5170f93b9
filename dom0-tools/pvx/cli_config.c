/* Reading a config the way pvx create and config-update do: the file, the
 * KEY=VALUE overrides, then the typed domcfg, its warnings on stderr. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "libpvx/cfg.h"
#include "pvx_cli.h"

static void config_warn(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "pvx: %s\n", msg);
}

int cli_config_load(const char *file, char **overrides, int n, struct cfg_file **cf,
		    struct domcfg *dc)
{
	struct pvx_err err = { 0 };
	int rc = cfg_parse_file(file, cf, &err);

	for (int i = 0; rc == 0 && i < n; i++)
		rc = cfg_apply_override(*cf, overrides[i], &err);
	if (rc == 0)
		rc = domcfg_from_cfg(*cf, dc, config_warn, NULL, &err);
	if (rc < 0)
		cli_fail("%s", pvx_err_text(&err, rc));
	return rc;
}

int cli_config_text(const char *verb, const char *file, char **text, char **path)
{
	struct pvx_err err = { 0 };
	struct cfg_file *cf = NULL;
	int rc = cfg_parse_file(file, &cf, &err);

	if (rc == 0 && cfg_format(cf, text) < 0)
		rc = -ENOMEM;
	cfg_free(cf);
	if (rc < 0)
		return cli_fail("%s: %s", verb, pvx_err_text(&err, rc));
	*path = realpath(file, NULL);
	return 0;
}

int cli_config_print(const struct domcfg *dc)
{
	char *json = NULL;

	if (domcfg_to_json(dc, -1, &json) < 0)
		return cli_fail("cannot format the config as JSON");
	fputs(json, stdout);
	free(json);
	return 0;
}
