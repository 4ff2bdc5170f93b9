/*
 * Launchers are started ahead of need: one waits on its control socket until a domain
 * starts, so the exec -- and the sandbox it is made in (pv_sandbox.c) -- is off the
 * create-to-banner path. They die with the thread that
 * spawned them (PR_SET_PDEATHSIG), so one spawner thread that lives as long as the
 * hypervisor starts them all, never a short-lived privcmd connection thread. Then
 * the handover: the domain's sizes and memory fd go to the launcher, its seccomp
 * listener comes back.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/dcg.h"
#include "launch_proto.h"
#include "log.h"
#include "pv.h"
#include "pv_errno.h"
#include "pvisor/errno.h"
#include "rundir.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int running;
	struct pv_launcher spare; /* a launcher waiting for a domain (pid 0: none) */
	int err;                  /* the last spawn failed: -PV_E*, until someone asks again */
	struct pv_cg_job *jobs;   /* cgroups of started domains to settle, newest first */
	int busy;                 /* starting a launcher (the lock is not held meanwhile) */
	int stopping;             /* pv_spawn_fini: start no more */
} spawner = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

/* A launcher in its sandbox (pv_sandbox.c), in a cgroup of its own (launch.<pid>,
 * joined here so the join's RCU grace period is off the create path) that becomes
 * its domain's when it starts one (pv_cgroup_settle_one). */
static int pv_spawn_launcher(struct pv_launcher *l)
{
	int sv[2], rc;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return pv_errno_last();
	rc = pv_sandbox_spawn(sv[1], &l->pid, &l->uid);
	close(sv[1]);
	if (rc) {
		close(sv[0]);
		return rc;
	}
	l->ctrl = sv[0];
	l->cg = NULL;
	l->pagemap = pv_dirty_pagemap_open(l->pid); /* exec'd (vfork), still dumpable */
	if (dcg_controllers() &&
	    (dcg_create_launcher(l->pid, &l->cg) < 0 || dcg_attach(l->cg, l->pid) < 0))
		log_warnx("launcher %d: not in a cgroup of its own", (int)l->pid);
	return 0;
}

/* The weight and cap as they are now -- again if a set_sched changed them meanwhile
 * (it leaves them to us until we are done; they change under hv_lock). */
static int pv_cgroup_settle_cpu(struct domain *d, struct dcg *g)
{
	unsigned w, c;
	int rc;

	do {
		w = __atomic_load_n(&d->sched_weight, __ATOMIC_RELAXED);
		c = __atomic_load_n(&d->sched_cap, __ATOMIC_RELAXED);
		rc = dcg_set_cpu(g, w, c);
	} while (rc == 0 && (w != __atomic_load_n(&d->sched_weight, __ATOMIC_RELAXED) ||
			     c != __atomic_load_n(&d->sched_cap, __ATOMIC_RELAXED)));
	return rc;
}

/* One queued cgroup, lock held (dropped while the cgroup files are written): the
 * limits, then the credit weight and cap as they are now (pv_set_sched leaves them
 * to us until we are done). */
static void pv_cgroup_settle_one(void)
{
	struct pv_cg_job *j = spawner.jobs;
	struct dcg *g = pv_dom(j->d)->cg;
	int rc;

	spawner.jobs = j->next;
	j->state = PV_CG_BUSY;
	pthread_mutex_unlock(&spawner.lock);
	rc = dcg_adopt(g, j->d->domid, j->pid);
	if (rc == 0)
		rc = dcg_set_limits(g, j->mem, j->pids);
	if (rc < 0)
		log_warnx("dom%u: its cgroup limits could not be set", j->d->domid);
	if (rc == 0 && (dcg_controllers() & DCG_CPU) && pv_cgroup_settle_cpu(j->d, g) < 0)
		log_warnx("dom%u: its credit weight and cap could not be set", j->d->domid);
	pthread_mutex_lock(&spawner.lock);
	j->state = PV_CG_DONE;
	pthread_cond_broadcast(&spawner.cond);
}

int pv_spawn_cgroup_settled(struct pv_cg_job *j)
{
	int done;

	pthread_mutex_lock(&spawner.lock);
	done = j->state == PV_CG_DONE;
	pthread_mutex_unlock(&spawner.lock);
	return done;
}

void pv_spawn_cgroup_settle(struct pv_cg_job *j)
{
	pthread_mutex_lock(&spawner.lock);
	j->state = PV_CG_QUEUED;
	j->next = spawner.jobs;
	spawner.jobs = j;
	pthread_cond_broadcast(&spawner.cond);
	pthread_mutex_unlock(&spawner.lock);
}

void pv_spawn_cgroup_drop(struct pv_cg_job *j, struct dcg *g)
{
	pthread_mutex_lock(&spawner.lock);
	while (j->state == PV_CG_BUSY)
		pthread_cond_wait(&spawner.cond, &spawner.lock);
	if (j->state == PV_CG_QUEUED)
		for (struct pv_cg_job **p = &spawner.jobs; *p; p = &(*p)->next)
			if (*p == j) {
				*p = j->next;
				break;
			}
	j->state = PV_CG_NONE;
	pthread_mutex_unlock(&spawner.lock);
	dcg_destroy(g); /* whichever name it has now */
}

static void *pv_spawner_main(void *arg)
{
	struct pv_launcher l;
	int rc;

	(void)arg;
	pthread_mutex_lock(&spawner.lock);
	for (;;) {
		while ((spawner.spare.pid || spawner.err || spawner.stopping) && !spawner.jobs)
			pthread_cond_wait(&spawner.cond, &spawner.lock);
		if (spawner.jobs) { /* first: a domain runs without its limits till then */
			pv_cgroup_settle_one();
			continue;
		}
		spawner.busy = 1;
		pthread_mutex_unlock(&spawner.lock);
		rc = pv_spawn_launcher(&l);
		pthread_mutex_lock(&spawner.lock);
		spawner.busy = 0;
		if (rc)
			spawner.err = rc;
		else
			spawner.spare = l;
		pthread_cond_broadcast(&spawner.cond);
	}
	return NULL;
}

static int pv_spawner_start_locked(void)
{
	int rc = 0;

	if (!spawner.running) {
		pthread_t t;

		rc = -pv_errno_from_host(pthread_create(&t, NULL, pv_spawner_main, NULL));
		spawner.running = rc == 0;
	}
	return rc;
}

int pv_spawn_init(void)
{
	char path[512];
	int rc;

	snprintf(path, sizeof(path), "%s/pvisor-launch", rundir_bindir());
	if ((rc = pv_sandbox_init(path)) < 0) {
		log_warnx("cannot open %s: %s", path, strerror(pv_errno_to_host(-rc)));
		return rc;
	}
	log_info("domain sandbox: %s", pv_sandbox_summary());
	pthread_mutex_lock(&spawner.lock);
	rc = pv_spawner_start_locked();
	pthread_mutex_unlock(&spawner.lock);
	return rc;
}

int pv_spawn_take(struct pv_launcher *out)
{
	int rc;

	pthread_mutex_lock(&spawner.lock);
	rc = spawner.stopping ? -PV_ENODEV : pv_spawner_start_locked();
	spawner.err = 0; /* ask again after a failure */
	pthread_cond_broadcast(&spawner.cond);
	while (rc == 0 && !spawner.spare.pid && !spawner.err)
		pthread_cond_wait(&spawner.cond, &spawner.lock);
	if (rc == 0 && spawner.spare.pid) {
		*out = spawner.spare;
		spawner.spare.pid = 0;
		pthread_cond_broadcast(&spawner.cond);
	} else if (rc == 0) {
		rc = spawner.err;
	}
	pthread_mutex_unlock(&spawner.lock);
	return rc;
}

/* The waiting launcher, taken from the spawner once it starts no more. */
static struct pv_launcher pv_spawn_stop(void)
{
	struct pv_launcher l;

	pthread_mutex_lock(&spawner.lock);
	spawner.stopping = 1;
	while (spawner.busy)
		pthread_cond_wait(&spawner.cond, &spawner.lock);
	l = spawner.spare;
	spawner.spare.pid = 0;
	pthread_mutex_unlock(&spawner.lock);
	return l;
}

void pv_spawn_fini(void)
{
	struct pv_launcher l = pv_spawn_stop();
	int pidfd;

	if (!l.pid)
		return;
	close(l.ctrl);
	if (l.pagemap >= 0)
		close(l.pagemap);
	pidfd = (int)syscall(SYS_pidfd_open, l.pid, 0);
	kill(l.pid, SIGKILL);
	if (pidfd >= 0) { /* readable once it has exited: its group is empty then */
		struct pollfd pfd = { pidfd, POLLIN, 0 };

		poll(&pfd, 1, 2000);
		close(pidfd);
	}
	dcg_destroy(l.cg);
	if (l.uid != (uid_t)-1)
		pv_sandbox_uid_put(l.uid);
}

/* Hand the launcher its domain: sizes, limits and the memory fd. The address space
 * it may have: the guest's memory and 16 MiB for itself (its code, the vCPU stacks
 * in its data, its stack); tasks: one per vCPU, when the uid is its own (a shared
 * uid's count holds other processes). */
static int pv_send_go(struct domain *d, int ctrl, int own_uid)
{
	struct launch_go go = { d->max_vcpus,
				d->special_off,
				d->mem_size,
				d->lazy ? LAUNCH_LAZY : 0,
				d->mem_size + (16ull << 20),
				own_uid ? d->max_vcpus : 0 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { &go, sizeof(go) };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &d->mem_fd, sizeof(int));
	return sendmsg(ctrl, &msg, MSG_NOSIGNAL) == (ssize_t)sizeof(go) ? 0 : -PV_EIO;
}

/* One message of len bytes from the launcher with up to two descriptors: the
 * number of descriptors (in fds), or a negative PV errno (none left open). */
static int pv_recv_fds(int fd, void *data, size_t len, int fds[2])
{
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { data, len };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct pollfd pfd = { fd, POLLIN, 0 };
	struct cmsghdr *c;
	int n = 0;

	fds[0] = fds[1] = -1;
	if (poll(&pfd, 1, 5000) <= 0)
		return -PV_ETIMEDOUT;
	if (recvmsg(fd, &msg, MSG_CMSG_CLOEXEC) != (ssize_t)len)
		return -PV_EIO;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len <= CMSG_LEN(2 * sizeof(int))) {
		n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(fds, CMSG_DATA(c), (size_t)n * sizeof(int));
	}
	return n;
}

/* The launcher sends its seccomp listener over the control socket (and for a
 * lazy restore its userfaultfd with it). */
static int pv_recv_listener(struct domain *d, int fd)
{
	struct pv_dom *p = pv_dom(d);
	int fds[2];
	char byte = 0;
	int n = pv_recv_fds(fd, &byte, 1, fds);

	if (n < 0)
		return n;
	if (n == 0)
		return -PV_EBADMSG;
	p->listener = fds[0];
	if (d->lazy)
		p->lazy_uffd = fds[1];
	else if (fds[1] >= 0)
		close(fds[1]);
	pthread_cond_broadcast(&hv_cond); /* a pager may wait for the userfaultfd */
	if (ioctl(p->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
		  SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0)
		log_debug("dom%u: no synchronous wake-up for hypercalls: %s", d->domid,
			  strerror(errno));
	return 0;
}

/* Then the dirty log's descriptors (launch.c's dirty_make): two bytes saying which
 * came, and those. */
static int pv_recv_dirty(struct domain *d, int fd)
{
	struct pv_dom *p = pv_dom(d);
	char have[2] = { 0, 0 };
	int fds[2];
	int n = pv_recv_fds(fd, have, sizeof(have), fds);

	if (n < 0)
		return n;
	if (n != (have[0] != 0) + (have[1] != 0)) {
		for (int i = 0; i < n; i++)
			close(fds[i]);
		return -PV_EBADMSG;
	}
	p->dirty_uffd = have[0] ? fds[0] : -1;
	p->pagemap = have[1] ? fds[have[0] ? 1 : 0] : -1;
	return 0;
}

int pv_spawn_handover(struct domain *d, int ctrl, int own_uid)
{
	int rc = pv_send_go(d, ctrl, own_uid);

	if (rc == 0)
		rc = pv_recv_listener(d, ctrl);
	return rc ? rc : pv_recv_dirty(d, ctrl);
}
