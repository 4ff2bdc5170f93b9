/* pvx create: parse an xl.cfg (plus KEY=VALUE overrides), build and start a domain,
 * optionally follow its console. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libpvctrl/pvctrl.h"
#include "libpvx/cfg.h"
#include "libpvx/diskspec.h"
#include "netaddr.h"
#include "pvx_cli.h"
#include "util.h"

struct create_opts {
	int console, paused, quiet, dry_run;
	const char *file;
	char **overrides;
	int n_overrides;
};

static int create_parse_args(int argc, char **argv, struct create_opts *o)
{
	static const struct option lo[] = { { "dry-run", no_argument, NULL, 'n' },
					    { "dryrun", no_argument, NULL, 'n' },
					    { NULL, 0, NULL, 0 } };
	int c;

	memset(o, 0, sizeof(*o));
	o->dry_run = cli.dryrun;
	while ((c = getopt_long(argc, argv, "+cpqnh", lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->console = 1;
			break;
		case 'p':
			o->paused = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'n':
			o->dry_run = 1;
			break;
		default:
			return -1;
		}
	}
	if (optind >= argc)
		return -1;
	o->file = argv[optind];
	o->overrides = argv + optind + 1;
	o->n_overrides = argc - optind - 1;
	return 0;
}

/* What the parser cannot know: images QEMU serves need its server on this host. */
static int create_check_disks(const struct domcfg *dc)
{
	struct pvx_err err = { 0 };
	int rc = pvstart_disks_servable(dc, &err);

	return rc < 0 ? cli_fail("%s: %s", dc->name, pvx_err_text(&err, rc)) : 0;
}

/* -c: the console is attached while the domain is built, before it is unpaused
 * (no output is missed): pvconsoled is handed the ring and port once they are
 * known and needs nothing from the store; its answer is taken after the store
 * layout, so that pvconsoled and xsd work at the same time. */
struct create_console_ctx {
	int fd;
	char why[256];
};

static void create_console_ask(void *ctx, pv_domid_t domid, const struct domcfg *dc,
			       const struct pvx_boot_ports *bp)
{
	struct create_console_ctx *c = ctx;

	c->fd = cli_console_ask_ring(domid, dc->name, bp->console_gfn, bp->console_port, c->why,
				     sizeof(c->why));
}

static void create_console_answer(void *ctx, pv_domid_t domid)
{
	struct create_console_ctx *c = ctx;

	(void)domid;
	if (c->fd >= 0)
		c->fd = cli_console_answer(c->fd, c->why, sizeof(c->why));
}

/* -c, after the create: follow the console. Without one (no pvconsoled, no ring)
 * the domain still runs: say so and fail; what it writes with console_io is in
 * `pvx dmesg`. */
static int create_console(struct pvctrl *h, pv_domid_t domid, int paused,
			  const struct create_console_ctx *c)
{
	int fd = c->fd;

	if (fd < 0) {
		cli_fail("console of domain %u: %s", domid, c->why);
		fprintf(stderr, "pvx: domain %u is %s without its console\n", domid,
			paused ? "paused" : "running");
		return 1;
	}
	return cli_console_run(h, domid, fd, 1);
}

/* Every daemon up: pvconsoled serves the new console ring (and logs it) from the
 * start, the backends take the devices. */
static void create_daemons(void)
{
	struct pvx_err err = { 0 };
	int rc = pvstart_daemons_ensure(&err);

	if (rc < 0)
		fprintf(stderr, "pvx: warning: %s\n", pvx_err_text(&err, rc));
}

int cmd_create(int argc, char **argv)
{
	struct cfg_file *cf = NULL;
	struct create_opts o;
	struct domcfg dc;
	struct pvctrl *h;
	pv_domid_t domid;
	struct pvx_err err = { 0 };
	struct create_console_ctx cons = { .fd = -1, .why = "pvconsoled was not asked" };
	const struct pvx_console_hook hook = { create_console_ask, create_console_answer, &cons };
	char *text;
	int rc;

	if (create_parse_args(argc, argv, &o) < 0)
		return cli_usage("create");
	memset(&dc, 0, sizeof(dc));
	if (!o.quiet && !o.dry_run)
		fprintf(stderr, "Parsing config from %s\n", o.file);
	rc = cli_config_load(o.file, o.overrides, o.n_overrides, &cf, &dc);
	if (rc < 0 || o.dry_run) {
		rc = rc < 0 || create_check_disks(&dc) ? 1 : cli_config_print(&dc);
		cfg_free(cf);
		domcfg_fini(&dc);
		return rc;
	}
	if (create_check_disks(&dc)) {
		cfg_free(cf);
		domcfg_fini(&dc);
		return 1;
	}
	text = pvx_config_snapshot(cf, &dc);
	cfg_free(cf);
	h = cli_connect();
	create_daemons();
	if (o.console)
		pvx_console_hook_set(&hook);
	rc = pvstart_domain_create(h, &dc, o.paused ? PVX_CREATE_PAUSED : 0, text, &domid, &err);
	pvx_console_hook_set(NULL);
	if (rc == 0 && !text)
		fprintf(stderr,
			"pvx: warning: out of memory saving the config of %s: its "
			"on_reboot / on_crash restart actions will not be carried out\n",
			dc.name);
	free(text);
	if (rc < 0) {
		rc = cli_fail("%s: %s", dc.name, pvx_err_text(&err, rc));
		if (cons.fd >= 0)
			close(cons.fd);
	} else {
		if (!o.quiet && !o.console)
			fprintf(stderr, "Started domain %s (id=%u)\n", dc.name, domid);
		rc = o.console ? create_console(h, domid, o.paused, &cons) : 0;
	}
	domcfg_fini(&dc);
	pvctrl_close(h);
	return rc;
}
