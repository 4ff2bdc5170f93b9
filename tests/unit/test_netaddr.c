/* Unit tests for common/netaddr.c: MAC addresses and interface names, as the
 * toolstack writes them and netback reads them back. */
#include "netaddr.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <string.h>

static void test_mac_parse(void)
{
	uint8_t m[6] = { 0 }, keep[6] = { 9, 9, 9, 9, 9, 9 };

	CU_ASSERT_EQUAL(netaddr_mac_parse("02:00:00:00:00:01", m), 0);
	CU_ASSERT_EQUAL(m[0], 2);
	CU_ASSERT_EQUAL(m[5], 1);
	CU_ASSERT_EQUAL(netaddr_mac_parse("00:16:3E:aA:bb:0c", m), 0);
	CU_ASSERT_EQUAL(m[3], 0xaa);
	CU_ASSERT_EQUAL(netaddr_mac_parse("01:00:5e:00:00:01", m), -EINVAL); /* multicast */
	CU_ASSERT_EQUAL(netaddr_mac_parse("ff:ff:ff:ff:ff:ff", m), -EINVAL);
	CU_ASSERT_EQUAL(netaddr_mac_parse("00:16:3e:00:00", m), -EINVAL);
	CU_ASSERT_EQUAL(netaddr_mac_parse("00:16:3e:00:00:0g", m), -EINVAL);
	CU_ASSERT_EQUAL(netaddr_mac_parse("00-16-3e-00-00-01", m), -EINVAL);
	CU_ASSERT_EQUAL(netaddr_mac_parse("00:16:3e:00:00:011", m), -EINVAL);
	CU_ASSERT_EQUAL(netaddr_mac_parse("", keep), -EINVAL);
	CU_ASSERT_EQUAL(keep[0], 9); /* untouched on failure */
}

static void test_mac_format(void)
{
	const uint8_t m[6] = { 0x00, 0x16, 0x3e, 0xaa, 0x0b, 0xff };
	uint8_t back[6];
	char s[18];

	netaddr_mac_format(m, s);
	CU_ASSERT_STRING_EQUAL(s, "00:16:3e:aa:0b:ff");
	CU_ASSERT_EQUAL(netaddr_mac_parse(s, back), 0);
	CU_ASSERT_EQUAL(memcmp(m, back, 6), 0);
}

static void test_ifname(void)
{
	CU_ASSERT_TRUE(netaddr_ifname_ok("sw0"));
	CU_ASSERT_TRUE(netaddr_ifname_ok("vif5.0"));
	CU_ASSERT_TRUE(netaddr_ifname_ok("a_b-c.d"));
	CU_ASSERT_TRUE(netaddr_ifname_ok("0123456789abcde")); /* 15: the most Linux takes */
	CU_ASSERT_FALSE(netaddr_ifname_ok("0123456789abcdef"));
	CU_ASSERT_FALSE(netaddr_ifname_ok(""));
	CU_ASSERT_FALSE(netaddr_ifname_ok("a/b"));
	CU_ASSERT_FALSE(netaddr_ifname_ok("a b"));
	CU_ASSERT_FALSE(netaddr_ifname_ok("br:0"));
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("netaddr", NULL, NULL);
	CU_add_test(s, "MAC parse", test_mac_parse);
	CU_add_test(s, "MAC format", test_mac_format);
	CU_add_test(s, "interface names", test_ifname);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
