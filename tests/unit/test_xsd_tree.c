/* Unit tests for the store's tree messages from a privileged (dom0) connection: READ,
 * WRITE, MKDIR, RM, DIRECTORY, DIRECTORY_PART, GET/SET_PERMS, and the events they fire. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "xsd/core.h"
#include "xsd_testlib.h"

static struct xsd_core *core;
static struct xsd_conn *c;

static void setup(void)
{
	xsd_core_destroy(core);
	core = xsd_core_create(NULL);
	c = tl_conn(core, 0, true);
}

static void test_initial_tree(void)
{
	setup();
	TL_EXPECT(TL(c, PV_XS_DIRECTORY, 0, "/\0"), "DIRECTORY tool|");
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/\0"), "READ ");
	TL_EXPECT(TL(c, PV_XS_GET_PERMS, 0, "/tool/xenstored\0"), "GET_PERMS n0|");
}

static void test_write_read(void)
{
	setup();
	TL_EXPECT(TL(c, PV_XS_WRITE, 0, "/a/b/c\0val"), "WRITE OK|");
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/a/b/c\0"), "READ val");
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/a/b\0"), "READ ");
	TL_EXPECT(TL(c, PV_XS_DIRECTORY, 0, "/a\0"), "DIRECTORY b|");
	TL_EXPECT(TL(c, PV_XS_WRITE, 0, "/a/b/c\0bin\0ary"), "WRITE OK|");
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/a/b/c\0"), "READ bin|ary");
	TL_EXPECT(TL(c, PV_XS_WRITE, 0, "/a/e\0"), "WRITE OK|");
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/a/e\0"), "READ ");
	TL_EXPECT(TL(c, PV_XS_WRITE, 0, "rel/x\0r"), "WRITE OK|");
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/local/domain/0/rel/x\0"), "READ r");
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/nope\0"), "ERROR ENOENT|");
}

static void test_malformed_args(void)
{
	setup();
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/a"), "ERROR EINVAL|");      /* no NUL */
	TL_EXPECT(TL(c, PV_XS_READ, 0, ""), "ERROR EINVAL|");        /* empty */
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/a\0x\0"), "ERROR EINVAL|"); /* extra arg */
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/a//b\0"), "ERROR EINVAL|");
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/a/\0"), "ERROR EINVAL|");
	TL_EXPECT(TL(c, PV_XS_READ, 0, "@x\0"), "ERROR EINVAL|");
	TL_EXPECT(TL(c, PV_XS_WRITE, 0, "/a"), "ERROR EINVAL|"); /* no separator */
	TL_EXPECT(TL(c, PV_XS_WRITE, 0, "\0x"), "ERROR EINVAL|");
	TL_EXPECT(TL(c, PV_XS_MKDIR, 0, "\0"), "ERROR EINVAL|");
	TL_EXPECT(TL(c, PV_XS_RM, 0, "/\0"), "ERROR EINVAL|");
	TL_EXPECT(TL(c, PV_XS_GET_DOMAIN_PATH, 0, "x\0"), "ERROR EINVAL|");
	TL_EXPECT(TL(c, PV_XS_GET_DOMAIN_PATH, 0, "5\0"), "GET_DOMAIN_PATH /local/domain/5|");
	TL_EXPECT(TL(c, PV_XS_IS_DOMAIN_INTRODUCED, 0, "0\0"), "IS_DOMAIN_INTRODUCED T|");
	TL_EXPECT(TL(c, PV_XS_IS_DOMAIN_INTRODUCED, 0, "5\0"), "IS_DOMAIN_INTRODUCED F|");
	TL_EXPECT(TL(c, 20, 0, "x\0"), "ERROR ENOSYS|"); /* removed RESTRICT */
	TL_EXPECT(TL(c, PV_XS_TYPE_COUNT, 0, ""), "ERROR ENOSYS|");
	TL_EXPECT(TL(c, PV_XS_ERROR, 0, "x\0"), "ERROR ENOSYS|");
	TL_EXPECT(TL(c, PV_XS_WATCH_EVENT, 0, "x\0y\0"), "ERROR ENOSYS|");
	TL_EXPECT(TL(c, 0xffff, 0, ""), "ERROR ENOSYS|");
}

static void test_mkdir_rm(void)
{
	setup();
	TL_EXPECT(TL(c, PV_XS_MKDIR, 0, "/m/n\0"), "MKDIR OK|");
	TL_EXPECT(TL(c, PV_XS_MKDIR, 0, "/m/n\0"), "MKDIR OK|");
	TL_EXPECT(TL(c, PV_XS_DIRECTORY, 0, "/m\0"), "DIRECTORY n|");
	TL_EXPECT(TL(c, PV_XS_WRITE, 0, "/m/n/o/p\0v"), "WRITE OK|");
	TL_EXPECT(TL(c, PV_XS_RM, 0, "/m/n\0"), "RM OK|");
	TL_EXPECT(TL(c, PV_XS_READ, 0, "/m/n/o/p\0"), "ERROR ENOENT|");
	TL_EXPECT(TL(c, PV_XS_DIRECTORY, 0, "/m\0"), "DIRECTORY ");
	TL_EXPECT(TL(c, PV_XS_RM, 0, "/m/absent\0"), "RM OK|");         /* parent exists */
	TL_EXPECT(TL(c, PV_XS_RM, 0, "/zz/absent\0"), "ERROR ENOENT|"); /* parent absent */
	CU_ASSERT_EQUAL(xsd_store_count(&core->store), 4); /* / /tool /tool/xenstored /m */
}

static void test_children_order(void)
{
	setup();
	TL(c, PV_XS_WRITE, 0, "/d/b\0");
	TL(c, PV_XS_WRITE, 0, "/d/a\0");
	TL(c, PV_XS_WRITE, 0, "/d/c\0");
	TL_EXPECT(TL(c, PV_XS_DIRECTORY, 0, "/d\0"), "DIRECTORY b|a|c|");
	TL(c, PV_XS_RM, 0, "/d/a\0");
	TL_EXPECT(TL(c, PV_XS_DIRECTORY, 0, "/d\0"), "DIRECTORY b|c|");
}

static void test_directory_part(void)
{
	char path[64], expect[64];
	const char *r;

	setup();
	TL(c, PV_XS_WRITE, 0, "/d/bb\0");
	TL(c, PV_XS_WRITE, 0, "/d/x\0");
	r = TL(c, PV_XS_DIRECTORY_PART, 0,
	       "/d\0"
	       "0\0");
	CU_ASSERT_EQUAL(strncmp(r, "DIRECTORY_PART ", 15), 0);
	snprintf(expect, sizeof(expect), "%.*s|bb|x||", (int)strcspn(r + 15, "|"), r + 15);
	TL_EXPECT(r + 15, expect);
	snprintf(expect, sizeof(expect), "%.*s|x||", (int)strcspn(r + 15, "|"), r + 15);
	TL_EXPECT(TL(c, PV_XS_DIRECTORY_PART, 0,
		     "/d\0"
		     "3\0") +
			  15,
		  expect);
	snprintf(expect, sizeof(expect), "%.*s||", (int)strcspn(r + 15, "|"), r + 15);
	TL_EXPECT(TL(c, PV_XS_DIRECTORY_PART, 0,
		     "/d\0"
		     "99\0") +
			  15,
		  expect);
	TL_EXPECT(TL(c, PV_XS_DIRECTORY_PART, 0, "/d\0"), "ERROR EINVAL|");
	TL_EXPECT(TL(c, PV_XS_DIRECTORY_PART, 0, "/d\0x\0"), "ERROR EINVAL|");
	/* many children: parts stop before 4096 bytes and the last part ends with "\0\0" */
	for (int i = 0; i < 400; i++) {
		int n = snprintf(path, sizeof(path), "/big/child-number-%04d", i);
		tl_call(c, PV_XS_WRITE, 0, path, (size_t)n + 1);
	}
	TL_EXPECT(TL(c, PV_XS_DIRECTORY, 0, "/big\0"), "ERROR E2BIG|");
	r = TL(c, PV_XS_DIRECTORY_PART, 0,
	       "/big\0"
	       "0\0");
	CU_ASSERT(strlen(r) < 4096 + 20);
	CU_ASSERT(strstr(r, "child-number-0000|") != NULL);
	CU_ASSERT(strstr(r, "||") == NULL);
}

static void test_perms_messages(void)
{
	setup();
	TL(c, PV_XS_WRITE, 0, "/p/q\0");
	TL_EXPECT(TL(c, PV_XS_SET_PERMS, 0, "/p\0n0\0r5\0"), "SET_PERMS OK|");
	TL_EXPECT(TL(c, PV_XS_GET_PERMS, 0, "/p\0"), "GET_PERMS n0|r5|");
	TL_EXPECT(TL(c, PV_XS_GET_PERMS, 0, "/p/q\0"), "GET_PERMS n0|"); /* set before */
	TL(c, PV_XS_WRITE, 0, "/p/new\0");
	TL_EXPECT(TL(c, PV_XS_GET_PERMS, 0, "/p/new\0"), "GET_PERMS n0|r5|"); /* inherited */
	TL_EXPECT(TL(c, PV_XS_SET_PERMS, 0, "/p\0x0\0"), "ERROR EINVAL|");
	TL_EXPECT(TL(c, PV_XS_SET_PERMS, 0, "/p\0"), "ERROR EINVAL|");
	TL_EXPECT(TL(c, PV_XS_SET_PERMS, 0, "/p\0n0"), "ERROR EINVAL|");
	TL_EXPECT(TL(c, PV_XS_SET_PERMS, 0, "/nope\0r0\0"), "ERROR ENOENT|");
}

static void test_watch_events(void)
{
	struct xsd_conn *w;

	setup();
	w = tl_conn(core, 0, true);
	TL(c, PV_XS_WRITE, 0, "/w/x\0v");
	TL_EXPECT(TL(w, PV_XS_WATCH, 0, "/w\0tk\0"), "WATCH OK|");
	TL_EXPECT(tl_events(w), "/w|tk|;");
	TL_EXPECT(TL(w, PV_XS_WATCH, 0, "/w\0tk\0"), "ERROR EEXIST|");
	TL(c, PV_XS_WRITE, 0, "/w/x/y/z\0v");
	TL_EXPECT(tl_events(w), "/w/x/y/z|tk|;");
	TL(c, PV_XS_WRITE, 0, "/other\0v");
	TL_EXPECT(tl_events(w), "");
	TL(c, PV_XS_MKDIR, 0, "/w\0"); /* exists: no event */
	TL_EXPECT(tl_events(w), "");
	TL(c, PV_XS_SET_PERMS, 0, "/w\0n0\0");
	TL_EXPECT(tl_events(w), "/w|tk|;");
	TL_EXPECT(TL(w, PV_XS_WATCH, 0, "/w/x/y\0deep\0"), "WATCH OK|");
	tl_events(w);
	TL(c, PV_XS_RM, 0, "/w/x\0"); /* recursive: fires watches below too */
	TL_EXPECT(tl_events(w), "/w/x/y|deep|;/w/x|tk|;");
	TL_EXPECT(TL(w, PV_XS_UNWATCH, 0, "/w\0tk\0"), "UNWATCH OK|");
	TL_EXPECT(TL(w, PV_XS_UNWATCH, 0, "/w\0tk\0"), "ERROR ENOENT|");
	TL(c, PV_XS_WRITE, 0, "/w/q\0");
	TL_EXPECT(tl_events(w), "");
}

static void test_watch_relative_depth(void)
{
	struct xsd_conn *w;

	setup();
	w = tl_conn(core, 0, true);
	TL_EXPECT(TL(w, PV_XS_WATCH, 0, "rel\0r\0"), "WATCH OK|");
	TL_EXPECT(TL(w, PV_XS_WATCH, 0,
		     "/d\0d1\0"
		     "1\0"),
		  "WATCH OK|");
	TL_EXPECT(tl_events(w), "rel|r|;/d|d1|;");
	TL(c, PV_XS_WRITE, 0, "/local/domain/0/rel/x\0v");
	TL_EXPECT(tl_events(w), "rel/x|r|;");
	TL(c, PV_XS_WRITE, 0, "/d/a\0v");
	TL(c, PV_XS_WRITE, 0, "/d/a/b\0v");
	TL_EXPECT(tl_events(w), "/d/a|d1|;");
	TL_EXPECT(TL(w, PV_XS_WATCH, 0, "/d\0t\0x\0"), "ERROR EINVAL|");
	TL_EXPECT(TL(w, PV_XS_WATCH, 0, "/d\0"), "ERROR EINVAL|");
	TL_EXPECT(TL(w, PV_XS_RESET_WATCHES, 0, ""), "RESET_WATCHES OK|");
	TL(c, PV_XS_WRITE, 0, "/d/a\0v");
	TL_EXPECT(tl_events(w), "");
}

/* The watch index: several connections on one path, the root watch, order within
 * a connection (newest watch first), a connection gone leaves nothing behind. */
static void test_watch_index(void)
{
	struct xsd_conn *a, *b;

	setup();
	a = tl_conn(core, 0, true);
	b = tl_conn(core, 0, true);
	TL(a, PV_XS_WATCH, 0, "/i\0a1\0");
	TL(a, PV_XS_WATCH, 0, "/i/j\0a2\0");
	TL(b, PV_XS_WATCH, 0, "/i\0b1\0");
	TL(b, PV_XS_WATCH, 0, "/\0root\0");
	tl_events(a);
	tl_events(b);
	TL(c, PV_XS_WRITE, 0, "/i/j/k\0v");
	TL_EXPECT(tl_events(a), "/i/j/k|a2|;/i/j/k|a1|;");
	TL_EXPECT(tl_events(b), "/i/j/k|root|;/i/j/k|b1|;");
	TL(c, PV_XS_WRITE, 0, "/elsewhere\0v");
	TL_EXPECT(tl_events(a), "");
	TL_EXPECT(tl_events(b), "/elsewhere|root|;");
	CU_ASSERT_EQUAL(core->watch_paths.count, 3); /* /i, /i/j, / */
	CU_ASSERT_EQUAL(core->watch_below.count, 2); /* below /: /i, /i/j; below /i: /i/j */
	xsd_conn_destroy(b);
	CU_ASSERT_EQUAL(core->watch_paths.count, 2);
	TL(c, PV_XS_WRITE, 0, "/i\0w");
	TL_EXPECT(tl_events(a), "/i|a1|;");
	/* a recursive delete finds the watch below it through the ancestors' index */
	TL(c, PV_XS_RM, 0, "/i\0");
	TL_EXPECT(tl_events(a), "/i/j|a2|;/i|a1|;");
	TL_EXPECT(TL(a, PV_XS_RESET_WATCHES, 0, ""), "RESET_WATCHES OK|");
	CU_ASSERT_EQUAL(core->watch_paths.count, 0);
	CU_ASSERT_EQUAL(core->watch_below.count, 0);
}

static void test_control(void)
{
	setup();
	TL_EXPECT(TL(c, PV_XS_CONTROL, 0, "print\0hello\0"), "CONTROL OK|");
	TL_EXPECT(TL(c, PV_XS_CONTROL, 0, "bogus\0"), "ERROR EINVAL|");
	TL_EXPECT(TL(c, PV_XS_CONTROL, 0, ""), "ERROR EINVAL|");
	TL_EXPECT(TL(c, PV_XS_CONTROL, 0, "check\0"), "CONTROL OK|");
	TL_EXPECT(TL(c, PV_XS_CONTROL, 0,
		     "quota\0set\0nodes\0"
		     "7\0"),
		  "CONTROL OK|");
	CU_ASSERT_EQUAL(core->quota.nodes, 7);
	TL_EXPECT(TL(c, PV_XS_CONTROL, 0,
		     "quota\0set\0bogus\0"
		     "7\0"),
		  "ERROR EINVAL|");
	TL_EXPECT(TL(c, PV_XS_CONTROL, 0, "snapshot\0"), "ERROR EINVAL|"); /* no journal */
}

int main(void)
{
	static const struct tl_test tests[] = {
		{ "initial_tree", test_initial_tree },
		{ "write_read", test_write_read },
		{ "malformed_args", test_malformed_args },
		{ "mkdir_rm", test_mkdir_rm },
		{ "children_order", test_children_order },
		{ "directory_part", test_directory_part },
		{ "perms_messages", test_perms_messages },
		{ "watch_events", test_watch_events },
		{ "watch_relative_depth", test_watch_relative_depth },
		{ "watch_index", test_watch_index },
		{ "control", test_control },
	};
	int rc = tl_run("xsd_tree", tests, sizeof(tests) / sizeof(tests[0]));

	xsd_core_destroy(core);
	return rc;
}
