/* The pv engine: each domain is a sandboxed host process started by pvisor-launch;
 * its hypercalls arrive as seccomp user notifications on one listener, served by a
 * thread of ours per domain. This file is its ops table and the process's life:
 * start, pause (SIGSTOP: CPU time stops exactly, no cooperation needed), kill,
 * release, CPU time. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "pv.h"
#include "pv_engine.h"
#include "pv_errno.h"
#include "pvisor/errno.h"

static void pv_sigusr2(int sig)
{
	(void)sig;
}

static int pv_init(void)
{
	struct sigaction sa = { .sa_handler = pv_sigusr2 };
	int rc;

	sigaction(SIGUSR2, &sa, NULL); /* no SA_RESTART: interrupts a listener wait */
	rc = pv_reaper_init();
	if (rc == 0 && pv_spawn_init() < 0)
		log_warnx("pv engine: no spawner thread; domains start on demand");
	return rc;
}

static int pv_create(struct domain *d)
{
	struct pv_dom *p = calloc(1, sizeof(*p) + d->max_vcpus * sizeof(p->vcpus[0]));

	if (!p)
		return -PV_ENOMEM;
	p->pidfd = p->listener = p->lazy_uffd = p->dirty_uffd = p->pagemap = -1;
	p->uid = (uid_t)-1;
	p->nr_vcpus = d->max_vcpus;
	d->engine_priv = p;
	return 0;
}

static int pv_lazy_fd(struct domain *d)
{
	struct pv_dom *p = pv_dom(d);

	return p->lazy_uffd >= 0 ? p->lazy_uffd : -PV_EAGAIN;
}

static void pv_lazy_end(struct domain *d)
{
	struct pv_dom *p = pv_dom(d);

	if (p->lazy_uffd >= 0)
		close(p->lazy_uffd);
	p->lazy_uffd = -1;
}

static void pv_destroy(struct domain *d)
{
	pv_sched_end(d);
	pv_lazy_end(d);
	free(d->engine_priv);
	d->engine_priv = NULL;
}

/* The launcher's cgroup becomes the domain's, with the limits its size decides --
 * its memory plus 16 MiB for the launcher and the kernel's own structures, a task
 * per vCPU -- and the credit weight and cap set so far: settled by the spawner
 * thread (~70 us of cgroup writes off the create-to-banner path). A host without
 * the controllers: no limits (dcg_summary says so). */
static void pv_cgroup_take(struct domain *d, const struct pv_launcher *l)
{
	struct pv_dom *p = pv_dom(d);
	struct pv_cg_job *j = &p->cg_job;

	p->cg = l->cg;
	if (!p->cg)
		return;
	j->d = d;
	j->pid = l->pid;
	j->mem = d->mem_size + (16ull << 20);
	j->pids = d->max_vcpus;
	pv_spawn_cgroup_settle(j);
}

/* Take the waiting launcher, watch it, hand it the domain, serve its hypercalls. */
static int pv_start(struct domain *d)
{
	struct pv_dom *p = pv_dom(d);
	struct pv_launcher l = { .ctrl = -1, .pagemap = -1 };
	int rc;

	timeinfo_update(d);
	rc = pv_spawn_take(&l);
	if (rc == 0) {
		p->pid = l.pid;
		p->uid = l.uid;
		pv_cgroup_take(d, &l);
		p->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
		rc = p->pidfd < 0 ? pv_errno_last() : pv_reaper_watch(d);
	}
	if (rc == 0)
		rc = pv_spawn_handover(d, l.ctrl, l.uid != (uid_t)-1);
	if (l.ctrl >= 0)
		close(l.ctrl);
	pv_dirty_pagemap_take(p, &l.pagemap);
	if (rc == 0)
		rc = pv_service_start(d);
	if (rc && p->pid > 0)
		kill(p->pid, SIGKILL);
	return rc;
}

static int pv_pause(struct domain *d)
{
	return kill(pv_dom(d)->pid, SIGSTOP) < 0 ? pv_errno_last() : 0;
}

static int pv_unpause(struct domain *d)
{
	timeinfo_update(d);
	return kill(pv_dom(d)->pid, SIGCONT) < 0 ? pv_errno_last() : 0;
}

static uint64_t pv_vcpu_time(struct domain *d, struct vcpu *v);

static void pv_kill(struct domain *d)
{
	struct pv_dom *p = pv_dom(d);

	if (p->pid <= 0)
		return;
	for (unsigned i = 0; i < d->max_vcpus; i++)
		pv_vcpu_time(d, &d->vcpus[i]); /* last figures, while the threads exist */
	kill(p->pid, SIGKILL);
	/* Its service thread can go now: when the reaper gets to the domain (one at a
	 * time) it finds it gone instead of waiting for it, so a thousand domains
	 * killed together are also collected quickly. */
	pv_service_stop_soon(d);
}

static void pv_release_domain(struct domain *d)
{
	struct pv_dom *p = pv_dom(d);

	pv_service_stop(d);
	if (p->listener >= 0)
		close(p->listener);
	if (p->pidfd >= 0)
		close(p->pidfd);
	pv_dirty_close(p);
	p->listener = p->pidfd = -1;
	p->pid = 0;
	/* reaped: nothing of it is left in its cgroup, nothing runs as its uid */
	pv_sched_end(d);
	if (p->uid != (uid_t)-1)
		pv_sandbox_uid_put(p->uid);
	p->uid = (uid_t)-1;
}

static uint64_t pv_cpu_time(struct domain *d)
{
	clockid_t cid;
	struct timespec ts;

	if (clock_getcpuclockid(pv_dom(d)->pid, &cid) != 0 || clock_gettime(cid, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* A vCPU is a thread: the scheduler's own count of its run time (schedstat, ns).
 * Another process's thread has no CPU clock we may read, so /proc it is. */
static uint64_t pv_vcpu_time(struct domain *d, struct vcpu *v)
{
	struct pv_vcpu *pv = pv_vcpu(d, v);
	char path[64], buf[96];
	unsigned long long ns;
	ssize_t n;
	int fd;

	if (!pv->tid || pv_dom(d)->pid <= 0)
		return pv->cpu_ns;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pv_dom(d)->pid,
		 (int)pv->tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pv->cpu_ns;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		if (sscanf(buf, "%llu", &ns) == 1)
			pv->cpu_ns = ns;
	}
	return pv->cpu_ns;
}

static int pv_host_pid(struct domain *d)
{
	return pv_dom(d)->pid;
}

const struct engine_ops engine_pv = {
	.name = "pv",
	.init = pv_init,
	.fini = pv_spawn_fini,
	.create = pv_create,
	.destroy = pv_destroy,
	.start = pv_start,
	.pause = pv_pause,
	.unpause = pv_unpause,
	.kill = pv_kill,
	.release = pv_release_domain,
	.complete = pv_complete,
	.kick = pv_kick,
	.set_callback = pv_set_callback,
	.hypercall_page = pv_hypercall_page,
	.cpu_time = pv_cpu_time,
	.vcpu_time = pv_vcpu_time,
	.host_pid = pv_host_pid,
	.walls = pv_sandbox_summary,
	.quiesce = pv_quiesce,
	.resume = pv_resume,
	.get_vcpu = pv_get_vcpu,
	.set_vcpu = pv_set_vcpu,
	.dirty_log_start = pv_dirty_log_start,
	.dirty_log_collect = pv_dirty_log_collect,
	.dirty_log_stop = pv_dirty_log_stop,
	.set_affinity = pv_apply_affinity,
	.set_sched = pv_set_sched,
	.vcpu_cpu = pv_vcpu_cpu,
	.lazy_fd = pv_lazy_fd,
	.lazy_end = pv_lazy_end,
};
