/* pvx save: a running domain into an image, as xl does it -- xl's header with the
 * config, the guest asked to suspend (Xen's PV protocol), its memory (only pages
 * ever written and not zero), the hypervisor's state of it and its store keys as
 * records, then the domain destroyed or, for a checkpoint, let run on with the
 * suspend call returning "cancelled". Order of the records: DOMAIN, PAGE_DATA...,
 * the eager batch (engine pages, start_info, store and console rings), BOOT,
 * SHARED_INFO, GNTTAB, DOMAIN_STATE, TIMERS, EVTCHN, VCPU..., XENSTORE, END. The
 * steps themselves are sr_save.c's, which live migration shares. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "libpvx/sr_save.h"
#include "libpvx/sr_suspend.h"
#include "util.h"

struct save_ctx {
	struct sr_save s;
	const struct pvx_save_opts *o;
	struct pvx_sr_report rep;
	uint64_t t0, t_phase;
};

const char *pvx_sr_phase_name(enum pvx_sr_phase p)
{
	static const char *const names[] = { "prepare", "suspend", "memory",
					     "state",   "devices", "finish" };

	return p < PVX_SR_NPHASES ? names[p] : "?";
}

static void save_report(struct save_ctx *c)
{
	if (c->o->progress)
		c->o->progress(c->o->progress_ctx, &c->rep);
}

/* The phase under way ends; the next begins. */
static void save_phase(struct save_ctx *c, enum pvx_sr_phase next)
{
	uint64_t now = util_now_ns();

	c->rep.phase_ns[c->rep.phase] += now - c->t_phase;
	c->t_phase = now;
	c->rep.phase = next;
	save_report(c);
}

static void save_pages_progress(void *ctx, const struct sr_pages_writer *w)
{
	struct save_ctx *c = ctx;

	c->rep.pages = w->pages + w->zero;
	c->rep.zero_pages = w->zero;
	c->rep.bytes = sr_io_offset(&c->s.io);
	save_report(c);
}

/* Headers and DOMAIN; the memory mapped (and its fd kept for its data extents). */
static int save_begin(struct save_ctx *c, int fd)
{
	char *json = NULL;
	int rc = sr_save_open(&c->s, c->o->config_text, c->o->config_file, &json);

	if (rc == 0 && (rc = sr_io_fd(&c->s.io, fd, 1)) == 0)
		rc = sr_save_headers(&c->s, json, 0);
	free(json);
	return rc;
}

static int save_memory(struct save_ctx *c)
{
	struct sr_save *s = &c->s;
	struct sr_pages_writer w;
	int rc = sr_pages_writer_init(&w, &s->io,
				      c->o->flags & PVX_SAVE_ZLIB ? SR_PAGES_ZLIB : 0);

	if (rc < 0)
		return pvx_fail(s->err, rc, "out of memory");
	c->rep.pages_total = sr_save_data_pages(s->memfd, 0, s->max_pages);
	w.progress = save_pages_progress;
	w.progress_ctx = c;
	rc = sr_pages_write_fd(&w, s->memfd, s->mem, 0, s->max_pages);
	if (rc == 0)
		rc = sr_save_eager_pages(s, &w);
	save_pages_progress(c, &w);
	sr_pages_writer_fini(&w);
	return rc < 0 ? pvx_fail(s->err, rc, "writing the domain's memory: %s", strerror(-rc))
		      : 0;
}

/* Saved: destroyed, or for a checkpoint run on with the suspend "cancelled". */
static int save_finish(struct save_ctx *c)
{
	struct sr_save *s = &c->s;
	unsigned keep = c->o->flags & (PVX_SAVE_CHECKPOINT | PVX_SAVE_PAUSED);
	int rc;

	if (keep) {
		rc = sr_resume(s->h, s->xs, s->domid,
			       PV_SR_RESUME_CANCEL |
				       (c->o->flags & PVX_SAVE_PAUSED ? PV_SR_RESUME_PAUSED : 0));
		s->suspended = rc < 0;
		return rc < 0 ? pvx_fail(s->err, rc,
					 "the image is written, but resuming the "
					 "domain failed: %s",
					 strerror(-rc))
			      : 0;
	}
	munmap(s->mem, s->mi.size);
	s->mem = NULL;
	rc = pvctrl_domain_destroy(s->h, s->domid);
	if (rc < 0)
		return pvx_fail(s->err, rc,
				"the image is written, but destroying the domain "
				"failed: %s",
				strerror(-rc));
	s->suspended = 0;
	pvx_domain_forget(s->domid);
	return 0;
}

static void save_cleanup(struct save_ctx *c, int rc)
{
	struct sr_save *s = &c->s;

	if (rc < 0 && s->suspended &&
	    sr_resume(s->h, s->xs, s->domid, PV_SR_RESUME_CANCEL) == 0) {
		char msg[PVX_ERR_MAX];

		snprintf(msg, sizeof(msg), "%s", s->err->msg);
		pvx_fail(s->err, rc, "%s; the domain runs on", msg);
	}
	sr_save_close(s);
	sr_io_fini(&s->io);
}

int pvx_domain_save(struct pvctrl *h, pv_domid_t domid, int fd, const struct pvx_save_opts *o,
		    struct pvx_sr_report *rep, struct pvx_err *err)
{
	struct pvx_err scratch = { 0 };
	struct save_ctx c = {
		.s = { .h = h, .domid = domid, .err = err ? err : &scratch, .memfd = -1 },
		.o = o
	};
	int rc;

	c.t0 = c.t_phase = util_now_ns();
	rc = save_begin(&c, fd);
	if (rc == 0) {
		save_phase(&c, PVX_SR_SUSPEND);
		rc = sr_suspend(h, c.s.xs, domid,
				o->suspend_timeout_ms ? o->suspend_timeout_ms
						      : PVX_SUSPEND_TIMEOUT_MS,
				c.s.err);
		c.s.suspended = rc == 0;
	}
	if (rc == 0)
		rc = sr_save_hv(&c.s);
	if (rc == 0) {
		save_phase(&c, PVX_SR_MEMORY);
		rc = save_memory(&c);
	}
	if (rc == 0) {
		save_phase(&c, PVX_SR_STATE);
		rc = sr_save_state(&c.s);
		c.rep.bytes = sr_io_offset(&c.s.io);
	}
	if (rc == 0) {
		save_phase(&c, PVX_SR_FINISH);
		rc = save_finish(&c);
	}
	save_cleanup(&c, rc);
	save_phase(&c, PVX_SR_FINISH);
	c.rep.total_ns = util_now_ns() - c.t0;
	if (rep)
		*rep = c.rep;
	return rc;
}
