/* libpvx's xl syntax helpers: CPU lists (cpus=, vcpu-pin) and their compact form
 * (vcpu-list), and memory sizes (mem-set, mem-max). */
#include <CUnit/Basic.h>
#include <errno.h>
#include <string.h>

#include "libpvx/pvx.h"

/* list parsed and shown over n CPUs. */
static const char *fmt(const char *list, unsigned n)
{
	static char out[256];
	uint8_t map[PVX_CPUMAP_BYTES];

	if (pvx_cpumap_parse(list, map) < 0)
		return "ERR";
	pvx_cpumap_format(map, n, out, sizeof(out));
	return out;
}

static void test_cpumap(void)
{
	CU_ASSERT_STRING_EQUAL(fmt("all", 8), "all");
	CU_ASSERT_STRING_EQUAL(fmt("0-3,5,^1", 8), "0,2-3,5");
	CU_ASSERT_STRING_EQUAL(fmt("all,^7", 8), "0-6");
	CU_ASSERT_STRING_EQUAL(fmt("^all", 8), "none");
	CU_ASSERT_STRING_EQUAL(fmt("3", 2), "none"); /* past the host's CPUs */
	CU_ASSERT_STRING_EQUAL(fmt("0-1", 2), "all");
	CU_ASSERT_STRING_EQUAL(fmt("7,6,5", 8), "5-7");
	CU_ASSERT_STRING_EQUAL(fmt("4095", 4096), "4095");
	CU_ASSERT_STRING_EQUAL(fmt("nodes:0", 2), "all"); /* node 0 holds every CPU here */
	CU_ASSERT_STRING_EQUAL(fmt("", 8), "ERR");
	CU_ASSERT_STRING_EQUAL(fmt("1-", 8), "ERR");
	CU_ASSERT_STRING_EQUAL(fmt("3-1", 8), "ERR");
	CU_ASSERT_STRING_EQUAL(fmt("0,,1", 8), "ERR");
	CU_ASSERT_STRING_EQUAL(fmt("4096", 8), "ERR");
	CU_ASSERT_STRING_EQUAL(fmt("a", 8), "ERR");
}

static void test_mem_parse(void)
{
	static const struct {
		const char *s;
		uint64_t kb;
	} good[] = { { "512", 512 * 1024 },  { "512m", 512 * 1024 },
		     { "512M", 512 * 1024 }, { "2g", 2 * 1024 * 1024 },
		     { "1T", 1ull << 30 },   { "4096k", 4096 },
		     { "1048576b", 1024 },   { "0", 0 } };
	static const char *const bad[] = { "", "m", "-1", "12q", "1mb", " 5", "5 ", "0x10" };
	uint64_t kb;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CU_ASSERT_EQUAL(pvx_mem_parse_kb(good[i].s, &kb), 0);
		CU_ASSERT_EQUAL(kb, good[i].kb);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(pvx_mem_parse_kb(bad[i], &kb), -EINVAL);
}

int main(void)
{
	CU_pSuite suite;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	suite = CU_add_suite("xlutil", NULL, NULL);
	CU_add_test(suite, "cpu lists", test_cpumap);
	CU_add_test(suite, "memory sizes", test_mem_parse);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
