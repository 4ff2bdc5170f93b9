/* bench_seccomp_rt: the floor under a pvisor hypercall -- the round trip of one system
 * call turned into a seccomp user notification and answered by a supervisor process --
 * beside a plain getppid(). Prints one machine-readable line per measurement. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pvisor/pvisor.h"
#include "util.h"

/* Linux 6.6 added these; Debian 12's headers (6.1) lack them. */
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP 1ULL
#endif
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif

/* The trapped number: the one a pvisor guest's xen_version hypercall uses. */
#define RT_SYSNR      (PV_HCALL_SYSNR_BASE + 17)
/* arg0 of the last trapped call: tells the supervisor to stop answering. */
#define RT_ARG_DONE   1
#define RT_WARMUP     2000
#define RT_MAX_N      10000000ULL
#define RT_WATCHDOG_S 120

struct rt_stats {
	uint64_t n, median, p99, mean, min;
};

/* Samples live in a shared mapping so the timed child needs no channel back. */
struct rt_run {
	uint64_t n;
	uint64_t *samples; /* n entries, MAP_SHARED */
	int sync_wakeup;   /* IN: request SYNC_WAKE_UP; OUT: 1 if the kernel took it */
	char note[160];    /* why sync wake-up was refused */
};

static void rt_usage(void)
{
	fprintf(stderr,
		"usage: bench_seccomp_rt [-n calls] [-m modes]\n"
		"  -n calls  timed calls per measurement (default 200000)\n"
		"  -m modes  comma list of sync,nosync,getppid,clock (default all)\n"
		"output: one line per mode, e.g.\n"
		"  seccomp_rt sync=1 n=200000 median_ns=.. p99_ns=.. mean_ns=.. min_ns=..\n");
}

static void rt_on_alarm(int sig)
{
	static const char msg[] = "bench_seccomp_rt: no progress for 120 s: the timed "
				  "child died or hung; giving up\n";
	(void)sig;
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(1);
}

static inline uint64_t rt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int rt_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts the samples in place. */
static void rt_stats_compute(uint64_t *s, uint64_t n, struct rt_stats *st)
{
	uint64_t sum = 0;

	qsort(s, n, sizeof(*s), rt_cmp_u64);
	for (uint64_t i = 0; i < n; i++)
		sum += s[i];
	st->n = n;
	st->min = s[0];
	st->median = s[n / 2];
	st->p99 = s[(n * 99) / 100];
	st->mean = sum / n;
}

static void rt_stats_print(const char *what, const struct rt_stats *st)
{
	printf("%s n=%llu median_ns=%llu p99_ns=%llu mean_ns=%llu min_ns=%llu\n", what,
	       (unsigned long long)st->n, (unsigned long long)st->median,
	       (unsigned long long)st->p99, (unsigned long long)st->mean,
	       (unsigned long long)st->min);
	fflush(stdout);
}

/* Trap RT_SYSNR to the listener, allow everything else. Returns the listener fd. */
static int rt_filter_install(void)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, RT_SYSNR, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(insns), .filter = insns };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			  &prog);
	return fd < 0 ? -errno : (int)fd;
}

static int rt_fd_send(int sock, int fd)
{
	char data = 'L';
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(&u, 0, sizeof(u));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

static int rt_fd_recv(int sock)
{
	char data;
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -EPROTO;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* The timed side: trapped calls, one clock pair per call. Never returns. */
static void rt_child_run(int sock, const struct rt_run *run)
{
	int lfd = rt_filter_install();
	char go;

	if (lfd < 0) {
		fprintf(stderr,
			"bench_seccomp_rt: installing the seccomp listener filter: "
			"%s (needs Linux >= 5.0 with seccomp)\n",
			strerror(-lfd));
		_exit(2);
	}
	if (rt_fd_send(sock, lfd) < 0 || read(sock, &go, 1) != 1)
		_exit(3);
	close(lfd);
	for (int i = 0; i < RT_WARMUP; i++)
		syscall(RT_SYSNR, 0, 0);
	for (uint64_t i = 0; i < run->n; i++) {
		uint64_t t0 = rt_now();

		syscall(RT_SYSNR, 0, 0);
		run->samples[i] = rt_now() - t0;
	}
	syscall(RT_SYSNR, RT_ARG_DONE, 0);
	_exit(0);
}

/* Ask for synchronous wake-ups; 0, or -errno when the kernel refuses. */
static int rt_sync_enable(int lfd)
{
	uint64_t flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;

	return ioctl(lfd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags) < 0 ? -errno : 0;
}

/* The supervisor side: answer every notification with 0 until the child says done. */
static int rt_supervise(int lfd)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	for (;;) {
		memset(&req, 0, sizeof(req));
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
			return -errno;
		if (req.data.args[0] == RT_ARG_DONE)
			return 0;
	}
}

static int rt_child_reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_seccomp_rt: timed child failed (status 0x%x)\n", status);
		return -ECHILD;
	}
	return 0;
}

/* Parent half of one notification measurement: take the listener, set flags, go. */
static int rt_parent_run(int sock, struct rt_run *run)
{
	int lfd = rt_fd_recv(sock), rc;

	if (lfd < 0)
		return lfd;
	if (run->sync_wakeup) {
		rc = rt_sync_enable(lfd);
		if (rc < 0) {
			snprintf(run->note, sizeof(run->note), "%s (needs Linux >= 6.6)",
				 strerror(-rc));
			run->sync_wakeup = 0;
		}
	}
	alarm(RT_WATCHDOG_S);
	rc = write(sock, "g", 1) == 1 ? rt_supervise(lfd) : -errno;
	alarm(0);
	close(lfd);
	return rc;
}

static int rt_notif_measure(struct rt_run *run)
{
	int sv[2], rc;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		goto out_sock;
	}
	if (pid == 0) {
		close(sv[0]);
		rt_child_run(sv[1], run);
	}
	close(sv[1]);
	sv[1] = -1;
	rc = rt_parent_run(sv[0], run);
	if (rc < 0)
		kill(pid, SIGKILL);
	if (rt_child_reap(pid) < 0 && rc == 0)
		rc = -ECHILD;
out_sock:
	close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	return rc;
}

static int rt_mode_notif(uint64_t *samples, uint64_t n, int sync)
{
	struct rt_run run = { .n = n, .samples = samples, .sync_wakeup = sync };
	struct rt_stats st;
	char what[64];
	int rc = rt_notif_measure(&run);

	if (rc < 0) {
		fprintf(stderr, "bench_seccomp_rt: sync=%d measurement failed: %s\n", sync,
			strerror(-rc));
		return rc;
	}
	if (sync && !run.sync_wakeup)
		printf("note: kernel refused SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP: %s; "
		       "measured without it (reported as sync=0)\n",
		       run.note);
	rt_stats_compute(samples, n, &st);
	snprintf(what, sizeof(what), "seccomp_rt sync=%d", run.sync_wakeup);
	rt_stats_print(what, &st);
	return 0;
}

/* A plain system call in this (unfiltered) process: the second floor. */
static void rt_mode_getppid(uint64_t *samples, uint64_t n)
{
	struct rt_stats st;

	for (int i = 0; i < RT_WARMUP; i++)
		syscall(SYS_getppid);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t t0 = rt_now();

		syscall(SYS_getppid);
		samples[i] = rt_now() - t0;
	}
	rt_stats_compute(samples, n, &st);
	rt_stats_print("getppid filter=0", &st);
}

/* What one clock pair costs: every sample above includes it. */
static void rt_mode_clock(uint64_t *samples, uint64_t n)
{
	struct rt_stats st;

	for (uint64_t i = 0; i < n; i++) {
		uint64_t t0 = rt_now();

		samples[i] = rt_now() - t0;
	}
	rt_stats_compute(samples, n, &st);
	rt_stats_print("clock_overhead", &st);
}

static int rt_mode_run(const char *mode, uint64_t *samples, uint64_t n)
{
	if (strcmp(mode, "sync") == 0)
		return rt_mode_notif(samples, n, 1);
	if (strcmp(mode, "nosync") == 0)
		return rt_mode_notif(samples, n, 0);
	if (strcmp(mode, "getppid") == 0) {
		rt_mode_getppid(samples, n);
		return 0;
	}
	if (strcmp(mode, "clock") == 0) {
		rt_mode_clock(samples, n);
		return 0;
	}
	fprintf(stderr,
		"bench_seccomp_rt: unknown mode '%s': use sync, nosync, getppid "
		"or clock\n",
		mode);
	return -EINVAL;
}

static int rt_parse_args(int argc, char **argv, uint64_t *n, char **modes)
{
	int c;

	while ((c = getopt(argc, argv, "n:m:h")) != -1) {
		switch (c) {
		case 'n':
			if (util_parse_u64(optarg, RT_MAX_N, n) < 0 || *n == 0) {
				fprintf(stderr, "bench_seccomp_rt: -n %s: want 1..%llu calls\n",
					optarg, RT_MAX_N);
				return -EINVAL;
			}
			break;
		case 'm':
			*modes = optarg;
			break;
		default:
			rt_usage();
			return -EINVAL;
		}
	}
	return optind == argc ? 0 : -EINVAL;
}

int main(int argc, char **argv)
{
	uint64_t n = 200000, *samples;
	char *modes = NULL, *mode, *save = NULL;
	char defmodes[] = "sync,nosync,getppid,clock";
	int rc = 0;

	if (rt_parse_args(argc, argv, &n, &modes) < 0)
		return 2;
	if (!modes)
		modes = defmodes;
	signal(SIGALRM, rt_on_alarm);
	samples = mmap(NULL, n * sizeof(*samples), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (samples == MAP_FAILED) {
		fprintf(stderr, "bench_seccomp_rt: %llu samples: %s: use a smaller -n\n",
			(unsigned long long)n, strerror(errno));
		return 1;
	}
	for (mode = strtok_r(modes, ",", &save); mode; mode = strtok_r(NULL, ",", &save))
		if (rt_mode_run(mode, samples, n) < 0)
			rc = 1;
	munmap(samples, n * sizeof(*samples));
	return rc;
}
