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

#define CREATE_CONSOLE_WAIT_S 10

struct create_opts {
	int console, paused, quiet, dry_run;
	const char *file;
	char **overrides;
	int n_overrides;
};

static void create_warn(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "pvx: %s\n", msg);
}

static int create_parse_args(int argc, char **argv, struct create_opts *o)
{
	static const struct option lo[] = { { "dry-run", no_argument, NULL, 'n' },
					    { NULL, 0, NULL, 0 } };
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "+cpqnh", lo, NULL)) != -1) {
		switch (c) {
		case 'c': o->console = 1; break;
		case 'p': o->paused = 1; break;
		case 'q': o->quiet = 1; break;
		case 'n': o->dry_run = 1; break;
		default: return -1;
		}
	}
	if (optind >= argc)
		return -1;
	o->file = argv[optind];
	o->overrides = argv + optind + 1;
	o->n_overrides = argc - optind - 1;
	return 0;
}

/* One vif spec with the MAC in use: a vif without mac= got a random one when the
 * config was parsed. As a quoted string of the file grammar; NULL without memory. */
static char *create_vif_pinned(const struct vif_spec *vs)
{
	char mac[18], *spec = NULL, *quoted = NULL;

	netaddr_mac_format(vs->mac, mac);
	if (asprintf(&spec, "%s%s%s", vs->text, vs->mac_given ? "" : *vs->text ? ",mac=" : "mac=",
		     vs->mac_given ? "" : mac) < 0)
		return NULL;
	cfg_format_string(spec, &quoted);
	free(spec);
	return quoted;
}

/* vif = [...] again, each with its MAC, so that a restart gives the guest the same
 * NICs (xl keeps the MACs it drew too). 0 or -ENOMEM. */
static int create_pin_macs(struct cfg_file *cf, const struct domcfg *dc)
{
	size_t len = 0;
	char *ov = NULL;
	FILE *f;
	int rc = 0;

	if (!dc->n_vifs || !(f = open_memstream(&ov, &len)))
		return dc->n_vifs ? -ENOMEM : 0;
	fputs("vif=[", f);
	for (size_t i = 0; i < dc->n_vifs && rc == 0; i++) {
		char *q = create_vif_pinned(&dc->vifs[i]);

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

/* The config kept for `pvx list -l` and the monitor: the settings as parsed
 * (the file and the overrides, in the file grammar) with the uuid and the MACs in
 * use, so that a restart is the same domain. NULL when out of memory. */
static char *create_saved_text(struct cfg_file *cf, const struct domcfg *dc)
{
	char uuid[37], ov[64], *text = NULL;

	domcfg_uuid_format(dc->uuid, uuid);
	snprintf(ov, sizeof(ov), "uuid=\"%s\"", uuid);
	if (cfg_apply_override(cf, ov, NULL) < 0 || create_pin_macs(cf, dc) < 0 ||
	    cfg_format(cf, &text) < 0)
		return NULL;
	return text;
}

/* The config file, the overrides, then domcfg; *cf stays for the saved text. */
static int create_load(const struct create_opts *o, struct cfg_file **cf, struct domcfg *dc)
{
	struct pvx_err err = { 0 };
	int rc = cfg_parse_file(o->file, cf, &err);

	for (int i = 0; rc == 0 && i < o->n_overrides; i++)
		rc = cfg_apply_override(*cf, o->overrides[i], &err);
	if (rc == 0)
		rc = domcfg_from_cfg(*cf, dc, create_warn, NULL, &err);
	if (rc < 0)
		cli_fail("%s", pvx_err_text(&err, rc));
	return rc;
}

/* The monitor carries out the restart actions from the saved config; relative
 * paths in it are relative to the config file's folder. */
static void create_monitor(const struct domcfg *dc, pv_domid_t domid, int have_text)
{
	const char *base = strrchr(dc->config_file, '/');
	struct pvx_err err = { 0 };
	char *path = NULL;
	int rc = -ENOMEM;

	if (!have_text) {
		fprintf(stderr, "pvx: warning: out of memory saving the config of %s: its "
			"on_reboot / on_crash restart actions will not be carried out\n", dc->name);
		return;
	}
	if (asprintf(&path, "%s/%s", dc->config_dir, base ? base + 1 : dc->config_file) >= 0)
		rc = pvstart_monitor(domid, path, &err);
	free(path);
	if (rc < 0)
		fprintf(stderr, "pvx: warning: %s: the restart actions of %s will not be carried "
			"out\n", pvx_err_text(&err, rc), dc->name);
}

/* What the parser cannot know: images QEMU serves need qemu-nbd on this host. */
static int create_check_disks(const struct domcfg *dc)
{
	for (size_t i = 0; i < dc->n_disks; i++) {
		const struct disk_spec *d = &dc->disks[i];

		if (diskspec_qemu_format(d->format) && d->target[0] &&
		    !diskspec_target_is_uri(d->target) && !pvstart_tool_installed("qemu-nbd"))
			return cli_fail("%s: disk %s: format %s is served by qemu-nbd, which is not "
					"installed (Debian: apt-get install qemu-utils)", dc->name,
					d->vdev, d->format);
	}
	return 0;
}

static int create_dry_run(const struct domcfg *dc)
{
	char *json = NULL;

	if (create_check_disks(dc))
		return 1;
	if (domcfg_to_json(dc, -1, &json) < 0)
		return cli_fail("cannot format the config as JSON");
	fputs(json, stdout);
	free(json);
	return 0;
}

/* -c: attach to the console ring through pvconsoled, then unpause (unless -p).
 * Without a console (no pvconsoled, no ring) the domain still runs: say so and
 * fail; what it writes with console_io is in `pvx dmesg`. */
static int create_console(struct pvctrl *h, pv_domid_t domid, int paused)
{
	int fd = cli_console_attach(h, domid, CREATE_CONSOLE_WAIT_S), rc;

	if (!paused && (rc = pvctrl_domain_unpause(h, domid)) < 0)
		return cli_fail("cannot unpause domain %u: %s", domid, strerror(-rc));
	if (fd < 0) {
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
	char *text;
	int rc;

	if (create_parse_args(argc, argv, &o) < 0)
		return cli_usage("create");
	memset(&dc, 0, sizeof(dc));
	if (!o.quiet && !o.dry_run)
		fprintf(stderr, "Parsing config from %s\n", o.file);
	rc = create_load(&o, &cf, &dc);
	if (rc < 0 || o.dry_run) {
		rc = rc < 0 ? 1 : create_dry_run(&dc);
		cfg_free(cf);
		domcfg_fini(&dc);
		return rc;
	}
	if (create_check_disks(&dc)) {
		cfg_free(cf);
		domcfg_fini(&dc);
		return 1;
	}
	text = create_saved_text(cf, &dc);
	cfg_free(cf);
	h = cli_connect();
	create_daemons();
	/* With -c the domain starts only once the console is attached: no output is
	 * missed. */
	rc = pvx_domain_create(h, &dc, o.paused || o.console ? PVX_CREATE_PAUSED : 0, text, &domid,
			       &err);
	if (rc == 0)
		create_monitor(&dc, domid, text != NULL);
	free(text);
	if (rc < 0) {
		rc = cli_fail("%s: %s", dc.name, pvx_err_text(&err, rc));
	} else {
		if (!o.quiet && !o.console)
			fprintf(stderr, "Started domain %s (id=%u)\n", dc.name, domid);
		rc = o.console ? create_console(h, domid, o.paused) : 0;
	}
	domcfg_fini(&dc);
	pvctrl_close(h);
	return rc;
}
