/* pvx config-update DOMAIN CFG [KEY=VALUE...]: make CFG (checked as pvx create
 * checks it) the config a live domain is rebuilt from on its next reboot or
 * restart action, as xl config-update. The domain keeps its uuid unless CFG sets
 * one. -d or the global -N print it as JSON; -N changes nothing. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/cfg.h"
#include "pvx_cli.h"

/* The running domain's uuid where the new config names none. */
static int cu_keep_uuid(struct pvctrl *h, pv_domid_t id, struct domcfg *dc)
{
	struct pv_domctl_getdomaininfo info;
	int rc;

	if (dc->uuid_given)
		return 0;
	rc = pvctrl_domain_getinfo(h, id, &info);
	if (rc == 0)
		memcpy(dc->uuid, info.handle, sizeof(dc->uuid));
	return rc;
}

static int cu_save(struct pvctrl *h, pv_domid_t id, struct cfg_file *cf, struct domcfg *dc)
{
	char *text;
	int rc = cu_keep_uuid(h, id, dc);

	if (rc < 0)
		return cli_fail("config-update: asking the hypervisor about domain %u: %s", id,
				strerror(-rc));
	text = pvx_config_snapshot(cf, dc);
	if (!text)
		return cli_fail("config-update: out of memory");
	fprintf(stderr, "setting dom%u configuration\n", id);
	rc = pvx_domain_save_config(id, text);
	free(text);
	if (rc < 0)
		return cli_fail("config-update: saving the config of domain %u: %s", id,
				strerror(-rc));
	return 0;
}

int cmd_config_update(int argc, char **argv)
{
	struct cfg_file *cf = NULL;
	struct domcfg dc;
	struct pvctrl *h;
	pv_domid_t id;
	int c, debug = 0, rc;

	while ((c = getopt(argc, argv, "+d")) != -1) {
		if (c != 'd')
			return cli_usage("config-update");
		debug = 1;
	}
	if (argc - optind < 2)
		return cli_usage("config-update");
	h = cli_connect();
	id = cli_domain(h, argv[optind]);
	memset(&dc, 0, sizeof(dc));
	rc = cli_config_load(argv[optind + 1], argv + optind + 2, argc - optind - 2, &cf, &dc);
	if (rc == 0 && (debug || cli.dryrun))
		rc = cli_config_print(&dc);
	if (rc == 0 && !cli.dryrun)
		rc = cu_save(h, id, cf, &dc);
	domcfg_fini(&dc);
	cfg_free(cf);
	pvctrl_close(h);
	return rc < 0 ? 1 : rc;
}
