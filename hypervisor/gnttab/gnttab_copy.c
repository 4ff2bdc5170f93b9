/* GNTTABOP_copy: copy bytes between granted pages and the caller's own pages without
 * mapping anything. Each op pins its grants for the duration of its memcpy (so the
 * granter cannot revoke them half-way) and gets its own status, as on Xen. A guest's
 * local side is a frame of its RAM; dom0's is a page of the buffer its privcmd
 * connection registered (gnttab_map.c). */
#include <errno.h>
#include <string.h>

#include "gnttab_priv.h"
#include "pvisor/errno.h"

/* The last domains a batch used, kept referenced until the batch ends: a batch
 * usually names one or two domains thousands of times. */
#define GNT_COPY_CACHE 2
struct gnt_copy_batch {
	struct hc_ctx *ctx;
	pv_domid_t self; /* the caller's domid (0 for dom0) */
	struct domain *cache[GNT_COPY_CACHE];
	unsigned next;
};

/* One side of an op, once resolved. */
struct gnt_side {
	struct domain *d; /* granting domain when pinned, else NULL */
	uint32_t ref;
	int writable;
	uint8_t *page;
};

static struct domain *gnt_batch_domain(struct gnt_copy_batch *b, pv_domid_t domid)
{
	struct domain *d;

	if (domid == PV_DOMID_SELF)
		domid = b->self;
	for (unsigned i = 0; i < GNT_COPY_CACHE; i++)
		if (b->cache[i] && b->cache[i]->domid == domid)
			return b->cache[i];
	d = domain_get(domid);
	if (!d)
		return NULL;
	if (b->cache[b->next])
		domain_put(b->cache[b->next]);
	b->cache[b->next] = d;
	b->next = (b->next + 1) % GNT_COPY_CACHE;
	return d;
}

static void gnt_batch_end(struct gnt_copy_batch *b)
{
	for (unsigned i = 0; i < GNT_COPY_CACHE; i++)
		if (b->cache[i])
			domain_put(b->cache[i]);
}

/* A side without a grant: one of the caller's own pages. */
static int16_t gnt_side_local(struct gnt_copy_batch *b, const struct pv_gnttab_copy_ptr *p,
			      struct gnt_side *s)
{
	struct hc_ctx *ctx = b->ctx;

	if (p->domid != PV_DOMID_SELF && p->domid != b->self)
		return PV_GNTST_permission_denied;
	if (ctx->d) {
		if (p->u.gmfn >= ctx->d->max_pages)
			return PV_GNTST_bad_page;
		s->page = ctx->d->mem + p->u.gmfn * PV_PAGE_SIZE;
		return PV_GNTST_okay;
	}
	if (!ctx->conn)
		return PV_GNTST_general_error;
	s->page = gnttab_buffer_page(ctx->conn, p->u.gmfn);
	return s->page ? PV_GNTST_okay : PV_GNTST_bad_page;
}

static int16_t gnt_side_acquire(struct gnt_copy_batch *b, const struct pv_gnttab_copy_ptr *p,
				int is_gref, int writable, struct gnt_side *s)
{
	struct domain *d;
	uint64_t frame;
	int rc;

	memset(s, 0, sizeof(*s));
	if (!is_gref)
		return gnt_side_local(b, p, s);
	d = gnt_batch_domain(b, p->domid);
	if (!d)
		return PV_GNTST_bad_domain;
	rc = gnttab_pin(d, p->u.ref, b->self, writable, &frame);
	if (rc)
		return gnttab_status(rc);
	s->d = d;
	s->ref = p->u.ref;
	s->writable = writable;
	s->page = d->mem + frame * PV_PAGE_SIZE;
	return PV_GNTST_okay;
}

static void gnt_side_release(struct gnt_side *s)
{
	if (s->d)
		gnttab_unpin(s->d, s->ref, s->writable);
}

static int16_t gnt_copy_one(struct gnt_copy_batch *b, const struct pv_gnttab_copy *op)
{
	struct gnt_side src, dst;
	int16_t st;

	if (op->flags & ~(PV_GNTCOPY_source_gref | PV_GNTCOPY_dest_gref))
		return PV_GNTST_bad_copy_arg;
	/* offset + len within one page, on both sides */
	if (op->source.offset > PV_PAGE_SIZE || op->len > PV_PAGE_SIZE - op->source.offset ||
	    op->dest.offset > PV_PAGE_SIZE || op->len > PV_PAGE_SIZE - op->dest.offset)
		return PV_GNTST_bad_copy_arg;
	st = gnt_side_acquire(b, &op->source, op->flags & PV_GNTCOPY_source_gref, 0, &src);
	if (st != PV_GNTST_okay)
		return st;
	st = gnt_side_acquire(b, &op->dest, op->flags & PV_GNTCOPY_dest_gref, 1, &dst);
	if (st == PV_GNTST_okay) {
		memmove(dst.page + op->dest.offset, src.page + op->source.offset, op->len);
		if (!dst.d && b->ctx->d) /* the caller's own frame (a granted one: at unpin) */
			domain_dirty_mark(b->ctx->d,
					  (uint64_t)(dst.page - b->ctx->d->mem) / PV_PAGE_SIZE,
					  1);
		gnt_side_release(&dst);
	}
	gnt_side_release(&src);
	return st;
}

long gnttab_copy(struct hc_ctx *ctx, uint64_t uop, uint32_t count)
{
	struct gnt_copy_batch b = { .ctx = ctx, .self = ctx->d ? ctx->d->domid : 0 };
	long rc = 0;

	for (uint32_t i = 0; i < count; i++) {
		struct pv_gnttab_copy op;
		uint64_t at = uop + (uint64_t)i * sizeof(op);

		if (hc_copy_from(ctx, at, &op, sizeof(op))) {
			rc = -PV_EFAULT;
			break;
		}
		op.status = gnt_copy_one(&b, &op);
		if (hc_copy_to(ctx, at + offsetof(struct pv_gnttab_copy, status), &op.status,
			       sizeof(op.status))) {
			rc = -PV_EFAULT;
			break;
		}
	}
	gnt_batch_end(&b);
	return rc;
}
