/* blkcheck op=bad: a hostile frontend. Puts malformed requests on a connected
 * disk's ring -- bad segment counts, grant refs never granted, a read into a page
 * granted read-only (the backend, or a vhost-user server it hands the page to,
 * must not write it), sectors out of range,
 * bad first/last sectors, garbage and unsupported operations, broken indirect and
 * discard requests -- and expects an error response to every one; then a good read
 * must still succeed (the backend carries on). */
#include <pvisor/errno.h>

#include "apps/app.h"
#include "kernel/blkfront.h"
#include "kernel/gnttab.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "lib/kstring.h"

#define BAD_MAX 32

struct bad_case {
	const char *what;
	struct pv_blkif_request req;
};

static void seg(struct pv_blkif_request *r, unsigned n, pv_grant_ref_t ref, uint8_t f, uint8_t l)
{
	r->seg[n].gref = ref;
	r->seg[n].first_sect = f;
	r->seg[n].last_sect = l;
}

static unsigned bad_build(struct bad_case *bc, pv_grant_ref_t good, pv_grant_ref_t ro,
			  uint64_t sectors)
{
	struct pv_blkif_request_indirect *ind;
	struct pv_blkif_request_discard *dis;
	unsigned n = 0;

#define CASE(w) (memset(&bc[n].req, 0, sizeof(bc[n].req)), bc[n].what = (w), &bc[n++].req)
	struct pv_blkif_request *r;

	r = CASE("read with 0 segments"), r->operation = PV_BLKIF_OP_READ;
	r = CASE("read with 12 segments"), r->operation = PV_BLKIF_OP_READ, r->nr_segments = 12;
	for (unsigned i = 0; i < 11; i++)
		seg(r, i, good, 0, 7);
	r = CASE("write with 255 segments"), r->operation = PV_BLKIF_OP_WRITE,
	r->nr_segments = 255;
	r = CASE("read into ref 5000 (never granted)"), r->operation = PV_BLKIF_OP_READ,
	r->nr_segments = 1, seg(r, 0, 5000, 0, 7);
	r = CASE("write from ref 0xffffffff"), r->operation = PV_BLKIF_OP_WRITE,
	r->nr_segments = 1, seg(r, 0, 0xffffffffu, 0, 7);
	r = CASE("read into a page granted read-only"), r->operation = PV_BLKIF_OP_READ,
	r->nr_segments = 1, seg(r, 0, ro, 0, 7);
	r = CASE("read at the last sector + 1"), r->operation = PV_BLKIF_OP_READ,
	r->nr_segments = 1, r->sector_number = sectors, seg(r, 0, good, 0, 0);
	r = CASE("read across the end"), r->operation = PV_BLKIF_OP_READ, r->nr_segments = 1,
	r->sector_number = sectors - 1, seg(r, 0, good, 0, 7);
	r = CASE("read at sector 2^64 - 4"), r->operation = PV_BLKIF_OP_READ, r->nr_segments = 1,
	r->sector_number = ~0ull - 3, seg(r, 0, good, 0, 7);
	r = CASE("first_sect > last_sect"), r->operation = PV_BLKIF_OP_READ, r->nr_segments = 1,
	seg(r, 0, good, 5, 2);
	r = CASE("last_sect 8"), r->operation = PV_BLKIF_OP_READ, r->nr_segments = 1,
	seg(r, 0, good, 0, 8);
	r = CASE("operation 4 (reserved)"), r->operation = 4, r->nr_segments = 1,
	seg(r, 0, good, 0, 7);
	r = CASE("operation 7"), r->operation = 7;
	r = CASE("operation 200"), r->operation = 200, r->nr_segments = 3;
	r = CASE("write barrier (not offered)"), r->operation = PV_BLKIF_OP_WRITE_BARRIER;
	r = CASE("discard past the end"), dis = (void *)r, dis->operation = PV_BLKIF_OP_DISCARD,
	dis->sector_number = 8, dis->nr_sectors = ~0ull;
	r = CASE("indirect with 0 segments"), ind = (void *)r,
	ind->operation = PV_BLKIF_OP_INDIRECT, ind->indirect_op = PV_BLKIF_OP_READ;
	r = CASE("indirect with 10000 segments"), ind = (void *)r,
	ind->operation = PV_BLKIF_OP_INDIRECT, ind->indirect_op = PV_BLKIF_OP_READ,
	ind->nr_segments = 10000, ind->indirect_grefs[0] = good;
	r = CASE("indirect op 9"), ind = (void *)r, ind->operation = PV_BLKIF_OP_INDIRECT,
	ind->indirect_op = 9, ind->nr_segments = 1, ind->indirect_grefs[0] = good;
	r = CASE("indirect page ref 6000 (never granted)"), ind = (void *)r,
	ind->operation = PV_BLKIF_OP_INDIRECT, ind->indirect_op = PV_BLKIF_OP_READ,
	ind->nr_segments = 20, ind->indirect_grefs[0] = 6000;
#undef CASE
	for (unsigned i = 0; i < n; i++)
		bc[i].req.id = i;
	return n;
}

int app_blkcheck_op_bad(struct blkfront *bf, uint8_t *buf);

int app_blkcheck_op_bad(struct blkfront *bf, uint8_t *buf)
{
	static struct bad_case bc[BAD_MAX];
	struct blkfront_done d[BAD_MAX];
	int ref = gnttab_grant_access(0, mm_virt_to_gfn(buf), 0), got = 0, refused = 0;
	int ro = gnttab_grant_access(0, mm_virt_to_gfn(buf + PV_PAGE_SIZE), 1);
	unsigned n;

	if (ref < 0 || ro < 0)
		return ref < 0 ? ref : ro;
	n = bad_build(bc, (pv_grant_ref_t)ref, (pv_grant_ref_t)ro, blkfront_info(bf)->sectors);
	for (unsigned i = 0; i < n; i++) {
		while (blkfront_submit_raw(bf, &bc[i].req) == -PV_EAGAIN) {
			blkfront_kick(bf);
			blkfront_wait(bf);
			got += blkfront_poll(bf, d + got, BAD_MAX - got);
		}
	}
	blkfront_kick(bf);
	while (got < (int)n) {
		int k = blkfront_poll(bf, d + got, BAD_MAX - got);

		if (!k)
			blkfront_wait(bf);
		got += k;
	}
	for (int i = 0; i < got; i++) {
		int ok = d[i].status != PV_BLKIF_RSP_OKAY;

		refused += ok;
		printk("blkcheck: bad request '%s': status %d%s\n", bc[d[i].tag].what,
		       d[i].status, ok ? "" : " (ACCEPTED!)");
	}
	gnttab_end_access((pv_grant_ref_t)ref);
	gnttab_end_access((pv_grant_ref_t)ro);
	printk("blkcheck: %d of %u bad requests refused\n", refused, n);
	if (blkfront_rw(bf, 0, 0, buf, 8) < 0) {
		printk("blkcheck: FAIL a good read after the bad requests failed\n");
		return -PV_EIO;
	}
	if (refused != (int)n) {
		printk("blkcheck: FAIL some bad requests were served\n");
		return -PV_EINVAL;
	}
	printk("blkcheck: PASS every bad request refused, good read served\n");
	return 0;
}
