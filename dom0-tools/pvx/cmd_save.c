/* pvx save [-c] [-p] [-z] [--json] [--timeout S] DOMAIN FILE [CFG]: save a running
 * domain to FILE as xl save does (-c: it runs on, -p: it stays paused; else it is
 * destroyed once saved), -z deflating its memory; CFG is put in the image instead
 * of the domain's own config. A bar on a terminal, the phases as JSON with --json. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pvx_cli.h"
#include "util.h"

struct save_args {
	struct pvx_save_opts o;
	int json;
	const char *dom, *file, *cfg;
};

static int save_parse(int argc, char **argv, struct save_args *a)
{
	static const struct option lo[] = { { "json", no_argument, NULL, 'j' },
					    { "timeout", required_argument, NULL, 't' },
					    { NULL, 0, NULL, 0 } };
	uint64_t secs;
	int c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	while ((c = getopt_long(argc, argv, "+cpz", lo, NULL)) != -1) {
		if (c == 'c')
			a->o.flags |= PVX_SAVE_CHECKPOINT;
		else if (c == 'p')
			a->o.flags |= PVX_SAVE_PAUSED;
		else if (c == 'z')
			a->o.flags |= PVX_SAVE_ZLIB;
		else if (c == 'j')
			a->json = 1;
		else if (c == 't' && util_parse_u64(optarg, 3600, &secs) == 0 && secs)
			a->o.suspend_timeout_ms = (uint32_t)secs * 1000;
		else
			return -1;
	}
	if (argc - optind < 2 || argc - optind > 3)
		return -1;
	a->dom = argv[optind];
	a->file = argv[optind + 1];
	a->cfg = argc - optind == 3 ? argv[optind + 2] : NULL;
	return 0;
}

/* CFG's text and absolute path, for the image instead of the kept config. */
static int save_cfg(struct save_args *a, char **text, char **path)
{
	if (!a->cfg)
		return 0;
	if (cli_config_text("save", a->cfg, text, path))
		return 1;
	a->o.config_text = *text;
	a->o.config_file = *path ? *path : a->cfg;
	return 0;
}

int cmd_save(int argc, char **argv)
{
	struct save_args a;
	struct pvx_err err = { 0 };
	struct pvx_sr_report rep = { 0 };
	struct cli_progress p;
	char *text = NULL, *path = NULL;
	struct pvctrl *h;
	pv_domid_t id;
	int fd, rc;

	if (save_parse(argc, argv, &a) < 0)
		return cli_usage("save");
	if (save_cfg(&a, &text, &path))
		return 1;
	h = cli_connect();
	id = cli_domain(h, a.dom);
	fd = open(a.file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return cli_fail("save: %s: %s", a.file, strerror(errno));
	cli_progress_init(&p, "saving", a.json);
	a.o.progress = cli_progress_cb;
	a.o.progress_ctx = &p;
	rc = pvx_domain_save(h, id, fd, &a.o, &rep, &err);
	cli_progress_end(&p, &rep, rc == 0);
	if (close(fd) < 0 && rc == 0)
		rc = pvx_fail(&err, -errno, "closing %s: %s", a.file, strerror(errno));
	if (rc < 0)
		unlink(a.file); /* nothing half-written is left to restore */
	else if (a.json)
		cli_progress_json("save", a.dom, id, a.file, &rep);
	pvctrl_close(h);
	free(text);
	free(path);
	return rc < 0 ? cli_fail("save %s: %s", a.dom, pvx_err_text(&err, rc)) : 0;
}
