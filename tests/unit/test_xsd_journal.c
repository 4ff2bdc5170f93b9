/* Unit tests for store persistence (xsd journal.c): replay after a crash (no clean
 * shutdown), snapshots, a torn journal tail, and recursive deletes. */
#include <CUnit/Basic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xsd/core.h"
#include "xsd/journal.h"
#include "xsd_testlib.h"

static char dir[64];

static struct xsd_core *open_core(struct xsd_journal **j)
{
	struct xsd_core *core = xsd_core_create(NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(core);
	CU_ASSERT_EQUAL_FATAL(xsd_journal_open(j, core, dir), 0);
	return core;
}

/* Simulate kill -9: flush what the daemon would have written, then drop everything
 * without a snapshot. */
static void crash(struct xsd_core *core, struct xsd_journal *j)
{
	xsd_journal_flush(j);
	xsd_journal_abandon(j);
	xsd_core_destroy(core);
}

static void test_replay_after_crash(void)
{
	struct xsd_journal *j, *j2;
	struct xsd_core *core = open_core(&j);
	struct xsd_conn *c = tl_conn(core, 0, true);

	TL(c, PV_XS_WRITE, 0, "/a/b\0one");
	TL(c, PV_XS_WRITE, 0, "/a/c\0two");
	TL(c, PV_XS_SET_PERMS, 0, "/a/c\0n0\0r5\0");
	TL(c, PV_XS_WRITE, 0, "/gone/deep/x\0");
	TL(c, PV_XS_RM, 0, "/gone\0");
	crash(core, j);
	core = open_core(&j2);
	c = tl_conn(core, 0, true);
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/a/b\0"), "READ one");
	TL_EXPECT(TL(c, PV_XS_GET_PERMS, 0, "/a/c\0"), "GET_PERMS n0|r5|");
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/gone\0"), "ERROR ENOENT|");
	TL_EXPECT(TL(c, PV_XS_DIRECTORY, 0, "/a\0"), "DIRECTORY b|c|");
	TL_EXPECT(TL(c, PV_XS_CONTROL, 0, "check\0"), "CONTROL OK|");
	xsd_journal_close(j2);
	xsd_core_destroy(core);
}

static void test_snapshot_then_journal(void)
{
	struct xsd_journal *j;
	struct xsd_core *core = open_core(&j);
	struct xsd_conn *c = tl_conn(core, 0, true);
	struct stat st;
	char path[128];

	TL(c, PV_XS_WRITE, 0,
	   "/s/one\0"
	   "1");
	CU_ASSERT_EQUAL(xsd_journal_snapshot(j), 0);
	CU_ASSERT_EQUAL(xsd_journal_size(j), 8);
	TL(c, PV_XS_WRITE, 0,
	   "/s/two\0"
	   "2");
	TL(c, PV_XS_RM, 0, "/a\0");
	crash(core, j);
	snprintf(path, sizeof(path), "%s/xsd.snap", dir);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	core = open_core(&j);
	c = tl_conn(core, 0, true);
	TL_EXPECT(TL(c, PV_XS_DIRECTORY, 0, "/s\0"), "DIRECTORY one|two|");
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/a/b\0"), "ERROR ENOENT|");
	xsd_journal_close(j); /* clean shutdown: snapshot, empty journal */
	xsd_core_destroy(core);
	core = open_core(&j);
	c = tl_conn(core, 0, true);
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/s/two\0"), "READ 2");
	CU_ASSERT_EQUAL(xsd_journal_size(j), 8);
	xsd_journal_close(j);
	xsd_core_destroy(core);
}

static void test_torn_tail(void)
{
	struct xsd_journal *j;
	struct xsd_core *core = open_core(&j);
	struct xsd_conn *c = tl_conn(core, 0, true);
	char path[128];
	struct stat st;
	size_t end;
	int fd;

	TL(c, PV_XS_WRITE, 0, "/t/keep\0k");
	TL(c, PV_XS_WRITE, 0, "/t/torn\0this record loses its last bytes");
	end = xsd_journal_size(j);
	crash(core, j);
	snprintf(path, sizeof(path), "%s/xsd.journal", dir);
	CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
	CU_ASSERT((size_t)st.st_size >= end);
	CU_ASSERT_EQUAL(truncate(path, (off_t)end - 5), 0);
	fd = open(path, O_WRONLY | O_APPEND);
	CU_ASSERT(fd >= 0);
	close(fd);
	core = open_core(&j);
	c = tl_conn(core, 0, true);
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/t/keep\0"), "READ k");
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/t/torn\0"), "ERROR ENOENT|");
	/* new records append after the cut */
	TL(c, PV_XS_WRITE, 0, "/t/after\0a");
	crash(core, j);
	core = open_core(&j);
	c = tl_conn(core, 0, true);
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/t/after\0"), "READ a");
	xsd_journal_close(j);
	xsd_core_destroy(core);
}

static void test_compaction(void)
{
	struct xsd_journal *j;
	struct xsd_core *core = open_core(&j);
	struct xsd_conn *c = tl_conn(core, 0, true);
	static char req[4000];
	int compactions = 0;

	memcpy(req, "/c/big\0", 7);
	memset(req + 7, 'z', sizeof(req) - 7);
	for (int i = 0; i < 1500; i++) {
		size_t before;
		req[7] = (char)('a' + i % 26);
		TL_EXPECT(tl_call(c, PV_XS_WRITE, 0, req, sizeof(req)), "WRITE OK|");
		xsd_journal_flush(j);
		before = xsd_journal_size(j);
		CU_ASSERT_EQUAL(xsd_journal_maybe_compact(j), 0);
		compactions += xsd_journal_size(j) < before;
	}
	CU_ASSERT(compactions >= 1);
	CU_ASSERT(xsd_journal_size(j) < (4u << 20));
	crash(core, j);
	core = open_core(&j);
	c = tl_conn(core, 0, true);
	req[7] = (char)('a' + 1499 % 26);
	{
		const char *r = TL(c, PV_XS_READ, 0, "/c/big\0");
		CU_ASSERT_EQUAL(strlen(r), 5 + sizeof(req) - 7);
		CU_ASSERT_EQUAL(r[5], req[7]);
	}
	xsd_journal_close(j);
	xsd_core_destroy(core);
}

int main(void)
{
	static const struct tl_test tests[] = {
		{ "replay_after_crash", test_replay_after_crash },
		{ "snapshot_then_journal", test_snapshot_then_journal },
		{ "torn_tail", test_torn_tail },
		{ "compaction", test_compaction },
	};
	char cmd[128];
	int rc;

	snprintf(dir, sizeof(dir), "/tmp/test_xsd_journal.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	rc = tl_run("xsd_journal", tests, sizeof(tests) / sizeof(tests[0]));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
