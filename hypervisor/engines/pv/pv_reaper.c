/* The reaper: one thread that waits on every domain process's pidfd and turns an
 * exit into a domain state change. */
#include <errno.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pv.h"
#include "log.h"

static int reaper_epfd = -1;

static void reaper_collect(struct domain *d)
{
	struct rusage ru;
	int status = 0;
	pid_t r;
	uint64_t cpu;

	do
		r = wait4(d->pid, &status, 0, &ru);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		log_warn("dom%u: reaping process %d", d->domid, d->pid);
		status = 0;
		ru = (struct rusage){ 0 };
	}
	epoll_ctl(reaper_epfd, EPOLL_CTL_DEL, d->pidfd, NULL);
	cpu = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
	      (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ull;
	domain_reaped(d, status, cpu);
	domain_put(d);
}

static void *reaper_main(void *arg)
{
	struct epoll_event ev[16];

	(void)arg;
	for (;;) {
		int n = epoll_wait(reaper_epfd, ev, 16, -1);

		for (int i = 0; i < n; i++)
			reaper_collect(ev[i].data.ptr);
	}
	return NULL;
}

int reaper_start(void)
{
	pthread_t t;

	reaper_epfd = epoll_create1(EPOLL_CLOEXEC);
	if (reaper_epfd < 0)
		return -errno;
	return -pthread_create(&t, NULL, reaper_main, NULL);
}

/* hv_lock held: the reaper keeps a reference until it has collected the exit. */
int reaper_watch(struct domain *d)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = d };

	if (epoll_ctl(reaper_epfd, EPOLL_CTL_ADD, d->pidfd, &ev) < 0)
		return -errno;
	d->refcnt++;
	return 0;
}
