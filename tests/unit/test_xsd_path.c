/* Unit tests for the store's path rules and permission lists (xsd path.c, perms.c). */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xsd/path.h"
#include "xsd/perms.h"
#include "xsd_testlib.h"

static int canon(const char *in, uint32_t domid, bool special, char *out)
{
	return xsd_path_canon(in, domid, special, out);
}

static void test_canon_valid(void)
{
	char out[XSD_PATH_BUF];

	CU_ASSERT_EQUAL(canon("/", 0, false, out), 0);
	CU_ASSERT_STRING_EQUAL(out, "/");
	CU_ASSERT_EQUAL(canon("/a-b_c@d/09", 0, false, out), 0);
	CU_ASSERT_EQUAL(canon("device/vbd", 7, false, out), 0);
	CU_ASSERT_STRING_EQUAL(out, "/local/domain/7/device/vbd");
	CU_ASSERT_EQUAL(canon("@introduceDomain", 0, true, out), 0);
	CU_ASSERT_STRING_EQUAL(out, "@introduceDomain");
}

static void test_canon_invalid(void)
{
	char out[XSD_PATH_BUF];
	const char *bad[] = { "",     "//",     "/a//b",     "/a/", "/a.b", "/a:b",
			      "/a b", "/a\x01", "/\xc3\xa9", "@x",  "/a\\b" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(canon(bad[i], 0, false, out), -EINVAL);
	CU_ASSERT_EQUAL(canon("@x//y", 0, true, out), -EINVAL);
}

static void test_canon_lengths(void)
{
	char in[4000], out[XSD_PATH_BUF];

	/* at most 2048 bytes, not counting a /local/domain/<n>/ prefix */
	in[0] = '/';
	memset(in + 1, 'a', 2047);
	in[2048] = '\0';
	CU_ASSERT_EQUAL(canon(in, 0, false, out), 0);
	in[2048] = 'a';
	in[2049] = '\0';
	CU_ASSERT_EQUAL(canon(in, 0, false, out), -EINVAL);
	memset(in, 'r', 2048);
	in[2048] = '\0';
	CU_ASSERT_EQUAL(canon(in, 3, false, out), 0);
	in[2048] = 'r';
	in[2049] = '\0';
	CU_ASSERT_EQUAL(canon(in, 3, false, out), -EINVAL);
	memset(in, 'a', 3999);
	in[0] = '/';
	in[3999] = '\0';
	CU_ASSERT_EQUAL(canon(in, 0, false, out), -EINVAL);
}

static void test_path_helpers(void)
{
	char out[XSD_PATH_BUF];
	char *j;

	CU_ASSERT_TRUE(xsd_path_is_under("/a/b", "/a"));
	CU_ASSERT_TRUE(xsd_path_is_under("/a", "/a"));
	CU_ASSERT_TRUE(xsd_path_is_under("/a", "/"));
	CU_ASSERT_FALSE(xsd_path_is_under("/ab", "/a"));
	CU_ASSERT_FALSE(xsd_path_is_under("/a", "/a/b"));
	CU_ASSERT_EQUAL(xsd_path_depth_below("/a/b/c", "/a"), 2);
	CU_ASSERT_EQUAL(xsd_path_depth_below("/a", "/a"), 0);
	CU_ASSERT_EQUAL(xsd_path_depth_below("/a/b", "/"), 2);
	xsd_path_parent("/a/b", out);
	CU_ASSERT_STRING_EQUAL(out, "/a");
	xsd_path_parent("/a", out);
	CU_ASSERT_STRING_EQUAL(out, "/");
	CU_ASSERT_STRING_EQUAL(xsd_path_basename("/a/bc"), "bc");
	CU_ASSERT_STRING_EQUAL(xsd_path_strip_home("/local/domain/4/x/y", 4), "x/y");
	CU_ASSERT_STRING_EQUAL(xsd_path_strip_home("/local/domain/44/x", 4),
			       "/local/domain/44/x");
	j = xsd_path_join("/", "a");
	CU_ASSERT_STRING_EQUAL(j, "/a");
	free(j);
	j = xsd_path_join("/a", "b");
	CU_ASSERT_STRING_EQUAL(j, "/a/b");
	free(j);
}

static void test_perms_parse_format(void)
{
	struct xsd_perm p[4], one;
	char buf[64];
	size_t n;

	CU_ASSERT_EQUAL(xsd_perms_parse("n0\0r5\0b65535\0", 13, p, 4), 3);
	CU_ASSERT_EQUAL(p[0].domid, 0);
	CU_ASSERT_EQUAL(p[0].access, XSD_PERM_NONE);
	CU_ASSERT_EQUAL(p[1].access, XSD_PERM_READ);
	CU_ASSERT_EQUAL(p[2].domid, 65535);
	CU_ASSERT_EQUAL(p[2].access, XSD_PERM_BOTH);
	n = xsd_perms_format(p, 3, buf, sizeof(buf));
	CU_ASSERT_EQUAL(n, 13);
	CU_ASSERT_EQUAL(memcmp(buf, "n0\0r5\0b65535\0", 13), 0);
	CU_ASSERT_EQUAL(xsd_perm_parse("w12", &one), 0);
	CU_ASSERT_EQUAL(one.access, XSD_PERM_WRITE);
	CU_ASSERT_EQUAL(xsd_perm_parse("x0", &one), -EINVAL);
	CU_ASSERT_EQUAL(xsd_perm_parse("r", &one), -EINVAL);
	CU_ASSERT_EQUAL(xsd_perm_parse("r65536", &one), -EINVAL);
	CU_ASSERT_EQUAL(xsd_perm_parse("r1x", &one), -EINVAL);
	CU_ASSERT_EQUAL(xsd_perms_parse("n0\0r5", 5, p, 4), -EINVAL);       /* unterminated */
	CU_ASSERT_EQUAL(xsd_perms_parse("n0\0\0", 4, p, 4), -EINVAL);       /* empty entry */
	CU_ASSERT_EQUAL(xsd_perms_parse("n0\0r1\0r2\0", 9, p, 2), -EINVAL); /* too many */
}

static void test_perms_access(void)
{
	struct xsd_perm p[3] = { { 5, XSD_PERM_READ },
				 { 7, XSD_PERM_WRITE },
				 { 9, XSD_PERM_NONE } };

	CU_ASSERT_EQUAL(xsd_perms_access(p, 3, 5, -1), XSD_PERM_BOTH | XSD_PERM_OWNER);
	CU_ASSERT_EQUAL(xsd_perms_access(p, 3, 7, -1), XSD_PERM_WRITE);
	CU_ASSERT_EQUAL(xsd_perms_access(p, 3, 9, -1), XSD_PERM_NONE);
	CU_ASSERT_EQUAL(xsd_perms_access(p, 3, 3, -1),
			XSD_PERM_READ); /* default = owner's letter */
	/* a SET_TARGET domain acts for its target */
	CU_ASSERT_EQUAL(xsd_perms_access(p, 3, 3, 5), XSD_PERM_BOTH | XSD_PERM_OWNER);
	CU_ASSERT_EQUAL(xsd_perms_access(p, 3, 3, 7), XSD_PERM_WRITE);
}

int main(void)
{
	static const struct tl_test tests[] = {
		{ "canon_valid", test_canon_valid },
		{ "canon_invalid", test_canon_invalid },
		{ "canon_lengths", test_canon_lengths },
		{ "path_helpers", test_path_helpers },
		{ "perms_parse_format", test_perms_parse_format },
		{ "perms_access", test_perms_access },
	};

	return tl_run("xsd_path", tests, sizeof(tests) / sizeof(tests[0]));
}
