/* The pv engine: each domain is a sandboxed host process started by pvisor-launch;
 * its hypercalls arrive as seccomp user notifications on one listener, served by a
 * thread of ours per domain. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "hv.h"
#include "log.h"
#include "rundir.h"
#include "launch_proto.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

/*
 * Launchers are started ahead of need: one waits on its control socket until a domain
 * starts, so the exec is off the create-to-banner path. They die with the thread that
 * spawned them (PR_SET_PDEATHSIG), so one spawner thread that lives as long as the
 * hypervisor starts them all, never a short-lived privcmd connection thread.
 */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int running;
	pid_t pid;  /* a launcher waiting for a domain, or 0 */
	int ctrl;   /* our end of its control socket */
	int err;    /* the last spawn failed: -errno, until someone asks again */
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
		return -errno;
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
		return -rc;
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

		rc = -pthread_create(&t, NULL, pv_spawner_main, NULL);
		spawner.running = rc == 0;
	}
	return rc;
}

static void pv_kick(int sig)
{
	(void)sig;
}

void engines_init(void)
{
	struct sigaction sa = { .sa_handler = pv_kick };

	sigaction(SIGUSR2, &sa, NULL); /* no SA_RESTART: interrupts a listener wait */
	pthread_mutex_lock(&spawner.lock);
	if (pv_spawner_start_locked() < 0)
		log_warnx("pv engine: no spawner thread; domains start on demand");
	pthread_mutex_unlock(&spawner.lock);
}

/* Take the waiting launcher (the spawner then starts the next one). */
static int pv_take_launcher(pid_t *pid, int *ctrl)
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
	struct launch_go go = { d->max_vcpus, d->special_off, d->mem_size };
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
	return sendmsg(ctrl, &msg, MSG_NOSIGNAL) == (ssize_t)sizeof(go) ? 0 : -EIO;
}

/* The launcher sends its seccomp listener over the control socket. */
static int pv_recv_listener(struct domain *d, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct pollfd pfd = { fd, POLLIN, 0 };
	struct cmsghdr *c;

	if (poll(&pfd, 1, 5000) <= 0)
		return -ETIMEDOUT;
	if (recvmsg(fd, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -EIO;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EPROTO;
	memcpy(&d->listener, CMSG_DATA(c), sizeof(int));
	if (ioctl(d->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
		  SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0)
		log_debug("dom%u: no synchronous wake-up for hypercalls: %s", d->domid,
			  strerror(errno));
	return 0;
}

static void pv_answer(struct domain *d, uint64_t id, long ret)
{
	struct seccomp_notif_resp resp = { .id = id, .val = ret, .error = 0, .flags = 0 };

	if (ioctl(d->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
		log_debug("dom%u: answering hypercall: %s", d->domid, strerror(errno));
}

/* The signal is taken when the vCPU next returns to guest code: at once if it runs,
 * or when the hypercall it waits in is answered (the wait is killable only). */
static void pv_upcall(struct domain *d, struct vcpu *v)
{
	if (v->tid > 0 && d->pid > 0 && (v->callback || v->park))
		syscall(SYS_tgkill, d->pid, v->tid, PV_UPCALL_SIGNAL);
}

/* An upcall due when a hypercall made through the page returns: tell the page's
 * tail code (cheaper than a signal), else fall back to the signal. */
static long pv_deliver_on_return(struct domain *d, struct vcpu *v, long ret)
{
	if (!evtchn_upcall_due(d, v))
		return ret;
	if (d->hcpage_set && v->callback && !v->park && ret == (int32_t)ret)
		return (long)(PV_UPCALL_MARK << 48 | (uint64_t)v->id << 32 | (uint32_t)ret);
	pv_upcall(d, v);
	return ret;
}

void pv_vcpu_complete(struct domain *d, struct vcpu *v, long ret)
{
	enum vcpu_wait_kind kind = v->wait;

	if (kind == VCPU_WAIT_NONE)
		return;
	v->wait = VCPU_WAIT_NONE;
	if (kind == VCPU_WAIT_BLOCK || kind == VCPU_WAIT_POLL)
		ret = pv_deliver_on_return(d, v, ret);
	else if (evtchn_upcall_due(d, v))
		pv_upcall(d, v); /* the launcher's calls do not go through the page */
	pv_answer(d, v->wait_id, ret);
}

static void pv_handle(struct domain *d, const struct seccomp_notif *req)
{
	struct hc_ctx ctx = { .d = d, .tid = req->pid, .notif_id = req->id };
	uint64_t a[5];
	unsigned nr;
	long ret;

	for (int i = 0; i < 5; i++)
		a[i] = req->data.args[i];
	ctx.v = domain_vcpu_by_tid(d, req->pid);
	nr = req->data.nr - PV_HCALL_SYSNR_BASE;
	if (ctx.v)
		__atomic_store_n(&ctx.v->in_hypercall, 1, __ATOMIC_SEQ_CST);
	ret = hypercall_dispatch(&ctx, nr, a);
	if (ctx.v)
		__atomic_store_n(&ctx.v->in_hypercall, 0, __ATOMIC_SEQ_CST);
	if (ctx.defer)
		return;
	/* Events that became deliverable (the guest unmasked, or one arrived during
	 * the call) are delivered as the call returns. */
	if (ctx.v && nr < PV_HCALL_TAIL_SLOT)
		ret = pv_deliver_on_return(d, ctx.v, ret);
	else if (ctx.v && evtchn_upcall_due(d, ctx.v))
		pv_upcall(d, ctx.v);
	pv_answer(d, req->id, ret);
}

static void *pv_service(void *arg)
{
	struct domain *d = arg;
	struct seccomp_notif req;

	while (!d->service_stop) {
		memset(&req, 0, sizeof(req));
		if (ioctl(d->listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			log_warn("dom%u: hypercall listener", d->domid);
			break;
		}
		pv_handle(d, &req);
	}
	__atomic_store_n(&d->service_running, 0, __ATOMIC_SEQ_CST);
	return NULL;
}

static int pv_start(struct domain *d)
{
	int ctrl = -1, rc;

	timeinfo_update(d);
	rc = pv_take_launcher(&d->pid, &ctrl);
	if (rc == 0) {
		d->pidfd = (int)syscall(SYS_pidfd_open, d->pid, 0);
		rc = d->pidfd < 0 ? -errno : reaper_watch(d);
	}
	if (rc == 0)
		rc = pv_send_go(d, ctrl);
	if (rc == 0)
		rc = pv_recv_listener(d, ctrl);
	if (ctrl >= 0)
		close(ctrl);
	if (rc == 0) {
		d->service_running = 1;
		rc = -pthread_create(&d->service, NULL, pv_service, d);
		if (rc)
			d->service_running = 0;
	}
	if (rc && d->pid > 0)
		kill(d->pid, SIGKILL);
	return rc;
}

static int pv_pause(struct domain *d)
{
	return kill(d->pid, SIGSTOP) < 0 ? -errno : 0;
}

static int pv_unpause(struct domain *d)
{
	timeinfo_update(d);
	return kill(d->pid, SIGCONT) < 0 ? -errno : 0;
}

static void pv_kill(struct domain *d)
{
	if (d->pid > 0)
		kill(d->pid, SIGKILL);
}

static void pv_release(struct domain *d)
{
	struct timespec ms = { 0, 1000000 };

	d->service_stop = 1;
	if (d->service_running || d->listener >= 0) {
		while (__atomic_load_n(&d->service_running, __ATOMIC_SEQ_CST)) {
			pthread_kill(d->service, SIGUSR2);
			nanosleep(&ms, NULL);
		}
		pthread_join(d->service, NULL);
	}
	if (d->listener >= 0)
		close(d->listener);
	if (d->pidfd >= 0)
		close(d->pidfd);
	d->listener = d->pidfd = -1;
}

/* Each 32-byte slot: push rcx; push r11; mov eax, BASE+i; syscall; jmp tail. The
 * tail (hcpage_tail.S) pops them back and delivers a marked upcall. The three labels
 * are one piece of code: offsets between them are taken as addresses. */
extern const uint8_t pv_hcpage_tail[], pv_hcpage_tail_end[], pv_hcpage_data[];

static int pv_hypercall_page(struct domain *d, uint64_t gpfn)
{
	size_t tail_off = PV_HCALL_TAIL_SLOT * PV_HCALL_SLOT_SIZE;
	size_t tail_len = (uintptr_t)pv_hcpage_tail_end - (uintptr_t)pv_hcpage_tail;
	uint64_t data[2] = { PV_PHYSMAP_BASE + d->special_off,
			     PV_PHYSMAP_BASE + d->special_off + PV_SPECIAL_VCPU_CTX * PV_PAGE_SIZE };
	uint8_t *page;

	if (gpfn >= d->max_pages || tail_off + tail_len > PV_HYPERCALL_pvisor_vcpu_wait *
								 PV_HCALL_SLOT_SIZE)
		return -EINVAL;
	page = d->mem + gpfn * PV_PAGE_SIZE;
	memset(page, 0xcc, PV_PAGE_SIZE);
	for (unsigned i = 0; i < PV_HCALL_SLOTS; i++) {
		uint8_t *p = page + i * PV_HCALL_SLOT_SIZE;
		uint32_t nr = PV_HCALL_SYSNR_BASE + i;
		int32_t rel = (int32_t)(tail_off - (i * PV_HCALL_SLOT_SIZE + 15));

		if (i >= PV_HCALL_TAIL_SLOT && i < PV_HYPERCALL_pvisor_vcpu_wait)
			continue;
		p[0] = 0x51;       /* push rcx */
		p[1] = 0x41;       /* push r11 */
		p[2] = 0x53;
		p[3] = 0xb8;       /* mov eax, nr */
		memcpy(p + 4, &nr, 4);
		p[8] = 0x0f;       /* syscall */
		p[9] = 0x05;
		p[10] = 0xe9;      /* jmp tail */
		memcpy(p + 11, &rel, 4);
	}
	memcpy(page + tail_off, pv_hcpage_tail, tail_len);
	memcpy(page + tail_off + ((uintptr_t)pv_hcpage_data - (uintptr_t)pv_hcpage_tail), data,
	       sizeof(data));
	d->hcpage_set = 1;
	return 0;
}

static uint64_t pv_cpu_time(struct domain *d)
{
	clockid_t cid;
	struct timespec ts;

	if (d->reaped || d->pid <= 0)
		return d->cpu_time_final;
	if (clock_getcpuclockid(d->pid, &cid) != 0 || clock_gettime(cid, &ts) != 0)
		return d->cpu_time_final;
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

const struct engine_ops engine_pv = {
	.name = "pv",
	.start = pv_start,
	.pause = pv_pause,
	.unpause = pv_unpause,
	.kill = pv_kill,
	.release = pv_release,
	.hypercall_page = pv_hypercall_page,
	.cpu_time = pv_cpu_time,
	.upcall = pv_upcall,
};
