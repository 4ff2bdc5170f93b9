/* sr_image: a save image's records read into guest memory and a checked
 * description of the rest (sr_image.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/sr_image.h"
#include "pvisor/event_channel.h"
#include "pvisor/grant_table.h"
#include "pvisor/pvisor.h"
#include "pvisor/xen.h"

#define PAGE         PV_PAGE_SIZE
#define SR_MAX_PORTS 4096u

/* The singletons, one bit each in img->seen. */
enum {
	SEEN_DOMAIN = 1u << 0,
	SEEN_STATE = 1u << 1,
	SEEN_BOOT = 1u << 2,
	SEEN_SHINFO = 1u << 3,
	SEEN_GNTTAB = 1u << 4,
	SEEN_EVTCHN = 1u << 5,
	SEEN_TIMERS = 1u << 6,
	SEEN_XS = 1u << 7,
};
#define SEEN_NEEDED \
	(SEEN_DOMAIN | SEEN_STATE | SEEN_BOOT | SEEN_SHINFO | SEEN_GNTTAB | SEEN_EVTCHN | \
	 SEEN_TIMERS)

static unsigned seen_bit(uint32_t type)
{
	switch (type) {
	case PV_SR_REC_DOMAIN:
		return SEEN_DOMAIN;
	case PV_SR_REC_DOMAIN_STATE:
		return SEEN_STATE;
	case PV_SR_REC_BOOT:
		return SEEN_BOOT;
	case PV_SR_REC_SHARED_INFO:
		return SEEN_SHINFO;
	case PV_SR_REC_GNTTAB:
		return SEEN_GNTTAB;
	case PV_SR_REC_EVTCHN:
		return SEEN_EVTCHN;
	case PV_SR_REC_TIMERS:
		return SEEN_TIMERS;
	case PV_SR_REC_XENSTORE:
		return SEEN_XS;
	default:
		return 0;
	}
}

static int damaged(struct pvx_err *err, const char *what)
{
	return pvx_fail(err, -EBADMSG, "the image is damaged: %s", what);
}

/* ---- DOMAIN ---- */
static int str_field_ok(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL && s[0];
}

static int domain_check(const struct pv_sr_domain *d, struct pvx_err *err)
{
	if (!str_field_ok(d->pvisor, sizeof(d->pvisor)) ||
	    !str_field_ok(d->engine, sizeof(d->engine)))
		return damaged(err, "its DOMAIN record names no writer or engine");
	if (strcmp(d->pvisor, PV_SR_PVISOR_VERSION) != 0)
		return pvx_fail(err, -EPROTONOSUPPORT,
				"the image was written by %s; this is %s, "
				"which restores only its own images",
				d->pvisor, PV_SR_PVISOR_VERSION);
	if (d->page_shift != PV_PAGE_SHIFT || d->max_vcpus == 0 || d->max_vcpus > SR_MAX_VCPUS ||
	    d->max_pages == 0 || d->max_pages > (64ull << 30) / PAGE ||
	    d->nr_special != PV_SPECIAL_PAGES(d->max_vcpus) || (d->flags & ~PV_SR_DOM_LIVE))
		return damaged(err, "its DOMAIN record describes no domain this pvisor makes");
	return 0;
}

static int rec_domain(struct sr_image *img, const struct sr_record *rec,
		      const struct sr_image_ops *ops, void *ctx, struct pvx_err *err)
{
	int rc;

	memcpy(&img->dom, rec->body, sizeof(img->dom));
	if ((rc = domain_check(&img->dom, err)) < 0)
		return rc;
	img->mem = NULL;
	rc = ops->domain(ctx, &img->dom, &img->mem, &img->layout, err);
	img->layout.live = (img->dom.flags & PV_SR_DOM_LIVE) != 0;
	if (rc == 0 && !img->mem)
		rc = pvx_fail(err, -EINVAL, "no memory for the domain");
	return rc;
}

/* ---- the state records ---- */
static int rec_vcpu(struct sr_image *img, const struct sr_record *rec, struct pvx_err *err)
{
	const struct pv_sr_vcpu *v = (const void *)rec->body;

	if (v->id >= img->dom.max_vcpus || img->vcpu[v->id] ||
	    v->extra_len > PV_SR_VCPU_EXTRA_MAX || rec->length != sizeof(*v) + v->extra_len ||
	    (v->flags & ~(PV_SR_VCPU_UP | PV_SR_VCPU_CTX)) ||
	    (v->state_flags & ~(PV_SR_STATE_FPU | PV_SR_STATE_SEGBASE)))
		return damaged(err, "a VCPU record is out of range or repeated");
	if (!(img->vcpu[v->id] = malloc(rec->length)))
		return pvx_fail(err, -ENOMEM, "out of memory");
	memcpy(img->vcpu[v->id], v, rec->length);
	return 0;
}

/* As Xen's restore: vcpu_info and the wallclock kept, no event pending, every port
 * masked -- the new domain has none of the old ports. */
static int rec_shared_info(struct sr_image *img, const struct sr_record *rec)
{
	struct pv_shared_info *si =
		(void *)(img->mem + (img->dom.max_pages + PV_SPECIAL_SHARED_INFO) * PAGE);

	memcpy(si, rec->body + 8, PAGE);
	memset(si->evtchn_pending, 0, sizeof(si->evtchn_pending));
	memset(si->evtchn_mask, 0xff, sizeof(si->evtchn_mask));
	for (unsigned i = 0; i < PV_LEGACY_MAX_VCPUS; i++) {
		si->vcpu_info[i].evtchn_upcall_pending = 0;
		si->vcpu_info[i].evtchn_pending_sel = 0;
	}
	return 0;
}

/* The frames as the guest left them, minus the marks of the maps and copies of
 * the old domain's peers: nothing maps the new domain's grants yet. */
static int rec_gnttab(struct sr_image *img, const struct sr_record *rec, struct pvx_err *err)
{
	const struct pv_sr_gnttab *g = (const void *)rec->body;
	uint8_t *dst = img->mem +
		       (img->dom.max_pages + PV_SPECIAL_GNTTAB(img->dom.max_vcpus)) * PAGE;
	struct pv_grant_entry_v1 *e = (void *)dst;

	if (g->nr_frames > PV_GNTTAB_MAX_FRAMES ||
	    rec->length != sizeof(*g) + g->nr_frames * PAGE)
		return damaged(err, "its GNTTAB record has a frame count that does not fit");
	memcpy(dst, g->frames, (size_t)g->nr_frames * PAGE);
	for (size_t i = 0; i < g->nr_frames * (PAGE / sizeof(*e)); i++)
		e[i].flags &= (uint16_t) ~(PV_GTF_reading | PV_GTF_writing);
	img->gnt_frames = g->nr_frames;
	return 0;
}

static int rec_evtchn(struct sr_image *img, const struct sr_record *rec, struct pvx_err *err)
{
	const struct pv_sr_evtchn_list *l = (const void *)rec->body;

	if (l->count > SR_MAX_PORTS || rec->length != sizeof(*l) + l->count * sizeof(l->ch[0]))
		return damaged(err, "its EVTCHN record has a count that does not fit");
	for (uint32_t i = 0; i < l->count; i++)
		if (l->ch[i].port == 0 || l->ch[i].port >= SR_MAX_PORTS ||
		    l->ch[i].state > PV_EVTCHNSTAT_ipi)
			return damaged(err, "its EVTCHN record names an impossible port");
	if (!(img->ports = malloc(l->count * sizeof(l->ch[0]) + 1)))
		return pvx_fail(err, -ENOMEM, "out of memory");
	memcpy(img->ports, l->ch, l->count * sizeof(l->ch[0]));
	img->nports = l->count;
	return 0;
}

static int rec_timers(struct sr_image *img, const struct sr_record *rec, struct pvx_err *err)
{
	const struct pv_sr_timers *t = (const void *)rec->body;

	if (t->count != img->dom.max_vcpus ||
	    rec->length != sizeof(*t) + t->count * sizeof(t->t[0]))
		return damaged(err, "its TIMERS record does not have one timer per vCPU");
	for (uint32_t i = 0; i < t->count; i++)
		if (t->t[i].vcpu != i ||
		    (t->t[i].flags & ~(PV_SR_TIMER_SINGLESHOT | PV_SR_TIMER_PERIODIC)))
			return damaged(err, "its TIMERS record is out of order");
	if (!(img->timers = malloc(t->count * sizeof(t->t[0]))))
		return pvx_fail(err, -ENOMEM, "out of memory");
	memcpy(img->timers, t->t, t->count * sizeof(t->t[0]));
	img->ntimers = t->count;
	return 0;
}

static int rec_boot(struct sr_image *img, const struct sr_record *rec, struct pvx_err *err)
{
	memcpy(&img->boot, rec->body, sizeof(img->boot));
	if (img->boot.start_info_gfn >= img->dom.max_pages ||
	    img->boot.store_gfn >= img->dom.max_pages ||
	    img->boot.console_gfn >= img->dom.max_pages)
		return damaged(err, "its BOOT record names frames outside the domain");
	return 0;
}

static int rec_state(struct sr_image *img, const struct sr_record *rec, struct pvx_err *err)
{
	memcpy(&img->ds, rec->body, sizeof(img->ds));
	if (img->ds.tot_pages > img->dom.max_pages || img->ds.mem_limit > img->dom.max_pages ||
	    img->ds.mem_limit == 0 || img->ds.suspend_vcpu >= img->dom.max_vcpus ||
	    (img->ds.hcpage_gfn != PV_SR_NO_FRAME && img->ds.hcpage_gfn >= img->dom.max_pages))
		return damaged(err, "its DOMAIN_STATE record does not fit the domain");
	return 0;
}

static int xs_check_entry(void *ctx, const struct sr_xs_entry *e)
{
	(void)ctx;
	(void)e;
	return 0;
}

static int rec_xenstore(struct sr_image *img, const struct sr_record *rec, struct pvx_err *err)
{
	int rc = sr_xenstore_walk(rec->body, rec->length, xs_check_entry, NULL, err);

	if (rc < 0)
		return rc;
	if (!(img->xenstore = malloc(rec->length)))
		return pvx_fail(err, -ENOMEM, "out of memory");
	memcpy(img->xenstore, rec->body, rec->length);
	img->xenstore_len = rec->length;
	return 0;
}

/* A record with a body in rec->body (checked): keep or apply it. */
static int rec_take(struct sr_image *img, const struct sr_record *rec, struct pvx_err *err)
{
	switch (rec->type) {
	case PV_SR_REC_VCPU:
		return rec_vcpu(img, rec, err);
	case PV_SR_REC_SHARED_INFO:
		return rec_shared_info(img, rec);
	case PV_SR_REC_GNTTAB:
		return rec_gnttab(img, rec, err);
	case PV_SR_REC_EVTCHN:
		return rec_evtchn(img, rec, err);
	case PV_SR_REC_TIMERS:
		return rec_timers(img, rec, err);
	case PV_SR_REC_BOOT:
		return rec_boot(img, rec, err);
	case PV_SR_REC_DOMAIN_STATE:
		return rec_state(img, rec, err);
	case PV_SR_REC_XENSTORE:
		return rec_xenstore(img, rec, err);
	default:
		return 0; /* an optional record we do not know: skipped */
	}
}

/* ---- the loop ---- */
static int rec_pages(struct sr_io *io, struct sr_image *img, const struct sr_record *rec,
		     const struct sr_image_ops *ops, struct sr_pages_head *ph, z_stream *z,
		     int *zr, struct pvx_err *err)
{
	int rc = sr_pages_head(io, rec, &img->layout, ph, err);

	if (rc < 0)
		return rc;
	if (ops->lazy && !ph->engine) {
		img->pages_left += ph->ndata;
		return sr_pages_skip(io, rec, ph, err);
	}
	rc = sr_pages_data(io, rec, ph, img->mem, z, zr, err);
	if (rc == 0)
		img->pages += ph->ndata;
	return rc;
}

static int rec_order(struct sr_image *img, const struct sr_record *rec, struct pvx_err *err)
{
	unsigned bit = seen_bit(rec->type);

	if (!(img->seen & SEEN_DOMAIN) && rec->type != PV_SR_REC_DOMAIN)
		return damaged(err, "it does not start with a DOMAIN record");
	if (bit && (img->seen & bit))
		return pvx_fail(err, -EBADMSG, "the image is damaged: a second %s record",
				sr_record_name(rec->type));
	if (!bit && rec->type != PV_SR_REC_PAGE_DATA && rec->type != PV_SR_REC_VCPU &&
	    rec->type != PV_SR_REC_END && !(rec->type & PV_SR_REC_OPTIONAL))
		return pvx_fail(err, -EPROTONOSUPPORT,
				"the image has a record this pvisor does "
				"not know (type 0x%x): written by a newer pvisor?",
				rec->type);
	img->seen |= bit;
	return 0;
}

static int image_end(const struct sr_image *img, struct pvx_err *err)
{
	if ((img->seen & SEEN_NEEDED) != SEEN_NEEDED)
		return damaged(err, "it ends before all of the domain's state was in it");
	for (unsigned i = 0; i < img->dom.max_vcpus; i++)
		if (!img->vcpu[i])
			return damaged(err, "a vCPU's registers are missing");
	return 0;
}

/* One record: 1 at END, 0 to go on, or the error. */
static int image_step(struct sr_io *io, struct sr_image *img, struct sr_record *rec,
		      const struct sr_image_ops *ops, void *ctx, struct sr_pages_head *ph,
		      z_stream *z, int *zr, struct pvx_err *err)
{
	int rc = sr_record_head(io, rec, err);

	if (rc == 0)
		rc = rec_order(img, rec, err);
	if (rc < 0)
		return rc;
	if (rec->type == PV_SR_REC_PAGE_DATA)
		return rec_pages(io, img, rec, ops, ph, z, zr, err);
	if ((rec->type & PV_SR_REC_OPTIONAL) && !seen_bit(rec->type))
		return ops->optional ? ops->optional(ctx, io, rec, err)
				     : sr_record_skip(io, rec, err);
	if ((rc = sr_record_body(io, rec, err)) < 0)
		return rc;
	if (rec->type == PV_SR_REC_END)
		return image_end(img, err) < 0 ? -EBADMSG : 1;
	if (rec->type == PV_SR_REC_DOMAIN)
		return rec_domain(img, rec, ops, ctx, err);
	return rec_take(img, rec, err);
}

int sr_image_read(struct sr_io *io, struct sr_image *img, const struct sr_image_ops *ops,
		  void *ctx, struct pvx_err *err)
{
	struct sr_record rec = { 0 };
	struct sr_pages_head *ph = malloc(sizeof(*ph));
	z_stream z;
	int zr = 0, rc = ph ? 0 : pvx_fail(err, -ENOMEM, "out of memory");
	uint64_t start = sr_io_offset(io);

	while (rc == 0) {
		rc = image_step(io, img, &rec, ops, ctx, ph, &z, &zr, err);
		img->bytes = sr_io_offset(io) - start;
		if (rc >= 0 && ops->progress)
			ops->progress(ctx, img);
	}
	if (zr)
		inflateEnd(&z);
	sr_record_fini(&rec);
	free(ph);
	return rc == 1 ? 0 : rc;
}

void sr_image_fini(struct sr_image *img)
{
	for (unsigned i = 0; i < SR_MAX_VCPUS; i++)
		free(img->vcpu[i]);
	free(img->timers);
	free(img->ports);
	free(img->xenstore);
	memset(img, 0, sizeof(*img));
}

/* ---- XENSTORE bodies ---- */
static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static int xs_entry_at(const uint8_t *p, size_t left, struct sr_xs_entry *e, size_t *used)
{
	struct pv_sr_xs_entry h;
	size_t need;

	if (left < sizeof(h))
		return -1;
	memcpy(&h, p, sizeof(h));
	if (h.path_len == 0 || h.path_len > 3072 || h.value_len > 4096 || h.nperms == 0 ||
	    h.nperms > 16)
		return -1;
	need = pad8(sizeof(h) + h.nperms * sizeof(struct pv_sr_xs_perm) + h.path_len +
		    h.value_len);
	if (need > left)
		return -1;
	e->perms = (const void *)(p + sizeof(h));
	e->nperms = h.nperms;
	e->path = (const char *)(p + sizeof(h) + h.nperms * sizeof(struct pv_sr_xs_perm));
	e->path_len = h.path_len;
	e->value = e->path + h.path_len;
	e->value_len = h.value_len;
	*used = need;
	return memchr(e->path, '\0', e->path_len) || e->path[0] == '/' ? -1 : 0;
}

int sr_xenstore_walk(const uint8_t *body, size_t len,
		     int (*fn)(void *ctx, const struct sr_xs_entry *e), void *ctx,
		     struct pvx_err *err)
{
	const struct pv_sr_xenstore *x = (const void *)body;
	size_t off = sizeof(*x);

	if (len < sizeof(*x) || x->count > 65536)
		return damaged(err, "its XENSTORE record has a count that does not fit");
	for (uint32_t i = 0; i < x->count; i++) {
		struct sr_xs_entry e;
		size_t used;
		int rc;

		if (xs_entry_at(body + off, len - off, &e, &used) < 0)
			return damaged(err, "an entry of its XENSTORE record does not fit");
		if ((rc = fn(ctx, &e)) < 0)
			return rc;
		off += used;
	}
	return off == len ? 0 : damaged(err, "its XENSTORE record has bytes after its entries");
}
