/* Unit tests of grant tables: setup_table/query_size/version, every GNTTABOP_copy
 * refusal with its GNTST status, dom0 maps through the privcmd handlers (entry
 * checks, GTF_reading/GTF_writing kept while mapped, read-only fds, unmap, the
 * connection closing, a destroyed domain), dom0's copy buffer, and the granter's
 * revocation (the reference kernel's own code) racing the hypervisor's pins. Real
 * domains from the domain table; no process is started. */
#include <CUnit/Basic.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../frontends/kernel/lib/grant_entry.h"
#include "gnttab/gnttab_priv.h"
#include "privcmd/privcmd_ops.h"
#include "pvisor/errno.h"
#include "util.h"

#define SCRATCH 200 /* a RAM page of each guest for hypercall arguments */

static struct domain *dom_a, *dom_b; /* A grants, B copies */
static struct hc_ctx ctx_a, ctx_b;

static struct domain *make_domain(unsigned vcpus, struct hc_ctx *ctx)
{
	struct domain *d;
	pv_domid_t id;

	if (domain_create(0, vcpus, NULL, &id) || !(d = domain_get(id)) ||
	    domain_set_max_mem(d, 1024)) /* 256 pages */
		return NULL;
	memset(ctx, 0, sizeof(*ctx));
	ctx->d = d;
	ctx->v = &d->vcpus[0];
	return d;
}

static int setup(void)
{
	dom_a = make_domain(2, &ctx_a);
	dom_b = make_domain(1, &ctx_b);
	return !dom_a || !dom_b;
}

static void drop_domain(struct domain *d)
{
	domain_destroy(d);
	domain_put(d);
}

static int teardown(void)
{
	drop_domain(dom_a);
	drop_domain(dom_b);
	return 0;
}

static uint64_t scratch_addr(void)
{
	return PV_PHYSMAP_BASE + SCRATCH * PV_PAGE_SIZE;
}

static void *scratch(struct domain *d)
{
	return d->mem + SCRATCH * PV_PAGE_SIZE;
}

/* Entry ref of d's table (frame 0 is there from the start). */
static struct pv_grant_entry_v1 *entry(struct domain *d, uint32_t ref)
{
	uint64_t gpfn = d->max_pages + PV_SPECIAL_GNTTAB(d->max_vcpus) + ref / 512;

	return (struct pv_grant_entry_v1 *)(d->mem + gpfn * PV_PAGE_SIZE) + ref % 512;
}

static long gnt_op(struct hc_ctx *ctx, unsigned cmd, uint32_t count)
{
	uint64_t a[5] = { cmd, scratch_addr(), count };

	return hypercall_dispatch(ctx, PV_HYPERCALL_grant_table_op, a);
}

static void test_setup_query(void)
{
	struct pv_gnttab_query_size *q = scratch(dom_a);
	struct pv_gnttab_setup_table *st = scratch(dom_a);
	uint64_t *frames = (uint64_t *)((uint8_t *)scratch(dom_a) + 64);

	*q = (struct pv_gnttab_query_size){ .dom = PV_DOMID_SELF };
	CU_ASSERT_EQUAL(gnt_op(&ctx_a, PV_GNTTABOP_query_size, 1), 0);
	CU_ASSERT_EQUAL(q->status, PV_GNTST_okay);
	CU_ASSERT_EQUAL(q->nr_frames, 1);
	CU_ASSERT_EQUAL(q->max_nr_frames, PV_GNTTAB_MAX_FRAMES);
	*st = (struct pv_gnttab_setup_table){ .dom = PV_DOMID_SELF,
					      .nr_frames = 4,
					      .frame_list = scratch_addr() + 64 };
	CU_ASSERT_EQUAL(gnt_op(&ctx_a, PV_GNTTABOP_setup_table, 1), 0);
	CU_ASSERT_EQUAL(st->status, PV_GNTST_okay);
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(frames[i], dom_a->max_pages + PV_SPECIAL_GNTTAB(2) + i);
	*q = (struct pv_gnttab_query_size){ .dom = dom_a->domid };
	CU_ASSERT_EQUAL(gnt_op(&ctx_a, PV_GNTTABOP_query_size, 1), 0);
	CU_ASSERT_EQUAL(q->nr_frames, 4);
	/* more than the maximum, a frame list outside the guest, another domain */
	*st = (struct pv_gnttab_setup_table){ .dom = PV_DOMID_SELF,
					      .nr_frames = 65,
					      .frame_list = scratch_addr() + 64 };
	CU_ASSERT_EQUAL(gnt_op(&ctx_a, PV_GNTTABOP_setup_table, 1), 0);
	CU_ASSERT_EQUAL(st->status, PV_GNTST_general_error);
	*st = (struct pv_gnttab_setup_table){ .dom = PV_DOMID_SELF,
					      .nr_frames = 1,
					      .frame_list = 8 };
	CU_ASSERT_EQUAL(gnt_op(&ctx_a, PV_GNTTABOP_setup_table, 1), 0);
	CU_ASSERT_EQUAL(st->status, PV_GNTST_bad_virt_addr);
	*st = (struct pv_gnttab_setup_table){ .dom = dom_b->domid,
					      .nr_frames = 1,
					      .frame_list = scratch_addr() + 64 };
	CU_ASSERT_EQUAL(gnt_op(&ctx_a, PV_GNTTABOP_setup_table, 1), 0);
	CU_ASSERT_EQUAL(st->status, PV_GNTST_permission_denied);
	CU_ASSERT_EQUAL(gnt_op(&ctx_a, PV_GNTTABOP_setup_table, 2), -PV_EINVAL);
	CU_ASSERT_EQUAL(gnt_op(&ctx_a, PV_GNTTABOP_query_size, 0), -PV_EINVAL);
	CU_ASSERT_EQUAL(gnt_op(&ctx_a, PV_GNTTABOP_map_grant_ref, 1), -PV_ENOSYS);
}

static void test_dom0_setup(void)
{
	struct pv_gnttab_query_size q = { .dom = dom_b->domid };
	struct hc_ctx d0 = { .privileged = 1, .arg = (uint8_t *)&q, .arg_len = sizeof(q) };
	uint64_t a[5] = { PV_GNTTABOP_query_size, PV_PRIVCMD_ARG_ADDR, 1 };

	CU_ASSERT_EQUAL(hypercall_dispatch(&d0, PV_HYPERCALL_grant_table_op, a), 0);
	CU_ASSERT_EQUAL(q.status, PV_GNTST_okay);
	CU_ASSERT_EQUAL(q.nr_frames, 1);
	q.dom = PV_DOMID_SELF; /* dom0 has no table of its own */
	CU_ASSERT_EQUAL(hypercall_dispatch(&d0, PV_HYPERCALL_grant_table_op, a), 0);
	CU_ASSERT_EQUAL(q.status, PV_GNTST_bad_domain);
	d0.arg_len = sizeof(q) - 1;
	CU_ASSERT_EQUAL(hypercall_dispatch(&d0, PV_HYPERCALL_grant_table_op, a), -PV_EFAULT);
}

static void test_version(void)
{
	struct pv_gnttab_set_version *sv = scratch(dom_a);
	struct pv_gnttab_get_version *gv = scratch(dom_a);

	sv->version = 2;
	CU_ASSERT_EQUAL(gnt_op(&ctx_a, PV_GNTTABOP_set_version, 1), -PV_ENOSYS);
	CU_ASSERT_EQUAL(sv->version, 1);
	sv->version = 3;
	CU_ASSERT_EQUAL(gnt_op(&ctx_a, PV_GNTTABOP_set_version, 1), -PV_EINVAL);
	sv->version = 1;
	CU_ASSERT_EQUAL(gnt_op(&ctx_a, PV_GNTTABOP_set_version, 1), 0);
	*gv = (struct pv_gnttab_get_version){ .dom = PV_DOMID_SELF };
	CU_ASSERT_EQUAL(gnt_op(&ctx_a, PV_GNTTABOP_get_version, 1), 0);
	CU_ASSERT_EQUAL(gv->version, 1);
}

/* A copy op of B: a grant of A (ref) and B's own frame, either direction. */
static struct pv_gnttab_copy copy_op(uint32_t ref, uint64_t local, int into_grant)
{
	struct pv_gnttab_copy op = { .len = 16 };
	struct pv_gnttab_copy_ptr granted = { .u.ref = ref, .domid = dom_a->domid };
	struct pv_gnttab_copy_ptr own = { .u.gmfn = local, .domid = PV_DOMID_SELF };

	op.source = into_grant ? own : granted;
	op.dest = into_grant ? granted : own;
	op.flags = into_grant ? PV_GNTCOPY_dest_gref : PV_GNTCOPY_source_gref;
	return op;
}

/* Run ops as B's batch and return the status of each. */
static void run_copies(struct pv_gnttab_copy *ops, int n, int16_t *status)
{
	memcpy(scratch(dom_b), ops, n * sizeof(*ops));
	CU_ASSERT_EQUAL(gnt_op(&ctx_b, PV_GNTTABOP_copy, (uint32_t)n), 0);
	memcpy(ops, scratch(dom_b), n * sizeof(*ops));
	for (int i = 0; i < n; i++)
		status[i] = ops[i].status;
}

enum { RO = 10, RW = 11, NOT_PERMITTED = 12, OTHER = 13, BAD_FRAME = 14, TRANSITIVE = 15 };

static void grant_copy_refs(void)
{
	pv_domid_t b = dom_b->domid;

	grant_entry_set(entry(dom_a, RO), b, 5, 1);
	grant_entry_set(entry(dom_a, RW), b, 6, 0);
	*entry(dom_a, NOT_PERMITTED) = (struct pv_grant_entry_v1){ 0, b, 7 };
	grant_entry_set(entry(dom_a, OTHER), (pv_domid_t)(b + 100), 7, 0);
	grant_entry_set(entry(dom_a, BAD_FRAME), b, (uint32_t)dom_a->max_pages, 0);
	*entry(dom_a, TRANSITIVE) = (struct pv_grant_entry_v1){ PV_GTF_transitive, b, 7 };
	memcpy(dom_a->mem + 5 * PV_PAGE_SIZE, "from A, page 5!", 16);
}

static void test_copy_checks(void)
{
	struct pv_gnttab_copy ops[16];
	int16_t st[16];
	uint32_t past = 4 * 512; /* A's table has 4 frames (test_setup_query) */

	grant_copy_refs();
	ops[0] = copy_op(RO, 1, 0);
	ops[1] = copy_op(NOT_PERMITTED, 1, 0);
	ops[2] = copy_op(OTHER, 1, 0);
	ops[3] = copy_op(RO, 1, 1); /* writing into a read-only grant */
	ops[4] = copy_op(past, 1, 0);
	ops[5] = copy_op(RO, 1, 0);
	ops[5].source.offset = 4090; /* 4090 + 16 crosses the page end */
	ops[6] = copy_op(RW, 1, 1);
	ops[6].dest.offset = 4095;
	ops[7] = copy_op(RO, 1, 0);
	ops[7].source.domid = 0x7000; /* no such domain */
	ops[8] = copy_op(BAD_FRAME, 1, 0);
	ops[9] = copy_op(RO, dom_b->max_pages, 0); /* own frame past RAM */
	ops[10] = copy_op(RO, 1, 0);
	ops[10].dest.domid = dom_a->domid; /* a local frame of another domain */
	ops[11] = copy_op(RW, 1, 1);
	ops[12] = copy_op(RO, 1, 0);
	ops[12].flags |= 4; /* unknown flag */
	ops[13] = copy_op(TRANSITIVE, 1, 0);
	ops[14] = copy_op(RO, 1, 0);
	ops[14].len = 0;
	ops[15] = copy_op(RO, 1, 0);
	ops[15].source.offset = 4096;
	ops[15].len = 0;
	run_copies(ops, 16, st);
	CU_ASSERT_EQUAL(st[0], PV_GNTST_okay);
	CU_ASSERT_EQUAL(memcmp(dom_b->mem + PV_PAGE_SIZE, "from A, page 5!", 16), 0);
	CU_ASSERT_EQUAL(st[1], PV_GNTST_general_error);
	CU_ASSERT_EQUAL(st[2], PV_GNTST_general_error);
	CU_ASSERT_EQUAL(st[3], PV_GNTST_general_error);
	CU_ASSERT_EQUAL(st[4], PV_GNTST_bad_gntref);
	CU_ASSERT_EQUAL(st[5], PV_GNTST_bad_copy_arg);
	CU_ASSERT_EQUAL(st[6], PV_GNTST_bad_copy_arg);
	CU_ASSERT_EQUAL(st[7], PV_GNTST_bad_domain);
	CU_ASSERT_EQUAL(st[8], PV_GNTST_bad_page);
	CU_ASSERT_EQUAL(st[9], PV_GNTST_bad_page);
	CU_ASSERT_EQUAL(st[10], PV_GNTST_permission_denied);
	CU_ASSERT_EQUAL(st[11], PV_GNTST_okay);
	CU_ASSERT_EQUAL(memcmp(dom_a->mem + 6 * PV_PAGE_SIZE, "from A, page 5!", 16), 0);
	CU_ASSERT_EQUAL(st[12], PV_GNTST_bad_copy_arg);
	CU_ASSERT_EQUAL(st[13], PV_GNTST_general_error);
	CU_ASSERT_EQUAL(st[14], PV_GNTST_okay);
	CU_ASSERT_EQUAL(st[15], PV_GNTST_okay);
	/* copies pin only while they run: nothing is left set, all can be revoked */
	CU_ASSERT_EQUAL(entry(dom_a, RO)->flags, PV_GTF_permit_access | PV_GTF_readonly);
	CU_ASSERT_EQUAL(entry(dom_a, RW)->flags, PV_GTF_permit_access);
	CU_ASSERT_EQUAL(entry(dom_a, BAD_FRAME)->flags, PV_GTF_permit_access);
	CU_ASSERT_EQUAL(grant_entry_revoke(entry(dom_a, RW)), 0);
	CU_ASSERT_EQUAL(entry(dom_a, RW)->flags, 0);
	ops[0] = copy_op(RW, 1, 1); /* revoked */
	run_copies(ops, 1, st);
	CU_ASSERT_EQUAL(st[0], PV_GNTST_general_error);
	/* an op array outside the guest */
	{
		uint64_t a[5] = { PV_GNTTABOP_copy, PV_PHYSMAP_BASE - 40, 1 };

		CU_ASSERT_EQUAL(hypercall_dispatch(&ctx_b, PV_HYPERCALL_grant_table_op, a),
				-PV_EFAULT);
	}
}

/* ---- dom0 maps through privcmd ---------------------------------------------------- */

struct map_result {
	int rc, fd;
	struct pv_privcmd_gnt_mapping m;
};

static struct map_result dom0_map(struct pconn *c, pv_domid_t domid, uint32_t ref, int ro)
{
	struct pv_privcmd_gnt_map req = { .domid = domid,
					  .ref = ref,
					  .flags = ro ? PV_PRIVCMD_GNT_READONLY : 0 };
	struct privcmd_reply rep = { .fd = -1 };
	struct map_result r;

	r.rc = privcmd_dispatch(c, PV_PRIVCMD_OP_GNT_MAP, (uint8_t *)&req, sizeof(req), &rep);
	r.fd = rep.fd;
	memset(&r.m, 0, sizeof(r.m));
	if (r.rc == 0 && rep.len == sizeof(r.m))
		memcpy(&r.m, rep.data, sizeof(r.m));
	if (rep.owned)
		free(rep.data);
	return r;
}

static int dom0_unmap(struct pconn *c, uint32_t handle)
{
	struct pv_privcmd_gnt_unmap req = { .handle = handle };
	struct privcmd_reply rep = { .fd = -1 };

	return privcmd_dispatch(c, PV_PRIVCMD_OP_GNT_UNMAP, (uint8_t *)&req, sizeof(req), &rep);
}

enum { D0_RW = 20, D0_RO = 21, D0_FOR_B = 22, D0_OFF = 23 };

static void test_map_refusals(void)
{
	struct pconn c = { .fd = -1 };
	struct pv_privcmd_gnt_map bad = { .domid = dom_a->domid, .ref = D0_RW, .flags = 2 };
	struct privcmd_reply rep = { .fd = -1 };

	grant_entry_set(entry(dom_a, D0_RO), 0, 9, 1);
	grant_entry_set(entry(dom_a, D0_FOR_B), dom_b->domid, 9, 0);
	*entry(dom_a, D0_OFF) = (struct pv_grant_entry_v1){ 0, 0, 9 };
	CU_ASSERT_EQUAL(dom0_map(&c, dom_a->domid, D0_OFF, 1).rc, -EPERM);   /* not permitted */
	CU_ASSERT_EQUAL(dom0_map(&c, dom_a->domid, D0_FOR_B, 1).rc, -EPERM); /* wrong domid */
	CU_ASSERT_EQUAL(dom0_map(&c, dom_a->domid, D0_RO, 0).rc, -EACCES);   /* ro for write */
	CU_ASSERT_EQUAL(dom0_map(&c, dom_a->domid, 4 * 512, 1).rc, -EINVAL); /* bad ref */
	CU_ASSERT_EQUAL(dom0_map(&c, dom_a->domid, UINT32_MAX, 1).rc, -EINVAL);
	CU_ASSERT_EQUAL(dom0_map(&c, 0x7000, D0_RO, 1).rc, -ESRCH);
	CU_ASSERT_EQUAL(privcmd_dispatch(&c, PV_PRIVCMD_OP_GNT_MAP, (uint8_t *)&bad, sizeof(bad),
					 &rep),
			-EINVAL);
	CU_ASSERT_EQUAL(privcmd_dispatch(&c, PV_PRIVCMD_OP_GNT_MAP, (uint8_t *)&bad, 4, &rep),
			-EINVAL);
	/* refusals leave the entries as they were */
	CU_ASSERT_EQUAL(entry(dom_a, D0_RO)->flags, PV_GTF_permit_access | PV_GTF_readonly);
	CU_ASSERT_EQUAL(entry(dom_a, D0_OFF)->flags, 0);
	CU_ASSERT_EQUAL(dom0_unmap(&c, 0), -ENOENT); /* unknown handle */
	CU_ASSERT_EQUAL(dom0_unmap(&c, 12345), -ENOENT);
	gnttab_handle_close(&c);
}

static void test_map_flags(void)
{
	struct pconn c = { .fd = -1 };
	struct pv_grant_entry_v1 *e = entry(dom_a, D0_RW);
	struct map_result w, r;
	uint8_t *p;

	grant_entry_set(e, 0, 8, 0);
	w = dom0_map(&c, dom_a->domid, D0_RW, 0);
	CU_ASSERT_EQUAL_FATAL(w.rc, 0);
	CU_ASSERT_EQUAL(w.m.offset, 8 * PV_PAGE_SIZE);
	CU_ASSERT_EQUAL(e->flags, PV_GTF_permit_access | PV_GTF_reading | PV_GTF_writing);
	p = mmap(NULL, PV_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, w.fd, (off_t)w.m.offset);
	CU_ASSERT_FATAL(p != MAP_FAILED);
	memcpy(p, "dom0 was here", 14);
	CU_ASSERT_EQUAL(memcmp(dom_a->mem + 8 * PV_PAGE_SIZE, "dom0 was here", 14), 0);
	/* the granter cannot revoke while mapped */
	CU_ASSERT_EQUAL(grant_entry_revoke(e), -PV_EBUSY);
	CU_ASSERT_EQUAL(e->flags & PV_GTF_type_mask, PV_GTF_permit_access);
	/* a second, read-only map: a read-only fd that refuses a writable mmap */
	r = dom0_map(&c, dom_a->domid, D0_RW, 1);
	CU_ASSERT_EQUAL_FATAL(r.rc, 0);
	CU_ASSERT_EQUAL(fcntl(r.fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	CU_ASSERT(mmap(NULL, PV_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, r.fd,
		       (off_t)r.m.offset) == MAP_FAILED);
	CU_ASSERT_NOT_EQUAL(w.m.handle, r.m.handle);
	/* the last writable map goes: writing clears, reading stays */
	CU_ASSERT_EQUAL(dom0_unmap(&c, w.m.handle), 0);
	CU_ASSERT_EQUAL(dom0_unmap(&c, w.m.handle), -ENOENT);
	CU_ASSERT_EQUAL(e->flags, PV_GTF_permit_access | PV_GTF_reading);
	CU_ASSERT_EQUAL(grant_entry_revoke(e), -PV_EBUSY);
	CU_ASSERT_EQUAL(dom0_unmap(&c, r.m.handle), 0);
	CU_ASSERT_EQUAL(e->flags, PV_GTF_permit_access);
	CU_ASSERT_EQUAL(grant_entry_revoke(e), 0);
	CU_ASSERT_EQUAL(dom0_map(&c, dom_a->domid, D0_RW, 1).rc, -EPERM); /* revoked */
	munmap(p, PV_PAGE_SIZE);
	close(w.fd);
	close(r.fd);
	gnttab_handle_close(&c);
}

/* A ref dom0 has mapped is pinned for dom0: B cannot copy through it. */
static void test_map_pins_grantee(void)
{
	struct pconn c = { .fd = -1 };
	struct pv_gnttab_copy op;
	struct map_result m;
	int16_t st;

	grant_entry_set(entry(dom_a, D0_RW), 0, 8, 0);
	m = dom0_map(&c, dom_a->domid, D0_RW, 1);
	CU_ASSERT_EQUAL_FATAL(m.rc, 0);
	op = copy_op(D0_RW, 1, 0);
	run_copies(&op, 1, &st);
	CU_ASSERT_EQUAL(st, PV_GNTST_general_error);
	CU_ASSERT_EQUAL(entry(dom_a, D0_RW)->flags, PV_GTF_permit_access | PV_GTF_reading);
	close(m.fd);
	gnttab_handle_close(&c); /* the connection closes: its maps go */
	CU_ASSERT_EQUAL(entry(dom_a, D0_RW)->flags, PV_GTF_permit_access);
	CU_ASSERT_PTR_NULL(c.gnt);
}

static void test_map_destroyed_domain(void)
{
	struct pconn c = { .fd = -1 };
	struct hc_ctx cc;
	struct domain *d = make_domain(1, &cc);
	struct map_result m1, m2;
	uint8_t *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	grant_entry_set(entry(d, 8), 0, 3, 0);
	memcpy(d->mem + 3 * PV_PAGE_SIZE, "last words", 11);
	m1 = dom0_map(&c, d->domid, 8, 0);
	m2 = dom0_map(&c, d->domid, 8, 1);
	CU_ASSERT_EQUAL_FATAL(m1.rc, 0);
	CU_ASSERT_EQUAL_FATAL(m2.rc, 0);
	p = mmap(NULL, PV_PAGE_SIZE, PROT_READ, MAP_SHARED, m1.fd, (off_t)m1.m.offset);
	close(m1.fd);
	close(m2.fd);
	drop_domain(d); /* destroyed while mapped: the maps keep its memory */
	CU_ASSERT_FATAL(p != MAP_FAILED);
	CU_ASSERT_EQUAL(memcmp(p, "last words", 11), 0);
	CU_ASSERT_EQUAL(dom0_unmap(&c, m1.m.handle), 0);
	CU_ASSERT_EQUAL(dom0_unmap(&c, m1.m.handle), -ENOENT);
	gnttab_handle_close(&c); /* drops m2 and with it the domain's last reference */
	munmap(p, PV_PAGE_SIZE);
}

/* ---- dom0's copy buffer ------------------------------------------------------------- */

static int dom0_buffer(struct pconn *c, uint64_t pages, uint8_t **buf)
{
	struct pv_privcmd_gnt_buffer b = { .pages = pages };
	struct privcmd_reply rep = { .fd = -1 };
	int rc = privcmd_dispatch(c, PV_PRIVCMD_OP_GNT_BUFFER, (uint8_t *)&b, sizeof(b), &rep);

	if (rc)
		return rc;
	CU_ASSERT_EQUAL(b.size, pages * PV_PAGE_SIZE);
	CU_ASSERT_EQUAL(ftruncate(rep.fd, 0), -1); /* sealed: cannot shrink under us */
	*buf = mmap(NULL, b.size, PROT_READ | PROT_WRITE, MAP_SHARED, rep.fd, 0);
	close(rep.fd);
	return *buf == MAP_FAILED ? -errno : 0;
}

static void test_dom0_copy(void)
{
	struct pconn c = { .fd = -1 }, other = { .fd = -1 };
	struct pv_gnttab_copy ops[3];
	struct hc_ctx d0 = { .privileged = 1,
			     .conn = &c,
			     .buf = (uint8_t *)ops,
			     .buf_len = sizeof(ops) };
	uint64_t a[5] = { PV_GNTTABOP_copy, PV_PRIVCMD_BUF_ADDR, 3 };
	uint8_t *buf = NULL;

	grant_entry_set(entry(dom_a, 30), 0, 5, 1);
	CU_ASSERT_EQUAL(dom0_buffer(&c, 0, &buf), -EINVAL);
	CU_ASSERT_EQUAL(dom0_buffer(&c, PV_PRIVCMD_GNT_BUFFER_MAX_PAGES + 1, &buf), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(dom0_buffer(&c, 4, &buf), 0);
	CU_ASSERT_EQUAL(dom0_buffer(&c, 4, &buf), -EBUSY);
	for (int i = 0; i < 3; i++) {
		memset(&ops[i], 0, sizeof(ops[i]));
		ops[i].source = (struct pv_gnttab_copy_ptr){ .u.ref = 30, .domid = dom_a->domid };
		ops[i].dest = (struct pv_gnttab_copy_ptr){ .u.gmfn = 2, .domid = PV_DOMID_SELF };
		ops[i].flags = PV_GNTCOPY_source_gref;
		ops[i].len = 16;
	}
	ops[1].dest.u.gmfn = 4; /* past the buffer */
	ops[2].dest.domid = 0;  /* dom0 naming itself */
	ops[2].dest.offset = 100;
	CU_ASSERT_EQUAL(hypercall_dispatch(&d0, PV_HYPERCALL_grant_table_op, a), 0);
	CU_ASSERT_EQUAL(ops[0].status, PV_GNTST_okay);
	CU_ASSERT_EQUAL(memcmp(buf + 2 * PV_PAGE_SIZE, "from A, page 5!", 16), 0);
	CU_ASSERT_EQUAL(ops[1].status, PV_GNTST_bad_page);
	CU_ASSERT_EQUAL(ops[2].status, PV_GNTST_okay);
	CU_ASSERT_EQUAL(memcmp(buf + 2 * PV_PAGE_SIZE + 100, "from A, page 5!", 16), 0);
	/* a connection without a buffer has no local pages */
	d0.conn = &other;
	CU_ASSERT_EQUAL(hypercall_dispatch(&d0, PV_HYPERCALL_grant_table_op, a), 0);
	CU_ASSERT_EQUAL(ops[0].status, PV_GNTST_bad_page);
	munmap(buf, 4 * PV_PAGE_SIZE);
	gnttab_handle_close(&c);
	gnttab_handle_close(&other);
}

/* ---- revocation racing the pins ------------------------------------------------------ */

static int race_stop, race_violations, race_pins;

/* Pin and unpin over and over; while pinned the entry must still be in force. */
static void *race_pinner(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&race_stop, __ATOMIC_RELAXED)) {
		uint64_t frame;

		if (gnttab_pin(dom_a, 40, 0, 1, &frame) != 0)
			continue;
		__atomic_fetch_add(&race_pins, 1, __ATOMIC_RELAXED);
		if ((__atomic_load_n(&entry(dom_a, 40)->flags, __ATOMIC_SEQ_CST) &
		     (PV_GTF_permit_access | PV_GTF_reading | PV_GTF_writing)) !=
		    (PV_GTF_permit_access | PV_GTF_reading | PV_GTF_writing))
			race_violations++;
		gnttab_unpin(dom_a, 40, 1);
	}
	return NULL;
}

static void test_revoke_race(void)
{
	pthread_t t;
	int revoked = 0;
	uint64_t end = util_now_ns() + 2000000000ull; /* or until both sides won often */

	grant_entry_set(entry(dom_a, 40), 0, 4, 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, race_pinner, NULL), 0);
	while ((revoked < 2000 || __atomic_load_n(&race_pins, __ATOMIC_RELAXED) < 2000) &&
	       util_now_ns() < end) {
		if (grant_entry_revoke(entry(dom_a, 40)) == 0) {
			revoked++;
			grant_entry_set(entry(dom_a, 40), 0, 4, 0);
		}
	}
	__atomic_store_n(&race_stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(race_violations, 0);
	CU_ASSERT(revoked > 0);
	CU_ASSERT(race_pins > 0);
	CU_ASSERT_EQUAL(entry(dom_a, 40)->flags & (PV_GTF_reading | PV_GTF_writing), 0);
}

int main(void)
{
	CU_pSuite s;
	int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("gnttab", setup, teardown);
	CU_add_test(s, "setup_table and query_size", test_setup_query);
	CU_add_test(s, "dom0 asks about a guest's table", test_dom0_setup);
	CU_add_test(s, "v1 only", test_version);
	CU_add_test(s, "copy: every refusal and its status", test_copy_checks);
	CU_add_test(s, "dom0 map refusals", test_map_refusals);
	CU_add_test(s, "dom0 map flags, read-only fd, revocation refused", test_map_flags);
	CU_add_test(s, "a dom0 pin excludes other grantees; close drops maps",
		    test_map_pins_grantee);
	CU_add_test(s, "maps of a destroyed domain", test_map_destroyed_domain);
	CU_add_test(s, "dom0 copy buffer", test_dom0_copy);
	CU_add_test(s, "revocation racing pins", test_revoke_race);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = (int)CU_get_number_of_failures() + (int)CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
