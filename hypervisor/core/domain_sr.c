/* Save/restore of the hypervisor's part of a domain (privcmd SR_SAVE / SR_RESTORE,
 * bodies in pvisor/save.h): every vCPU's registers as its engine keeps them, its
 * online state and callbacks, its timers (relative to now, so they run on from
 * where they were on any host), the open event channels (listed; a restored
 * domain binds its own again, as after a Xen restore), the grant table's size, the
 * hypercall page and the memory reservation. The toolstack carries guest memory,
 * shared_info and the grant table frames itself. */
#include <stdlib.h>
#include <string.h>

#include "core/hv.h"
#include "engines/engine.h"
#include "evtchn/evtchn.h"
#include "gnttab/gnttab.h"
#include "pvisor/errno.h"
#include "pvisor/save.h"

#define SR_MAX_PORTS 4096u

static size_t sr_vcpu_size(uint32_t extra_len)
{
	size_t n = sizeof(struct pv_sr_vcpu) + extra_len;

	return (n + 7) & ~(size_t)7;
}

static void sr_vcpu_from_state(struct pv_sr_vcpu *r, const struct vcpu *v,
			       const struct vcpu_state *st)
{
	memset(r, 0, sizeof(*r));
	r->id = v->id;
	r->flags = (v->up ? PV_SR_VCPU_UP : 0) | (v->ctx_set ? PV_SR_VCPU_CTX : 0);
	r->callback = v->callback;
	r->failsafe = v->failsafe;
	memcpy(&r->rax, &st->rax, 16 * sizeof(uint64_t)); /* rax .. r15: same order */
	r->rip = st->rip;
	r->rflags = st->rflags;
	r->fs_base = st->fs_base;
	r->gs_base = st->gs_base;
	r->state_flags = (st->flags & VCPU_STATE_FPU ? PV_SR_STATE_FPU : 0) |
			 (st->flags & VCPU_STATE_SEGBASE ? PV_SR_STATE_SEGBASE : 0);
	memcpy(r->fpu, st->fpu, sizeof(r->fpu));
	r->extra_len = st->extra_len;
	memcpy(r->extra, st->extra, st->extra_len);
}

static void sr_vcpu_to_state(struct vcpu_state *st, const struct pv_sr_vcpu *r)
{
	memset(st, 0, sizeof(*st));
	memcpy(&st->rax, &r->rax, 16 * sizeof(uint64_t));
	st->rip = r->rip;
	st->rflags = r->rflags;
	st->fs_base = r->fs_base;
	st->gs_base = r->gs_base;
	st->flags = (r->state_flags & PV_SR_STATE_FPU ? VCPU_STATE_FPU : 0) |
		    (r->state_flags & PV_SR_STATE_SEGBASE ? VCPU_STATE_SEGBASE : 0);
	memcpy(st->fpu, r->fpu, sizeof(st->fpu));
	st->extra_len = r->extra_len;
	memcpy(st->extra, r->extra, r->extra_len);
}

static void sr_timer_save(struct pv_sr_timer *t, const struct vcpu *v, uint64_t now)
{
	memset(t, 0, sizeof(*t));
	t->vcpu = v->id;
	if (v->timer_deadline) {
		t->flags |= PV_SR_TIMER_SINGLESHOT;
		t->singleshot_ns = (int64_t)(v->timer_deadline - now);
	}
	if (v->timer_period) {
		t->flags |= PV_SR_TIMER_PERIODIC;
		t->period_ns = v->timer_period;
		t->next_period_ns = (int64_t)(v->timer_next_period - now);
	}
}

/* A deadline `rel` ns from now; an overdue one fires at once (never 0 = off). */
static uint64_t sr_deadline(uint64_t now, int64_t rel)
{
	return rel > 0 ? now + (uint64_t)rel : now ? now : 1;
}

static void sr_timer_restore(struct domain *d, struct vcpu *v, const struct pv_sr_timer *t,
			     uint64_t now)
{
	v->timer_deadline = t->flags & PV_SR_TIMER_SINGLESHOT ? sr_deadline(now, t->singleshot_ns)
							      : 0;
	v->timer_period = t->flags & PV_SR_TIMER_PERIODIC ? t->period_ns : 0;
	v->timer_next_period = v->timer_period ? sr_deadline(now, t->next_period_ns) : 0;
	timer_vcpu_changed_locked(d, v);
}

/* Only while nothing of it runs: quiesced, suspended (and quiesced), never started,
 * or its host context gone (a crashed domain: registers as they last were). */
static int sr_readable(const struct domain *d)
{
	return d->mem && (d->quiesce == DOMAIN_QUIESCED || !d->started || d->reaped);
}

static void sr_save_head(struct domain *d, struct pv_sr_hvstate *h, unsigned nports)
{
	memset(h, 0, sizeof(*h));
	h->nr_vcpus = d->max_vcpus;
	h->nr_evtchn = nports;
	h->gnt_frames = gnttab_sr_frames_locked(d);
	h->flags = domain_is_suspended(d) ? PV_SR_HV_SUSPENDED : 0;
	h->suspend_vcpu = d->suspend_vcpu;
	h->hcpage_gfn = d->hcpage_gfn;
	h->tot_pages = d->tot_pages;
	h->mem_limit = d->mem_limit;
	h->time_offset = d->time_offset;
	strncpy(h->engine, d->engine->name, sizeof(h->engine) - 1);
}

int domain_sr_save_locked(struct domain *d, uint8_t **out, size_t *out_len)
{
	size_t len = sizeof(struct pv_sr_hvstate) + SR_MAX_PORTS * sizeof(struct pv_sr_evtchn) +
		     d->max_vcpus *
			     (sr_vcpu_size(VCPU_STATE_EXTRA_MAX) + sizeof(struct pv_sr_timer));
	uint8_t *buf, *p;
	struct vcpu_state *st;
	uint64_t now = timeinfo_system_ns();
	int rc = 0;

	if (!sr_readable(d))
		return -PV_EBUSY;
	buf = calloc(1, len);
	st = malloc(sizeof(*st));
	if (!buf || !st) {
		free(buf);
		free(st);
		return -PV_ENOMEM;
	}
	p = buf + sizeof(struct pv_sr_hvstate);
	for (unsigned i = 0; i < d->max_vcpus && rc == 0; i++) {
		struct vcpu *v = &d->vcpus[i];

		rc = d->engine->get_vcpu(d, v, st);
		if (rc == 0) {
			sr_vcpu_from_state((struct pv_sr_vcpu *)p, v, st);
			p += sr_vcpu_size(st->extra_len);
		}
	}
	for (unsigned i = 0; i < d->max_vcpus; i++, p += sizeof(struct pv_sr_timer))
		sr_timer_save((struct pv_sr_timer *)p, &d->vcpus[i], now);
	unsigned nports = evtchn_sr_list_locked(d, (struct pv_sr_evtchn *)p, SR_MAX_PORTS);

	p += nports * sizeof(struct pv_sr_evtchn);
	sr_save_head(d, (struct pv_sr_hvstate *)buf, nports);
	free(st);
	if (rc) {
		free(buf);
		return rc;
	}
	*out = buf;
	*out_len = (size_t)(p - buf);
	return 0;
}

/* The header's facts against the domain it is loaded into. */
static int sr_restore_check(struct domain *d, const struct pv_sr_hvstate *h)
{
	if (strncmp(h->engine, d->engine->name, sizeof(h->engine)) != 0)
		return -PV_EOPNOTSUPP; /* another engine's registers */
	if (h->nr_vcpus != d->max_vcpus || h->tot_pages > d->max_pages ||
	    h->mem_limit > d->max_pages || h->mem_limit == 0 ||
	    h->gnt_frames > PV_GNTTAB_MAX_FRAMES ||
	    (h->hcpage_gfn != PV_SR_NO_FRAME && h->hcpage_gfn >= d->max_pages))
		return -PV_EINVAL;
	if (!d->mem || d->started)
		return -PV_EBUSY;
	return 0;
}

/* Each vCPU body: its id in order, its blob within the payload. */
static int sr_restore_vcpus(struct domain *d, const uint8_t **p, const uint8_t *end,
			    struct vcpu_state *st)
{
	for (unsigned i = 0; i < d->max_vcpus; i++) {
		const struct pv_sr_vcpu *r = (const void *)*p;
		struct vcpu *v = &d->vcpus[i];
		int rc;

		if ((size_t)(end - *p) < sizeof(*r) || r->id != i ||
		    r->extra_len > VCPU_STATE_EXTRA_MAX ||
		    (size_t)(end - *p) < sr_vcpu_size(r->extra_len))
			return -PV_EINVAL;
		sr_vcpu_to_state(st, r);
		if ((r->flags & PV_SR_VCPU_CTX) && (rc = d->engine->set_vcpu(d, v, st)) < 0)
			return rc;
		v->ctx_set = !!(r->flags & PV_SR_VCPU_CTX);
		v->up = v->ctx_set && (r->flags & PV_SR_VCPU_UP);
		v->callback = r->callback;
		v->failsafe = r->failsafe;
		if (d->engine->set_callback)
			d->engine->set_callback(d, v);
		*p += sr_vcpu_size(r->extra_len);
	}
	return 0;
}

int domain_sr_restore_locked(struct domain *d, const uint8_t *in, size_t len)
{
	const struct pv_sr_hvstate *h = (const void *)in;
	const uint8_t *p = in + sizeof(*h), *end = in + len;
	struct vcpu_state *st;
	uint64_t now = timeinfo_system_ns();
	int rc;

	if (len < sizeof(*h))
		return -PV_EINVAL;
	if ((rc = sr_restore_check(d, h)) < 0)
		return rc;
	if (!(st = malloc(sizeof(*st))))
		return -PV_ENOMEM;
	rc = sr_restore_vcpus(d, &p, end, st);
	free(st);
	if (rc == 0 && (size_t)(end - p) < d->max_vcpus * sizeof(struct pv_sr_timer))
		rc = -PV_EINVAL;
	if (rc == 0 && h->hcpage_gfn != PV_SR_NO_FRAME &&
	    (rc = d->engine->hypercall_page(d, h->hcpage_gfn)) == 0)
		d->hcpage_gfn = h->hcpage_gfn;
	if (rc == 0)
		rc = gnttab_sr_restore_locked(d, h->gnt_frames);
	if (rc)
		return rc;
	for (unsigned i = 0; i < d->max_vcpus; i++, p += sizeof(struct pv_sr_timer))
		sr_timer_restore(d, &d->vcpus[i], (const struct pv_sr_timer *)p, now);
	d->tot_pages = h->tot_pages;
	d->mem_limit = h->mem_limit;
	d->time_offset = h->time_offset;
	timeinfo_update(d);
	return 0;
}
