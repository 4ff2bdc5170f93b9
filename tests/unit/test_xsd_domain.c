/* Unit tests for domains in the store core: INTRODUCE/RELEASE/RESUME/SET_TARGET, the
 * special watches, permissions as seen by an unprivileged domain, and per-domain quotas
 * with the errors Xen uses. Domains act through their (transport-less) connections. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "xsd/core.h"
#include "xsd/domain.h"
#include "xsd_testlib.h"

static struct xsd_core *core;
static struct xsd_conn *d0;

static void setup(void)
{
	xsd_core_destroy(core);
	core = xsd_core_create(NULL);
	d0 = tl_conn(core, 0, true);
}

/* Introduce domid and give it a home it owns, as a toolstack would. */
static struct xsd_conn *guest(uint32_t domid)
{
	char buf[64];
	int n;

	n = snprintf(buf, sizeof(buf), "%u%c77%c9", domid, 0, 0);
	TL_EXPECT(tl_call(d0, PV_XS_INTRODUCE, 0, buf, (size_t)n + 1), "INTRODUCE OK|");
	n = snprintf(buf, sizeof(buf), "/local/domain/%u", domid);
	tl_call(d0, PV_XS_MKDIR, 0, buf, (size_t)n + 1);
	n = snprintf(buf, sizeof(buf), "/local/domain/%u%cn%u%c", domid, 0, domid, 0);
	TL_EXPECT(tl_call(d0, PV_XS_SET_PERMS, 0, buf, (size_t)n), "SET_PERMS OK|");
	return xsd_domain_find(core, domid)->conn;
}

static void test_introduce_release(void)
{
	struct xsd_domain *d;

	setup();
	TL(d0, PV_XS_WATCH, 0, "@introduceDomain\0i\0");
	TL(d0, PV_XS_WATCH, 0,
	   "@introduceDomain\0i1\0"
	   "1\0");
	TL(d0, PV_XS_WATCH, 0, "@releaseDomain\0r\0");
	TL(d0, PV_XS_WATCH, 0, "@releaseDomain/5\0r5\0");
	tl_events(d0);
	TL_EXPECT(TL(d0, PV_XS_INTRODUCE, 0,
		     "5\0"
		     "123\0"
		     "7\0"),
		  "INTRODUCE OK|");
	TL_EXPECT(tl_events(d0), "@introduceDomain/5|i1|;@introduceDomain|i|;");
	d = xsd_domain_find(core, 5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->gfn, 123);
	CU_ASSERT_EQUAL(d->evtchn, 7);
	CU_ASSERT_PTR_NOT_NULL(d->conn);
	TL_EXPECT(TL(d0, PV_XS_IS_DOMAIN_INTRODUCED, 0, "5\0"), "IS_DOMAIN_INTRODUCED T|");
	TL_EXPECT(TL(d0, PV_XS_INTRODUCE, 0,
		     "5\0"
		     "123\0"
		     "8\0"),
		  "INTRODUCE OK|"); /* again */
	TL_EXPECT(tl_events(d0), "");
	TL_EXPECT(TL(d0, PV_XS_INTRODUCE, 0,
		     "0\0"
		     "1\0"
		     "1\0"),
		  "ERROR EINVAL|");
	TL_EXPECT(TL(d0, PV_XS_INTRODUCE, 0,
		     "6\0"
		     "1\0"
		     "0\0"),
		  "ERROR EINVAL|");
	TL_EXPECT(TL(d0, PV_XS_INTRODUCE, 0,
		     "6\0"
		     "1\0"),
		  "ERROR EINVAL|");
	TL_EXPECT(TL(d0, PV_XS_RESUME, 0, "5\0"), "RESUME OK|");
	TL_EXPECT(TL(d0, PV_XS_RESUME, 0, "9\0"), "ERROR ENOENT|");
	TL_EXPECT(TL(d0, PV_XS_RELEASE, 0, "9\0"), "ERROR ENOENT|");
	TL_EXPECT(TL(d0, PV_XS_RELEASE, 0, "0\0"), "ERROR EINVAL|");
	TL_EXPECT(TL(d0, PV_XS_RELEASE, 0, "5\0"), "RELEASE OK|");
	TL_EXPECT(tl_events(d0), "@releaseDomain/5|r5|;@releaseDomain|r|;");
	TL_EXPECT(TL(d0, PV_XS_IS_DOMAIN_INTRODUCED, 0, "5\0"), "IS_DOMAIN_INTRODUCED F|");
	TL_EXPECT(TL(d0, PV_XS_RELEASE, 0, "5\0"), "ERROR ENOENT|");
}

static void test_unprivileged_denied(void)
{
	struct xsd_conn *g;

	setup();
	g = guest(3);
	TL_EXPECT(TL(g, PV_XS_INTRODUCE, 0,
		     "4\0"
		     "1\0"
		     "1\0"),
		  "ERROR EACCES|");
	TL_EXPECT(TL(g, PV_XS_RELEASE, 0, "3\0"), "ERROR EACCES|");
	TL_EXPECT(TL(g, PV_XS_CONTROL, 0, "print\0x\0"), "ERROR EACCES|");
	TL_EXPECT(TL(g, PV_XS_SET_TARGET, 0,
		     "3\0"
		     "3\0"),
		  "ERROR EACCES|");
	TL_EXPECT(TL(g, PV_XS_READ, 0, "/tool\0"), "ERROR EACCES|");
	TL_EXPECT(TL(g, PV_XS_DIRECTORY, 0, "/\0"), "ERROR EACCES|");
	TL_EXPECT(TL(g, PV_XS_WRITE, 0, "/evil\0x"), "ERROR EACCES|");
	TL_EXPECT(TL(g, PV_XS_RM, 0, "/tool\0"), "ERROR EACCES|");
	TL_EXPECT(TL(g, PV_XS_SET_PERMS, 0, "/tool\0b3\0"), "ERROR EACCES|");
	TL_EXPECT(TL(g, PV_XS_GET_DOMAIN_PATH, 0, "3\0"), "GET_DOMAIN_PATH /local/domain/3|");
}

static void test_owner_and_inheritance(void)
{
	struct xsd_conn *g;

	setup();
	g = guest(3);
	TL_EXPECT(TL(g, PV_XS_WRITE, 0, "data/x\0hi"), "WRITE OK|");
	TL_EXPECT(TL(g, PV_XS_READ, 0, "data/x\0"), "READ hi");
	TL_EXPECT(TL(d0, PV_XS_GET_PERMS, 0, "/local/domain/3/data/x\0"), "GET_PERMS n3|");
	/* dom0 writes a node with a read-only grant for the guest */
	TL(d0, PV_XS_WRITE, 0, "/local/domain/3/ro\0v");
	TL(d0, PV_XS_SET_PERMS, 0, "/local/domain/3/ro\0n0\0r3\0");
	TL_EXPECT(TL(g, PV_XS_READ, 0, "ro\0"), "READ v");
	TL_EXPECT(TL(g, PV_XS_WRITE, 0, "ro\0w"), "ERROR EACCES|");
	TL_EXPECT(TL(g, PV_XS_RM, 0, "ro\0"), "ERROR EACCES|");
	TL_EXPECT(TL(g, PV_XS_SET_PERMS, 0, "ro\0n3\0"), "ERROR EACCES|");
	/* the guest owns what it creates; it cannot give ownership away */
	TL_EXPECT(TL(g, PV_XS_SET_PERMS, 0, "data/x\0b3\0r4\0"), "SET_PERMS OK|");
	TL_EXPECT(TL(g, PV_XS_SET_PERMS, 0, "data/x\0b4\0"), "ERROR EPERM|");
	/* a child of a node whose default is "n" created by dom0 is still dom0's */
	TL(d0, PV_XS_WRITE, 0, "/local/domain/3/ro/kid\0");
	TL_EXPECT(TL(d0, PV_XS_GET_PERMS, 0, "/local/domain/3/ro/kid\0"), "GET_PERMS n0|r3|");
	/* watches only report nodes the guest may read */
	TL_EXPECT(TL(g, PV_XS_WATCH, 0, "/local\0w\0"), "WATCH OK|");
	tl_events(g);
	TL(d0, PV_XS_WRITE, 0, "/local/secret\0s");
	TL(d0, PV_XS_WRITE, 0, "/local/domain/3/ro\0v2");
	TL_EXPECT(tl_events(g), "/local/domain/3/ro|w|;");
}

static void test_set_target(void)
{
	struct xsd_conn *stub;

	setup();
	guest(3);
	stub = guest(4);
	TL(d0, PV_XS_WRITE, 0, "/local/domain/3/dm\0v");
	TL_EXPECT(TL(stub, PV_XS_READ, 0, "/local/domain/3/dm\0"), "ERROR EACCES|");
	TL_EXPECT(TL(d0, PV_XS_SET_TARGET, 0,
		     "4\0"
		     "3\0"),
		  "SET_TARGET OK|");
	TL_EXPECT(TL(d0, PV_XS_SET_TARGET, 0,
		     "4\0"
		     "9\0"),
		  "ERROR ENOENT|");
	TL_EXPECT(TL(d0, PV_XS_SET_TARGET, 0, "4\0"), "ERROR EINVAL|");
	/* the stub domain now has its target's access: dom3 owns its home */
	TL_EXPECT(TL(stub, PV_XS_WRITE, 0, "/local/domain/3/dm\0w"), "WRITE OK|");
	TL_EXPECT(TL(stub, PV_XS_READ, 0, "/local/domain/3/dm\0"), "READ w");
}

static void test_quota_nodes_and_size(void)
{
	struct xsd_conn *g;
	char big[2100], path[64];
	const char *r = "";

	setup();
	core->quota.nodes = 20;
	g = guest(3);
	for (int i = 0; i < 30; i++) {
		int n = snprintf(path, sizeof(path), "n%d", i);
		r = tl_call(g, PV_XS_WRITE, 0, path, (size_t)n + 1);
		if (strcmp(r, "WRITE OK|") != 0)
			break;
	}
	TL_EXPECT(r, "ERROR ENOSPC|");
	CU_ASSERT_EQUAL(xsd_domain_get(core, 3, false)->nodes, 20);
	TL_EXPECT(TL(g, PV_XS_RM, 0, "n0\0"), "RM OK|");
	TL_EXPECT(TL(g, PV_XS_WRITE, 0, "again\0"), "WRITE OK|");
	/* value size: entry size quota 2048 */
	memcpy(big, "n1\0", 3);
	memset(big + 3, 'x', 2040);
	TL_EXPECT(tl_call(g, PV_XS_WRITE, 0, big, 3 + 2040), "ERROR ENOSPC|");
	TL_EXPECT(tl_call(g, PV_XS_WRITE, 0, big, 3 + 1000), "WRITE OK|");
	/* dom0 has no quota */
	memcpy(big, "/big\0", 5);
	memset(big + 5, 'y', 2090);
	TL_EXPECT(tl_call(d0, PV_XS_WRITE, 0, big, 5 + 2090), "WRITE OK|");
}

static void test_quota_watches_tx_perms(void)
{
	struct xsd_conn *g;
	char buf[64];
	const char *r = "";
	int i;

	setup();
	core->quota.watches = 4;
	core->quota.transactions = 2;
	g = guest(3);
	for (i = 0; i < 10; i++) {
		int n = snprintf(buf, sizeof(buf), "w%c%d", 0, i);
		r = tl_call(g, PV_XS_WATCH, 0, buf, (size_t)n + 1);
		if (strncmp(r, "WATCH OK", 8) != 0)
			break;
	}
	CU_ASSERT_EQUAL(i, 4);
	TL_EXPECT(r, "ERROR E2BIG|");
	CU_ASSERT(tl_tx_start(g) != 0);
	CU_ASSERT(tl_tx_start(g) != 0);
	TL_EXPECT(TL(g, PV_XS_TRANSACTION_START, 0, "\0"), "ERROR ENOSPC|");
	TL(g, PV_XS_WRITE, 0, "p\0");
	TL_EXPECT(TL(g, PV_XS_SET_PERMS, 0, "p\0b3\0r1\0r2\0r4\0r5\0r6\0"), "ERROR ENOSPC|");
	TL_EXPECT(TL(g, PV_XS_SET_PERMS, 0, "p\0b3\0r1\0r2\0r4\0r5\0"), "SET_PERMS OK|");
}

static void test_quota_trans_nodes(void)
{
	struct xsd_conn *g;
	char path[64];
	const char *r = "";
	uint32_t t;

	setup();
	core->quota.trans_nodes = 10;
	g = guest(3);
	t = tl_tx_start(g);
	for (int i = 0; i < 20; i++) {
		int n = snprintf(path, sizeof(path), "t%d", i);
		r = tl_call(g, PV_XS_WRITE, t, path, (size_t)n + 1);
		if (strcmp(r, "WRITE OK|") != 0)
			break;
	}
	TL_EXPECT(r, "ERROR ENOSPC|");
}

static void test_outstanding_and_out_max(void)
{
	struct xsd_conn *g, *slow;
	char req[16 + 8];
	struct pv_xsd_sockmsg h = { PV_XS_READ, 1, 0, 8 };

	setup();
	core->quota.outstanding = 3;
	g = guest(3);
	memcpy(req, &h, 16);
	memcpy(req + 16, "/nopeX\0\0", 8);
	req[16 + 6] = '\0';
	for (int i = 0; i < 3; i++)
		xsd_conn_input(g, req, sizeof(req));
	CU_ASSERT_FALSE(xsd_conn_can_read(g));
	tl_events(g); /* drains the queue */
	CU_ASSERT_TRUE(xsd_conn_can_read(g));
	/* a privileged client that never reads is dropped at out_max */
	core->quota.out_max = 4096;
	slow = tl_conn(core, 0, true);
	for (int i = 0; i < 1000 && !slow->dead; i++) {
		struct pv_xsd_sockmsg r = { PV_XS_READ, 1, 0, 2 };
		xsd_conn_input(slow, &r, sizeof(r));
		xsd_conn_input(slow, "/", 2);
	}
	CU_ASSERT_TRUE(slow->dead);
	CU_ASSERT(slow->out_len - slow->out_head <= 4096);
}

int main(void)
{
	static const struct tl_test tests[] = {
		{ "introduce_release", test_introduce_release },
		{ "unprivileged_denied", test_unprivileged_denied },
		{ "owner_and_inheritance", test_owner_and_inheritance },
		{ "set_target", test_set_target },
		{ "quota_nodes_and_size", test_quota_nodes_and_size },
		{ "quota_watches_tx_perms", test_quota_watches_tx_perms },
		{ "quota_trans_nodes", test_quota_trans_nodes },
		{ "outstanding_and_out_max", test_outstanding_and_out_max },
	};
	int rc = tl_run("xsd_domain", tests, sizeof(tests) / sizeof(tests[0]));

	xsd_core_destroy(core);
	return rc;
}
