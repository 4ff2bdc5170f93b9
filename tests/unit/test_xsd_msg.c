/* Unit tests for message framing on a connection: split and merged input, oversize
 * payloads and garbage (the connection dies, the core does not), request ids echoed. */
#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

#include "xsd/core.h"
#include "xsd_testlib.h"

static struct xsd_core *core;

static void test_split_and_merged(void)
{
	struct xsd_conn *c;
	char buf[64];
	struct pv_xsd_sockmsg h = { PV_XS_WRITE, 42, 0, 6 };
	const void *out;
	size_t len;

	core = xsd_core_create(NULL);
	c = tl_conn(core, 0, true);
	memcpy(buf, &h, 16);
	memcpy(buf + 16, "/a\0val", 6);
	/* one byte at a time */
	for (size_t i = 0; i < 22; i++)
		CU_ASSERT_EQUAL(xsd_conn_input(c, buf + i, 1), 0);
	len = xsd_conn_out_peek(c, &out);
	CU_ASSERT_EQUAL(len, 16 + 3);
	CU_ASSERT_EQUAL(((const struct pv_xsd_sockmsg *)out)->req_id, 42);
	CU_ASSERT_EQUAL(((const struct pv_xsd_sockmsg *)out)->type, PV_XS_WRITE);
	xsd_conn_out_consume(c, len);
	/* two requests in one buffer */
	memcpy(buf + 22, buf, 22);
	CU_ASSERT_EQUAL(xsd_conn_input(c, buf, 44), 0);
	CU_ASSERT_EQUAL(xsd_conn_out_peek(c, &out), 2 * (16 + 3));
	CU_ASSERT_EQUAL(c->out_msgs, 2);
	xsd_conn_out_consume(c, 10);
	CU_ASSERT_EQUAL(c->out_msgs, 2);
	xsd_conn_out_consume(c, 9);
	CU_ASSERT_EQUAL(c->out_msgs, 1);
	xsd_conn_out_consume(c, 19);
	CU_ASSERT_EQUAL(c->out_msgs, 0);
	xsd_core_destroy(core);
}

static void test_oversize_kills(void)
{
	struct xsd_conn *c, *other;
	struct pv_xsd_sockmsg h = { PV_XS_READ, 1, 0, 4097 };

	core = xsd_core_create(NULL);
	c = tl_conn(core, 0, true);
	other = tl_conn(core, 0, true);
	CU_ASSERT_EQUAL(xsd_conn_input(c, &h, sizeof(h)), -EPROTO);
	CU_ASSERT_TRUE(c->dead);
	/* a dead connection takes nothing more; others are unaffected */
	CU_ASSERT_EQUAL(xsd_conn_input(c, &h, sizeof(h)), -EPROTO);
	TL_EXPECT(TL(other, PV_XS_READ, 0, "/\0"), "READ ");
	xsd_conn_destroy(c);
	/* exactly 4096 is fine */
	c = tl_conn(core, 0, true);
	{
		char *big = calloc(1, 4096);
		memcpy(big, "/x\0", 3);
		TL_EXPECT(tl_call(c, PV_XS_WRITE, 0, big, 4096), "WRITE OK|");
		free(big);
	}
	xsd_core_destroy(core);
}

static void test_garbage(void)
{
	struct xsd_conn *c;
	unsigned seed = 12345;
	char buf[256];

	core = xsd_core_create(NULL);
	for (int round = 0; round < 200; round++) {
		c = tl_conn(core, round % 3 ? 0 : 7, round % 3 != 0);
		for (size_t i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (char)(seed >> 16);
		}
		/* keep lengths small so the bytes form several messages */
		for (size_t off = 0; off + 16 <= sizeof(buf); off += 37)
			buf[off + 12] = (char)(buf[off + 12] & 0x1f), buf[off + 13] = 0,
				  buf[off + 14] = 0, buf[off + 15] = 0;
		xsd_conn_input(c, buf, sizeof(buf));
		tl_events(c);
		xsd_conn_destroy(c);
	}
	c = tl_conn(core, 0, true);
	TL_EXPECT(TL(c, PV_XS_CONTROL, 0, "check\0"), "CONTROL OK|");
	xsd_core_destroy(core);
}

static void test_reply_echoes_ids(void)
{
	struct xsd_conn *c;
	struct pv_xsd_sockmsg h = { PV_XS_READ, 0xdeadbeef, 0, 6 };
	const void *out;
	const struct pv_xsd_sockmsg *r;

	core = xsd_core_create(NULL);
	c = tl_conn(core, 0, true);
	xsd_conn_input(c, &h, sizeof(h));
	xsd_conn_input(c, "/nope", 6);
	CU_ASSERT(xsd_conn_out_peek(c, &out) > 16);
	r = out;
	CU_ASSERT_EQUAL(r->type, PV_XS_ERROR);
	CU_ASSERT_EQUAL(r->req_id, 0xdeadbeef);
	CU_ASSERT_EQUAL(r->len, 7);
	CU_ASSERT_EQUAL(memcmp(r + 1, "ENOENT", 7), 0);
	xsd_core_destroy(core);
}

int main(void)
{
	static const struct tl_test tests[] = {
		{ "split_and_merged", test_split_and_merged },
		{ "oversize_kills", test_oversize_kills },
		{ "garbage", test_garbage },
		{ "reply_echoes_ids", test_reply_echoes_ids },
	};

	return tl_run("xsd_msg", tests, sizeof(tests) / sizeof(tests[0]));
}
