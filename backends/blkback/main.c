/* blkback: the block backend daemon. Serves every vbd the toolstack creates in the
 * store (see blkback.h); listens on $RUNDIR/blkback.sock, where each connection
 * gets one status line per device and is closed (pvx's daemon check connects to
 * it). Runs until SIGTERM/SIGINT. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blkback/blkback.h"
#include "common/xbe_daemon.h"
#include "common/xenbus_be.h"
#include "log.h"
#include "rundir.h"
#include "util.h"

static struct xbe *g_be;

/* One line per device for a client of $RUNDIR/blkback.sock. */
static void on_status(int c, void *arg)
{
	char line[768];

	(void)arg;
	for (struct xbe_device *d = xbe_devices(g_be); d; d = d->next) {
		struct blk_disk *k = d->priv;
		int n = snprintf(line, sizeof(line), "%s state %d %s %llu sectors %u queues "
				 "%llu requests %llu errors\n", d->name, (int)d->state,
				 k ? k->path : "-", k ? (unsigned long long)k->lim.sectors : 0ULL,
				 k ? k->nr_rings : 0, k ? (unsigned long long)k->nr_reqs : 0ULL,
				 k ? (unsigned long long)k->nr_errors : 0ULL);

		if (n > 0 && util_write_full(c, line, (size_t)n < sizeof(line) ? (size_t)n
					     : sizeof(line) - 1) < 0)
			break;
	}
}

int main(int argc, char **argv)
{
	char err[256];
	int rc;

	log_init("blkback", argc > 1 && strcmp(argv[1], "-v") == 0);
	rc = xbe_create(&blkback_ops, &g_be, err, sizeof(err));
	if (rc < 0)
		fatalx("%s", err);
	log_info("serving vbd devices");
	rc = xbe_daemon_run(g_be, "blkback", on_status, NULL);
	xbe_destroy(g_be);
	return rc < 0 ? 1 : 0;
}
