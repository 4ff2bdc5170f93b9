/* Grant tables v1: each domain's table frames (special pages past its RAM), pinning
 * an entry while it is mapped or copied (GTF_reading/GTF_writing set with
 * compare-and-swap, as the granter's revocation protocol expects), and the
 * grant_table_op hypercall: setup_table, query_size, get/set_version and copy.
 * The entries are shared with a guest that may be hostile: each field is read once
 * with an atomic load and checked before it is used. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gnttab_priv.h"
#include "log.h"
#include "pvisor/errno.h"

#define GNT_CAS_TRIES 5 /* then the entry counts as unstable: the guest keeps writing it */

struct gnttab *gnttab_of(struct domain *d)
{
	struct gnttab *t = __atomic_load_n(&d->gnttab, __ATOMIC_ACQUIRE);

	if (t)
		return t;
	pthread_mutex_lock(&hv_lock);
	if (!d->gnttab && d->mem && (t = calloc(1, sizeof(*t)))) {
		pthread_mutex_init(&t->lock, NULL);
		t->nr_frames = 1; /* refs 0..7 (console, store) work before setup_table */
		__atomic_store_n(&d->gnttab, t, __ATOMIC_RELEASE);
	}
	t = d->gnttab;
	pthread_mutex_unlock(&hv_lock);
	return t;
}

/* Called when the domain record itself is freed: no pins can be left then. */
void gnttab_domain_free(struct domain *d)
{
	struct gnttab *t = d->gnttab;

	if (!t)
		return;
	for (unsigned i = 0; i < PV_GNTTAB_MAX_FRAMES; i++)
		free(t->active[i]);
	pthread_mutex_destroy(&t->lock);
	free(t);
	d->gnttab = NULL;
}

/* Table frame i: its pseudo-physical frame number and our mapping of it. */
static uint64_t gnt_frame_gpfn(const struct domain *d, unsigned i)
{
	return d->max_pages + PV_SPECIAL_GNTTAB(d->max_vcpus) + i;
}

/* flags (low half) and domid (high half) of entry ref: one word, so both are
 * checked and updated by a single compare-and-swap. */
static uint32_t *gnt_entry_word(struct domain *d, uint32_t ref)
{
	uint64_t page = PV_SPECIAL_GNTTAB(d->max_vcpus) + ref / GNT_PER_FRAME;

	return (uint32_t *)(d->mem + d->special_off + page * PV_PAGE_SIZE +
			    (ref % GNT_PER_FRAME) * sizeof(struct pv_grant_entry_v1));
}

static int gnt_entry_check(uint32_t word, pv_domid_t grantee, int writable)
{
	uint16_t flags = (uint16_t)word;

	if ((flags & PV_GTF_type_mask) != PV_GTF_permit_access || (word >> 16) != grantee)
		return -PV_EPERM;
	if (writable && (flags & PV_GTF_readonly))
		return -PV_EACCES;
	return 0;
}

/* Set GTF_reading (and GTF_writing) while the entry still grants what we need. */
static int gnt_entry_claim(uint32_t *w, pv_domid_t grantee, int writable)
{
	uint32_t seen = __atomic_load_n(w, __ATOMIC_SEQ_CST);
	uint32_t set = PV_GTF_reading | (writable ? PV_GTF_writing : 0);

	for (int i = 0; i < GNT_CAS_TRIES; i++) {
		int rc = gnt_entry_check(seen, grantee, writable);

		if (rc)
			return rc;
		if (__atomic_compare_exchange_n(w, &seen, seen | set, 0, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return 0;
	}
	return -PV_EBUSY;
}

static void gnt_entry_clear(uint32_t *w, uint16_t bits)
{
	__atomic_fetch_and((uint16_t *)w, (uint16_t)~bits, __ATOMIC_SEQ_CST);
}

/* The pin record of ref (t->lock held), allocated with its frame's bucket. */
static struct gnt_active *gnt_active(struct gnttab *t, uint32_t ref)
{
	struct gnt_active **b = &t->active[ref / GNT_PER_FRAME];

	if (!*b)
		*b = calloc(GNT_PER_FRAME, sizeof(**b));
	return *b ? &(*b)[ref % GNT_PER_FRAME] : NULL;
}

/* First pin of an entry: remember the frame, read once and checked to be RAM. */
static int gnt_first_pin(struct domain *rd, struct gnt_active *act, uint32_t *w,
			 pv_domid_t grantee, int writable)
{
	uint32_t frame;
	int rc = gnt_entry_claim(w, grantee, writable);

	if (rc)
		return rc;
	frame = __atomic_load_n(w + 1, __ATOMIC_SEQ_CST);
	if (frame >= rd->max_pages) {
		gnt_entry_clear(w, PV_GTF_reading | (writable ? PV_GTF_writing : 0));
		return -PV_EFAULT;
	}
	act->frame = frame;
	act->grantee = grantee;
	return 0;
}

int gnttab_pin(struct domain *rd, uint32_t ref, pv_domid_t grantee, int writable, uint64_t *frame)
{
	struct gnttab *t = gnttab_of(rd);
	struct gnt_active *act;
	int rc = 0;

	if (!t)
		return -PV_EINVAL;
	pthread_mutex_lock(&t->lock);
	if (ref >= t->nr_frames * GNT_PER_FRAME)
		rc = -PV_EINVAL;
	else if (!(act = gnt_active(t, ref)))
		rc = -PV_ENOMEM;
	else if (!act->readers)
		rc = gnt_first_pin(rd, act, gnt_entry_word(rd, ref), grantee, writable);
	else if (act->grantee != grantee)
		rc = -PV_EPERM;
	else if (writable && !act->writers)
		rc = gnt_entry_claim(gnt_entry_word(rd, ref), grantee, 1);
	if (rc == 0) {
		act->readers++;
		act->writers += writable ? 1 : 0;
		*frame = act->frame;
	}
	pthread_mutex_unlock(&t->lock);
	return rc;
}

void gnttab_unpin(struct domain *rd, uint32_t ref, int writable)
{
	struct gnttab *t = rd->gnttab;
	struct gnt_active *act;

	if (!t || ref >= PV_GNTTAB_MAX_FRAMES * GNT_PER_FRAME)
		return;
	pthread_mutex_lock(&t->lock);
	act = t->active[ref / GNT_PER_FRAME]
		      ? &t->active[ref / GNT_PER_FRAME][ref % GNT_PER_FRAME]
		      : NULL;
	if (act && act->readers && (!writable || act->writers)) {
		uint16_t clear = 0;

		if (writable) /* dom0 or a copy may have written it: the dirty log hears */
			domain_dirty_mark(rd, act->frame, 1);
		if (writable && --act->writers == 0)
			clear |= PV_GTF_writing;
		if (--act->readers == 0)
			clear |= PV_GTF_reading;
		if (clear)
			gnt_entry_clear(gnt_entry_word(rd, ref), clear);
	} else {
		log_warnx("dom%u: grant %u unpinned more often than pinned", rd->domid, ref);
	}
	pthread_mutex_unlock(&t->lock);
}

void gnttab_dirty_writers(struct domain *d, uint64_t *bitmap)
{
	struct gnttab *t = d->gnttab;

	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	for (unsigned f = 0; f < PV_GNTTAB_MAX_FRAMES; f++)
		for (unsigned i = 0; t->active[f] && i < GNT_PER_FRAME; i++)
			if (t->active[f][i].writers && t->active[f][i].frame < d->max_pages)
				bitmap[t->active[f][i].frame / 64] |= 1ull
								      << (t->active[f][i].frame %
									  64);
	pthread_mutex_unlock(&t->lock);
}

int16_t gnttab_status(int err)
{
	switch (err) {
	case 0:
		return PV_GNTST_okay;
	case -PV_EINVAL:
		return PV_GNTST_bad_gntref;
	case -PV_EFAULT:
		return PV_GNTST_bad_page;
	case -PV_ESRCH:
		return PV_GNTST_bad_domain;
	default:
		return PV_GNTST_general_error; /* what Xen says for bad flags or domid */
	}
}

/* The domain a setup_table / query_size names: the caller's own, or any for dom0.
 * Sets *status when there is none. */
static struct domain *gnt_op_target(struct hc_ctx *ctx, pv_domid_t dom, int16_t *status)
{
	int err = 0;
	struct domain *d = hc_target(ctx, dom, &err);

	if (!d)
		*status = err == -PV_EPERM ? PV_GNTST_permission_denied : PV_GNTST_bad_domain;
	return d;
}

static int16_t gnt_setup_frames(struct hc_ctx *ctx, struct domain *d,
				const struct pv_gnttab_setup_table *op)
{
	struct gnttab *t;

	if (op->nr_frames > PV_GNTTAB_MAX_FRAMES || !(t = gnttab_of(d)))
		return PV_GNTST_general_error;
	pthread_mutex_lock(&t->lock);
	if (op->nr_frames > t->nr_frames)
		t->nr_frames = op->nr_frames; /* tables only grow, as on Xen */
	pthread_mutex_unlock(&t->lock);
	for (uint32_t i = 0; i < op->nr_frames; i++) {
		uint64_t gpfn = gnt_frame_gpfn(d, i);

		if (hc_copy_to(ctx, op->frame_list + i * sizeof(gpfn), &gpfn, sizeof(gpfn)))
			return PV_GNTST_bad_virt_addr;
	}
	return PV_GNTST_okay;
}

static long gnt_setup_table(struct hc_ctx *ctx, struct pv_gnttab_setup_table *op)
{
	struct domain *d = gnt_op_target(ctx, op->dom, &op->status);

	if (d) {
		op->status = gnt_setup_frames(ctx, d, op);
		domain_put(d);
	}
	return 0;
}

static long gnt_query_size(struct hc_ctx *ctx, struct pv_gnttab_query_size *op)
{
	struct domain *d = gnt_op_target(ctx, op->dom, &op->status);
	struct gnttab *t;

	if (d) {
		t = gnttab_of(d);
		op->nr_frames = t ? t->nr_frames : 0;
		op->max_nr_frames = PV_GNTTAB_MAX_FRAMES;
		op->status = t ? PV_GNTST_okay : PV_GNTST_general_error;
		domain_put(d);
	}
	return 0;
}

/* pvisor has v1 only: asking for 2 fails as on a Xen limited to v1. */
static long gnt_set_version(struct hc_ctx *ctx, struct pv_gnttab_set_version *op)
{
	long rc = op->version == 1 ? 0 : op->version == 2 ? -PV_ENOSYS : -PV_EINVAL;

	(void)ctx;
	op->version = 1;
	return rc;
}

static long gnt_get_version(struct hc_ctx *ctx, struct pv_gnttab_get_version *op)
{
	int16_t status = 0;
	struct domain *d = gnt_op_target(ctx, op->dom, &status);

	if (!d)
		return status == PV_GNTST_permission_denied ? -PV_EPERM : -PV_ESRCH;
	domain_put(d);
	op->version = 1;
	return 0;
}

/* The commands that take exactly one op: copy it in, run fn, copy it back (also
 * when fn fails: set_version reports the version in force either way). */
#define GNT_ONE_OP(type, fn) \
	do { \
		type op; \
		long rc; \
		if (count != 1) \
			return -PV_EINVAL; \
		if (hc_copy_from(ctx, a[1], &op, sizeof(op))) \
			return -PV_EFAULT; \
		rc = fn(ctx, &op); \
		return hc_copy_to(ctx, a[1], &op, sizeof(op)) ? -PV_EFAULT : rc; \
	} while (0)

long hc_grant_table_op(struct hc_ctx *ctx, const uint64_t a[5])
{
	uint32_t count = (uint32_t)a[2];

	switch (a[0]) {
	case PV_GNTTABOP_setup_table:
		GNT_ONE_OP(struct pv_gnttab_setup_table, gnt_setup_table);
	case PV_GNTTABOP_query_size:
		GNT_ONE_OP(struct pv_gnttab_query_size, gnt_query_size);
	case PV_GNTTABOP_set_version:
		GNT_ONE_OP(struct pv_gnttab_set_version, gnt_set_version);
	case PV_GNTTABOP_get_version:
		GNT_ONE_OP(struct pv_gnttab_get_version, gnt_get_version);
	case PV_GNTTABOP_copy:
		return gnttab_copy(ctx, a[1], count);
	default:
		/* map/unmap for guests, transfer, v2 ops: not provided (docs/ABI.md) */
		return -PV_ENOSYS;
	}
}

/* ---- save/restore (core/domain_sr.c); hv_lock held ---- */
unsigned gnttab_sr_frames_locked(struct domain *d)
{
	struct gnttab *t = d->gnttab;
	unsigned n;

	if (!t)
		return 0;
	pthread_mutex_lock(&t->lock);
	n = t->nr_frames;
	pthread_mutex_unlock(&t->lock);
	return n;
}

int gnttab_sr_restore_locked(struct domain *d, unsigned nr_frames)
{
	struct gnttab *t;

	if (nr_frames > PV_GNTTAB_MAX_FRAMES || !d->mem)
		return -PV_EINVAL;
	if (nr_frames == 0)
		return 0; /* it never used one: made at first use, as for a new domain */
	if (d->gnttab)
		return -PV_EBUSY;
	if (!(t = calloc(1, sizeof(*t))))
		return -PV_ENOMEM;
	pthread_mutex_init(&t->lock, NULL);
	t->nr_frames = nr_frames;
	__atomic_store_n(&d->gnttab, t, __ATOMIC_RELEASE);
	return 0;
}
