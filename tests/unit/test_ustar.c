/* Unit tests for the kernel's ustar header parser (frontends/kernel/lib/ustar.c)
 * against archives made by the host's tar, plus corrupted headers. */
#include "lib/ustar.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *archive;
static size_t archive_len;

static int make_archive(void)
{
	char cmd[1024], dir[] = "/tmp/ustar.XXXXXX";
	FILE *f;

	if (!mkdtemp(dir))
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "cd %s && mkdir -p d && printf abc > d/f && printf '%%0300d' 0 > long && "
		 "mkdir -p %060d/%060d && touch %060d/%060d/x && "
		 "tar --format=ustar -cf a.tar d long %060d/%060d/x 2>/dev/null",
		 dir, 0, 0, 0, 0, 0, 0);
	if (system(cmd) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/a.tar", dir);
	f = fopen(cmd, "rb");
	if (!f)
		return -1;
	archive = malloc(1 << 20);
	archive_len = fread(archive, 1, 1 << 20, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void test_walk(void)
{
	static const struct {
		const char *name;
		uint64_t size;
		char type;
	} want[] = {
		{ "d/", 0, '5' },
		{ "d/f", 3, '0' },
		{ "long", 300, '0' },
	};
	struct ustar_entry e;
	size_t off = 0;
	unsigned n = 0;
	int r;

	CU_ASSERT_FATAL(archive_len >= 10240);
	while ((r = ustar_parse(archive + off, &e)) == 0) {
		if (n < 3) {
			CU_ASSERT_STRING_EQUAL(e.name, want[n].name);
			CU_ASSERT_EQUAL(e.size, want[n].size);
			CU_ASSERT_EQUAL(e.type, want[n].type);
		} else { /* a 123-character path: split into prefix and name */
			CU_ASSERT_EQUAL(strlen(e.name), 123);
			CU_ASSERT_STRING_EQUAL(e.name + 121, "/x");
			CU_ASSERT_EQUAL(e.name[60], '/');
		}
		n++;
		off += USTAR_BLOCK * (1 + ustar_data_blocks(&e));
	}
	CU_ASSERT_EQUAL(r, 1);
	CU_ASSERT_EQUAL(n, 4);
}

static void test_corrupt(void)
{
	uint8_t b[USTAR_BLOCK];
	struct ustar_entry e;

	memcpy(b, archive, sizeof(b));
	CU_ASSERT_EQUAL(ustar_parse(b, &e), 0);
	b[10] ^= 1; /* checksum no longer matches */
	CU_ASSERT_EQUAL(ustar_parse(b, &e), -1);
	memcpy(b, archive, sizeof(b));
	memcpy(b + 148, "12x4567", 8); /* not octal */
	CU_ASSERT_EQUAL(ustar_parse(b, &e), -1);
	memset(b, 0, sizeof(b));
	CU_ASSERT_EQUAL(ustar_parse(b, &e), 1);
	memset(b, 'A', sizeof(b));
	CU_ASSERT_EQUAL(ustar_parse(b, &e), -1);
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (make_archive() != 0) {
		fprintf(stderr, "test_ustar: cannot make an archive with tar\n");
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("ustar", NULL, NULL);
	CU_add_test(s, "host tar archive", test_walk);
	CU_add_test(s, "corrupt headers", test_corrupt);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	free(archive);
	return failed ? 1 : 0;
}
