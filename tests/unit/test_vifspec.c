/* Unit tests for the vif spec parser (libpvx vifspec.c): keys, defaults, Xen's
 * rate syntax, warnings and every error message. */
#include "libpvx/vifspec.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static struct pvx_err perr;
static char warnings[1024];
static int nwarn;

static void collect(void *ctx, const char *msg)
{
	(void)ctx;
	nwarn++;
	strncat(warnings, msg, sizeof(warnings) - strlen(warnings) - 2);
	strcat(warnings, "\n");
}

static int parse(const char *spec, struct vif_spec *vs)
{
	perr.msg[0] = warnings[0] = '\0';
	nwarn = 0;
	return vifspec_parse(spec, vs, collect, NULL, &perr);
}

static void fails(const char *spec, const char *msg)
{
	struct vif_spec vs;

	CU_ASSERT_EQUAL(parse(spec, &vs), -EINVAL);
	CU_ASSERT_STRING_EQUAL(perr.msg, msg);
	if (strcmp(perr.msg, msg))
		fprintf(stderr, "\n  spec %s\n  want %s\n  got  %s\n", spec, msg, perr.msg);
	CU_ASSERT_STRING_EQUAL(vs.bridge, "xenbr0"); /* left at the defaults */
}

static void test_defaults(void)
{
	struct vif_spec vs;

	CU_ASSERT_EQUAL(parse("", &vs), 0);
	CU_ASSERT_STRING_EQUAL(vs.bridge, "xenbr0");
	CU_ASSERT_EQUAL(vs.devid, -1);
	CU_ASSERT_EQUAL(vs.mtu, 1500);
	CU_ASSERT_EQUAL(vs.rate_bytes, 0);
	CU_ASSERT_EQUAL(vs.rate_usecs, 0);
	CU_ASSERT_EQUAL(vs.trusted, 1);
	CU_ASSERT_EQUAL(vs.mac_given, 0);
	CU_ASSERT_EQUAL(vs.mac[0], 0x00);
	CU_ASSERT_EQUAL(vs.mac[1], 0x16);
	CU_ASSERT_EQUAL(vs.mac[2], 0x3e);
	CU_ASSERT_EQUAL(vs.mac[3] & 0x80, 0);
	CU_ASSERT_EQUAL(nwarn, 0);
}

static void test_random_macs_differ(void)
{
	struct vif_spec a, b, c;

	CU_ASSERT_EQUAL(parse("bridge=sw", &a), 0);
	CU_ASSERT_EQUAL(parse("bridge=sw", &b), 0);
	CU_ASSERT_EQUAL(parse("bridge=sw", &c), 0);
	/* 23 random bits each: three equal draws would be a broken generator. */
	CU_ASSERT(memcmp(a.mac, b.mac, 6) || memcmp(b.mac, c.mac, 6));
}

static void test_all_keys(void)
{
	struct vif_spec vs;
	char mac[18];

	CU_ASSERT_EQUAL(parse(" mac=00:16:3E:AA:bb:0c , bridge=sw1,ip=10.0.0.2 10.0.1.2/24,"
			      "vifname=guest0,devid=3,mtu=9000,rate=10Mb/s,untrusted",
			      &vs),
			0);
	netaddr_mac_format(vs.mac, mac);
	CU_ASSERT_STRING_EQUAL(mac, "00:16:3e:aa:bb:0c");
	CU_ASSERT_EQUAL(vs.mac_given, 1);
	CU_ASSERT_STRING_EQUAL(vs.bridge, "sw1");
	CU_ASSERT_STRING_EQUAL(vs.ip, "10.0.0.2 10.0.1.2/24");
	CU_ASSERT_STRING_EQUAL(vs.vifname, "guest0");
	CU_ASSERT_EQUAL(vs.devid, 3);
	CU_ASSERT_EQUAL(vs.mtu, 9000);
	CU_ASSERT_EQUAL(vs.rate_bytes, 62500); /* 1.25 MB/s over 50 ms */
	CU_ASSERT_EQUAL(vs.rate_usecs, 50000);
	CU_ASSERT_EQUAL(vs.trusted, 0);
	CU_ASSERT_EQUAL(nwarn, 0);
	CU_ASSERT_EQUAL(parse("netdev=br1,backend=0,type=vif", &vs), 0);
	CU_ASSERT_STRING_EQUAL(vs.bridge, "br1");
	CU_ASSERT_EQUAL(nwarn, 0);
}

static void test_rates(void)
{
	static const struct {
		const char *s;
		uint64_t bytes;
		uint32_t us;
	} ok[] = {
		{ "10Mb/s", 62500, 50000 },      { "1MB/s@20ms", 20000, 20000 },
		{ "100KB/s@20ms", 2000, 20000 }, { "1Gb/s@1s", 125000000, 1000000 },
		{ "8b/s@1s", 1, 1000000 },       { "5000B/s@200us", 1, 200 },
		{ "10mb/s", 62500, 50000 },      { "2GB/s@10ms", 20000000, 10000 },
	};
	static const char *bad[] = {
		"",
		"10",
		"10M/s",
		"10Mb",
		"10Mb/sec",
		"Mb/s",
		"-1Mb/s",
		"10Mb/s@",
		"10Mb/s@5",
		"10Mb/s@5m",
		"10Mb/s@0ms",
		"1b/s",
		"10Xb/s",
		"99999999999999999999B/s",
		"1Mb/s@5000s",
		"10 Mb/s",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint64_t b = 0;
		uint32_t us = 0;

		CU_ASSERT_EQUAL(vifspec_parse_rate(ok[i].s, &b, &us), 0);
		CU_ASSERT_EQUAL(b, ok[i].bytes);
		CU_ASSERT_EQUAL(us, ok[i].us);
		if (b != ok[i].bytes || us != ok[i].us)
			fprintf(stderr, "\n  %s -> %llu,%u\n", ok[i].s, (unsigned long long)b,
				us);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t b = 7;
		uint32_t us = 7;

		CU_ASSERT_EQUAL(vifspec_parse_rate(bad[i], &b, &us), -EINVAL);
		CU_ASSERT_EQUAL(b, 7);
		if (vifspec_parse_rate(bad[i], &b, &us) != -EINVAL)
			fprintf(stderr, "\n  accepted %s\n", bad[i]);
	}
}

static void test_script(void)
{
	struct vif_spec vs;

	CU_ASSERT_EQUAL(parse("script=/usr/local/bin/my-vif", &vs), 0);
	CU_ASSERT_STRING_EQUAL(vs.script, "/usr/local/bin/my-vif");
	CU_ASSERT_EQUAL(nwarn, 0);
	CU_ASSERT_EQUAL(parse("bridge=b", &vs), 0);
	CU_ASSERT_STRING_EQUAL(vs.script, ""); /* none: netback bridges itself */
}

static void test_warnings(void)
{
	struct vif_spec vs;

	CU_ASSERT_EQUAL(parse("model=e1000,script=vif-bridge,type=ioemu,colour=blue", &vs), 0);
	CU_ASSERT_EQUAL(nwarn, 3);
	CU_ASSERT_STRING_EQUAL(vs.script, "/etc/xen/scripts/vif-bridge"); /* xl's directory */
	CU_ASSERT_STRING_EQUAL(
		warnings, "vif: model: accepted and ignored: an emulated NIC model is for HVM "
			  "guests under a device model; pvisor gives every guest a PV vif\n"
			  "vif: type: emulated NICs are for HVM guests; pvisor gives a PV vif\n"
			  "vif: colour: unknown key, ignored\n");
	/* warn may be NULL */
	CU_ASSERT_EQUAL(vifspec_parse("model=e1000", &vs, NULL, NULL, &perr), 0);
}

static void test_errors(void)
{
	fails("mac=00:16:3e:00:00", "vif: mac: not a unicast MAC address; write six hex pairs "
				    "like 00:16:3e:12:34:56");
	fails("bridge=a/b", "vif: bridge: a switch name is 1 to 15 of A-Z a-z 0-9 _ . -");
	fails("bridge=0123456789abcdef",
	      "vif: bridge: a switch name is 1 to 15 of A-Z a-z 0-9 _ . -");
	fails("vifname=x y", "vif: vifname: an interface name is 1 to 15 of A-Z a-z 0-9 _ . -");
	fails("ip=10.0.0.256",
	      "vif: ip: give IPv4 addresses (a.b.c.d[/prefix]) separated by spaces");
	fails("ip=10.0.0/24",
	      "vif: ip: give IPv4 addresses (a.b.c.d[/prefix]) separated by spaces");
	fails("ip=10.0.0.1/33",
	      "vif: ip: give IPv4 addresses (a.b.c.d[/prefix]) separated by spaces");
	fails("rate=fast",
	      "vif: rate: write RATE/s[@INTERVAL]: RATE a number with K, M or G and "
	      "B (bytes) or b (bits), INTERVAL with us, ms or s, e.g. 10Mb/s or 100KB/s@20ms");
	fails("devid=70000", "vif: devid: a device number 0..65535");
	fails("mtu=20", "vif: mtu: the MTU is 68..65535");
	fails("backend=driverdom", "vif: backend: pvisor's backends run in dom0; leave backend= "
				   "out or write backend=0");
	fails("type=tap", "vif: type: type is vif or ioemu");
	fails("bridge=", "vif: bridge: empty value");
	fails("bridge=sw,oops", "vif: oops: expected key=value");
}

int main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("vifspec", NULL, NULL);
	CU_add_test(s, "defaults", test_defaults);
	CU_add_test(s, "random MACs differ", test_random_macs_differ);
	CU_add_test(s, "all keys", test_all_keys);
	CU_add_test(s, "rates", test_rates);
	CU_add_test(s, "warnings", test_warnings);
	CU_add_test(s, "script", test_script);
	CU_add_test(s, "errors", test_errors);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	{
		unsigned fails = CU_get_number_of_failures();

		CU_cleanup_registry();
		return fails ? 1 : 0;
	}
}
