/* Unit tests of the reference kernel's freestanding library (frontends/kernel/lib),
 * built for the host: printf formatting, command-line parsing, sorting, PV clock. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <pvisor/errno.h>

#include "../../frontends/kernel/lib/cmdline.h"
#include "../../frontends/kernel/lib/format.h"
#include "../../frontends/kernel/lib/pvclock.h"
#include "../../frontends/kernel/lib/sort.h"

static char out[256];

/* ksnprintf without the format attribute, for the deliberately odd formats. */
static int fmt_unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

#define CHECK_ODD(expect, ...) \
	do { \
		int n_ = fmt_unchecked(out, sizeof(out), __VA_ARGS__); \
		CU_ASSERT_STRING_EQUAL(out, expect); \
		CU_ASSERT_EQUAL(n_, (int)strlen(expect)); \
	} while (0)

#define CHECK_FMT(expect, ...) \
	do { \
		int n_ = ksnprintf(out, sizeof(out), __VA_ARGS__); \
		CU_ASSERT_STRING_EQUAL(out, expect); \
		CU_ASSERT_EQUAL(n_, (int)strlen(expect)); \
	} while (0)

static void test_format_integers(void)
{
	CHECK_FMT("42 -7 0", "%d %i %u", 42, -7, 0u);
	CHECK_FMT("ff FF 17", "%x %X %o", 255u, 255u, 15u);
	CHECK_FMT("-2147483648", "%d", (int)INT32_MIN);
	CHECK_FMT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	CHECK_FMT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	CHECK_FMT("deadbeefcafe", "%lx", 0xdeadbeefcafeUL);
	CHECK_ODD("255 -1", "%hhu %hd", 0x1ff, 0xffff);
	CHECK_FMT("123", "%zu", (size_t)123);
}

static void test_format_width(void)
{
	CHECK_FMT("   42|42   |00042", "%5d|%-5d|%05d", 42, 42, 42);
	CHECK_FMT("-0042|  -42", "%05d|%5d", -42, -42);
	CHECK_FMT("0x00ff", "0x%04x", 255u);
	CHECK_FMT("  007", "%5.3d", 7);
	CHECK_FMT("    7", "%*d", 5, 7);
	CHECK_FMT("7    |", "%*d|", -5, 7);
	CHECK_FMT("000000000000002a", "%016llx", 42ULL);
}

static void test_format_strings(void)
{
	CHECK_FMT("a b  c|d  |", "%c %s %2s|%-3s|", 'a', "b", "c", "d");
	CHECK_ODD("(null)", "%s", (char *)NULL);
	CHECK_FMT("abc", "%.3s", "abcdef");
	CHECK_FMT("ab", "%.*s", 2, "abcdef");
	CHECK_FMT("100%", "100%%");
	CHECK_FMT("0x40100000", "%p", (void *)0x40100000UL);
	CHECK_ODD("%q", "%q");
	CHECK_ODD("end%", "end%");
}

static void test_format_truncation(void)
{
	char small[6];

	CU_ASSERT_EQUAL(ksnprintf(small, sizeof(small), "hello world"), 11);
	CU_ASSERT_STRING_EQUAL(small, "hello");
	CU_ASSERT_EQUAL(ksnprintf(small, 1, "xyz"), 3);
	CU_ASSERT_STRING_EQUAL(small, "");
	CU_ASSERT_EQUAL(ksnprintf(NULL, 0, "%d", 12345), 5);
}

static void test_cmdline_split(void)
{
	static struct cmdline cl;
	const char line[] = "  app=hcbench n=1000\tquiet key= =odd  n=2000 ";

	CU_ASSERT_EQUAL(cmdline_parse(&cl, line, sizeof(line)), 0);
	CU_ASSERT_EQUAL(cl.nargs, 6);
	CU_ASSERT_STRING_EQUAL(cmdline_get(&cl, "app"), "hcbench");
	CU_ASSERT_STRING_EQUAL(cmdline_get(&cl, "n"), "2000"); /* the last one wins */
	CU_ASSERT_STRING_EQUAL(cmdline_get(&cl, "key"), "");
	CU_ASSERT_PTR_NULL(cmdline_get(&cl, "quiet"));
	CU_ASSERT_PTR_NULL(cmdline_get(&cl, "missing"));
	CU_ASSERT_TRUE(cmdline_has_word(&cl, "quiet"));
	CU_ASSERT_TRUE(cmdline_has_word(&cl, "=odd"));
	CU_ASSERT_FALSE(cmdline_has_word(&cl, "app"));
}

static void test_cmdline_limits(void)
{
	static struct cmdline cl;
	char line[CMDLINE_MAX_LEN + 64];
	size_t pos = 0;

	CU_ASSERT_EQUAL(cmdline_parse(&cl, "", 1), 0);
	CU_ASSERT_EQUAL(cl.nargs, 0);
	/* No NUL within the source: only srclen bytes are read. */
	CU_ASSERT_EQUAL(cmdline_parse(&cl, "app=memXXXX", 7), 0);
	CU_ASSERT_STRING_EQUAL(cmdline_get(&cl, "app"), "mem");
	for (int i = 0; i < 40; i++)
		pos += (size_t)snprintf(line + pos, sizeof(line) - pos, "w%d ", i);
	CU_ASSERT_EQUAL(cmdline_parse(&cl, line, sizeof(line)), -PV_E2BIG);
	CU_ASSERT_EQUAL(cl.nargs, CMDLINE_MAX_ARGS);
	CU_ASSERT_EQUAL(cl.dropped, 40 - CMDLINE_MAX_ARGS);
	memset(line, 'a', sizeof(line));
	CU_ASSERT_EQUAL(cmdline_parse(&cl, line, sizeof(line)), -PV_E2BIG);
	CU_ASSERT_TRUE(cl.truncated);
	CU_ASSERT_EQUAL(strlen(cl.buf), CMDLINE_MAX_LEN - 1);
}

static void test_cmdline_numbers(void)
{
	static struct cmdline cl;
	const char line[] = "a=12 b=0x1F c=12x d= e=18446744073709551616 f=18446744073709551615";
	uint64_t v;

	cmdline_parse(&cl, line, sizeof(line));
	CU_ASSERT_EQUAL(cmdline_get_u64(&cl, "a", 5, &v), 0);
	CU_ASSERT_EQUAL(v, 12);
	CU_ASSERT_EQUAL(cmdline_get_u64(&cl, "b", 5, &v), 0);
	CU_ASSERT_EQUAL(v, 31);
	CU_ASSERT_EQUAL(cmdline_get_u64(&cl, "c", 5, &v), -PV_EINVAL);
	CU_ASSERT_EQUAL(v, 5);
	CU_ASSERT_EQUAL(cmdline_get_u64(&cl, "d", 5, &v), -PV_EINVAL);
	CU_ASSERT_EQUAL(cmdline_get_u64(&cl, "e", 5, &v), -PV_ERANGE);
	CU_ASSERT_EQUAL(cmdline_get_u64(&cl, "f", 5, &v), 0);
	CU_ASSERT_EQUAL(v, UINT64_MAX);
	CU_ASSERT_EQUAL(cmdline_get_u64(&cl, "zzz", 5, &v), 0);
	CU_ASSERT_EQUAL(v, 5);
	CU_ASSERT_EQUAL(cmdline_parse_u64("0x", &v), -PV_EINVAL);
}

static void test_sort(void)
{
	uint64_t v[1000];
	uint64_t seed = 12345;

	for (size_t i = 0; i < 1000; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		v[i] = seed >> 33;
	}
	v[10] = UINT64_MAX;
	v[11] = 0;
	sort_u64(v, 1000);
	for (size_t i = 1; i < 1000; i++)
		CU_ASSERT_FATAL(v[i - 1] <= v[i]);
	CU_ASSERT_EQUAL(v[0], 0);
	CU_ASSERT_EQUAL(v[999], UINT64_MAX);
	sort_u64(v, 0);
	sort_u64(v, 1);
}

static void test_percentile(void)
{
	uint64_t v[100];

	for (int i = 0; i < 100; i++)
		v[i] = (uint64_t)i + 1;
	CU_ASSERT_EQUAL(sort_percentile_u64(v, 100, 50), 50);
	CU_ASSERT_EQUAL(sort_percentile_u64(v, 100, 99), 99);
	CU_ASSERT_EQUAL(sort_percentile_u64(v, 100, 100), 100);
	CU_ASSERT_EQUAL(sort_percentile_u64(v, 100, 0), 1);
	CU_ASSERT_EQUAL(sort_percentile_u64(v, 4, 50), 2);
	CU_ASSERT_EQUAL(sort_percentile_u64(v, 1, 99), 1);
	CU_ASSERT_EQUAL(sort_percentile_u64(v, 0, 50), 0);
}

static void test_pvclock(void)
{
	/* 3 GHz TSC: 1/3 ns per tick, expressed as shift -1 and mul 2/3 * 2^32. */
	struct pvclock_params p = { .tsc_timestamp = 1000,
				    .system_time = 5000,
				    .mul = 0xaaaaaaaa,
				    .shift = -1 };
	struct pvclock_params one = { .mul = 0x80000000u, .shift = 1 }; /* 1 ns/tick */

	CU_ASSERT_EQUAL(pvclock_ns(&p, 1000), 5000);
	CU_ASSERT_EQUAL(pvclock_ns(&p, 1000 + 3000000000ULL), 5000 + 999999999);
	CU_ASSERT_EQUAL(pvclock_ns(&p, 10), 5000); /* TSC before the record */
	CU_ASSERT_EQUAL(pvclock_tsc_khz(&p), 3000000);
	CU_ASSERT_EQUAL(pvclock_tsc_khz(&one), 1000000);
	CU_ASSERT_EQUAL(pvclock_scale_delta(1ULL << 40, 0x80000000u, 1), 1ULL << 40);
	/* The product needs more than 64 bits: 2^60 ticks at mul ~2^32. */
	CU_ASSERT_EQUAL(pvclock_scale_delta(1ULL << 60, 0xffffffffu, 0),
			(uint64_t)(((unsigned __int128)1 << 60) * 0xffffffffu >> 32));
	CU_ASSERT_EQUAL(pvclock_scale_delta(12345, 0, 0), 0);
}

int main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("klib", NULL, NULL);
	CU_add_test(s, "format integers", test_format_integers);
	CU_add_test(s, "format width", test_format_width);
	CU_add_test(s, "format strings", test_format_strings);
	CU_add_test(s, "format truncation", test_format_truncation);
	CU_add_test(s, "cmdline split", test_cmdline_split);
	CU_add_test(s, "cmdline limits", test_cmdline_limits);
	CU_add_test(s, "cmdline numbers", test_cmdline_numbers);
	CU_add_test(s, "sort", test_sort);
	CU_add_test(s, "percentile", test_percentile);
	CU_add_test(s, "pvclock", test_pvclock);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
