/* pvx console: attach the terminal (or a pipe) to a domain's console through
 * pvconsoled. On a terminal: raw mode, Ctrl-] detaches (as xl console). Over a
 * pipe: stdin goes to the guest, its output to stdout; a 0x1d byte in the input
 * detaches too, and after stdin ends pvx stays until the guest has been quiet
 * for CONSOLE_LINGER_MS so the answer to the last command is not cut off
 * (`pvx create -c` follows on until the domain stops instead).
 * A domain that does not exist yet, or whose console is not up yet, is waited
 * for (-w SECONDS, 30). This is the console ring only: what a guest writes with
 * console_io (a kernel booted with console=io, early boot of one that does not
 * replay it into its ring) is in the hypervisor's log, `pvx dmesg`, as on Xen. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "libpvctrl/pvctrl.h"
#include "pvx_cli.h"
#include "peer.h"
#include "rundir.h"
#include "util.h"

#define CONSOLE_ESCAPE    0x1d /* Ctrl-] */
#define CONSOLE_LINGER_MS 500
#define CONSOLE_TICK_MS   100

static struct termios console_saved;
static int console_raw;

static void console_restore(void)
{
	if (console_raw)
		tcsetattr(0, TCSAFLUSH, &console_saved);
	console_raw = 0;
}

/* Killed while the terminal is raw: give the user their terminal back. */
static void console_on_signal(int sig)
{
	if (console_raw)
		tcsetattr(0, TCSAFLUSH, &console_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void console_make_raw(void)
{
	struct termios t;

	if (!isatty(0) || tcgetattr(0, &console_saved) < 0)
		return;
	t = console_saved;
	cfmakeraw(&t);
	if (tcsetattr(0, TCSAFLUSH, &t) == 0) {
		console_raw = 1;
		atexit(console_restore);
		signal(SIGTERM, console_on_signal);
		signal(SIGHUP, console_on_signal);
	}
}

/* The answer line byte by byte (it arrived in pieces). */
static int console_reply_slow(int fd, char *line, size_t max)
{
	size_t len = 0;

	while (len < max - 1) {
		if (read(fd, line + len, 1) != 1)
			return -EPIPE;
		if (line[len] == '\n')
			break;
		len++;
	}
	line[len] = '\0';
	return 0;
}

/* pvconsoled's answer line, read without taking what follows it (the console's
 * output): a peek, then exactly the line. 0, or -EPIPE. */
static int console_reply(int fd, char *line, size_t max)
{
	ssize_t n;
	char *nl;

	do
		n = recv(fd, line, max - 1, MSG_PEEK);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -EPIPE;
	line[n] = '\0';
	nl = memchr(line, '\n', (size_t)n);
	if (!nl) { /* the line comes in pieces: wait for the rest */
		if ((size_t)n == max - 1)
			return -EPIPE;
		return console_reply_slow(fd, line, max);
	}
	if (util_read_full(fd, line, (size_t)(nl - line) + 1) != nl - line + 1)
		return -EPIPE;
	*nl = '\0';
	return 0;
}

/* A request to pvconsoled, sent without waiting for its answer (a local socket
 * takes a connection and a line at once): the socket, or -errno with why in err. */
static int console_send(const char *req, char *err, size_t errlen)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	uid_t who;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), rc;

	if (fd < 0)
		return -errno;
	rc = rundir_file(path, sizeof(path), "pvconsoled.sock");
	if (rc == 0)
		rc = peer_connect(fd, path, &who); /* root or us, before we send anything */
	if (rc == -EPERM) {
		snprintf(err, errlen,
			 "%s is served by uid %lu, neither root nor you: not "
			 "talking to it (remove it, or use a run directory of your own)",
			 path, (unsigned long)who);
		close(fd);
		return -EPERM;
	}
	if (rc < 0) {
		snprintf(err, errlen, "pvconsoled is not running in %s (pvx daemons start)",
			 rundir_path());
		close(fd);
		return -ECONNREFUSED;
	}
	if (util_write_full(fd, req, strlen(req)) < 0) {
		snprintf(err, errlen, "pvconsoled closed the connection");
		close(fd);
		return -EPIPE;
	}
	return fd;
}

int cli_console_answer(int fd, char *err, size_t errlen)
{
	char line[256];

	if (console_reply(fd, line, sizeof(line)) < 0) {
		snprintf(err, errlen, "pvconsoled closed the connection");
		close(fd);
		return -EPIPE;
	}
	if (strncmp(line, "ok ", 3) == 0)
		return fd;
	close(fd);
	snprintf(err, errlen, "%s",
		 strncmp(line, "err ", 4) == 0 || strncmp(line, "wait ", 5) == 0
			 ? strchr(line, ' ') + 1
			 : line);
	return strncmp(line, "wait ", 5) == 0 ? -EAGAIN : -EPROTO;
}

static int console_connect(pv_domid_t domid, char *err, size_t errlen)
{
	char req[32];
	int fd;

	snprintf(req, sizeof(req), "attach %u\n", domid);
	fd = console_send(req, err, errlen);
	return fd < 0 ? fd : cli_console_answer(fd, err, errlen);
}

int cli_console_ask_ring(pv_domid_t domid, const char *name, uint64_t gfn, uint32_t port,
			 char *err, size_t errlen)
{
	char req[160];

	snprintf(req, sizeof(req), "attach %u ring=%llu port=%u name=%s\n", domid,
		 (unsigned long long)gfn, port, name);
	return console_send(req, err, errlen);
}

/* 1 while the domain exists and has not shut down. */
static int console_domain_up(struct pvctrl *h, pv_domid_t domid)
{
	struct pv_domctl_getdomaininfo info;

	if (pvctrl_domain_getinfo(h, domid, &info) < 0 || info.domain != domid)
		return 0;
	return !(info.flags & (PV_DOMINF_shutdown | PV_DOMINF_dying));
}

int cli_console_attach(struct pvctrl *h, pv_domid_t domid, int wait_s)
{
	struct timespec tick = { 0, CONSOLE_TICK_MS * 1000000L };
	char err[256] = "";
	int fd = -ETIMEDOUT;

	for (int i = 0; i <= wait_s * (1000 / CONSOLE_TICK_MS); i++) {
		fd = console_connect(domid, err, sizeof(err));
		if (fd != -EAGAIN)
			break;
		if (!console_domain_up(h, domid)) {
			snprintf(err, sizeof(err), "domain %u stopped before its console came up",
				 domid);
			fd = -ESRCH;
			break;
		}
		nanosleep(&tick, NULL);
	}
	if (fd == -EAGAIN)
		cli_fail("domain %u has no console ring (none in the store after %d s); what it "
			 "writes with console_io (console=io) is in `pvx dmesg`",
			 domid, wait_s);
	else if (fd < 0)
		cli_fail("console of domain %u: %s", domid, err);
	return fd;
}

/* Guest -> stdout; returns bytes moved, 0 at EOF, -1 on error. */
static ssize_t console_out(int fd)
{
	char buf[16384];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n > 0 && util_write_full(1, buf, (size_t)n) < 0)
		return -1;
	return n;
}

/* stdin -> guest, up to an escape byte: 1 detach, 0 EOF, -1 error, 2 more. Typing
 * into a guest that reads nothing must not stop Ctrl-] from working: on a terminal
 * what the socket cannot take at once is dropped; a pipe (a script) waits instead,
 * so none of its input is lost. */
static int console_in(int fd)
{
	char buf[1024], *esc;
	ssize_t n = read(0, buf, sizeof(buf));
	size_t len;

	if (n <= 0)
		return n == 0 ? 0 : -1;
	esc = memchr(buf, CONSOLE_ESCAPE, (size_t)n);
	len = esc ? (size_t)(esc - buf) : (size_t)n;
	if (console_raw) {
		if (len && send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno != EAGAIN)
			return -1;
	} else if (util_write_full(fd, buf, len) < 0) {
		return -1;
	}
	return esc ? 1 : 2;
}

/* After the domain stopped (or stdin ended): print until quiet for linger_ms. */
static void console_linger(int fd, int linger_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, linger_ms) > 0 && console_out(fd) > 0)
		;
}

int cli_console_run(struct pvctrl *h, pv_domid_t domid, int fd, int follow)
{
	struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = 0, .events = POLLIN } };
	int stdin_open = 1;

	signal(SIGPIPE, SIG_IGN); /* pvconsoled going away is an error return, not death */
	console_make_raw();
	for (;;) {
		int n = poll(p, stdin_open ? 2 : 1, CONSOLE_TICK_MS), r;

		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (p[0].revents & (POLLIN | POLLHUP)) && console_out(fd) <= 0)
			break; /* pvconsoled let go of the domain */
		if (n > 0 && stdin_open && (p[1].revents & (POLLIN | POLLHUP))) {
			r = console_in(fd);
			if (r == 1 || r < 0)
				break;
			if (r == 0) {
				stdin_open = 0;
				if (!console_raw && !follow) {
					console_linger(fd, CONSOLE_LINGER_MS);
					break;
				}
			}
		}
		if (n == 0 && !console_domain_up(h, domid)) {
			console_linger(fd, 200);
			break;
		}
	}
	console_restore();
	close(fd);
	return 0;
}

/* The domain called spec, waiting up to wait_s seconds for it to appear (a
 * `pvx create` that has not got that far yet); exits with a message if not. */
static pv_domid_t console_domain(struct pvctrl *h, const char *spec, int wait_s)
{
	struct timespec tick = { 0, CONSOLE_TICK_MS * 1000000L };
	pv_domid_t id;

	for (int i = 0; i < wait_s * (1000 / CONSOLE_TICK_MS); i++) {
		if (pvx_domain_resolve(h, spec, &id) == 0)
			return id;
		nanosleep(&tick, NULL);
	}
	return cli_domain(h, spec); /* one last try, with its error message */
}

/* xl's -t TYPE and -n NUM: pvisor serves one console per domain, the PV console
 * ring (console 0 of type pv); there is no emulated serial port or vuart. */
static int console_check_kind(const char *type, uint64_t num)
{
	if (strcmp(type, "pv") != 0 && strcmp(type, "serial") != 0 && strcmp(type, "vuart") != 0)
		return cli_fail("-t %s: the console type is pv, serial or vuart", type);
	if (strcmp(type, "pv") != 0)
		return cli_fail("-t %s: pvisor emulates no %s (it runs no device model); the "
				"domain's console is -t pv",
				type, type[0] == 's' ? "serial port" : "UART");
	if (num != 0)
		return cli_fail("-n %llu: pvisor serves one PV console per domain, number 0",
				(unsigned long long)num);
	return 0;
}

static int console_parse(int argc, char **argv, int *wait_s)
{
	const char *type = "pv";
	uint64_t v, num = 0;
	int c;

	while ((c = getopt(argc, argv, "+w:t:n:")) != -1) {
		if (c == 't') {
			type = optarg;
		} else if (c == 'n') {
			if (util_parse_u64(optarg, 0xffff, &num) < 0)
				return cli_fail("-n %s: not a console number", optarg);
		} else if (c == 'w') {
			if (util_parse_u64(optarg, 86400, &v) < 0)
				return cli_fail("-w %s: not a number of seconds (0 to 86400)",
						optarg);
			*wait_s = (int)v;
		} else {
			return cli_usage("console");
		}
	}
	if (optind != argc - 1)
		return cli_usage("console");
	return console_check_kind(type, num);
}

int cmd_console(int argc, char **argv)
{
	struct pvctrl *h;
	pv_domid_t domid;
	int wait_s = 30, fd, rc = console_parse(argc, argv, &wait_s);

	if (rc)
		return rc;
	h = cli_connect();
	domid = console_domain(h, argv[optind], wait_s);
	pvstart_daemons_ensure(NULL); /* a missing pvconsoled is reported below */
	fd = cli_console_attach(h, domid, wait_s);
	if (fd < 0) {
		pvctrl_close(h);
		return 1;
	}
	cli_console_run(h, domid, fd, 0);
	pvctrl_close(h);
	return 0;
}
