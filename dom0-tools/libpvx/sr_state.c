/* The hypervisor's part of a domain (privcmd SR_SAVE / SR_RESTORE: struct
 * pv_sr_hvstate, then the vCPUs, timers, ports) to and from image records:
 * DOMAIN_STATE, TIMERS, EVTCHN and one VCPU record per vCPU. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/sr_state.h"

static size_t vcpu_size(uint32_t extra_len)
{
	return (sizeof(struct pv_sr_vcpu) + extra_len + 7) & ~(size_t)7;
}

int sr_hvstate_parse(const uint8_t *hv, size_t len, struct sr_hvstate_view *v)
{
	const uint8_t *p = hv + sizeof(struct pv_sr_hvstate), *end = hv + len;

	memset(v, 0, sizeof(*v));
	if (len < sizeof(struct pv_sr_hvstate))
		return -EPROTO;
	v->h = (const struct pv_sr_hvstate *)hv;
	if (v->h->nr_vcpus == 0 || v->h->nr_vcpus > SR_MAX_VCPUS)
		return -EPROTO;
	for (uint32_t i = 0; i < v->h->nr_vcpus; i++) {
		const struct pv_sr_vcpu *c = (const void *)p;

		if ((size_t)(end - p) < sizeof(*c) || c->extra_len > PV_SR_VCPU_EXTRA_MAX ||
		    (size_t)(end - p) < vcpu_size(c->extra_len) || c->id != i)
			return -EPROTO;
		v->vcpu[i] = c;
		p += vcpu_size(c->extra_len);
	}
	if ((size_t)(end - p) != v->h->nr_vcpus * sizeof(struct pv_sr_timer) +
					 v->h->nr_evtchn * sizeof(struct pv_sr_evtchn))
		return -EPROTO;
	v->timers = (const void *)p;
	v->ports = (const void *)(p + v->h->nr_vcpus * sizeof(struct pv_sr_timer));
	return 0;
}

/* A fixed header (sum first) and an array, as one record. */
static int write_list(struct sr_io *io, uint32_t type, uint32_t count, const void *items,
		      size_t item_size)
{
	struct {
		uint64_t sum;
		uint32_t count, rsvd;
	} h = { 0, count, 0 };
	struct iovec v[2] = { { &h, sizeof(h) }, { (void *)items, count * item_size } };

	return sr_record_write(io, type, v, count ? 2 : 1);
}

int sr_state_write(struct sr_io *io, const struct sr_hvstate_view *v)
{
	const struct pv_sr_hvstate *h = v->h;
	struct pv_sr_domain_state ds = { .tot_pages = h->tot_pages,
					 .mem_limit = h->mem_limit,
					 .hcpage_gfn = h->hcpage_gfn,
					 .time_offset = h->time_offset,
					 .suspend_vcpu = h->suspend_vcpu,
					 .flags = h->flags };
	int rc = sr_record_write1(io, PV_SR_REC_DOMAIN_STATE, &ds, sizeof(ds));

	if (rc == 0)
		rc = write_list(io, PV_SR_REC_TIMERS, h->nr_vcpus, v->timers,
				sizeof(v->timers[0]));
	if (rc == 0)
		rc = write_list(io, PV_SR_REC_EVTCHN, h->nr_evtchn, v->ports,
				sizeof(v->ports[0]));
	for (uint32_t i = 0; i < h->nr_vcpus && rc == 0; i++) {
		size_t n = sizeof(*v->vcpu[i]) + v->vcpu[i]->extra_len;
		struct pv_sr_vcpu *copy = malloc(n);

		if (!copy)
			return -ENOMEM;
		memcpy(copy, v->vcpu[i], n);
		rc = sr_record_write1(io, PV_SR_REC_VCPU, copy, n);
		free(copy);
	}
	return rc;
}

int sr_state_blob(const struct sr_image *img, uint8_t **blob, size_t *len)
{
	size_t n = sizeof(struct pv_sr_hvstate) + img->ntimers * sizeof(struct pv_sr_timer);
	struct pv_sr_hvstate h = { .nr_vcpus = img->dom.max_vcpus,
				   .gnt_frames = img->gnt_frames,
				   .flags = img->ds.flags,
				   .suspend_vcpu = img->ds.suspend_vcpu,
				   .hcpage_gfn = img->ds.hcpage_gfn,
				   .tot_pages = img->ds.tot_pages,
				   .mem_limit = img->ds.mem_limit,
				   .time_offset = img->ds.time_offset };
	uint8_t *b, *p;

	for (uint32_t i = 0; i < img->dom.max_vcpus; i++)
		n += vcpu_size(img->vcpu[i]->extra_len);
	if (!(b = calloc(1, n)))
		return -ENOMEM;
	memcpy(h.engine, img->dom.engine, sizeof(h.engine));
	memcpy(b, &h, sizeof(h));
	p = b + sizeof(h);
	for (uint32_t i = 0; i < img->dom.max_vcpus; i++) {
		memcpy(p, img->vcpu[i], sizeof(*img->vcpu[i]) + img->vcpu[i]->extra_len);
		p += vcpu_size(img->vcpu[i]->extra_len);
	}
	memcpy(p, img->timers, img->ntimers * sizeof(struct pv_sr_timer));
	*blob = b;
	*len = n;
	return 0;
}
