/* pvx restore [-p] [-e] [-d] [--lazy] [--json] [CFG] FILE [KEY=VALUE...]: start a
 * domain from a save image as xl restore does (-p: leave it paused; -e: no monitor,
 * so its on_* restart actions are not carried out; CFG replaces the image's
 * config), KEY=VALUE overriding the config (name=NEW starts a second domain from
 * the same image). --lazy maps the image's pages on first touch (pvlazy serves
 * them). A bar on a terminal, the phases as JSON with --json. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pvx_cli.h"
#include "util.h"

struct restore_args {
	struct pvx_restore_opts o;
	int json;
	const char *file;
	char *ov[64];
};

static int restore_parse(int argc, char **argv, struct restore_args *a)
{
	static const struct option lo[] = { { "json", no_argument, NULL, 'j' },
					    { "lazy", no_argument, NULL, 'l' },
					    { NULL, 0, NULL, 0 } };
	const char *pos[2];
	int c, npos = 0;

	memset(a, 0, sizeof(*a));
	optind = 1;
	while ((c = getopt_long(argc, argv, "+pedV", lo, NULL)) != -1) {
		if (c == 'p')
			a->o.flags |= PVX_RESTORE_PAUSED;
		else if (c == 'j')
			a->json = 1;
		else if (c == 'l')
			a->o.flags |= PVX_RESTORE_LAZY;
		else if (c != 'd' && c != 'V' && c != 'e')
			return -1;
	}
	for (int i = optind; i < argc; i++) {
		if (strchr(argv[i], '=') && a->o.n_overrides < 64)
			a->ov[a->o.n_overrides++] = argv[i];
		else if (npos < 2)
			pos[npos++] = argv[i];
		else
			return -1;
	}
	if (npos == 0)
		return -1;
	a->o.config_file = npos == 2 ? pos[0] : NULL;
	a->file = pos[npos - 1];
	a->o.overrides = a->ov;
	return 0;
}

/* --lazy: the domain runs at once -- its first faults wait in the userfaultfds
 * until the pager, started next, answers them (starting a process costs more than
 * the rest of the restore) -- unless -p. A pager that cannot start, or that finds
 * the image unusable, crashes the domain rather than leave it waiting. */
static int restore_lazy(struct pvctrl *h, pv_domid_t domid, const char *file, int paused,
			uint64_t t0, struct pvx_sr_report *rep)
{
	char id[16], *path = realpath(file, NULL);
	char *const argv[] = { "pvlazy", id, path, NULL };
	pid_t pid;
	int rc = path ? 0 : -errno;

	snprintf(id, sizeof(id), "%u", domid);
	if (rc == 0 && !paused && (rc = pvctrl_domain_unpause(h, domid)) == 0)
		rep->running_ns = util_now_ns() - t0;
	if (rc == 0)
		rc = pvstart_spawn("pvlazy", argv, "pvlazy.log", &pid);
	free(path);
	return rc;
}

int cmd_restore(int argc, char **argv)
{
	struct restore_args a;
	struct pvx_err err = { 0 };
	struct pvx_sr_report rep = { 0 };
	struct cli_progress p;
	char *config_file = NULL, name[64];
	struct pvctrl *h;
	pv_domid_t id = 0;
	uint64_t t0;
	int fd, rc;

	if (restore_parse(argc, argv, &a) < 0)
		return cli_usage("restore");
	fd = open(a.file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cli_fail("restore: %s: %s", a.file, strerror(errno));
	h = cli_connect();
	pvstart_daemons_ensure(&err);
	cli_progress_init(&p, "restoring", a.json);
	a.o.progress = cli_progress_cb;
	a.o.progress_ctx = &p;
	t0 = util_now_ns();
	rc = pvx_domain_restore(h, fd, &a.o, &id, &config_file, &rep, &err);
	cli_progress_end(&p, &rep, rc == 0);
	close(fd);
	if (rc == 0 && (a.o.flags & PVX_RESTORE_LAZY) &&
	    (rc = restore_lazy(h, id, a.file, a.o.flags & PVX_RESTORE_PAUSED, t0, &rep)) < 0) {
		pvctrl_domain_destroy(h, id);
		pvx_domain_forget(id);
		pvx_fail(&err, rc, "starting the lazily restored domain: %s", strerror(-rc));
	}
	if (rc < 0) {
		pvctrl_close(h);
		free(config_file);
		return cli_fail("restore %s: %s", a.file, pvx_err_text(&err, rc));
	}
	snprintf(name, sizeof(name), "%u", id);
	if (a.json)
		cli_progress_json("restore", name, id, a.file, &rep);
	free(config_file);
	pvctrl_close(h);
	return 0;
}
