/* Unit tests for the disk spec parser and vdev numbers (libpvx diskspec.c): Xen's
 * positional and key=value forms, target last, flags, defaults, every error, and
 * the vbd encodings of xvd/hd/sd names both ways. */
#include "libpvx/diskspec.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static struct disk_spec d;
static struct pvx_err perr;

static void ok(const char *spec)
{
	int rc = diskspec_parse(spec, &d, &perr);

	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "\n  %s: %s\n", spec, perr.msg);
}

static void bad(const char *spec, const char *want)
{
	CU_ASSERT_EQUAL(diskspec_parse(spec, &d, &perr), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(perr.msg, want));
	if (!strstr(perr.msg, want))
		fprintf(stderr, "\n  %s: want '%s' in '%s'\n", spec, want, perr.msg);
}

static void test_positional(void)
{
	ok("/img/a.raw,raw,xvda,rw");
	CU_ASSERT_STRING_EQUAL(d.target, "/img/a.raw");
	CU_ASSERT_STRING_EQUAL(d.format, "raw");
	CU_ASSERT_STRING_EQUAL(d.vdev, "xvda");
	CU_ASSERT_EQUAL(d.devid, 51712);
	CU_ASSERT_EQUAL(d.readonly, 0);
	ok("/dev/vg/guest-volume,,hda");
	CU_ASSERT_STRING_EQUAL(d.format, "raw"); /* default */
	CU_ASSERT_EQUAL(d.devid, 768);
	ok(" img.iso , raw , hdc , cdrom ");
	CU_ASSERT_STRING_EQUAL(d.target, "img.iso");
	CU_ASSERT_EQUAL(d.cdrom, 1);
	CU_ASSERT_EQUAL(d.readonly, 1);
	CU_ASSERT_EQUAL(d.devid, 5632);
	ok("a.img,qcow2,xvdb,r");
	CU_ASSERT_STRING_EQUAL(d.format, "qcow2");
	CU_ASSERT_EQUAL(d.readonly, 1);
	CU_ASSERT_EQUAL(d.devid, 51728);
}

static void test_legacy(void)
{
	ok("phy:/dev/vg/x,xvdb,r");
	CU_ASSERT_STRING_EQUAL(d.target, "/dev/vg/x");
	CU_ASSERT_STRING_EQUAL(d.backendtype, "phy");
	CU_ASSERT_STRING_EQUAL(d.vdev, "xvdb");
	CU_ASSERT_EQUAL(d.readonly, 1);
	ok("file:/i.img,hdc:cdrom,r");
	CU_ASSERT_STRING_EQUAL(d.target, "/i.img");
	CU_ASSERT_STRING_EQUAL(d.vdev, "hdc");
	CU_ASSERT_EQUAL(d.cdrom, 1);
	ok("tap:qcow2:/q.img,xvda,w");
	CU_ASSERT_STRING_EQUAL(d.target, "/q.img");
	CU_ASSERT_STRING_EQUAL(d.format, "qcow2");
	ok("tap2:aio:/a.img,xvdc,w");
	CU_ASSERT_STRING_EQUAL(d.target, "/a.img");
	CU_ASSERT_STRING_EQUAL(d.format, "raw");
	bad("/i.img,xvda:tape,w", "only :cdrom or :disk");
}

static void test_keys(void)
{
	ok("format=raw, vdev=xvdc, access=ro, target=/x/y,with,commas=1");
	CU_ASSERT_STRING_EQUAL(d.target, "/x/y,with,commas=1");
	CU_ASSERT_EQUAL(d.readonly, 1);
	CU_ASSERT_EQUAL(d.devid, 51744);
	ok("vdev=xvda, devtype=cdrom, target=/i.iso");
	CU_ASSERT_EQUAL(d.cdrom, 1);
	ok("vdev=sdb1,backendtype=phy,no-discard,direct-io-safe,target=/dev/sdz");
	CU_ASSERT_STRING_EQUAL(d.backendtype, "phy");
	CU_ASSERT_EQUAL(d.discard, 0);
	CU_ASSERT_EQUAL(d.direct_io_safe, 1);
	CU_ASSERT_EQUAL(d.devid, (8 << 8) | (1 << 4) | 1);
	ok("/i,raw,xvda,w,backend=0");
	ok("vdev=xvda,cdrom"); /* an empty drive */
	CU_ASSERT_STRING_EQUAL(d.target, "");
}

/* Image formats QEMU serves (xl's vhd is QEMU's vpc) and NBD URIs as targets. */
static void test_formats_and_uris(void)
{
	ok("format=vmdk, vdev=xvda, target=/img/old.vmdk");
	CU_ASSERT_STRING_EQUAL(d.format, "vmdk");
	ok("/img/w.vdi,vdi,xvdb,r");
	ok("/img/h.vhdx,vhdx,xvdb");
	ok("qcow2:/img/c.qcow2,xvdc,w");
	CU_ASSERT_STRING_EQUAL(d.format, "qcow2");
	CU_ASSERT_STRING_EQUAL(diskspec_qemu_format("vhd"), "vpc");
	CU_ASSERT_STRING_EQUAL(diskspec_qemu_format("qcow2"), "qcow2");
	CU_ASSERT_PTR_NULL(diskspec_qemu_format("raw"));
	CU_ASSERT_PTR_NULL(diskspec_qemu_format("empty"));
	ok("nbd://192.0.2.7:10809/export1,,xvdb");
	CU_ASSERT_STRING_EQUAL(d.target, "nbd://192.0.2.7:10809/export1");
	CU_ASSERT_STRING_EQUAL(d.format, "raw");
	CU_ASSERT_TRUE(diskspec_target_is_uri(d.target));
	ok("vdev=xvdc, access=ro, target=nbd+unix:///disk?socket=/run/x.sock");
	CU_ASSERT_TRUE(diskspec_target_is_uri(d.target));
	CU_ASSERT_FALSE(diskspec_target_is_uri("/img/nbd://x"));
	bad("format=qcow2, vdev=xvda, target=nbd://h/e", "with an NBD target");
	bad("vdev=xvda, target=nbd+unix:///e", "names no socket (add ?socket=PATH)");
	bad("vdev=xvda, target=nbd:///e", "names no host");
	ok("vdev=xvda, target=nbds://[::1]:10809/e");
	bad("/img/x.img,cow,xvda", "format 'cow' is not raw, qcow2");
}

static void test_errors(void)
{
	bad("/img,raw", "no vdev");
	bad("vdev=xvda", "no target");
	bad("/img,bogus,xvda", "format 'bogus'");
	bad("/img,raw,xvda,rx", "access 'rx'");
	bad("/img,raw,xvda,rw,extra", "too many positional");
	bad("/img,raw,vda", "vdev 'vda'");
	bad("/img,raw,xvda,color=red", "unknown key 'color'");
	bad("/img,raw,xvda,devtype=tape", "devtype 'tape'");
	bad("/img,raw,xvda,backend=3", "only dom0");
	bad("/img,raw,hde", "vdev 'hde'");
	bad("/img,raw,xvda0", "vdev 'xvda0'");
}

static void test_vdev(void)
{
	static const struct {
		const char *name;
		unsigned id;
	} t[] = {
		{ "xvda", 51712 },
		{ "xvdb", 51728 },
		{ "xvdp", 51952 },
		{ "xvda1", 51713 },
		{ "xvdq", (1u << 28) | (16 << 8) },
		{ "xvdaa", (1u << 28) | (26 << 8) },
		{ "xvda16", (1u << 28) | 16 },
		{ "hda", 768 },
		{ "hdb", 832 },
		{ "hdc", 5632 },
		{ "hdd1", 5697 },
		{ "sda", 2048 },
		{ "sdp15", 2303 },
	};
	char buf[32];
	unsigned id;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		CU_ASSERT_EQUAL(diskspec_vdev_to_devid(t[i].name, &id), 0);
		CU_ASSERT_EQUAL(id, t[i].id);
		diskspec_devid_to_vdev(t[i].id, buf, sizeof(buf));
		CU_ASSERT_STRING_EQUAL(buf, t[i].name);
	}
	CU_ASSERT_EQUAL(diskspec_vdev_to_devid("51712", &id), 0);
	CU_ASSERT_EQUAL(id, 51712);
	CU_ASSERT_EQUAL(diskspec_vdev_to_devid("0", &id), -EINVAL);
	CU_ASSERT_EQUAL(diskspec_vdev_to_devid("sdq", &id), -EINVAL);
	CU_ASSERT_EQUAL(diskspec_vdev_to_devid("xvd", &id), -EINVAL);
	CU_ASSERT_EQUAL(diskspec_vdev_to_devid("xvdA", &id), -EINVAL);
	CU_ASSERT_EQUAL(diskspec_vdev_to_devid("hda64", &id), -EINVAL);
	diskspec_devid_to_vdev(12345, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "12345");
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("diskspec", NULL, NULL);
	CU_add_test(s, "positional", test_positional);
	CU_add_test(s, "legacy xm forms", test_legacy);
	CU_add_test(s, "keys", test_keys);
	CU_add_test(s, "formats and NBD URIs", test_formats_and_uris);
	CU_add_test(s, "errors", test_errors);
	CU_add_test(s, "vdev numbers", test_vdev);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
