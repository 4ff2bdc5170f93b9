/*
 * Launchers are started ahead of need: one waits on its control socket until a domain
 * starts, so the exec is off the create-to-banner path. They die with the thread that
 * spawned them (PR_SET_PDEATHSIG), so one spawner thread that lives as long as the
 * hypervisor starts them all, never a short-lived privcmd connection thread. Then
 * the handover: the domain's sizes and memory fd go to the launcher, its seccomp
 * listener comes back.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

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
	pid_t pid;  /* a launcher waiting for a domain, or 0 */
	int ctrl;   /* our end of its control socket */
	int err;    /* the last spawn failed: -PV_E*, until someone asks again */
} spawner = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static int pv_spawn_launcher(pid_t *pid, int *ctrl)
{
	char path[512];
	char *argv[] = { "pvisor-launch", NULL };
	char *envp[] = { NULL };
	posix_spawn_file_actions_t fa;
	int sv[2], rc;

	snprintf(path, sizeof(path), "%s/pvisor-launch", rundir_bindir());
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return pv_errno_last();
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDWR, 0);
	posix_spawn_file_actions_adddup2(&fa, 0, 1);
	posix_spawn_file_actions_adddup2(&fa, 0, 2);
	posix_spawn_file_actions_adddup2(&fa, sv[1], LAUNCH_FD_CTRL);
	rc = posix_spawn(pid, path, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	if (rc) {
		log_warnx("cannot start %s: %s", path, strerror(rc));
		close(sv[0]);
		return -pv_errno_from_host(rc);
	}
	*ctrl = sv[0];
	return 0;
}

static void *pv_spawner_main(void *arg)
{
	pid_t pid;
	int ctrl, rc;

	(void)arg;
	pthread_mutex_lock(&spawner.lock);
	for (;;) {
		while (spawner.pid || spawner.err)
			pthread_cond_wait(&spawner.cond, &spawner.lock);
		pthread_mutex_unlock(&spawner.lock);
		rc = pv_spawn_launcher(&pid, &ctrl);
		pthread_mutex_lock(&spawner.lock);
		if (rc) {
			spawner.err = rc;
		} else {
			spawner.pid = pid;
			spawner.ctrl = ctrl;
		}
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
	int rc;

	pthread_mutex_lock(&spawner.lock);
	rc = pv_spawner_start_locked();
	pthread_mutex_unlock(&spawner.lock);
	return rc;
}

int pv_spawn_take(pid_t *pid, int *ctrl)
{
	int rc;

	pthread_mutex_lock(&spawner.lock);
	rc = pv_spawner_start_locked();
	spawner.err = 0; /* ask again after a failure */
	pthread_cond_broadcast(&spawner.cond);
	while (rc == 0 && !spawner.pid && !spawner.err)
		pthread_cond_wait(&spawner.cond, &spawner.lock);
	if (rc == 0 && spawner.pid) {
		*pid = spawner.pid;
		*ctrl = spawner.ctrl;
		spawner.pid = 0;
		pthread_cond_broadcast(&spawner.cond);
	} else if (rc == 0) {
		rc = spawner.err;
	}
	pthread_mutex_unlock(&spawner.lock);
	return rc;
}

/* Hand the launcher its domain: sizes and the memory fd. */
static int pv_send_go(struct domain *d, int ctrl)
{
	struct launch_go go = { d->max_vcpus, d->special_off, d->mem_size,
				d->lazy ? LAUNCH_LAZY : 0 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { &go, sizeof(go) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &d->mem_fd, sizeof(int));
	return sendmsg(ctrl, &msg, MSG_NOSIGNAL) == (ssize_t)sizeof(go) ? 0 : -PV_EIO;
}

/* The launcher sends its seccomp listener over the control socket (and for a
 * lazy restore its userfaultfd with it). */
static int pv_recv_listener(struct domain *d, int fd)
{
	struct pv_dom *p = pv_dom(d);
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	int fds[2] = { -1, -1 };
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct pollfd pfd = { fd, POLLIN, 0 };
	struct cmsghdr *c;

	if (poll(&pfd, 1, 5000) <= 0)
		return -PV_ETIMEDOUT;
	if (recvmsg(fd, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -PV_EIO;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len < CMSG_LEN(sizeof(int)) ||
	    c->cmsg_len > CMSG_LEN(2 * sizeof(int)))
		return -PV_EBADMSG;
	memcpy(fds, CMSG_DATA(c), c->cmsg_len - CMSG_LEN(0));
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
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	char have[2];
	int fds[2] = { -1, -1 }, n = 0;
	struct iovec iov = { have, sizeof(have) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct pollfd pfd = { fd, POLLIN, 0 };
	struct cmsghdr *c;

	if (poll(&pfd, 1, 5000) <= 0)
		return -PV_ETIMEDOUT;
	if (recvmsg(fd, &msg, MSG_CMSG_CLOEXEC) != (ssize_t)sizeof(have))
		return -PV_EIO;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len <= CMSG_LEN(sizeof(fds))) {
		n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(fds, CMSG_DATA(c), (size_t)n * sizeof(int));
	}
	if (n != (have[0] != 0) + (have[1] != 0)) {
		for (int i = 0; i < n; i++)
			close(fds[i]);
		return -PV_EBADMSG;
	}
	p->dirty_uffd = have[0] ? fds[0] : -1;
	p->pagemap = have[1] ? fds[have[0] ? 1 : 0] : -1;
	return 0;
}

int pv_spawn_handover(struct domain *d, int ctrl)
{
	int rc = pv_send_go(d, ctrl);

	if (rc == 0)
		rc = pv_recv_listener(d, ctrl);
	return rc ? rc : pv_recv_dirty(d, ctrl);
}
