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

/* One line per device for a client of $RUNDIR/blkback.sock: words for people,
 * then " -- " and the counters as key=value for programs (pvxweb, pvx top). */
static int status_line(const struct xbe_device *d, char *line, size_t size)
{
	const struct blk_disk *k = d->priv;
	const struct blk_disk none = { .path = "-" };
	int n;

	if (!k)
		k = &none;
	n = snprintf(line, size,
		     "%s state %d %s %llu sectors %u queues %llu requests %llu errors "
		     "-- rd_reqs=%llu rd_bytes=%llu wr_reqs=%llu wr_bytes=%llu other_reqs=%llu "
		     "errors=%llu\n",
		     d->name, (int)d->state, k->path, (unsigned long long)k->lim.sectors,
		     k->nr_rings, (unsigned long long)k->nr_reqs,
		     (unsigned long long)k->nr_errors, (unsigned long long)k->rd_reqs,
		     (unsigned long long)k->rd_bytes, (unsigned long long)k->wr_reqs,
		     (unsigned long long)k->wr_bytes, (unsigned long long)k->other_reqs,
		     (unsigned long long)k->nr_errors);
	return n > 0 && (size_t)n < size ? n : -1;
}

static void on_status(int c, void *arg)
{
	char line[1024];

	(void)arg;
	for (struct xbe_device *d = xbe_devices(g_be); d; d = d->next) {
		int n = status_line(d, line, sizeof(line));

		if (n > 0 && util_write_full(c, line, (size_t)n) < 0)
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
