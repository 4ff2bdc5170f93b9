/* Unit tests for blkback's request validation (backends/blkback/blk_req.c): every
 * operation, every segment and range check, read-only and discard limits, the
 * indirect second stage. */
#include "blkback/blkback.h"

#include <CUnit/Basic.h>
#include <string.h>

static const struct blk_limits lim = { .sectors = 1000, .max_indirect = 256 };
static const struct blk_limits lim_ro = { .sectors = 1000, .max_indirect = 256, .readonly = 1 };
static const struct blk_limits lim_discard = { .sectors = 1000,
					       .max_indirect = 256,
					       .discard = 1 };
static struct blkreq out;

static struct pv_blkif_request rw(uint8_t op, uint64_t sector, unsigned nseg)
{
	struct pv_blkif_request r;

	memset(&r, 0, sizeof(r));
	r.operation = op;
	r.id = 0x1234567890ull;
	r.sector_number = sector;
	r.nr_segments = (uint8_t)nseg;
	for (unsigned i = 0; i < nseg && i < PV_BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
		r.seg[i].gref = 100 + i;
		r.seg[i].first_sect = 0;
		r.seg[i].last_sect = 7;
	}
	return r;
}

static void test_read_write_ok(void)
{
	struct pv_blkif_request r = rw(PV_BLKIF_OP_READ, 10, 11);

	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_OKAY);
	CU_ASSERT_EQUAL(out.nr_segs, 11);
	CU_ASSERT_EQUAL(out.nr_sectors, 88);
	CU_ASSERT_EQUAL(out.id, 0x1234567890ull);
	CU_ASSERT_EQUAL(out.op, PV_BLKIF_OP_READ);
	r.seg[3].first_sect = 2;
	r.seg[3].last_sect = 4;
	r.operation = PV_BLKIF_OP_WRITE;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_OKAY);
	CU_ASSERT_EQUAL(out.nr_sectors, 83);
	CU_ASSERT_EQUAL(out.ring_op, PV_BLKIF_OP_WRITE);
}

static void test_segment_counts(void)
{
	struct pv_blkif_request r = rw(PV_BLKIF_OP_READ, 0, 0);

	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_ERROR);
	r = rw(PV_BLKIF_OP_READ, 0, 11);
	r.nr_segments = 12;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_ERROR);
	r.nr_segments = 255;
	r.operation = PV_BLKIF_OP_WRITE;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_ERROR);
	CU_ASSERT_EQUAL(out.id, r.id); /* the error still names the request */
}

static void test_segment_sectors(void)
{
	struct pv_blkif_request r = rw(PV_BLKIF_OP_READ, 0, 2);

	r.seg[1].first_sect = 5, r.seg[1].last_sect = 4;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_ERROR);
	r.seg[1].first_sect = 0, r.seg[1].last_sect = 8;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_ERROR);
	r.seg[1].first_sect = 7, r.seg[1].last_sect = 7;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_OKAY);
	CU_ASSERT_EQUAL(out.nr_sectors, 9);
}

static void test_ranges(void)
{
	struct pv_blkif_request r = rw(PV_BLKIF_OP_READ, 992, 1);

	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_OKAY); /* 992..999 */
	r.sector_number = 993;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_ERROR);
	r.sector_number = 1000;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_ERROR);
	r.sector_number = ~0ull - 3; /* sector + count wraps */
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_ERROR);
}

static void test_readonly(void)
{
	struct pv_blkif_request r = rw(PV_BLKIF_OP_WRITE, 0, 1);

	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim_ro, &out), PV_BLKIF_RSP_ERROR);
	r.operation = PV_BLKIF_OP_READ;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim_ro, &out), PV_BLKIF_RSP_OKAY);
	r.operation = PV_BLKIF_OP_FLUSH_DISKCACHE; /* flush with data writes */
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim_ro, &out), PV_BLKIF_RSP_ERROR);
	r.nr_segments = 0;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim_ro, &out), PV_BLKIF_RSP_OKAY);
}

static void test_operations(void)
{
	struct pv_blkif_request r = rw(PV_BLKIF_OP_WRITE_BARRIER, 0, 1);

	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_EOPNOTSUPP);
	for (unsigned op = 7; op < 256; op++) {
		r.operation = (uint8_t)op;
		CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_ERROR);
		CU_ASSERT_EQUAL(out.ring_op, op);
	}
	r.operation = PV_BLKIF_OP_RESERVED_1;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_ERROR);
	r = rw(PV_BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_OKAY);
	CU_ASSERT_EQUAL(out.nr_segs, 0);
}

static void test_discard(void)
{
	struct pv_blkif_request r;
	struct pv_blkif_request_discard *d = (void *)&r;

	memset(&r, 0, sizeof(r));
	d->operation = PV_BLKIF_OP_DISCARD;
	d->sector_number = 100;
	d->nr_sectors = 900;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_EOPNOTSUPP);
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim_discard, &out), PV_BLKIF_RSP_OKAY);
	CU_ASSERT_EQUAL(out.nr_sectors, 900);
	d->nr_sectors = 901;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim_discard, &out), PV_BLKIF_RSP_ERROR);
	d->nr_sectors = ~0ull;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim_discard, &out), PV_BLKIF_RSP_ERROR);
	d->nr_sectors = 0;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim_discard, &out), PV_BLKIF_RSP_ERROR);
}

static void test_indirect(void)
{
	struct pv_blkif_request r;
	struct pv_blkif_request_indirect *ind = (void *)&r;
	struct pv_blkif_request_segment segs[300];

	memset(&r, 0, sizeof(r));
	ind->operation = PV_BLKIF_OP_INDIRECT;
	ind->indirect_op = PV_BLKIF_OP_WRITE;
	ind->nr_segments = 100;
	ind->sector_number = 0;
	ind->indirect_grefs[0] = 77;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_OKAY);
	CU_ASSERT_EQUAL(out.nr_indirect, 1);
	CU_ASSERT_EQUAL(out.indirect_grefs[0], 77);
	CU_ASSERT_EQUAL(out.op, PV_BLKIF_OP_WRITE);
	CU_ASSERT_EQUAL(out.ring_op, PV_BLKIF_OP_INDIRECT);
	for (unsigned i = 0; i < 300; i++)
		segs[i] = (struct pv_blkif_request_segment){ .gref = i,
							     .first_sect = 0,
							     .last_sect = 7 };
	CU_ASSERT_EQUAL(blkreq_set_indirect_segs(&out, segs, &lim), PV_BLKIF_RSP_OKAY);
	CU_ASSERT_EQUAL(out.nr_sectors, 800);
	CU_ASSERT_EQUAL(out.nr_indirect, 0);
	/* 126 x 8 sectors > 1000: past the end */
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_OKAY);
	out.nr_segs = 126;
	CU_ASSERT_EQUAL(blkreq_set_indirect_segs(&out, segs, &lim), PV_BLKIF_RSP_ERROR);
	segs[5].last_sect = 9;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_OKAY);
	CU_ASSERT_EQUAL(blkreq_set_indirect_segs(&out, segs, &lim), PV_BLKIF_RSP_ERROR);
	ind->nr_segments = 257;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_ERROR);
	ind->nr_segments = 0;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_ERROR);
	ind->nr_segments = 1;
	ind->indirect_op = PV_BLKIF_OP_FLUSH_DISKCACHE;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_ERROR);
	ind->indirect_op = PV_BLKIF_OP_WRITE;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim_ro, &out), PV_BLKIF_RSP_ERROR);
	ind->sector_number = 1000;
	CU_ASSERT_EQUAL(blkreq_parse(&r, &lim, &out), PV_BLKIF_RSP_ERROR);
}

int main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("blkreq", NULL, NULL);
	CU_add_test(s, "read/write", test_read_write_ok);
	CU_add_test(s, "segment counts", test_segment_counts);
	CU_add_test(s, "segment sectors", test_segment_sectors);
	CU_add_test(s, "sector ranges", test_ranges);
	CU_add_test(s, "read-only", test_readonly);
	CU_add_test(s, "operations", test_operations);
	CU_add_test(s, "discard", test_discard);
	CU_add_test(s, "indirect", test_indirect);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	{
		unsigned f = CU_get_number_of_failures() + CU_get_number_of_tests_failed();

		CU_cleanup_registry();
		return f ? 1 : 0;
	}
}
