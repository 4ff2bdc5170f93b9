/* Unit tests of the console ring: the guest half (frontends/kernel/lib/consring.c)
 * against the backend half (dom0-tools/pvconsoled/cring.c) on one in-memory page,
 * including index wraparound and hostile indices; and pvconsoled's log files
 * (rotation at a line end, the per-domain rate limit). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include <pvisor/errno.h>

#include "../../frontends/kernel/lib/consring.h"
#include "pvconsoled/conlog.h"
#include "pvconsoled/cring.h"

static struct pv_xencons_interface page;

static void ring_reset(uint32_t start)
{
	memset(&page, 0, sizeof(page));
	page.out_cons = page.out_prod = start;
	page.in_cons = page.in_prod = start;
}

/* Output written by the guest comes out of the backend in order, across the end
 * of out[] and across the 2^32 wrap of the indices. */
static void test_out_roundtrip(void)
{
	uint32_t starts[] = { 0, 2000, UINT32_MAX - 100 };
	char msg[700], got[4096];

	for (size_t k = 0; k < sizeof(msg); k++)
		msg[k] = (char)('a' + k % 26);
	for (size_t s = 0; s < 3; s++) {
		ring_reset(starts[s]);
		for (int round = 0; round < 10; round++) {
			CU_ASSERT_EQUAL(consring_put(&page, msg, sizeof(msg)), (int)sizeof(msg));
			CU_ASSERT_EQUAL(cring_out_avail(&page), (int)sizeof(msg));
			CU_ASSERT_EQUAL(cring_out_peek(&page, got, sizeof(got)),
					(int)sizeof(msg));
			CU_ASSERT_EQUAL(memcmp(got, msg, sizeof(msg)), 0);
			cring_out_consume(&page, sizeof(msg));
			CU_ASSERT(consring_out_empty(&page));
		}
	}
}

/* A full ring takes nothing more; peek does not consume; room comes back. */
static void test_out_full(void)
{
	char big[3000], got[3000];

	memset(big, 'x', sizeof(big));
	ring_reset(UINT32_MAX - 10);
	CU_ASSERT_EQUAL(consring_put(&page, big, sizeof(big)), 2048);
	CU_ASSERT_EQUAL(consring_out_room(&page), 0);
	CU_ASSERT_EQUAL(consring_put(&page, big, 10), 0);
	CU_ASSERT_EQUAL(cring_out_peek(&page, got, 100), 100);
	CU_ASSERT_EQUAL(cring_out_avail(&page), 2048);
	cring_out_consume(&page, 100);
	CU_ASSERT_EQUAL(consring_out_room(&page), 100);
	CU_ASSERT_EQUAL(consring_put(&page, big, sizeof(big)), 100);
	CU_ASSERT_FALSE(consring_out_empty(&page));
}

/* Keyboard input: the backend fills in[] (1 KiB), the guest takes it in pieces. */
static void test_in(void)
{
	char keys[1500], got[1500];
	size_t have = 0;

	for (size_t k = 0; k < sizeof(keys); k++)
		keys[k] = (char)k;
	ring_reset(UINT32_MAX - 3);
	CU_ASSERT_EQUAL(consring_get(&page, got, sizeof(got)), 0);
	CU_ASSERT_EQUAL(cring_in_put(&page, keys, sizeof(keys)), 1024);
	CU_ASSERT_EQUAL(cring_in_room(&page), 0);
	while (have < 1024) {
		int n = consring_get(&page, got + have, 7);

		CU_ASSERT(n > 0 && n <= 7);
		if (n <= 0)
			break;
		have += (size_t)n;
	}
	CU_ASSERT_EQUAL(memcmp(got, keys, 1024), 0);
	CU_ASSERT_EQUAL(cring_in_room(&page), 1024);
	CU_ASSERT_EQUAL(cring_in_put(&page, keys + 1024, 476), 476);
	CU_ASSERT_EQUAL(consring_get(&page, got, sizeof(got)), 476);
	CU_ASSERT_EQUAL(memcmp(got, keys + 1024, 476), 0);
}

/* Indices further apart than the ring: both sides refuse and copy nothing. */
static void test_bad_indices(void)
{
	char buf[64] = "x";

	ring_reset(0);
	page.out_cons = 5000; /* cons ahead of prod: prod - cons is huge */
	CU_ASSERT_EQUAL(consring_put(&page, buf, 1), -PV_EIO);
	CU_ASSERT_EQUAL(page.out_prod, 0u);
	ring_reset(0);
	page.out_prod = 2049;
	CU_ASSERT_EQUAL(cring_out_avail(&page), -EIO);
	CU_ASSERT_EQUAL(cring_out_peek(&page, buf, sizeof(buf)), -EIO);
	ring_reset(0);
	page.in_prod = 1025;
	CU_ASSERT_EQUAL(consring_get(&page, buf, sizeof(buf)), -PV_EIO);
	CU_ASSERT_EQUAL(page.in_cons, 0u);
	ring_reset(0);
	page.in_cons = 7;
	CU_ASSERT_EQUAL(cring_in_room(&page), -EIO);
	CU_ASSERT_EQUAL(cring_in_put(&page, buf, 1), -EIO);
}

static char tmpdir[64];

static size_t file_size(const char *path)
{
	FILE *f = fopen(path, "r");
	long n;

	if (!f)
		return 0;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return (size_t)n;
}

/* Rotation waits for a line end, then <name>.log.1 holds whole lines; reopening
 * continues the size count. */
static void test_log_rotate(void)
{
	struct conlog_limits lim = { .max_bytes = 100, .rate = 0, .burst = 0 };
	struct conlog l;
	char path[128], old[140], line[40];
	FILE *f;

	snprintf(path, sizeof(path), "%s/d.log", tmpdir);
	snprintf(old, sizeof(old), "%s.1", path);
	CU_ASSERT_EQUAL(conlog_open(&l, path, &lim, 0), 0);
	for (int i = 0; i < 10; i++) { /* 10 x 11 bytes: the 10th crosses 100 */
		snprintf(line, sizeof(line), "line %05d\n", i);
		CU_ASSERT_EQUAL(conlog_write(&l, line, 6), 0); /* a line in two writes */
		CU_ASSERT_EQUAL(conlog_write(&l, line + 6, strlen(line) - 6), 0);
	}
	conlog_close(&l);
	CU_ASSERT_EQUAL(file_size(old), 110u);
	CU_ASSERT_EQUAL(file_size(path), 0u);
	f = fopen(old, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	while (fgets(line, sizeof(line), f))
		CU_ASSERT_EQUAL(strlen(line), 11u);
	fclose(f);
	CU_ASSERT_EQUAL(conlog_open(&l, path, &lim, 0), 0);
	CU_ASSERT_EQUAL(conlog_write(&l, "abc\n", 4), 0);
	conlog_close(&l);
	CU_ASSERT_EQUAL(conlog_open(&l, path, &lim, 0), 0);
	CU_ASSERT_EQUAL(l.bytes, 4u);
	conlog_close(&l);
}

/* The bucket starts full, empties with writes, refills at rate. */
static void test_log_rate(void)
{
	struct conlog_limits lim = { .max_bytes = 0, .rate = 1000, .burst = 5000 };
	struct conlog l;
	char path[128], buf[5000];

	memset(buf, 'y', sizeof(buf));
	snprintf(path, sizeof(path), "%s/r.log", tmpdir);
	CU_ASSERT_EQUAL(conlog_open(&l, path, &lim, 1000000000ull), 0);
	CU_ASSERT_EQUAL(conlog_allowance(&l, 1000000000ull), 5000u);
	CU_ASSERT_EQUAL(conlog_write(&l, buf, 5000), 0);
	CU_ASSERT_EQUAL(conlog_allowance(&l, 1000000000ull), 0u);
	CU_ASSERT(conlog_wait_ns(&l, 500) >= 500000000ull &&
		  conlog_wait_ns(&l, 500) < 500100000ull);
	CU_ASSERT_EQUAL(conlog_allowance(&l, 1500000000ull), 500u);
	CU_ASSERT_EQUAL(conlog_allowance(&l, 100000000000ull), 5000u); /* capped at burst */
	conlog_close(&l);
}

int main(void)
{
	CU_pSuite s;
	int failed;
	char cmd[100];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_console_ring.XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("console ring", NULL, NULL);
	CU_add_test(s, "output round trip and wrap", test_out_roundtrip);
	CU_add_test(s, "output ring full", test_out_full);
	CU_add_test(s, "input", test_in);
	CU_add_test(s, "impossible indices", test_bad_indices);
	CU_add_test(s, "log rotation at line end", test_log_rotate);
	CU_add_test(s, "log rate limit", test_log_rate);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = (int)CU_get_number_of_failures();
	CU_cleanup_registry();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		failed++;
	return failed ? 1 : 0;
}
