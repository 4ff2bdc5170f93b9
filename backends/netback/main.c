/* netback: the network backend daemon (see netback.h). Listens on
 * $RUNDIR/netback.sock, where each connection gets one status line per vif
 * (ending in " -- key=value" counters) and is closed (pvx's daemon check connects to it). PVISOR_NET_TAP=0 keeps every
 * vif on the built-in switches even as root; otherwise root gets a TAP device
 * per vif on a Linux bridge. Runs until SIGTERM/SIGINT. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xbe_daemon.h"
#include "common/xenbus_be.h"
#include "log.h"
#include "netback/netback.h"
#include "rundir.h"
#include "util.h"

static struct xbe *g_be;

/* One line per device for a client of $RUNDIR/netback.sock: words for people,
 * then " -- " and the counters as key=value for programs (pvxweb, pvx top). */
static int status_line(const struct nb_vif *v, char *line, size_t size)
{
	const struct xbe_device *d = v->d;
	int n = snprintf(line, size,
			 "%s state %d %s %s tx %llu pkts %llu bytes %llu errors "
			 "rx %llu pkts %llu bytes %llu drops",
			 d->name, (int)d->state, v->bridge, v->tap_fd >= 0 ? v->ifname : "-",
			 (unsigned long long)v->tx_pkts, (unsigned long long)v->tx_bytes,
			 (unsigned long long)v->tx_errors, (unsigned long long)v->rx_pkts,
			 (unsigned long long)v->rx_bytes, (unsigned long long)v->rx_drops);

	if (n > 0 && (size_t)n < size && v->connected) {
		const struct nb_queue *q = &v->q[0];

		n += snprintf(line + n, size - (size_t)n,
			      " txring %u/%u/%u ev %u rxring %u/%u/%u ev %u rxq %u%s%s",
			      q->tx.sring->req_prod, q->tx.req_cons, q->tx.rsp_prod_pvt,
			      q->tx.sring->req_event, q->rx.sring->req_prod, q->rx.req_cons,
			      q->rx.rsp_prod_pvt, q->rx.sring->req_event, v->rxq_count,
			      q->tx_dead ? " tx-dead" : "", q->tx_more ? " tx-more" : "");
	}
	if (n > 0 && (size_t)n < size)
		n += snprintf(
			line + n, size - (size_t)n,
			" -- tx_reqs=%llu tx_pkts=%llu tx_bytes=%llu tx_errors=%llu rx_reqs=%llu "
			"rx_pkts=%llu rx_bytes=%llu rx_drops=%llu\n",
			(unsigned long long)v->tx_reqs, (unsigned long long)v->tx_pkts,
			(unsigned long long)v->tx_bytes, (unsigned long long)v->tx_errors,
			(unsigned long long)v->rx_reqs, (unsigned long long)v->rx_pkts,
			(unsigned long long)v->rx_bytes, (unsigned long long)v->rx_drops);
	return n > 0 && (size_t)n < size ? n : -1;
}

static void on_status(int c, void *arg)
{
	char line[768];

	(void)arg;
	for (struct nb_vif *v = nb_vifs; v; v = v->next) {
		int n = status_line(v, line, sizeof(line));

		if (n > 0 && util_write_full(c, line, (size_t)n) < 0)
			break;
	}
}

int main(int argc, char **argv)
{
	const char *tap = getenv("PVISOR_NET_TAP");
	char err[256];
	int rc;

	log_init("netback", argc > 1 && strcmp(argv[1], "-v") == 0);
	nb_use_tap = !(tap && strcmp(tap, "0") == 0) && nb_tap_available();
	rc = xbe_create(&netback_ops, &g_be, err, sizeof(err));
	if (rc < 0)
		fatalx("%s", err);
	if (nb_io_init(g_be, err, sizeof(err)) < 0)
		fatalx("%s", err);
	log_info("serving vif devices (%s)",
		 nb_use_tap ? "TAP devices on Linux bridges" : "built-in switches");
	rc = xbe_daemon_run(g_be, "netback", on_status, NULL);
	xbe_destroy(g_be);
	nb_switches_fini(&nb_switches);
	return rc < 0 ? 1 : 0;
}
