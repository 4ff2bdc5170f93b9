/* Unit tests for the store ring byte streams (xsd ring.c) and the ring transport of a
 * domain connection (ringconn.c), driven by a fake guest on an in-memory page. */
#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

#include "xsd/core.h"
#include "xsd/domain.h"
#include "xsd/ring.h"
#include "xsd/ringconn.h"
#include "xsd_testlib.h"

static struct pv_xenstore_domain_interface page;

/* Guest side: put bytes into req (they must fit). */
static void guest_put(const void *data, size_t len)
{
	const char *p = data;

	for (size_t i = 0; i < len; i++)
		page.req[PV_MASK_XENSTORE_IDX(page.req_prod + i)] = p[i];
	page.req_prod += (uint32_t)len;
}

/* Guest side: take up to len bytes from rsp. */
static size_t guest_get(void *data, size_t len)
{
	char *p = data;
	size_t n = 0;

	while (n < len && page.rsp_cons != page.rsp_prod)
		p[n++] = page.rsp[PV_MASK_XENSTORE_IDX(page.rsp_cons++)];
	return n;
}

static void test_read_wrap(void)
{
	char out[2048];

	memset(&page, 0, sizeof(page));
	page.req_cons = page.req_prod = 1000; /* near the wrap */
	guest_put("abcdefghijklmnopqrstuvwxyz0123456789", 36);
	CU_ASSERT_EQUAL(xsd_ring_pending(&page), 36);
	CU_ASSERT_EQUAL(xsd_ring_read(&page, out, 10), 10);
	CU_ASSERT_EQUAL(memcmp(out, "abcdefghij", 10), 0);
	CU_ASSERT_EQUAL(xsd_ring_read(&page, out, sizeof(out)), 26);
	CU_ASSERT_EQUAL(memcmp(out, "klmnopqrstuvwxyz0123456789", 26), 0);
	CU_ASSERT_EQUAL(page.req_cons, 1036);
	CU_ASSERT_EQUAL(xsd_ring_read(&page, out, sizeof(out)), 0);
	/* free-running indices wrap at 2^32 */
	page.req_cons = page.req_prod = 0xfffffff0u;
	guest_put("0123456789ABCDEFGHIJ", 20);
	CU_ASSERT_EQUAL(xsd_ring_read(&page, out, sizeof(out)), 20);
	CU_ASSERT_EQUAL(memcmp(out, "0123456789ABCDEFGHIJ", 20), 0);
	CU_ASSERT_EQUAL(page.req_cons, 4u);
}

static void test_write_full_and_wrap(void)
{
	char in[1500], out[1500];

	memset(&page, 0, sizeof(page));
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (char)i;
	page.rsp_cons = page.rsp_prod = 900;
	CU_ASSERT_EQUAL(xsd_ring_space(&page), 1024);
	CU_ASSERT_EQUAL(xsd_ring_write(&page, in, sizeof(in)), 1024); /* partial: ring full */
	CU_ASSERT_EQUAL(xsd_ring_space(&page), 0);
	CU_ASSERT_EQUAL(xsd_ring_write(&page, in, 10), 0);
	CU_ASSERT_EQUAL(guest_get(out, 600), 600);
	CU_ASSERT_EQUAL(memcmp(out, in, 600), 0);
	CU_ASSERT_EQUAL(xsd_ring_write(&page, in + 1024, 476), 476);
	CU_ASSERT_EQUAL(guest_get(out, sizeof(out)), 900);
	CU_ASSERT_EQUAL(memcmp(out, in + 600, 900), 0);
}

static void test_bad_indices(void)
{
	char out[16];

	memset(&page, 0, sizeof(page));
	page.req_prod = 5000; /* more than a ring's worth */
	CU_ASSERT_EQUAL(xsd_ring_read(&page, out, sizeof(out)), -EIO);
	CU_ASSERT_EQUAL(page.error, PV_XENSTORE_ERROR_RINGIDX);
	CU_ASSERT_EQUAL(xsd_ring_pending(&page), 0);
	memset(&page, 0, sizeof(page));
	page.rsp_prod = 2000;
	CU_ASSERT_EQUAL(xsd_ring_write(&page, "x", 1), -EIO);
	CU_ASSERT_EQUAL(page.error, PV_XENSTORE_ERROR_RINGIDX);
}

static void test_reconnect(void)
{
	memset(&page, 0, sizeof(page));
	page.req_prod = page.req_cons = 77;
	page.rsp_prod = page.rsp_cons = 55;
	CU_ASSERT_EQUAL(xsd_ring_reconnect(&page), 0);
	page.connection = PV_XENSTORE_RECONNECT;
	page.error = PV_XENSTORE_ERROR_PROTO;
	CU_ASSERT_EQUAL(xsd_ring_reconnect(&page), 1);
	CU_ASSERT_EQUAL(page.connection, PV_XENSTORE_CONNECTED);
	CU_ASSERT_EQUAL(page.req_prod + page.req_cons + page.rsp_prod + page.rsp_cons, 0);
	CU_ASSERT_EQUAL(page.error, PV_XENSTORE_ERROR_NONE);
}

/* The guest is told only when it may be waiting: for a reply while it had taken
 * everything, or for room while the request ring was full. */
static void test_notify_rule(void)
{
	char buf[2048] = { 0 };

	memset(&page, 0, sizeof(page));
	CU_ASSERT_EQUAL(xsd_ring_write(&page, buf, 10), 10);
	CU_ASSERT_TRUE(xsd_ring_peer_waits(&page, 0, 0)); /* caught up: may sleep */
	CU_ASSERT_EQUAL(xsd_ring_write(&page, buf, 5), 5);
	CU_ASSERT_FALSE(xsd_ring_peer_waits(&page, 10, 0)); /* still behind: will look */
	page.rsp_cons = 12;
	CU_ASSERT_EQUAL(xsd_ring_write(&page, buf, 5), 5);
	CU_ASSERT_FALSE(xsd_ring_peer_waits(&page, 15, 0));
	page.rsp_cons = 20;
	CU_ASSERT_FALSE(xsd_ring_peer_waits(&page, 20, 0)); /* nothing added */
	/* a full request ring: taking from it frees room the guest may wait for */
	page.req_prod = PV_XENSTORE_RING_SIZE;
	CU_ASSERT_EQUAL(xsd_ring_read(&page, buf, 100), 100);
	CU_ASSERT_TRUE(xsd_ring_peer_waits(&page, 20, 0));
	CU_ASSERT_EQUAL(xsd_ring_read(&page, buf, 2000), PV_XENSTORE_RING_SIZE - 100);
	page.req_prod += 50;
	CU_ASSERT_EQUAL(xsd_ring_read(&page, buf, 10), 10);
	CU_ASSERT_FALSE(xsd_ring_peer_waits(&page, 20, PV_XENSTORE_RING_SIZE));
}

static unsigned notified, deferred;
static void count_defer(void *opaque, struct xsd_conn *c)
{
	(void)opaque;
	CU_ASSERT_PTR_NOT_NULL(c);
	deferred++;
}
static void count_notify(void *opaque, uint32_t port)
{
	(void)opaque;
	CU_ASSERT_EQUAL(port, 9);
	notified++;
}

/* Send a request as the guest and pump until its whole reply is back. */
static size_t guest_request(struct xsd_conn *c, uint32_t type, const char *p, size_t len,
			    char *reply, size_t rlen)
{
	struct pv_xsd_sockmsg h = { type, 5, 0, (uint32_t)len };
	size_t got = 0;

	guest_put(&h, sizeof(h));
	/* split the payload in two writes with a pump in between (partial message) */
	xsd_ringconn_pump(c);
	guest_put(p, len / 2);
	xsd_ringconn_pump(c);
	guest_put(p + len / 2, len - len / 2);
	for (int i = 0; i < 64 && (got < 16 || got < 16 + ((struct pv_xsd_sockmsg *)reply)->len);
	     i++) {
		CU_ASSERT_EQUAL(xsd_ringconn_pump(c), 0);
		got += guest_get(reply + got, rlen - got);
	}
	return got;
}

static void test_ringconn(void)
{
	struct xsd_core *core = xsd_core_create(NULL);
	struct xsd_ringconn rc = { .intf = &page,
				   .notify = count_notify,
				   .evtchn = 9,
				   .defer = count_defer };
	struct xsd_conn *c;
	char reply[8192], value[3000];
	size_t n;

	memset(&page, 0, sizeof(page));
	page.req_prod = page.req_cons = page.rsp_prod = page.rsp_cons = 1000;
	CU_ASSERT_EQUAL(xsd_domain_introduce(core, 4, 1, 9), 0);
	c = xsd_domain_find(core, 4)->conn;
	xsd_ringconn_attach(c, &rc);
	CU_ASSERT_EQUAL(page.server_features, 3);
	n = guest_request(c, PV_XS_GET_DOMAIN_PATH, "4", 2, reply, sizeof(reply));
	CU_ASSERT_EQUAL(n, 16 + 16);
	CU_ASSERT_STRING_EQUAL(reply + 16, "/local/domain/4");
	CU_ASSERT(notified > 0);
	CU_ASSERT(deferred > 0); /* the reply was queued: the loop was asked to pump */
	/* a watch event fired by another connection asks for a pump too */
	deferred = 0;
	guest_request(c, PV_XS_WATCH, "data\0t", 7, reply, sizeof(reply));
	guest_get(reply, sizeof(reply)); /* initial event */
	{
		struct xsd_conn *d0 = tl_conn(core, 0, true);
		TL_EXPECT(TL(d0, PV_XS_MKDIR, 0, "/local/domain/4\0"), "MKDIR OK|");
		TL_EXPECT(TL(d0, PV_XS_SET_PERMS, 0, "/local/domain/4\0n4\0"), "SET_PERMS OK|");
		deferred = 0;
		TL(d0, PV_XS_WRITE, 0, "/local/domain/4/data/x\0");
		CU_ASSERT_EQUAL(deferred, 1);
		CU_ASSERT_EQUAL(xsd_ringconn_pump(c), 0);
		n = guest_get(reply, sizeof(reply));
		CU_ASSERT_EQUAL(n, 16 + sizeof("data/x") + 2);
		CU_ASSERT_STRING_EQUAL(reply + 16, "data/x");
	}
	/* a reply bigger than the ring goes out in pieces as the guest consumes */
	{
		struct xsd_conn *d0 = tl_conn(core, 0, true);
		char req[3100];
		memcpy(req, "/local/domain/4/v\0", 18);
		memset(value, 'v', sizeof(value));
		memcpy(req + 18, value, sizeof(value));
		TL_EXPECT(tl_call(d0, PV_XS_WRITE, 0, req, 18 + sizeof(value)), "WRITE OK|");
		TL(d0, PV_XS_SET_PERMS, 0, "/local/domain/4/v\0r4\0");
	}
	n = guest_request(c, PV_XS_READ, "v", 2, reply, sizeof(reply));
	CU_ASSERT_EQUAL(n, 16 + sizeof(value));
	CU_ASSERT_EQUAL(memcmp(reply + 16, value, sizeof(value)), 0);
	/* an oversize header breaks the protocol: error field set, connection dead */
	{
		struct pv_xsd_sockmsg h = { PV_XS_READ, 1, 0, 5000 };
		guest_put(&h, sizeof(h));
		CU_ASSERT_EQUAL(xsd_ringconn_pump(c), -EPROTO);
		CU_ASSERT_EQUAL(page.error, PV_XENSTORE_ERROR_PROTO);
		CU_ASSERT_TRUE(c->dead);
	}
	xsd_core_destroy(core);
}

int main(void)
{
	static const struct tl_test tests[] = {
		{ "read_wrap", test_read_wrap },
		{ "write_full_and_wrap", test_write_full_and_wrap },
		{ "bad_indices", test_bad_indices },
		{ "reconnect", test_reconnect },
		{ "notify_rule", test_notify_rule },
		{ "ringconn", test_ringconn },
	};

	return tl_run("xsd_ring", tests, sizeof(tests) / sizeof(tests[0]));
}
