/* Unit tests for libpvx image.c: qemu-img info's JSON (a backing chain, a single
 * image, and what it must refuse) and sizes as text. The store check runs in the
 * integration tests (t_blk_img). */
#include "libpvx/image.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <string.h>

/* What qemu-img 7.2 prints for a clone of a qcow2 template (trimmed). */
static const char chain[] =
	"[ { \"backing-filename-format\": \"qcow2\", \"virtual-size\": 67108864,"
	"    \"filename\": \"/img/c1.qcow2\", \"cluster-size\": 65536, \"format\": \"qcow2\","
	"    \"actual-size\": 200704, \"format-specific\": { \"type\": \"qcow2\", \"data\":"
	"    { \"compat\": \"1.1\", \"corrupt\": false } },"
	"    \"full-backing-filename\": \"/img/tpl.qcow2\","
	"    \"backing-filename\": \"tpl.qcow2\", \"dirty-flag\": false },"
	"  { \"virtual-size\": 67108864, \"filename\": \"/img/tpl.qcow2\","
	"    \"cluster-size\": 65536, \"format\": \"qcow2\", \"actual-size\": 12582912,"
	"    \"format-specific\": { \"type\": \"qcow2\", \"data\": { \"corrupt\": true } },"
	"    \"backing-filename\": \"base.vmdk\", \"dirty-flag\": true },"
	"  { \"virtual-size\": 67108864, \"filename\": \"/img/base.vmdk\","
	"    \"format\": \"vmdk\", \"actual-size\": 0 } ]";

static void test_chain(void)
{
	struct pvx_image_info info;
	struct pvx_err err = { 0 };

	CU_ASSERT_EQUAL_FATAL(pvx_image_info_parse(chain, &info, &err), 0);
	CU_ASSERT_EQUAL_FATAL(info.n, 3);
	CU_ASSERT_STRING_EQUAL(info.layers[0].filename, "/img/c1.qcow2");
	CU_ASSERT_STRING_EQUAL(info.layers[0].format, "qcow2");
	CU_ASSERT_EQUAL(info.layers[0].virtual_size, 67108864);
	CU_ASSERT_EQUAL(info.layers[0].actual_size, 200704);
	CU_ASSERT_EQUAL(info.layers[0].cluster_size, 65536);
	CU_ASSERT_STRING_EQUAL(info.layers[0].backing, "tpl.qcow2");
	CU_ASSERT_FALSE(info.layers[0].dirty);
	CU_ASSERT_FALSE(info.layers[0].corrupt);
	CU_ASSERT_TRUE(info.layers[1].dirty);
	CU_ASSERT_TRUE(info.layers[1].corrupt);
	CU_ASSERT_STRING_EQUAL(info.layers[1].backing, "base.vmdk");
	CU_ASSERT_STRING_EQUAL(info.layers[2].format, "vmdk");
	CU_ASSERT_PTR_NULL(info.layers[2].backing);
	CU_ASSERT_EQUAL(info.layers[2].cluster_size, 0);
	pvx_image_info_free(&info);
	CU_ASSERT_EQUAL(info.n, 0);
}

static void test_single(void)
{
	struct pvx_image_info info;

	CU_ASSERT_EQUAL_FATAL(pvx_image_info_parse("{ \"virtual-size\": 512, \"filename\": "
						   "\"d.raw\", \"format\": \"raw\" }",
						   &info, NULL),
			      0);
	CU_ASSERT_EQUAL(info.n, 1);
	CU_ASSERT_STRING_EQUAL(info.layers[0].filename, "d.raw");
	CU_ASSERT_EQUAL(info.layers[0].virtual_size, 512);
	pvx_image_info_free(&info);
}

static void bad(const char *json, const char *want)
{
	struct pvx_image_info info;
	struct pvx_err err = { 0 };

	CU_ASSERT_EQUAL(pvx_image_info_parse(json, &info, &err), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, want));
	pvx_image_info_free(&info);
}

static void test_errors(void)
{
	bad("qemu-img: Could not open 'x'", "not JSON");
	bad("[]", "no image");
	bad("42", "no image");
	bad("[ { \"format\": \"raw\" } ]", "image 0 of the chain has no filename or format");
	bad("[ { \"filename\": \"a\", \"format\": \"raw\" }, 7 ]", "image 1 is not an object");
	bad("[ { \"filename\": \"a\", \"format\": \"a-format-name-too-long\" } ]", "no filename");
}

static void test_sizes(void)
{
	char b[32];

	pvx_image_size_text(512, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "512 B");
	pvx_image_size_text(67108864, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "64 MiB");
	pvx_image_size_text(1536ull << 20, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "1.5 GiB");
	pvx_image_size_text(200704, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "196 KiB");
	pvx_image_size_text(0, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "0 B");
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("image", NULL, NULL);
	CU_add_test(s, "backing chain", test_chain);
	CU_add_test(s, "single image", test_single);
	CU_add_test(s, "refusals", test_errors);
	CU_add_test(s, "sizes", test_sizes);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
