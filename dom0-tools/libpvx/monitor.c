/* The per-domain monitor (xl's "xl-<name>" process): watches @releaseDomain and
 * carries out the domain's on_poweroff / on_reboot / on_crash actions that the
 * hypervisor leaves to the toolstack (restart), and removes the domain's store
 * entries and saved config once it is gone. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libpvx/pvx.h"
#include "libxs/xs.h"
#include "pvisor/sched.h"
#include "rundir.h"

#define RESTART_BURST 5          /* restarts ... */
#define RESTART_WINDOW_S 10      /* ... within this many seconds: stop restarting */

static void mon_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void mon_log(const char *fmt, ...)
{
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(stderr, "%s pvx-monitor: ", ts);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* The action the hypervisor recorded for how the domain stopped. */
static unsigned mon_action(const struct pv_privcmd_domext *e)
{
	if (e->state == PV_DOMSTATE_CRASHED)
		return e->on_crash;
	switch (e->shutdown_reason) {
	case PV_SHUTDOWN_poweroff: return e->on_poweroff;
	case PV_SHUTDOWN_reboot: return e->on_reboot;
	case PV_SHUTDOWN_crash: return e->on_crash;
	case PV_SHUTDOWN_watchdog: return e->on_watchdog;
	default: return PV_ACTION_PRESERVE;
	}
}

/* 1 and *e filled when the domain exists, 0 when it is gone, -errno. */
static int mon_lookup(struct pvctrl *h, pv_domid_t domid, struct pv_privcmd_domext *out)
{
	struct pv_privcmd_domext *e = NULL;
	int n = pvctrl_domext_list(h, &e), found = 0;

	if (n < 0)
		return n;
	for (int i = 0; i < n && !found; i++)
		if (e[i].domid == domid) {
			*out = e[i];
			found = 1;
		}
	free(e);
	return found;
}

/* Too many restarts in a short time: the guest is failing at boot. */
static int mon_restart_allowed(time_t *hist)
{
	time_t now = time(NULL);

	if (hist[RESTART_BURST - 1] && now - hist[RESTART_BURST - 1] < RESTART_WINDOW_S)
		return 0;
	memmove(hist + 1, hist, (RESTART_BURST - 1) * sizeof(*hist));
	hist[0] = now;
	return 1;
}

/* (Re)connect to the store and watch @releaseDomain; xsd may be restarting, so
 * keep trying for a while as long as the hypervisor is there. */
static int mon_store(struct pvctrl *h, struct xs_handle **xs)
{
	struct pv_privcmd_domext *e = NULL;

	for (int i = 0; i < 300; i++) {
		if (xs_open(xs) == 0) {
			if (xs_watch(*xs, "@releaseDomain", "m") == 0)
				return 0;
			xs_close(*xs);
		}
		if (pvctrl_domext_list(h, &e) < 0)
			return -EPIPE; /* the hypervisor is gone too: stop */
		free(e);
		e = NULL;
		usleep(100000);
	}
	return -ETIMEDOUT;
}

static int mon_run(struct domcfg *dc, const char *text, pv_domid_t domid)
{
	struct pvctrl *h;
	struct xs_handle *xs;
	time_t hist[RESTART_BURST] = { 0 };
	char err[1024];

	if (pvctrl_open(&h) < 0)
		return 1;
	if (mon_store(h, &xs) < 0) {
		pvctrl_close(h);
		return 1;
	}
	mon_log("watching %s (id %u)", dc->name, domid);
	for (;;) {
		struct xs_watch_event *ev = NULL;
		struct pv_privcmd_domext e;
		unsigned action;
		int rc = xs_read_watch(xs, &ev, -1);

		if (rc < 0) {
			/* the store went away: restarting, or the daemons are stopping */
			xs_close(xs);
			xs = NULL;
			if (mon_store(h, &xs) < 0)
				break;
			mon_log("reconnected to the store");
			continue;
		}
		free(ev);
		rc = mon_lookup(h, domid, &e);
		if (rc < 0)
			break;
		if (rc == 0 || e.state == PV_DOMSTATE_DYING) {
			mon_log("%s (id %u) is gone", dc->name, domid);
			pvx_domain_forget(domid);
			break;
		}
		if (e.state != PV_DOMSTATE_SHUTDOWN && e.state != PV_DOMSTATE_CRASHED)
			continue;
		action = mon_action(&e);
		if (action != PV_ACTION_RESTART)
			continue; /* destroy: the hypervisor does it; preserve: stays */
		if (!mon_restart_allowed(hist)) {
			mon_log("%s (id %u) restarted %d times within %d s: not restarting it "
				"again; it is kept for inspection (pvx destroy it)", dc->name,
				domid, RESTART_BURST, RESTART_WINDOW_S);
			continue;
		}
		mon_log("%s (id %u) stopped (%s): restarting it", dc->name, domid,
			e.state == PV_DOMSTATE_CRASHED ? "crashed" : "shut down");
		pvctrl_domain_destroy(h, domid);
		pvx_domain_forget(domid);
		rc = pvx_domain_create(h, dc, 0, text, &domid, err, sizeof(err));
		if (rc < 0) {
			mon_log("restarting %s failed: %s", dc->name, err);
			break;
		}
		mon_log("%s restarted as id %u", dc->name, domid);
	}
	xs_close(xs);
	pvctrl_close(h);
	return 0;
}

int pvx_domain_monitor_spawn(struct domcfg *dc, const char *cfg_text, pv_domid_t domid)
{
	char log[600], file[128];
	pid_t pid = fork();
	int status, fd;

	if (pid < 0)
		return -errno;
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		return 0;
	}
	/* child: detach, then fork again so the monitor is nobody's zombie */
	setsid();
	if (fork() != 0)
		_exit(0);
	signal(SIGPIPE, SIG_IGN);
	snprintf(file, sizeof(file), "pvx-%s.log", dc->name);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
	}
	if (rundir_file(log, sizeof(log), file) == 0 &&
	    (fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) >= 0)
		dup2(fd, 2);
	{
		struct rlimit rl;
		int max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 65536
				  ? (int)rl.rlim_cur : 1024;

		for (int i = 3; i < max; i++)
			close(i);
	}
	_exit(mon_run(dc, cfg_text, domid));
}
