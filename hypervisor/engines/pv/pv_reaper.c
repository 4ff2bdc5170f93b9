/* The reaper: one thread that waits on every domain process's pidfd, collects the
 * exit (CPU time from rusage) and reports it to the core in words. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "pv.h"
#include "pv_errno.h"
#include "pvisor/errno.h"

static int reaper_epfd = -1;

/* What the core shows as crash_reason when the process ended on its own. */
static void pv_reaper_describe(int wstatus, char *why, size_t len)
{
	if (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGSYS)
		snprintf(why, len, "made a forbidden system call (not x86-64 ABI)");
	else if (WIFSIGNALED(wstatus))
		snprintf(why, len, "domain process killed by signal %d (%s)", WTERMSIG(wstatus),
			 strsignal(WTERMSIG(wstatus)));
	else
		snprintf(why, len, "domain launcher failed (exit status %d)",
			 WEXITSTATUS(wstatus));
}

static void pv_reaper_collect(struct domain *d)
{
	struct pv_dom *p = pv_dom(d);
	struct engine_exit ex = { 0 };
	struct rusage ru;
	int status = 0;
	pid_t r;

	do
		r = wait4(p->pid, &status, 0, &ru);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		log_warn("dom%u: reaping process %d", d->domid, p->pid);
		status = 0;
		ru = (struct rusage){ 0 };
	}
	epoll_ctl(reaper_epfd, EPOLL_CTL_DEL, p->pidfd, NULL);
	ex.cpu_ns = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
		    (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ull;
	pv_reaper_describe(status, ex.why, sizeof(ex.why));
	domain_reaped(d, &ex);
	domain_put(d);
}

static void *pv_reaper_main(void *arg)
{
	struct epoll_event ev[16];

	(void)arg;
	for (;;) {
		int n = epoll_wait(reaper_epfd, ev, 16, -1);

		for (int i = 0; i < n; i++)
			pv_reaper_collect(ev[i].data.ptr);
	}
	return NULL;
}

int pv_reaper_init(void)
{
	pthread_t t;

	reaper_epfd = epoll_create1(EPOLL_CLOEXEC);
	if (reaper_epfd < 0)
		return pv_errno_last();
	return -pv_errno_from_host(pthread_create(&t, NULL, pv_reaper_main, NULL));
}

/* hv_lock held: the reaper keeps a reference until it has collected the exit. */
int pv_reaper_watch(struct domain *d)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = d };

	if (reaper_epfd < 0)
		return -PV_ENOSYS; /* pv_reaper_init never ran (not the daemon) */
	if (epoll_ctl(reaper_epfd, EPOLL_CTL_ADD, pv_dom(d)->pidfd, &ev) < 0)
		return pv_errno_last();
	domain_hold_locked(d);
	return 0;
}
