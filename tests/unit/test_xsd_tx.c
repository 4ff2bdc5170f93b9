/* Unit tests for store transactions: isolation, conflict detection (EAGAIN) on nodes
 * read or written, retry, abort, events at commit, and transaction-id errors. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "xsd/core.h"
#include "xsd_testlib.h"

static struct xsd_core *core;
static struct xsd_conn *a, *b;

static void setup(void)
{
	xsd_core_destroy(core);
	core = xsd_core_create(NULL);
	a = tl_conn(core, 0, true);
	b = tl_conn(core, 0, true);
	TL(a, PV_XS_WRITE, 0, "/w\0orig");
}

static void tx_call(uint32_t tx, uint32_t type, const char *p, size_t len, const char *want)
{
	TL_EXPECT(tl_call(a, type, tx, p, len), want);
}
#define TXC(tx, type, lit, want) tx_call((tx), (type), (lit), sizeof(lit) - 1, (want))

static void test_isolation_commit(void)
{
	uint32_t t;

	setup();
	t = tl_tx_start(a);
	CU_ASSERT(t != 0);
	TXC(t, PV_XS_WRITE, "/t/x\0new", "WRITE OK|");
	TXC(t, PV_XS_READ, "/t/x\0", "READ new");
	TXC(t, PV_XS_DIRECTORY, "/t\0", "DIRECTORY x|");
	TXC(0, PV_XS_READ, "/t/x\0", "ERROR ENOENT|"); /* not visible outside */
	TXC(t, PV_XS_TRANSACTION_END, "T\0", "TRANSACTION_END OK|");
	TXC(0, PV_XS_READ, "/t/x\0", "READ new");
	TXC(t, PV_XS_READ, "/t/x\0", "ERROR ENOENT|"); /* tx is gone */
}

static void test_conflict_on_read(void)
{
	uint32_t t;

	setup();
	t = tl_tx_start(a);
	TXC(t, PV_XS_READ, "/w\0", "READ orig");
	TXC(t, PV_XS_WRITE, "/w2\0x", "WRITE OK|");
	TL(b, PV_XS_WRITE, 0, "/w\0changed");
	TXC(t, PV_XS_READ, "/w\0", "READ orig"); /* snapshot */
	TXC(t, PV_XS_TRANSACTION_END, "T\0", "ERROR EAGAIN|");
	TXC(0, PV_XS_READ, "/w2\0", "ERROR ENOENT|"); /* nothing applied */
	/* retry succeeds */
	t = tl_tx_start(a);
	TXC(t, PV_XS_READ, "/w\0", "READ changed");
	TXC(t, PV_XS_WRITE, "/w2\0x", "WRITE OK|");
	TXC(t, PV_XS_TRANSACTION_END, "T\0", "TRANSACTION_END OK|");
	TXC(0, PV_XS_READ, "/w2\0", "READ x");
}

static void test_conflict_absent_and_dir(void)
{
	uint32_t t;

	setup();
	t = tl_tx_start(a);
	TXC(t, PV_XS_READ, "/absent\0", "ERROR ENOENT|");
	TL(b, PV_XS_WRITE, 0, "/absent\0now");
	TXC(t, PV_XS_TRANSACTION_END, "T\0", "ERROR EAGAIN|");
	t = tl_tx_start(a);
	TXC(t, PV_XS_DIRECTORY, "/\0", "DIRECTORY tool|w|absent|");
	TL(b, PV_XS_WRITE, 0, "/newkid\0");
	TXC(t, PV_XS_TRANSACTION_END, "T\0", "ERROR EAGAIN|");
	/* an unrelated change does not conflict */
	t = tl_tx_start(a);
	TXC(t, PV_XS_WRITE, "/w\0mine", "WRITE OK|");
	TL(b, PV_XS_WRITE, 0, "/absent\0again");
	TXC(t, PV_XS_TRANSACTION_END, "T\0", "TRANSACTION_END OK|");
	TXC(0, PV_XS_READ, "/w\0", "READ mine");
}

static void test_abort_and_errors(void)
{
	uint32_t t;

	setup();
	t = tl_tx_start(a);
	TXC(t, PV_XS_WRITE, "/ab\0x", "WRITE OK|");
	TXC(t, PV_XS_TRANSACTION_END, "X\0", "ERROR EINVAL|");
	TXC(t, PV_XS_TRANSACTION_END, "F\0", "TRANSACTION_END OK|");
	TXC(0, PV_XS_READ, "/ab\0", "ERROR ENOENT|");
	TXC(99, PV_XS_READ, "/w\0", "ERROR ENOENT|");
	TXC(99, PV_XS_TRANSACTION_END, "T\0", "ERROR ENOENT|");
	TXC(0, PV_XS_TRANSACTION_END, "T\0", "ERROR ENOENT|");
	t = tl_tx_start(a);
	TXC(t, PV_XS_TRANSACTION_START, "\0", "ERROR EBUSY|");
	/* another connection cannot use it */
	TL_EXPECT(tl_call(b, PV_XS_READ, t, "/w", 3), "ERROR ENOENT|");
	/* RESET_WATCHES drops transactions */
	TXC(0, PV_XS_RESET_WATCHES, "", "RESET_WATCHES OK|");
	TXC(t, PV_XS_READ, "/w\0", "ERROR ENOENT|");
}

static void test_rm_and_recreate(void)
{
	uint32_t t;

	setup();
	TL(a, PV_XS_WRITE, 0, "/r/a/b\0v");
	TL(a, PV_XS_WRITE, 0, "/r/c\0v");
	t = tl_tx_start(a);
	TXC(t, PV_XS_RM, "/r\0", "RM OK|");
	TXC(t, PV_XS_READ, "/r/a/b\0", "ERROR ENOENT|");
	TXC(t, PV_XS_WRITE, "/r/n\0fresh", "WRITE OK|");
	TXC(t, PV_XS_DIRECTORY, "/r\0", "DIRECTORY n|");
	TXC(0, PV_XS_READ, "/r/a/b\0", "READ v");
	TXC(t, PV_XS_TRANSACTION_END, "T\0", "TRANSACTION_END OK|");
	TXC(0, PV_XS_DIRECTORY, "/r\0", "DIRECTORY n|");
	TXC(0, PV_XS_READ, "/r/a/b\0", "ERROR ENOENT|");
	TXC(0, PV_XS_READ, "/r/n\0", "READ fresh");
	TXC(0, PV_XS_CONTROL, "check\0", "CONTROL OK|");
	CU_ASSERT_EQUAL(xsd_store_count(&core->store), 6); /* / tool xenstored w r r/n */
}

static void test_events_at_commit(void)
{
	uint32_t t;

	setup();
	TL(b, PV_XS_WATCH, 0, "/ev\0tok\0");
	tl_events(b);
	t = tl_tx_start(a);
	TXC(t, PV_XS_WRITE, "/ev/a\0", "WRITE OK|");
	TXC(t, PV_XS_WRITE, "/ev/b\0", "WRITE OK|");
	TL_EXPECT(tl_events(b), "");
	TXC(t, PV_XS_TRANSACTION_END, "T\0", "TRANSACTION_END OK|");
	TL_EXPECT(tl_events(b), "/ev/a|tok|;/ev/b|tok|;");
	t = tl_tx_start(a);
	TXC(t, PV_XS_WRITE, "/ev/c\0", "WRITE OK|");
	TXC(t, PV_XS_TRANSACTION_END, "F\0", "TRANSACTION_END OK|");
	TL_EXPECT(tl_events(b), "");
}

static void test_many_transactions(void)
{
	uint32_t ids[64];
	char p[32];

	setup();
	for (int i = 0; i < 64; i++) {
		ids[i] = tl_tx_start(a);
		CU_ASSERT(ids[i] != 0);
		int n = snprintf(p, sizeof(p), "/many/%d", i);
		tl_call(a, PV_XS_WRITE, ids[i], p, (size_t)n + 1);
	}
	/* all touch /many's parent: first wins, the rest conflict */
	TXC(ids[0], PV_XS_TRANSACTION_END, "T\0", "TRANSACTION_END OK|");
	for (int i = 1; i < 64; i++)
		TXC(ids[i], PV_XS_TRANSACTION_END, "T\0", "ERROR EAGAIN|");
	CU_ASSERT_EQUAL(a->ntxs, 0);
}

int main(void)
{
	static const struct tl_test tests[] = {
		{ "isolation_commit", test_isolation_commit },
		{ "conflict_on_read", test_conflict_on_read },
		{ "conflict_absent_and_dir", test_conflict_absent_and_dir },
		{ "abort_and_errors", test_abort_and_errors },
		{ "rm_and_recreate", test_rm_and_recreate },
		{ "events_at_commit", test_events_at_commit },
		{ "many_transactions", test_many_transactions },
	};
	int rc = tl_run("xsd_tx", tests, sizeof(tests) / sizeof(tests[0]));

	xsd_core_destroy(core);
	return rc;
}
