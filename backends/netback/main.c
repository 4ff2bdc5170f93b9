/* netback: the network backend daemon (see netback.h). Listens on
 * $RUNDIR/netback.sock, where each connection gets one status line per vif and
 * is closed (pvx's daemon check connects to it). PVISOR_NET_TAP=0 keeps every
 * vif on the built-in switches even as root; otherwise root gets a TAP device
 * per vif on a Linux bridge. Runs until SIGTERM/SIGINT. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/xenbus_be.h"
#include "log.h"
#include "netback/netback.h"
#include "rundir.h"
#include "util.h"

static struct xbe *g_be;

static void on_signal(int fd, void *arg)
{
	struct signalfd_siginfo si;

	(void)arg;
	if (read(fd, &si, sizeof(si)) > 0)
		xbe_stop(g_be);
}

static void on_status(int fd, void *arg)
{
	char line[512];
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

	(void)arg;
	if (c < 0)
		return;
	for (struct nb_vif *v = nb_vifs; v; v = v->next) {
		struct xbe_device *d = v->d;
		int n = snprintf(line, sizeof(line),
				 "%s state %d %s %s tx %llu pkts %llu bytes %llu errors "
				 "rx %llu pkts %llu bytes %llu drops\n", d->name, (int)d->state,
				 v->bridge, v->tap_fd >= 0 ? v->ifname : "-",
				 (unsigned long long)v->tx_pkts, (unsigned long long)v->tx_bytes,
				 (unsigned long long)v->tx_errors, (unsigned long long)v->rx_pkts,
				 (unsigned long long)v->rx_bytes, (unsigned long long)v->rx_drops);

		if (n > 0 && v->connected && (size_t)n < sizeof(line)) {
			struct nb_queue *q = &v->q[0];

			n--; /* replace the newline with ring indices */
			n += snprintf(line + n, sizeof(line) - (size_t)n,
				      " txring %u/%u/%u ev %u rxring %u/%u/%u ev %u rxq %u%s%s\n",
				      q->tx.sring->req_prod, q->tx.req_cons, q->tx.rsp_prod_pvt,
				      q->tx.sring->req_event, q->rx.sring->req_prod, q->rx.req_cons,
				      q->rx.rsp_prod_pvt, q->rx.sring->req_event, v->rxq_count,
				      q->tx_dead ? " tx-dead" : "", q->tx_more ? " tx-more" : "");
		}
		if (n > 0 && util_write_full(c, line, (size_t)n < sizeof(line) ? (size_t)n
					     : sizeof(line) - 1) < 0)
			break;
	}
	close(c);
}

static int status_listen(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (rundir_ensure() < 0 ||
	    rundir_file(sa.sun_path, sizeof(sa.sun_path), "netback.sock") < 0)
		fatalx("run directory path too long for netback.sock");
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		fatal("socket");
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0)
		fatal("cannot listen on %s", sa.sun_path);
	return fd;
}

static int signals_fd(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		fatal("signalfd");
	return fd;
}

static void write_pid(void)
{
	char path[PATH_MAX], buf[32];
	int fd, n;

	if (rundir_file(path, sizeof(path), "netback.pid") < 0)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	util_write_full(fd, buf, (size_t)n);
	close(fd);
}

int main(int argc, char **argv)
{
	const char *tap = getenv("PVISOR_NET_TAP");
	char err[256], path[PATH_MAX];
	int rc, sfd, lfd;

	log_init("netback", argc > 1 && strcmp(argv[1], "-v") == 0);
	sfd = signals_fd();
	nb_use_tap = !(tap && strcmp(tap, "0") == 0) && nb_tap_available();
	rc = xbe_create(&netback_ops, &g_be, err, sizeof(err));
	if (rc < 0)
		fatalx("%s", err);
	if (nb_io_init(g_be, err, sizeof(err)) < 0)
		fatalx("%s", err);
	lfd = status_listen();
	if (xbe_fd_add(g_be, sfd, on_signal, NULL) < 0 || xbe_fd_add(g_be, lfd, on_status, NULL) < 0)
		fatalx("cannot poll the signal and status descriptors");
	write_pid();
	log_info("serving vif devices (%s)", nb_use_tap ? "TAP devices on Linux bridges"
						       : "built-in switches");
	rc = xbe_run(g_be);
	if (rc < 0)
		log_warnx("store connection lost (%s); exiting", strerror(-rc));
	xbe_destroy(g_be);
	nb_switches_fini(&nb_switches);
	if (rundir_file(path, sizeof(path), "netback.sock") == 0)
		unlink(path);
	if (rundir_file(path, sizeof(path), "netback.pid") == 0)
		unlink(path);
	return rc < 0 ? 1 : 0;
}
