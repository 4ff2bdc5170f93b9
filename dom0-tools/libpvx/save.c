/* pvx save: a running domain into an image, as xl does it -- xl's header with the
 * config, the guest asked to suspend (Xen's PV protocol), its memory (only pages
 * ever written and not zero), the hypervisor's state of it and its store keys as
 * records, then the domain destroyed or, for a checkpoint, let run on with the
 * suspend call returning "cancelled". Order of the records: DOMAIN, PAGE_DATA...,
 * the eager batch (engine pages, start_info, store and console rings), BOOT,
 * SHARED_INFO, GNTTAB, DOMAIN_STATE, TIMERS, EVTCHN, VCPU..., XENSTORE, END. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libpvx/pvx.h"
#include "libpvx/sr_config.h"
#include "libpvx/sr_pages.h"
#include "libpvx/sr_state.h"
#include "libpvx/sr_store.h"
#include "libpvx/sr_suspend.h"
#include "libxs/xs.h"
#include "util.h"

#define PAGE PV_PAGE_SIZE

struct save_ctx {
	struct pvctrl *h;
	pv_domid_t domid;
	const struct pvx_save_opts *o;
	struct pvx_sr_report rep;
	struct pvx_err *err;
	struct sr_io io;
	struct xs_handle *xs;
	struct pv_privcmd_domext info;
	char engine[PV_SR_ENGINE_LEN];
	uint8_t *mem;
	int memfd;
	struct pv_privcmd_memory mi;
	uint64_t max_pages;
	uint8_t *hv;               /* SR_SAVE's answer */
	size_t hv_len;
	struct sr_hvstate_view view;
	struct pv_sr_boot boot;
	int suspended;
	uint64_t t0, t_phase;
};

const char *pvx_sr_phase_name(enum pvx_sr_phase p)
{
	static const char *const names[] = { "prepare", "suspend", "memory", "state", "devices",
					     "finish" };

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
	c->rep.bytes = sr_io_offset(&c->io);
	save_report(c);
}

/* The config for the image: the one given, or the one pvx create kept. */
static int save_config_json(struct save_ctx *c, char **json)
{
	const char *text = c->o->config_text, *file = c->o->config_file;
	char *kept = NULL, *kept_file = NULL;
	int rc;

	if (!text) {
		text = kept = pvx_domain_saved_config(c->domid);
		file = kept_file = pvx_domain_saved_config_file(c->domid);
	}
	if (!text)
		rc = pvx_fail(c->err, -ENOENT, "domain %u has no config kept by pvx create; give "
			      "its config file after the image's name", c->domid);
	else
		rc = sr_config_json(text, file ? file : "saved.cfg", json, c->engine, c->err);
	free(kept);
	free(kept_file);
	return rc;
}

static int save_domain_record(struct save_ctx *c)
{
	struct pv_sr_domain d = { .page_shift = PV_PAGE_SHIFT };
	struct pv_domctl_getdomaininfo gi;
	int rc = pvctrl_domain_getinfo(c->h, c->domid, &gi);

	if (rc < 0)
		return pvx_fail(c->err, rc, "domain %u: %s", c->domid, strerror(-rc));
	strcpy(d.pvisor, PV_SR_PVISOR_VERSION);
	strcpy(d.engine, c->engine);
	d.max_vcpus = gi.max_vcpu_id + 1;
	d.max_pages = c->max_pages;
	d.nr_special = PV_SPECIAL_PAGES(d.max_vcpus);
	memcpy(d.handle, gi.handle, sizeof(d.handle));
	return sr_record_write1(&c->io, PV_SR_REC_DOMAIN, &d, sizeof(d));
}

/* Headers and DOMAIN; the memory mapped (and its fd kept for its data extents). */
static int save_begin(struct save_ctx *c, int fd)
{
	char *json = NULL;
	int rc = sr_domain_info(c->h, c->domid, &c->info);

	if (rc < 0)
		return pvx_fail(c->err, rc, "domain %u: %s", c->domid, strerror(-rc));
	if (c->info.state != PV_DOMSTATE_RUNNING && c->info.state != PV_DOMSTATE_BLOCKED)
		return pvx_fail(c->err, -EINVAL, "%s is not running (%s); only a running "
				"domain can suspend", c->info.name,
				c->info.state == PV_DOMSTATE_PAUSED ? "paused: unpause it first" :
				"it stopped");
	if ((rc = save_config_json(c, &json)) < 0 || (rc = pvx_domain_lazy_fill(c->domid, c->err)) < 0)
		return rc;
	if ((rc = pvx_store_open(&c->xs, c->err)) == 0 &&
	    (rc = pvctrl_map_foreign_fd(c->h, c->domid, (void **)&c->mem, &c->mi, &c->memfd)) < 0)
		pvx_fail(c->err, rc, "mapping the domain's memory: %s", strerror(-rc));
	c->max_pages = c->mi.ram_bytes / PAGE;
	if (rc == 0 && (rc = sr_io_fd(&c->io, fd, 1)) == 0 &&
	    (rc = sr_xl_header_write(&c->io, json)) == 0 && (rc = sr_image_header_write(&c->io)) == 0)
		rc = save_domain_record(c);
	free(json);
	if (rc < 0 && !c->err->msg[0])
		pvx_fail(c->err, rc, "writing the image: %s", strerror(-rc));
	return rc;
}

/* Pages with data in [first, first + n) of the memory fd (the progress total). */
static uint64_t save_data_pages(int memfd, uint64_t first, uint64_t n)
{
	off_t pos = (off_t)(first * PAGE), end = (off_t)((first + n) * PAGE);
	uint64_t total = 0;

	while (pos < end) {
		off_t d = lseek(memfd, pos, SEEK_DATA), hole;

		if (d < 0 || d >= end)
			break;
		hole = lseek(memfd, d, SEEK_HOLE);
		if (hole < 0 || hole > end)
			hole = end;
		total += (uint64_t)(hole - d) / PAGE;
		pos = hole;
	}
	return total;
}

/* What a lazy restore needs before the guest runs: the engine's pages (the upcall
 * stacks) and the boot pages; they also went out with RAM (the later copy wins). */
static int save_eager_pages(struct save_ctx *c, struct sr_pages_writer *w)
{
	uint64_t nv = c->view.h->nr_vcpus, eng = c->max_pages + PV_SPECIAL_UPCALL_STACKS(nv);
	uint64_t boot[3] = { c->boot.start_info_gfn, c->boot.store_gfn, c->boot.console_gfn };
	int rc = sr_pages_flush(w);

	w->flags |= SR_PAGES_EAGER | SR_PAGES_SEND_ZERO;
	for (int i = 0; i < 3 && rc == 0; i++)
		rc = sr_pages_add(w, boot[i], c->mem + boot[i] * PAGE);
	w->flags &= ~SR_PAGES_SEND_ZERO;
	if (rc == 0)
		rc = sr_pages_write_fd(w, c->memfd, c->mem, eng, PV_SPECIAL_PAGES(nv) -
				       PV_SPECIAL_UPCALL_STACKS(nv));
	if (rc == 0)
		rc = sr_pages_flush(w);
	w->flags &= ~SR_PAGES_EAGER;
	return rc;
}

static int save_memory(struct save_ctx *c)
{
	struct sr_pages_writer w;
	int rc = sr_pages_writer_init(&w, &c->io, c->o->flags & PVX_SAVE_ZLIB ? SR_PAGES_ZLIB : 0);

	if (rc < 0)
		return pvx_fail(c->err, rc, "out of memory");
	c->rep.pages_total = save_data_pages(c->memfd, 0, c->max_pages);
	w.progress = save_pages_progress;
	w.progress_ctx = c;
	rc = sr_pages_write_fd(&w, c->memfd, c->mem, 0, c->max_pages);
	if (rc == 0)
		rc = save_eager_pages(c, &w);
	save_pages_progress(c, &w);
	sr_pages_writer_fini(&w);
	return rc < 0 ? pvx_fail(c->err, rc, "writing the domain's memory: %s", strerror(-rc)) : 0;
}

/* The hypervisor's state, and where start_info is: the suspending vCPU passed
 * its frame in rdx (Xen's x86 PV convention). */
static int save_hv(struct save_ctx *c)
{
	const struct pv_start_info *si;
	const struct pv_sr_vcpu *v;
	int rc = pvctrl_sr_save(c->h, c->domid, &c->hv, &c->hv_len);

	if (rc < 0)
		return pvx_fail(c->err, rc, "reading the domain's state: %s", strerror(-rc));
	if (sr_hvstate_parse(c->hv, c->hv_len, &c->view) < 0 ||
	    c->view.h->suspend_vcpu >= c->view.h->nr_vcpus)
		return pvx_fail(c->err, -EPROTO, "the hypervisor's account of the domain does not "
				"hold together");
	if (strncmp(c->view.h->engine, c->engine, sizeof(c->engine)) != 0)
		return pvx_fail(c->err, -EPROTO, "the domain runs on the %.16s engine, its config "
				"says %s", c->view.h->engine, c->engine);
	v = c->view.vcpu[c->view.h->suspend_vcpu];
	si = (const void *)(c->mem + v->rdx * PAGE);
	if (v->rdx >= c->max_pages || strncmp(si->magic, "xen-3.0-", 8) != 0 ||
	    si->store_mfn >= c->max_pages || si->console.domU.mfn >= c->max_pages)
		return pvx_fail(c->err, -EPROTO, "the guest did not pass its start_info frame to "
				"the suspend call (rdx = 0x%llx): it cannot be restored",
				(unsigned long long)v->rdx);
	c->boot = (struct pv_sr_boot){ .start_info_gfn = v->rdx, .store_gfn = si->store_mfn,
				       .console_gfn = si->console.domU.mfn,
				       .store_port = si->store_evtchn,
				       .console_port = si->console.domU.evtchn };
	return 0;
}

/* The frames copied first: the hypervisor still marks entries as backends map and
 * unmap them, and the checksum must cover what is written. */
static int save_gnttab(struct save_ctx *c)
{
	struct pv_sr_gnttab g = { .nr_frames = c->view.h->gnt_frames };
	uint64_t first = c->max_pages + PV_SPECIAL_GNTTAB(c->view.h->nr_vcpus);
	size_t len = (size_t)g.nr_frames * PAGE;
	uint8_t *copy = malloc(len ? len : 1);
	struct iovec v[2] = { { &g, sizeof(g) }, { copy, len } };
	int rc;

	if (g.nr_frames > PV_GNTTAB_MAX_FRAMES || !copy) {
		free(copy);
		return copy ? -EPROTO : -ENOMEM;
	}
	memcpy(copy, c->mem + first * PAGE, len);
	rc = sr_record_write(&c->io, PV_SR_REC_GNTTAB, v, g.nr_frames ? 2 : 1);
	free(copy);
	return rc;
}

static int save_state(struct save_ctx *c)
{
	struct pv_sr_page si = { 0 };
	uint8_t *xs = NULL;
	size_t xs_len = 0;
	int rc = sr_record_write1(&c->io, PV_SR_REC_BOOT, &c->boot, sizeof(c->boot));

	memcpy(si.data, c->mem + (c->max_pages + PV_SPECIAL_SHARED_INFO) * PAGE, PAGE);
	if (rc == 0)
		rc = sr_record_write1(&c->io, PV_SR_REC_SHARED_INFO, &si, sizeof(si));
	if (rc == 0)
		rc = save_gnttab(c);
	if (rc == 0)
		rc = sr_state_write(&c->io, &c->view);
	if (rc == 0)
		rc = sr_store_save(c->xs, c->domid, &xs, &xs_len);
	if (rc == 0)
		rc = sr_record_write1(&c->io, PV_SR_REC_XENSTORE, xs, xs_len);
	free(xs);
	if (rc == 0)
		rc = sr_record_write(&c->io, PV_SR_REC_END, NULL, 0);
	if (rc == 0)
		rc = sr_io_flush(&c->io);
	c->rep.bytes = sr_io_offset(&c->io);
	return rc < 0 ? pvx_fail(c->err, rc, "writing the domain's state: %s", strerror(-rc)) : 0;
}

/* Saved: destroyed, or for a checkpoint run on with the suspend "cancelled". */
static int save_finish(struct save_ctx *c)
{
	unsigned keep = c->o->flags & (PVX_SAVE_CHECKPOINT | PVX_SAVE_PAUSED);
	int rc;

	if (keep) {
		rc = sr_resume(c->h, c->xs, c->domid, PV_SR_RESUME_CANCEL |
			       (c->o->flags & PVX_SAVE_PAUSED ? PV_SR_RESUME_PAUSED : 0));
		c->suspended = rc < 0;
		return rc < 0 ? pvx_fail(c->err, rc, "the image is written, but resuming the "
					 "domain failed: %s", strerror(-rc)) : 0;
	}
	munmap(c->mem, c->mi.size);
	c->mem = NULL;
	rc = pvctrl_domain_destroy(c->h, c->domid);
	if (rc < 0)
		return pvx_fail(c->err, rc, "the image is written, but destroying the domain "
				"failed: %s", strerror(-rc));
	c->suspended = 0;
	pvx_domain_forget(c->domid);
	return 0;
}

static void save_cleanup(struct save_ctx *c, int rc)
{
	if (rc < 0 && c->suspended && sr_resume(c->h, c->xs, c->domid, PV_SR_RESUME_CANCEL) == 0) {
		char msg[PVX_ERR_MAX];

		snprintf(msg, sizeof(msg), "%s", c->err->msg);
		pvx_fail(c->err, rc, "%s; the domain runs on", msg);
	}
	if (c->mem)
		munmap(c->mem, c->mi.size);
	if (c->memfd >= 0)
		close(c->memfd);
	if (c->xs)
		xs_close(c->xs);
	sr_io_fini(&c->io);
	free(c->hv);
}

int pvx_domain_save(struct pvctrl *h, pv_domid_t domid, int fd, const struct pvx_save_opts *o,
		    struct pvx_sr_report *rep, struct pvx_err *err)
{
	struct pvx_err scratch = { 0 };
	struct save_ctx c = { .h = h, .domid = domid, .o = o, .err = err ? err : &scratch,
			      .memfd = -1 };
	int rc;

	c.t0 = c.t_phase = util_now_ns();
	rc = save_begin(&c, fd);
	if (rc == 0) {
		save_phase(&c, PVX_SR_SUSPEND);
		rc = sr_suspend(h, c.xs, domid, o->suspend_timeout_ms ? o->suspend_timeout_ms :
			       PVX_SUSPEND_TIMEOUT_MS, c.err);
		c.suspended = rc == 0;
	}
	if (rc == 0)
		rc = save_hv(&c);
	if (rc == 0) {
		save_phase(&c, PVX_SR_MEMORY);
		rc = save_memory(&c);
	}
	if (rc == 0) {
		save_phase(&c, PVX_SR_STATE);
		rc = save_state(&c);
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
