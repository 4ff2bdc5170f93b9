/* pvx migrate [-s SSHCOMMAND] [-C CFG] [-e] [-p] [--debug] DOMAIN HOST: move a
 * running domain to another host, as xl migrate does -- `SSHCOMMAND HOST pvx
 * migrate-receive` (ssh by default; an empty SSHCOMMAND runs HOST itself) is run
 * through the shell and the domain is streamed over its stdin and stdout. -p and
 * -e go to the receiver (leave it paused there; -e is xl's and changes nothing:
 * each run directory's monitor serves every domain), --debug makes the receiver
 * check every page, -C sends CFG instead of the domain's own config. A
 * bar per memory round on a terminal; at the end one line with the rounds, the
 * pages of each, the bytes, the total time and the downtime. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pvx_cli.h"
#include "util.h"

#define BAR_WIDTH 30
#define REDRAW_NS 50000000ull

struct migrate_args {
	struct pvx_migrate_opts o;
	const char *ssh, *dom, *host, *cfg;
	int no_monitor, paused;
};

static int migrate_parse(int argc, char **argv, struct migrate_args *a)
{
	static const struct option lo[] = { { "debug", no_argument, NULL, 'd' },
					    { NULL, 0, NULL, 0 } };
	int c;

	memset(a, 0, sizeof(*a));
	a->ssh = "ssh";
	optind = 1;
	while ((c = getopt_long(argc, argv, "+s:C:epd", lo, NULL)) != -1) {
		if (c == 's')
			a->ssh = optarg;
		else if (c == 'C')
			a->cfg = optarg;
		else if (c == 'e')
			a->no_monitor = 1;
		else if (c == 'p')
			a->paused = 1;
		else if (c == 'd')
			a->o.flags |= PVX_MIGRATE_DEBUG;
		else
			return -1;
	}
	if (argc - optind != 2)
		return -1;
	a->dom = argv[optind];
	a->host = argv[optind + 1];
	return 0;
}

/* -C: CFG's text and absolute path, sent instead of the kept config. */
static int migrate_cfg(struct migrate_args *a, char **text, char **path)
{
	if (!a->cfg)
		return 0;
	if (cli_config_text("migrate", a->cfg, text, path))
		return 1;
	a->o.config_text = *text;
	a->o.config_file = *path ? *path : a->cfg;
	return 0;
}

/* The receiver's options: -e -p --debug as given here. */
static void migrate_recv_args(const struct migrate_args *a, char *out, size_t len)
{
	snprintf(out, len, "%s%s%s", a->no_monitor ? "-e " : "", a->paused ? "-p " : "",
		 a->o.flags & PVX_MIGRATE_DEBUG ? "--debug " : "");
	if (out[0])
		out[strlen(out) - 1] = '\0';
}

struct migrate_bar {
	int tty, drawn;
	uint64_t last_ns;
};

static void bar_draw(struct migrate_bar *b, const struct pvx_migrate_report *r)
{
	uint64_t total = r->round_total > r->round_pages ? r->round_total : r->round_pages;
	unsigned fill = total ? (unsigned)(r->round_pages * BAR_WIDTH / total) : BAR_WIDTH;
	char bar[BAR_WIDTH + 1];

	memset(bar, '#', fill);
	memset(bar + fill, '.', BAR_WIDTH - fill);
	bar[BAR_WIDTH] = '\0';
	fprintf(stderr, "\r%-10s %2u [%s] %7llu/%-7llu pages %8.1f MiB",
		r->phase == PVX_MIG_LAST ? "last round" : "round", r->round, bar,
		(unsigned long long)r->round_pages, (unsigned long long)total,
		r->bytes / 1048576.0);
	b->drawn = 1;
}

/* A bar per round on a terminal: a round that ends keeps its line (before the
 * receiver's own lines come, on the same terminal through ssh). */
static void migrate_progress(void *ctx, const struct pvx_migrate_report *r)
{
	struct migrate_bar *b = ctx;
	uint64_t now = util_now_ns();

	if (!b->tty || r->phase < PVX_MIG_PRECOPY || r->phase > PVX_MIG_LAST)
		return;
	if (!r->round_done && b->drawn && now - b->last_ns < REDRAW_NS)
		return;
	b->last_ns = now;
	bar_draw(b, r);
	if (r->round_done) {
		fputc('\n', stderr);
		b->drawn = 0;
	}
}

/* Two lines: the rounds and the totals; the rounds' and the downtime's times. */
static void migrate_summary(const struct pvx_migrate_report *r)
{
	unsigned n = r->rounds < PVX_MIGRATE_MAX_ROUNDS ? r->rounds : PVX_MIGRATE_MAX_ROUNDS;

	printf("migration: %u rounds, pages per round:", r->rounds);
	for (unsigned i = 0; i < n; i++)
		printf(" %llu", (unsigned long long)r->pages[i]);
	printf(" (memory %llu pages; pre-copy stopped: %s), %llu bytes, total %.1f ms, "
	       "downtime %.1f ms\n",
	       (unsigned long long)r->ram_pages, r->stop_reason ? r->stop_reason : "-",
	       (unsigned long long)r->bytes, r->total_ns / 1e6, r->downtime_ns / 1e6);
	printf("migration: ms per round:");
	for (unsigned i = 0; i < n; i++)
		printf(" %.1f", r->round_ns[i] / 1e6);
	printf("; suspend request %.1f; downtime: last round and state %.1f, receiver %.1f, "
	       "disks %.1f (%u), start %.1f\n",
	       r->suspend_ns / 1e6, r->last_ns / 1e6, r->arrive_ns / 1e6, r->handover_ns / 1e6,
	       r->disks, r->start_ns / 1e6);
}

static int migrate_run(struct migrate_args *a, struct pvctrl *h, pv_domid_t id)
{
	struct pvx_migrate_report rep = { 0 };
	struct pvx_err err = { 0 };
	struct migrate_bar bar = { .tty = isatty(STDERR_FILENO) };
	struct pvstart_migrate_channel ch;
	char args[32];
	int rc;

	signal(SIGPIPE, SIG_IGN); /* a receiver that dies is an error, not our death */
	migrate_recv_args(a, args, sizeof(args));
	rc = pvstart_migrate_open(a->ssh, a->host, args, &ch, &err);
	if (rc < 0) {
		free(ch.rune);
		return cli_fail("migrate: %s", pvx_err_text(&err, rc));
	}
	a->o.progress = migrate_progress;
	a->o.progress_ctx = &bar;
	rc = pvx_domain_migrate(h, id, ch.send_fd, ch.recv_fd, &a->o, &rep, &err);
	if (bar.drawn)
		fputc('\n', stderr);
	if (pvstart_migrate_close(&ch) < 0)
		fprintf(stderr,
			"pvx: migrate: the transport (pid %d) has not ended; not "
			"waiting for it\n",
			(int)ch.pid);
	if (rc < 0) {
		cli_fail("migrate %s: %s", a->dom, pvx_err_text(&err, rc));
		fprintf(stderr, "pvx: (the command run was: %s)\n", ch.rune);
	} else {
		migrate_summary(&rep);
	}
	free(ch.rune);
	return rc < 0;
}

int cmd_migrate(int argc, char **argv)
{
	struct migrate_args a;
	char *text = NULL, *path = NULL;
	struct pvctrl *h;
	pv_domid_t id;
	int rc;

	if (migrate_parse(argc, argv, &a) < 0)
		return cli_usage("migrate");
	if (migrate_cfg(&a, &text, &path))
		return 1;
	h = cli_connect();
	id = cli_domain(h, a.dom);
	rc = migrate_run(&a, h, id);
	pvctrl_close(h);
	free(text);
	free(path);
	return rc;
}
