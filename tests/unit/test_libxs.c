/* Unit tests for libxs against the real store core, served over a Unix socket by a
 * small in-process server thread: every call, error-name mapping, watch events queued
 * while waiting for a reply, the pollable descriptor, transactions with EAGAIN. */
#include <CUnit/Basic.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "libxs/xs.h"
#include "xsd/core.h"
#include "xsd_testlib.h"

static char dir[64], sock_path[128];
static struct xsd_core *core;
static int lfd, stop_pipe[2];
static pthread_t server;

/* One turn: read what each client sent, feed the core, write every queued reply. */
static void serve_turn(struct pollfd *p, struct xsd_conn **conns, int *n)
{
	char buf[8192];

	for (int i = 1; i < *n; i++) {
		if (!(p[i].revents & (POLLIN | POLLHUP)))
			continue;
		ssize_t r = read(p[i].fd, buf, sizeof(buf));
		if (r <= 0) {
			close(p[i].fd);
			p[i].fd = -1;
			continue;
		}
		xsd_conn_input(conns[i], buf, (size_t)r);
	}
	for (int i = 1; i < *n; i++) {
		const void *out;
		size_t len;
		while (p[i].fd >= 0 && (len = xsd_conn_out_peek(conns[i], &out)) > 0) {
			ssize_t w = write(p[i].fd, out, len);
			if (w <= 0)
				break;
			xsd_conn_out_consume(conns[i], (size_t)w);
		}
	}
}

static void *serve(void *arg)
{
	struct pollfd p[17];
	struct xsd_conn *conns[17];
	int n = 2;

	(void)arg;
	p[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = stop_pipe[0], .events = POLLIN };
	for (;;) {
		if (poll(p, (nfds_t)n, -1) < 0)
			continue;
		if (p[1].revents)
			return NULL;
		if ((p[0].revents & POLLIN) && n < 17) {
			p[n] = (struct pollfd){ .fd = accept(lfd, NULL, NULL), .events = POLLIN };
			conns[n] = xsd_conn_create(core, NULL, NULL, 0, true);
			n++;
		}
		/* index 1 is the stop pipe: shift client slots by one */
		serve_turn(p + 1, conns + 1, &(int){ n - 1 });
	}
}

static int setup_server(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(dir, sizeof(dir), "/tmp/test_libxs.XXXXXX");
	if (!mkdtemp(dir) || pipe(stop_pipe) < 0)
		return -1;
	snprintf(sock_path, sizeof(sock_path), "%s/sock", dir);
	strcpy(sa.sun_path, sock_path);
	core = xsd_core_create(NULL);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (!core || lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 8) < 0)
		return -1;
	return pthread_create(&server, NULL, serve, NULL);
}

static struct xs_handle *open_handle(void)
{
	struct xs_handle *h = NULL;

	CU_ASSERT_EQUAL_FATAL(xs_open_path(&h, sock_path), 0);
	return h;
}

static void test_basic_calls(void)
{
	struct xs_handle *h = open_handle();
	char *v, **names;
	size_t len;
	unsigned n;

	CU_ASSERT_EQUAL(xs_write(h, 0, "/l/a", "va\0lue", 6), 0);
	CU_ASSERT_EQUAL(xs_read(h, 0, "/l/a", &v, &len), 0);
	CU_ASSERT_EQUAL(len, 6);
	CU_ASSERT_EQUAL(memcmp(v, "va\0lue", 7), 0); /* NUL-terminated beyond len */
	free(v);
	CU_ASSERT_EQUAL(xs_mkdir(h, 0, "/l/b"), 0);
	CU_ASSERT_EQUAL(xs_directory(h, 0, "/l", &names, &n), 0);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_STRING_EQUAL(names[0], "a");
	CU_ASSERT_STRING_EQUAL(names[1], "b");
	CU_ASSERT_PTR_NULL(names[2]);
	free(names);
	CU_ASSERT_EQUAL(xs_rm(h, 0, "/l/a"), 0);
	CU_ASSERT_EQUAL(xs_read(h, 0, "/l/a", &v, &len), -ENOENT);
	CU_ASSERT_EQUAL(xs_read(h, 0, "/l//a", &v, &len), -EINVAL);
	CU_ASSERT_EQUAL(xs_directory(h, 0, "/l/b", &names, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	free(names);
	xs_close(h);
}

static void test_big_directory(void)
{
	struct xs_handle *h = open_handle();
	char path[64], **names;
	unsigned n;

	for (int i = 0; i < 500; i++) {
		snprintf(path, sizeof(path), "/bigdir/a-fairly-long-child-name-%04d", i);
		CU_ASSERT_EQUAL(xs_write(h, 0, path, "", 0), 0);
	}
	/* DIRECTORY says E2BIG; libxs falls back to DIRECTORY_PART */
	CU_ASSERT_EQUAL_FATAL(xs_directory(h, 0, "/bigdir", &names, &n), 0);
	CU_ASSERT_EQUAL(n, 500);
	CU_ASSERT_STRING_EQUAL(names[0], "a-fairly-long-child-name-0000");
	CU_ASSERT_STRING_EQUAL(names[499], "a-fairly-long-child-name-0499");
	for (unsigned i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "a-fairly-long-child-name-%04u", i);
		CU_ASSERT_STRING_EQUAL(names[i], path);
	}
	free(names);
	xs_close(h);
}

/* Corked writes go out together; their first error comes back at uncork; a call
 * that wants a reply meanwhile still gets it, and sees the earlier writes. */
static void test_cork(void)
{
	struct xs_handle *h = open_handle();
	struct xs_perm p = { 0, XS_PERM_READ };
	char *v = NULL;
	size_t len;

	xs_cork(h);
	CU_ASSERT_EQUAL(xs_write(h, 0, "/cork/a", "1", 1), 0);
	CU_ASSERT_EQUAL(xs_set_perms(h, 0, "/cork/a", &p, 1), 0);
	CU_ASSERT_EQUAL(xs_read(h, 0, "/cork/a", &v, &len), 0);
	CU_ASSERT_STRING_EQUAL(v ? v : "", "1");
	free(v);
	CU_ASSERT_EQUAL(xs_rm(h, 0, "/no/such/node"), 0); /* queued: its error comes later */
	CU_ASSERT_EQUAL(xs_write(h, 0, "/cork/b", "2", 1), 0);
	CU_ASSERT_EQUAL(xs_uncork(h), -ENOENT);
	CU_ASSERT_EQUAL(xs_read(h, 0, "/cork/b", &v, &len), 0); /* later ones still ran */
	free(v);
	xs_cork(h);
	CU_ASSERT_EQUAL(xs_uncork(h), 0);                      /* nothing queued */
	CU_ASSERT_EQUAL(xs_write(h, 0, "/cork/c", "3", 1), 0); /* uncorked: at once */
	xs_close(h);
}

static void test_perms(void)
{
	struct xs_handle *h = open_handle();
	struct xs_perm in[2] = { { 0, XS_PERM_NONE }, { 5, XS_PERM_READ } }, *out, p;
	unsigned n;
	char buf[8];

	CU_ASSERT_EQUAL(xs_write(h, 0, "/p", "", 0), 0);
	CU_ASSERT_EQUAL(xs_set_perms(h, 0, "/p", in, 2), 0);
	CU_ASSERT_EQUAL(xs_get_perms(h, 0, "/p", &out, &n), 0);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(out[1].domid, 5);
	CU_ASSERT_EQUAL(out[1].access, XS_PERM_READ);
	free(out);
	CU_ASSERT_EQUAL(xs_perm_parse("b12", &p), 0);
	CU_ASSERT_EQUAL(p.domid, 12);
	CU_ASSERT_EQUAL(p.access, XS_PERM_BOTH);
	CU_ASSERT_EQUAL(xs_perm_format(&p, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "b12");
	CU_ASSERT_EQUAL(xs_perm_format(&p, buf, 3), -ENOSPC);
	CU_ASSERT_EQUAL(xs_perm_parse("q1", &p), -EINVAL);
	CU_ASSERT_EQUAL(xs_perm_parse("r", &p), -EINVAL);
	xs_close(h);
}

static void test_watch_queue_and_poll(void)
{
	struct xs_handle *h = open_handle(), *o = open_handle();
	struct xs_watch_event *ev;
	struct pollfd p = { .fd = xs_fileno(h), .events = POLLIN };
	char *v;
	size_t len;

	CU_ASSERT_EQUAL(xs_watch(h, "/wq", "tok"), 0);
	CU_ASSERT_EQUAL(xs_read_watch(h, &ev, 1000), 0); /* initial event */
	CU_ASSERT_STRING_EQUAL(ev->path, "/wq");
	CU_ASSERT_STRING_EQUAL(ev->token, "tok");
	free(ev);
	CU_ASSERT_EQUAL(xs_read_watch(h, &ev, 0), -ETIMEDOUT);
	CU_ASSERT_EQUAL(poll(&p, 1, 0), 0);
	/* our own write: the event arrives around the reply and is queued */
	CU_ASSERT_EQUAL(xs_write(h, 0, "/wq/x", "1", 1), 0);
	CU_ASSERT_EQUAL(poll(&p, 1, 1000), 1); /* queued: the descriptor is readable */
	CU_ASSERT_EQUAL(xs_read_watch(h, &ev, 0), 0);
	CU_ASSERT_STRING_EQUAL(ev->path, "/wq/x");
	free(ev);
	CU_ASSERT_EQUAL(xs_read(h, 0, "/wq/x", &v, &len), 0);
	free(v);
	CU_ASSERT_EQUAL(poll(&p, 1, 0), 0); /* drained */
	/* someone else's write: the socket makes the descriptor readable */
	CU_ASSERT_EQUAL(xs_write(o, 0, "/wq/y", "1", 1), 0);
	CU_ASSERT_EQUAL(poll(&p, 1, 1000), 1);
	CU_ASSERT_EQUAL(xs_read_watch(h, &ev, 1000), 0);
	CU_ASSERT_STRING_EQUAL(ev->path, "/wq/y");
	free(ev);
	CU_ASSERT_EQUAL(xs_unwatch(h, "/wq", "tok"), 0);
	CU_ASSERT_EQUAL(xs_unwatch(h, "/wq", "tok"), -ENOENT);
	CU_ASSERT_EQUAL(xs_watch(h, "/wq", "t2"), 0);
	CU_ASSERT_EQUAL(xs_reset_watches(h), 0);
	xs_close(o);
	xs_close(h); /* with a queued initial event: freed */
}

static void test_transactions(void)
{
	struct xs_handle *a = open_handle(), *b = open_handle();
	uint32_t t;
	char *v;
	size_t len;

	CU_ASSERT_EQUAL(xs_write(a, 0, "/tx/k", "0", 1), 0);
	CU_ASSERT_EQUAL(xs_transaction_start(a, &t), 0);
	CU_ASSERT_EQUAL(xs_read(a, t, "/tx/k", &v, &len), 0);
	free(v);
	CU_ASSERT_EQUAL(xs_write(a, t, "/tx/k", "1", 1), 0);
	CU_ASSERT_EQUAL(xs_write(b, 0, "/tx/k", "2", 1), 0);
	CU_ASSERT_EQUAL(xs_transaction_end(a, t, true), -EAGAIN);
	CU_ASSERT_EQUAL(xs_transaction_start(a, &t), 0);
	CU_ASSERT_EQUAL(xs_write(a, t, "/tx/k", "3", 1), 0);
	CU_ASSERT_EQUAL(xs_transaction_end(a, t, true), 0);
	CU_ASSERT_EQUAL(xs_read(b, 0, "/tx/k", &v, &len), 0);
	CU_ASSERT_STRING_EQUAL(v, "3");
	free(v);
	CU_ASSERT_EQUAL(xs_transaction_start(a, &t), 0);
	CU_ASSERT_EQUAL(xs_write(a, t, "/tx/k", "4", 1), 0);
	CU_ASSERT_EQUAL(xs_transaction_end(a, t, false), 0);
	CU_ASSERT_EQUAL(xs_transaction_end(a, t, true), -ENOENT);
	xs_close(a);
	xs_close(b);
}

static void test_domains_control(void)
{
	struct xs_handle *h = open_handle();
	char *path, *reply;
	bool yes;

	CU_ASSERT_EQUAL(xs_get_domain_path(h, 9, &path), 0);
	CU_ASSERT_STRING_EQUAL(path, "/local/domain/9");
	free(path);
	CU_ASSERT_EQUAL(xs_is_domain_introduced(h, 9, &yes), 0);
	CU_ASSERT_FALSE(yes);
	CU_ASSERT_EQUAL(xs_introduce(h, 9, 1234, 5), 0);
	CU_ASSERT_EQUAL(xs_is_domain_introduced(h, 9, &yes), 0);
	CU_ASSERT_TRUE(yes);
	CU_ASSERT_EQUAL(xs_resume(h, 9), 0);
	CU_ASSERT_EQUAL(xs_set_target(h, 9, 9), 0);
	CU_ASSERT_EQUAL(xs_release(h, 9), 0);
	CU_ASSERT_EQUAL(xs_release(h, 9), -ENOENT);
	CU_ASSERT_EQUAL(xs_control(h, "print", "from libxs", NULL), 0);
	CU_ASSERT_EQUAL(xs_control(h, "quota", NULL, &reply), 0);
	CU_ASSERT(strstr(reply, "nodes") != NULL);
	free(reply);
	CU_ASSERT_EQUAL(xs_control(h, "nonsense", NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(xs_errno_from_name("EAGAIN"), EAGAIN);
	CU_ASSERT_EQUAL(xs_errno_from_name("EWHATEVER"), EINVAL);
	CU_ASSERT_STRING_EQUAL(xs_errno_name(ENOSPC), "ENOSPC");
	xs_close(h);
}

static void test_open_errors(void)
{
	struct xs_handle *h;

	CU_ASSERT_EQUAL(xs_open_path(&h, "/nonexistent/sock"), -ENOENT);
	setenv("XENSTORED_PATH", sock_path, 1);
	CU_ASSERT_EQUAL_FATAL(xs_open(&h), 0);
	xs_close(h);
	unsetenv("XENSTORED_PATH");
}

int main(void)
{
	static const struct tl_test tests[] = {
		{ "basic_calls", test_basic_calls },
		{ "big_directory", test_big_directory },
		{ "perms", test_perms },
		{ "cork", test_cork },
		{ "watch_queue_and_poll", test_watch_queue_and_poll },
		{ "transactions", test_transactions },
		{ "domains_control", test_domains_control },
		{ "open_errors", test_open_errors },
	};
	char cmd[128];
	int rc;

	if (setup_server() < 0) {
		perror("test_libxs: server");
		return 1;
	}
	rc = tl_run("libxs", tests, sizeof(tests) / sizeof(tests[0]));
	if (write(stop_pipe[1], "x", 1) == 1)
		pthread_join(server, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
