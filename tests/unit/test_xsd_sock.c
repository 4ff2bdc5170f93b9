/* End-to-end test of xsd's event loop (sock.c) with both transports at once: a libxs
 * client on the Unix socket and a guest on a store ring (an in-memory page; pipes stand
 * in for the event channel both ways), wired the way the hypervisor integration will
 * be: xsd_sock_watch_fd for the guest's notifications, xsd_sock_defer for output. */
#include <CUnit/Basic.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "libxs/xs.h"
#include "xsd/core.h"
#include "xsd/domain.h"
#include "xsd/ringconn.h"
#include "xsd/sock.h"
#include "xsd_testlib.h"

static char dir[64], sock_path[128];
static struct xsd_core *core;
static struct xsd_sock_server *srv;
static struct pv_xenstore_domain_interface page;
static struct xsd_ringconn rc;
static int stop_pipe[2], to_xsd[2], to_guest[2];
static pthread_t loop;

static void notify_guest(void *opaque, uint32_t port)
{
	(void)opaque;
	(void)port;
	if (write(to_guest[1], "e", 1) != 1) {
		/* the pipe is large enough for a test */
	}
}

static void pump(struct xsd_conn *c)
{
	xsd_ringconn_pump(c);
}

static void defer_pump(void *opaque, struct xsd_conn *c)
{
	xsd_sock_defer(opaque, c, pump);
}

/* The "event channel" from the guest fired. */
static void guest_kicked(void *opaque)
{
	char buf[64];

	if (read(to_xsd[0], buf, sizeof(buf)) < 0) {
		/* spurious */
	}
	xsd_ringconn_pump(opaque);
}

static void *run_loop(void *arg)
{
	(void)arg;
	xsd_sock_run(srv, stop_pipe[0]);
	return NULL;
}

/* Guest side: put a request on the ring and kick xsd. */
static void guest_send(uint32_t type, const char *p, size_t len)
{
	struct pv_xsd_sockmsg h = { type, 9, 0, (uint32_t)len };
	char msg[256];
	uint32_t prod = __atomic_load_n(&page.req_prod, __ATOMIC_RELAXED);

	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), p, len);
	for (size_t i = 0; i < sizeof(h) + len; i++)
		page.req[PV_MASK_XENSTORE_IDX(prod + i)] = msg[i];
	__atomic_store_n(&page.req_prod, prod + (uint32_t)(sizeof(h) + len), __ATOMIC_RELEASE);
	if (write(to_xsd[1], "k", 1) != 1)
		CU_FAIL("kick");
}

/* Guest side: wait (up to 2 s) for one whole message; render it as "TYPE payload". */
static const char *guest_recv(void)
{
	static char out[512];
	char msg[512];
	size_t have = 0;
	struct pollfd p = { .fd = to_guest[0], .events = POLLIN };

	while (have < 16 || have < 16 + ((struct pv_xsd_sockmsg *)msg)->len) {
		uint32_t cons = page.rsp_cons;
		uint32_t prod = __atomic_load_n(&page.rsp_prod, __ATOMIC_ACQUIRE);
		if (cons == prod) {
			char b[64];
			if (poll(&p, 1, 2000) != 1)
				return "TIMEOUT";
			if (read(to_guest[0], b, sizeof(b)) < 0)
				return "READ";
			continue;
		}
		size_t want = have < 16 ? 16 : 16 + ((struct pv_xsd_sockmsg *)msg)->len;
		while (cons != prod && have < want && have < sizeof(msg))
			msg[have++] = page.rsp[PV_MASK_XENSTORE_IDX(cons++)];
		__atomic_store_n(&page.rsp_cons, cons, __ATOMIC_RELEASE);
	}
	snprintf(out, sizeof(out), "%u ", ((struct pv_xsd_sockmsg *)msg)->type);
	for (size_t i = 16; i < have; i++) {
		size_t o = strlen(out);
		out[o] = msg[i] ? msg[i] : '|';
		out[o + 1] = '\0';
	}
	return out;
}

static int setup(void)
{
	struct xsd_conn *d0, *g;

	snprintf(dir, sizeof(dir), "/tmp/test_xsd_sock.XXXXXX");
	if (!mkdtemp(dir) || pipe(stop_pipe) || pipe(to_xsd) || pipe(to_guest))
		return -1;
	snprintf(sock_path, sizeof(sock_path), "%s/xenstored.sock", dir);
	core = xsd_core_create(NULL);
	if (!core || xsd_sock_create(&srv, core, NULL, sock_path) < 0)
		return -1;
	/* the toolstack's part: a home the guest owns, then INTRODUCE */
	d0 = tl_conn(core, 0, true);
	TL(d0, PV_XS_MKDIR, 0, "/local/domain/7\0");
	TL(d0, PV_XS_SET_PERMS, 0, "/local/domain/7\0n7\0");
	xsd_conn_destroy(d0);
	if (xsd_domain_introduce(core, 7, 1, 3) < 0)
		return -1;
	g = xsd_domain_find(core, 7)->conn;
	rc = (struct xsd_ringconn){ .intf = &page,
				    .notify = notify_guest,
				    .evtchn = 3,
				    .defer = defer_pump,
				    .defer_opaque = srv };
	xsd_ringconn_attach(g, &rc);
	if (xsd_sock_watch_fd(srv, to_xsd[0], guest_kicked, g) < 0)
		return -1;
	return pthread_create(&loop, NULL, run_loop, NULL);
}

static void test_guest_and_socket(void)
{
	struct xs_handle *h;
	struct xs_watch_event *ev;
	char *v;
	size_t len;

	guest_send(PV_XS_GET_DOMAIN_PATH, "7", 2);
	TL_EXPECT(guest_recv(), "10 /local/domain/7|");
	guest_send(PV_XS_WRITE, "name\0guest7", 11);
	TL_EXPECT(guest_recv(), "11 OK|");
	guest_send(PV_XS_READ, "/tool\0", 6);
	TL_EXPECT(guest_recv(), "16 EACCES|");
	guest_send(PV_XS_WATCH, "data\0t\0", 7);
	TL_EXPECT(guest_recv(), "4 OK|");
	TL_EXPECT(guest_recv(), "15 data|t|");

	CU_ASSERT_EQUAL_FATAL(xs_open_path(&h, sock_path), 0);
	CU_ASSERT_EQUAL(xs_read(h, 0, "/local/domain/7/name", &v, &len), 0);
	CU_ASSERT_STRING_EQUAL(v, "guest7");
	free(v);
	CU_ASSERT_EQUAL(xs_watch(h, "/local/domain/7/control", "c"), 0);
	CU_ASSERT_EQUAL(xs_read_watch(h, &ev, 2000), 0);
	free(ev);
	/* dom0 writes where the guest watches: the event reaches the ring (deferred pump) */
	CU_ASSERT_EQUAL(xs_write(h, 0, "/local/domain/7/data/x", "1", 1), 0);
	TL_EXPECT(guest_recv(), "15 data/x|t|");
	/* the guest writes where dom0 watches: the event reaches the socket */
	guest_send(PV_XS_WRITE, "control/shutdown\0", 17);
	TL_EXPECT(guest_recv(), "11 OK|");
	CU_ASSERT_EQUAL(xs_read_watch(h, &ev, 2000), 0);
	CU_ASSERT_STRING_EQUAL(ev->path, "/local/domain/7/control/shutdown");
	free(ev);
	xs_close(h);
}

int main(void)
{
	static const struct tl_test tests[] = {
		{ "guest_and_socket", test_guest_and_socket },
	};
	struct signalfd_siginfo si = { .ssi_signo = SIGTERM };
	char cmd[128];
	int rc_run;

	if (setup() < 0) {
		perror("test_xsd_sock: setup");
		return 1;
	}
	rc_run = tl_run("xsd_sock", tests, sizeof(tests) / sizeof(tests[0]));
	if (write(stop_pipe[1], &si, sizeof(si)) == (ssize_t)sizeof(si))
		pthread_join(loop, NULL);
	xsd_sock_destroy(srv);
	xsd_core_destroy(core);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		rc_run = 1;
	return rc_run;
}
