/* bench_firstline: time from starting a command until a line with a given prefix
 * appears on its output (boot-to-first-output of UML or a pvisor guest), with a
 * timeout and clean-up of the command's whole process group. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#define FL_LINE_MAX 4096
#define FL_TICK_MS  50
#define FL_GRACE_NS 2000000000ULL /* after -k: SIGTERM, then SIGKILL this much later */

/* Set by SIGTERM/SIGINT/SIGHUP: stop the command's group and report what we have. */
static volatile sig_atomic_t fl_stop;

static void fl_on_signal(int sig)
{
	fl_stop = sig;
}

struct fl_state {
	const char *prefix;
	size_t prefix_len;
	int log_fd;            /* -o file, or -1 */
	int kill_after;        /* -k: stop the command once the line is seen */
	uint64_t t0, found_ns; /* found_ns: 0 until the line is seen */
	char line[FL_LINE_MAX];
	size_t line_len;
	int line_overflow; /* current line longer than the buffer: cannot match */
};

static void fl_usage(void)
{
	fprintf(stderr,
		"usage: bench_firstline [-t seconds] [-o log] [-k] PREFIX command [arg...]\n"
		"  runs command (its own process group, stdout+stderr captured) and prints\n"
		"  'firstline ns=<ns from start to the first line starting with PREFIX> "
		"status=<exit>'\n"
		"  -t  give up after this many seconds (default 30)\n"
		"  -o  copy the command's output to this file\n"
		"  -k  stop the command (SIGTERM, then SIGKILL) once the line is seen\n");
}

static void fl_line_end(struct fl_state *st, uint64_t now)
{
	if (!st->found_ns && !st->line_overflow && st->line_len >= st->prefix_len &&
	    memcmp(st->line, st->prefix, st->prefix_len) == 0)
		st->found_ns = now - st->t0;
	st->line_len = 0;
	st->line_overflow = 0;
}

/* Feed output bytes; timestamps a match with the time its bytes were read. */
static void fl_feed(struct fl_state *st, const char *buf, size_t len, uint64_t now)
{
	if (st->log_fd >= 0)
		(void)util_write_full(st->log_fd, buf, len);
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			fl_line_end(st, now);
			continue;
		}
		if (buf[i] == '\r')
			continue;
		if (st->line_len < sizeof(st->line))
			st->line[st->line_len++] = buf[i];
		else
			st->line_overflow = 1;
	}
}

static pid_t fl_spawn(char **argv, int *out_fd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		pid = -errno;
		close(p[0]);
		close(p[1]);
		return pid;
	}
	if (pid == 0) {
		setpgid(0, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execvp(argv[0], argv);
		fprintf(stderr, "bench_firstline: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(p[1]);
	*out_fd = p[0];
	return pid;
}

/* Returns 1 on EOF or error, 0 while the pipe is open. */
static int fl_read_some(struct fl_state *st, int fd)
{
	char buf[8192];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, FL_TICK_MS) <= 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0 && errno == EINTR)
		return 0;
	if (n <= 0)
		return 1;
	fl_feed(st, buf, (size_t)n, util_now_ns());
	return 0;
}

static int fl_status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* Signal the command's group when asked to stop, past the deadline, or (-k) once the
 * line is seen: SIGTERM first, SIGKILL after a grace period. */
static void fl_maybe_stop(const struct fl_state *st, pid_t pid, uint64_t now, uint64_t deadline,
			  uint64_t *term_at)
{
	if (fl_stop) {
		kill(-pid, SIGKILL);
		return;
	}
	if (now <= deadline && !(st->kill_after && st->found_ns))
		return;
	if (!*term_at) {
		kill(-pid, SIGTERM);
		*term_at = now;
	} else if (now - *term_at > FL_GRACE_NS) {
		kill(-pid, SIGKILL);
	}
}

/* Read until the command is gone (or the deadline / -k says stop). Its exit code. */
static int fl_watch(struct fl_state *st, pid_t pid, int fd, uint64_t deadline)
{
	int status = 0, exited = 0, eof = 0;
	uint64_t term_at = 0;

	while (!(exited && eof) && !(exited && fl_stop)) {
		if (!eof)
			eof = fl_read_some(st, fd);
		else
			usleep(FL_TICK_MS * 1000);
		if (!exited && waitpid(pid, &status, WNOHANG) == pid)
			exited = 1;
		uint64_t now = util_now_ns();

		if (exited && !eof) /* a leftover holds the pipe: take what is there */
			eof = fl_read_some(st, fd) || now > deadline;
		if (!exited)
			fl_maybe_stop(st, pid, now, deadline, &term_at);
	}
	kill(-pid, SIGKILL); /* whatever the command left behind */
	return fl_status_code(status);
}

static int fl_parse_args(int argc, char **argv, struct fl_state *st, uint64_t *timeout_s)
{
	int c;

	while ((c = getopt(argc, argv, "+t:o:kh")) != -1) {
		switch (c) {
		case 't':
			if (util_parse_u64(optarg, 3600, timeout_s) < 0 || !*timeout_s) {
				fprintf(stderr, "bench_firstline: -t %s: want 1..3600\n", optarg);
				return -EINVAL;
			}
			break;
		case 'o':
			st->log_fd = open(optarg, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			if (st->log_fd < 0) {
				fprintf(stderr, "bench_firstline: %s: %s\n", optarg,
					strerror(errno));
				return -errno;
			}
			break;
		case 'k':
			st->kill_after = 1;
			break;
		default:
			return -EINVAL;
		}
	}
	return argc - optind >= 2 ? optind : -EINVAL;
}

int main(int argc, char **argv)
{
	static struct fl_state st = { .log_fd = -1 };
	uint64_t timeout_s = 30;
	int first, fd = -1, code;
	pid_t pid;

	first = fl_parse_args(argc, argv, &st, &timeout_s);
	if (first < 0) {
		fl_usage();
		return 2;
	}
	st.prefix = argv[first];
	st.prefix_len = strlen(st.prefix);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, fl_on_signal);
	signal(SIGINT, fl_on_signal);
	signal(SIGHUP, fl_on_signal);
	st.t0 = util_now_ns();
	pid = fl_spawn(argv + first + 1, &fd);
	if (pid < 0) {
		fprintf(stderr, "bench_firstline: starting %s: %s\n", argv[first + 1],
			strerror(-pid));
		return 2;
	}
	code = fl_watch(&st, pid, fd, st.t0 + timeout_s * 1000000000ULL);
	if (st.line_len)
		fl_line_end(&st, util_now_ns());
	if (fl_stop) {
		fprintf(stderr, "bench_firstline: stopped by signal %d\n", (int)fl_stop);
		return 128 + fl_stop;
	}
	if (st.found_ns)
		printf("firstline ns=%llu status=%d\n", (unsigned long long)st.found_ns, code);
	else
		printf("firstline ns=none status=%d\n", code);
	return st.found_ns ? 0 : 1;
}
