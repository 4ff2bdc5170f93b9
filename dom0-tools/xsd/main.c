/* xsd: the store daemon -- options, start-up (persisted tree, socket, pid file), the
 * event loop, and a clean shutdown that leaves an fsync'ed snapshot. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "rundir.h"
#include "util.h"
#include "xsd/core.h"
#include "xsd/hvlink.h"
#include "xsd/journal.h"
#include "xsd/sock.h"

struct xsd_opts {
	int verbose;
	bool persist;
	struct xsd_quota quota;
};

static const struct option xsd_long_opts[] = {
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "no-persist", no_argument, NULL, 'N' },
	{ "quota-nodes", required_argument, NULL, 1 },
	{ "quota-entry-size", required_argument, NULL, 2 },
	{ "quota-watches", required_argument, NULL, 3 },
	{ "quota-transactions", required_argument, NULL, 4 },
	{ "quota-perms", required_argument, NULL, 5 },
	{ "quota-transaction-nodes", required_argument, NULL, 6 },
	{ "quota-outstanding", required_argument, NULL, 7 },
	{ "out-max", required_argument, NULL, 8 },
	{ NULL, 0, NULL, 0 },
};

static void xsd_usage(FILE *f)
{
	fprintf(f, "usage: xsd [-v] [--no-persist] [--quota-NAME=N ...] [--out-max=BYTES]\n"
		   "  Serves the store on $PVISOR_RUNDIR/xenstored.sock (foreground).\n"
		   "  quotas (unprivileged domains; Xen defaults): nodes 1000, entry-size 2048,\n"
		   "  watches 128, transactions 10, perms 5, transaction-nodes 1024,\n"
		   "  outstanding 20. --out-max: queued reply bytes before a client that does\n"
		   "  not read is dropped (default 1048576).\n");
}

static unsigned xsd_opt_num(const char *name, const char *arg)
{
	uint64_t v;

	if (util_parse_u64(arg, 0x7fffffff, &v) < 0 || v == 0)
		fatalx("--%s=%s: expected a number from 1 to 2147483647", name, arg);
	return (unsigned)v;
}

static void xsd_parse_opts(int argc, char **argv, struct xsd_opts *o)
{
	unsigned *fields[] = { NULL,
			       &o->quota.nodes,
			       &o->quota.entry_size,
			       &o->quota.watches,
			       &o->quota.transactions,
			       &o->quota.perms,
			       &o->quota.trans_nodes,
			       &o->quota.outstanding };
	int c, idx;

	o->persist = true;
	xsd_quota_defaults(&o->quota);
	while ((c = getopt_long(argc, argv, "vhN", xsd_long_opts, &idx)) != -1) {
		if (c == 'v')
			o->verbose = 1;
		else if (c == 'N')
			o->persist = false;
		else if (c == 'h') {
			xsd_usage(stdout);
			exit(0);
		} else if (c >= 1 && c <= 7)
			*fields[c] = xsd_opt_num(xsd_long_opts[idx].name, optarg);
		else if (c == 8)
			o->quota.out_max = xsd_opt_num("out-max", optarg);
		else {
			xsd_usage(stderr);
			exit(2);
		}
	}
	if (optind != argc) {
		xsd_usage(stderr);
		exit(2);
	}
}

static int xsd_snapshot_now(struct xsd_core *core)
{
	return core->change_opaque ? xsd_journal_snapshot(core->change_opaque) : -EINVAL;
}

/* The core with its persisted tree (o->persist) loaded. */
static struct xsd_core *xsd_open_store(const struct xsd_opts *o, struct xsd_journal **j)
{
	struct xsd_core *core = xsd_core_create(&o->quota);
	int err;

	if (!core)
		fatalx("out of memory creating the store");
	core->snapshot = xsd_snapshot_now;
	*j = NULL;
	if (o->persist && (err = xsd_journal_open(j, core, rundir_path())) < 0)
		fatalx("cannot load the store from %s: %s (move xsd.snap / xsd.journal aside to "
		       "start empty)",
		       rundir_path(), strerror(-err));
	return core;
}

static struct xsd_sock_server *xsd_listen(struct xsd_core *core, struct xsd_journal *j)
{
	struct xsd_sock_server *srv;
	char sock[PATH_MAX];
	int err;

	if (rundir_file(sock, sizeof(sock), "xenstored.sock") < 0)
		fatalx("run directory path too long for the store socket");
	err = xsd_sock_create(&srv, core, j, sock);
	if (err == -EADDRINUSE)
		fatalx("%s: another xsd is already serving it", sock);
	if (err < 0)
		fatalx("cannot listen on %s: %s", sock, strerror(-err));
	log_info("serving %zu nodes on %s", xsd_store_count(&core->store), sock);
	return srv;
}

int main(int argc, char **argv)
{
	struct xsd_opts o = { 0 };
	struct xsd_core *core;
	struct xsd_journal *j;
	struct xsd_sock_server *srv;
	struct xsd_hvlink *hv;
	int sigfd, err;

	xsd_parse_opts(argc, argv, &o);
	log_init("xsd", o.verbose);
	if ((err = rundir_ensure()) < 0)
		fatalx("%s", rundir_problem(err));
	util_raise_nofile(); /* a few descriptors per guest */
	sigfd = util_signalfd((const int[]){ SIGTERM, SIGINT, SIGHUP }, 3);
	if (sigfd < 0)
		fatalx("signalfd: %s", strerror(-sigfd));
	core = xsd_open_store(&o, &j);
	srv = xsd_listen(core, j);
	if (xsd_hvlink_create(&hv, core, srv, o.persist) < 0)
		fatalx("out of memory");
	xsd_hvlink_recover(hv);
	if ((err = rundir_pidfile_write("xsd.pid")) < 0)
		fatalx("cannot write xsd.pid in %s: %s", rundir_path(), strerror(-err));
	err = xsd_sock_run(srv, sigfd);
	if (err < 0)
		log_warnx("event loop failed: %s", strerror(-err));
	xsd_hvlink_destroy(hv);
	xsd_sock_destroy(srv);
	xsd_journal_close(j);
	xsd_core_destroy(core);
	rundir_unlink("xsd.pid");
	log_info("stopped");
	return err < 0 ? 1 : 0;
}
