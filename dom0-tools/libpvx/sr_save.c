/* The steps of a save, shared by pvx save (save.c) and the live migration sender
 * (mig_send.c): sr_save.h says what each does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libpvx/sr_config.h"
#include "libpvx/sr_save.h"
#include "libpvx/sr_store.h"
#include "libpvx/sr_suspend.h"
#include "libxs/xs.h"

#define PAGE PV_PAGE_SIZE

/* The config for the image: the one given, or the one pvx create kept. */
static int save_config_json(struct sr_save *s, const char *text, const char *file, char **json)
{
	char *kept = NULL, *kept_file = NULL;
	int rc;

	if (!text) {
		text = kept = pvx_domain_saved_config(s->domid);
		file = kept_file = pvx_domain_saved_config_file(s->domid);
	}
	if (!text)
		rc = pvx_fail(s->err, -ENOENT,
			      "domain %u has no config kept by pvx create; give "
			      "its config file after the image's name",
			      s->domid);
	else
		rc = sr_config_json(text, file ? file : "saved.cfg", json, s->engine, s->err);
	free(kept);
	free(kept_file);
	return rc;
}

int sr_save_open(struct sr_save *s, const char *config_text, const char *config_file, char **json)
{
	int rc = sr_domain_info(s->h, s->domid, &s->info);

	if (rc < 0)
		return pvx_fail(s->err, rc, "domain %u: %s", s->domid, strerror(-rc));
	if (s->info.state != PV_DOMSTATE_RUNNING && s->info.state != PV_DOMSTATE_BLOCKED)
		return pvx_fail(s->err, -EINVAL,
				"%s is not running (%s); only a running "
				"domain can suspend",
				s->info.name,
				s->info.state == PV_DOMSTATE_PAUSED ? "paused: unpause it first"
								    : "it stopped");
	if ((rc = save_config_json(s, config_text, config_file, json)) < 0 ||
	    (rc = pvx_domain_lazy_fill(s->domid, s->err)) < 0)
		return rc;
	if ((rc = pvx_store_open(&s->xs, s->err)) == 0 &&
	    (rc = pvctrl_map_foreign_fd(s->h, s->domid, (void **)&s->mem, &s->mi, &s->memfd)) < 0)
		pvx_fail(s->err, rc, "mapping the domain's memory: %s", strerror(-rc));
	s->max_pages = s->mi.ram_bytes / PAGE;
	return rc;
}

static int save_domain_record(struct sr_save *s, uint32_t flags)
{
	struct pv_sr_domain d = { .page_shift = PV_PAGE_SHIFT, .flags = flags };
	struct pv_domctl_getdomaininfo gi;
	int rc = pvctrl_domain_getinfo(s->h, s->domid, &gi);

	if (rc < 0)
		return pvx_fail(s->err, rc, "domain %u: %s", s->domid, strerror(-rc));
	strcpy(d.pvisor, PV_SR_PVISOR_VERSION);
	strcpy(d.engine, s->engine);
	d.max_vcpus = gi.max_vcpu_id + 1;
	d.max_pages = s->max_pages;
	d.nr_special = PV_SPECIAL_PAGES(d.max_vcpus);
	memcpy(d.handle, gi.handle, sizeof(d.handle));
	return sr_record_write1(&s->io, PV_SR_REC_DOMAIN, &d, sizeof(d));
}

int sr_save_headers(struct sr_save *s, const char *json, uint32_t dom_flags)
{
	int rc = sr_xl_header_write(&s->io, json);

	if (rc == 0)
		rc = sr_image_header_write(&s->io);
	if (rc == 0)
		rc = save_domain_record(s, dom_flags);
	if (rc < 0 && !s->err->msg[0])
		pvx_fail(s->err, rc, "writing the image: %s", strerror(-rc));
	return rc;
}

uint64_t sr_save_data_pages(int memfd, uint64_t first, uint64_t n)
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

int sr_save_eager_pages(struct sr_save *s, struct sr_pages_writer *w)
{
	uint64_t nv = s->view.h->nr_vcpus, eng = s->max_pages + PV_SPECIAL_UPCALL_STACKS(nv);
	uint64_t boot[3] = { s->boot.start_info_gfn, s->boot.store_gfn, s->boot.console_gfn };
	int rc = sr_pages_flush(w);

	w->flags |= SR_PAGES_EAGER | SR_PAGES_SEND_ZERO;
	for (int i = 0; i < 3 && rc == 0; i++)
		rc = sr_pages_add(w, boot[i], s->mem + boot[i] * PAGE);
	w->flags &= ~SR_PAGES_SEND_ZERO;
	if (rc == 0)
		rc = sr_pages_write_fd(w, s->memfd, s->mem, eng,
				       PV_SPECIAL_PAGES(nv) - PV_SPECIAL_UPCALL_STACKS(nv));
	if (rc == 0)
		rc = sr_pages_flush(w);
	w->flags &= ~SR_PAGES_EAGER;
	return rc;
}

int sr_save_hv(struct sr_save *s)
{
	const struct pv_start_info *si;
	const struct pv_sr_vcpu *v;
	int rc = pvctrl_sr_save(s->h, s->domid, &s->hv, &s->hv_len);

	if (rc < 0)
		return pvx_fail(s->err, rc, "reading the domain's state: %s", strerror(-rc));
	if (sr_hvstate_parse(s->hv, s->hv_len, &s->view) < 0 ||
	    s->view.h->suspend_vcpu >= s->view.h->nr_vcpus)
		return pvx_fail(s->err, -EPROTO,
				"the hypervisor's account of the domain does not "
				"hold together");
	if (strncmp(s->view.h->engine, s->engine, sizeof(s->engine)) != 0)
		return pvx_fail(s->err, -EPROTO,
				"the domain runs on the %.16s engine, its config "
				"says %s",
				s->view.h->engine, s->engine);
	v = s->view.vcpu[s->view.h->suspend_vcpu];
	si = (const void *)(s->mem + v->rdx * PAGE);
	if (v->rdx >= s->max_pages || strncmp(si->magic, "xen-3.0-", 8) != 0 ||
	    si->store_mfn >= s->max_pages || si->console.domU.mfn >= s->max_pages)
		return pvx_fail(s->err, -EPROTO,
				"the guest did not pass its start_info frame to "
				"the suspend call (rdx = 0x%llx): it cannot be restored",
				(unsigned long long)v->rdx);
	s->boot = (struct pv_sr_boot){ .start_info_gfn = v->rdx,
				       .store_gfn = si->store_mfn,
				       .console_gfn = si->console.domU.mfn,
				       .store_port = si->store_evtchn,
				       .console_port = si->console.domU.evtchn };
	return 0;
}

/* The frames copied first: the hypervisor still marks entries as backends map and
 * unmap them, and the checksum must cover what is written. */
static int save_gnttab(struct sr_save *s)
{
	struct pv_sr_gnttab g = { .nr_frames = s->view.h->gnt_frames };
	uint64_t first = s->max_pages + PV_SPECIAL_GNTTAB(s->view.h->nr_vcpus);
	size_t len = (size_t)g.nr_frames * PAGE;
	uint8_t *copy = malloc(len ? len : 1);
	struct iovec v[2] = { { &g, sizeof(g) }, { copy, len } };
	int rc;

	if (g.nr_frames > PV_GNTTAB_MAX_FRAMES || !copy) {
		free(copy);
		return copy ? -EPROTO : -ENOMEM;
	}
	memcpy(copy, s->mem + first * PAGE, len);
	rc = sr_record_write(&s->io, PV_SR_REC_GNTTAB, v, g.nr_frames ? 2 : 1);
	free(copy);
	return rc;
}

int sr_save_state(struct sr_save *s)
{
	struct pv_sr_page si = { 0 };
	uint8_t *xs = NULL;
	size_t xs_len = 0;
	int rc = sr_record_write1(&s->io, PV_SR_REC_BOOT, &s->boot, sizeof(s->boot));

	memcpy(si.data, s->mem + (s->max_pages + PV_SPECIAL_SHARED_INFO) * PAGE, PAGE);
	if (rc == 0)
		rc = sr_record_write1(&s->io, PV_SR_REC_SHARED_INFO, &si, sizeof(si));
	if (rc == 0)
		rc = save_gnttab(s);
	if (rc == 0)
		rc = sr_state_write(&s->io, &s->view);
	if (rc == 0)
		rc = sr_store_save(s->xs, s->domid, &xs, &xs_len);
	if (rc == 0)
		rc = sr_record_write1(&s->io, PV_SR_REC_XENSTORE, xs, xs_len);
	free(xs);
	if (rc == 0)
		rc = sr_record_write(&s->io, PV_SR_REC_END, NULL, 0);
	if (rc == 0)
		rc = sr_io_flush(&s->io);
	return rc < 0 ? pvx_fail(s->err, rc, "writing the domain's state: %s", strerror(-rc)) : 0;
}

void sr_save_close(struct sr_save *s)
{
	if (s->mem)
		munmap(s->mem, s->mi.size);
	s->mem = NULL;
	if (s->memfd >= 0)
		close(s->memfd);
	s->memfd = -1;
	if (s->xs)
		xs_close(s->xs);
	s->xs = NULL;
	free(s->hv);
	s->hv = NULL;
}
