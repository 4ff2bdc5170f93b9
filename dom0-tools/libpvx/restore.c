/* pvx restore: a domain from a save image, as xl restores one -- its config (or
 * the one given) with the command line's overrides, a new domain of the image's
 * engine and size, memory and state loaded from the records (sr_image.c), new
 * store and console channels written into its start_info, the store layout with
 * its devices as new frontends and its own keys back, then it runs (its suspend
 * call returns 0 and it reconnects). Anything that goes wrong destroys what was
 * made: no half-built domain is left behind. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libpvx/pvx.h"
#include "libpvx/sr_config.h"
#include "libpvx/sr_image.h"
#include "libpvx/sr_restore.h"
#include "libpvx/sr_state.h"
#include "libpvx/sr_store.h"
#include "libxs/xs.h"
#include "util.h"

#define PAGE PV_PAGE_SIZE

static void restore_report(struct sr_restore *c)
{
	if (c->o->progress)
		c->o->progress(c->o->progress_ctx, &c->rep);
}

static void restore_phase(struct sr_restore *c, enum pvx_sr_phase next)
{
	uint64_t now = util_now_ns();

	c->rep.phase_ns[c->rep.phase] += now - c->t_phase;
	c->t_phase = now;
	c->rep.phase = next;
	restore_report(c);
}

static void restore_progress(void *ctx, const struct sr_image *img)
{
	struct sr_restore *c = ctx;

	c->rep.pages = img->pages;
	c->rep.bytes = img->bytes;
	restore_report(c);
}

/* The config from the image (or CFG) and the overrides; the image header. */
static int restore_config(struct sr_restore *c)
{
	char *json = NULL;
	int rc = sr_xl_header_read(c->io, &json, c->err);

	if (rc == 0)
		rc = sr_config_load(json, c->o->config_file, c->o->overrides, c->o->n_overrides,
				    &c->dc, &c->text, &c->file, c->err);
	free(json);
	if (rc == 0)
		rc = sr_image_header_read(c->io, c->err);
	if (rc == 0)
		rc = pvx_domain_create_checks(c->h, &c->dc, c->err);
	if (rc == -EEXIST)
		pvx_fail(c->err, rc,
			 "a domain named '%s' already exists: destroy it, or restore "
			 "this image under another name (name=NEW)",
			 c->dc.name);
	return rc;
}

/* The image's domain against the config's: same engine, vCPUs and memory. */
static int restore_match(struct sr_restore *c, const struct pv_sr_domain *d)
{
	const char *want = sr_config_engine(&c->dc);

	if (strcmp(d->engine, want) != 0)
		return pvx_fail(c->err, -EPROTONOSUPPORT,
				"the image holds a domain of the %s "
				"engine; this config makes a %s domain (type = \"%s\")",
				d->engine, want, domcfg_type_name(c->dc.type));
	if (d->max_vcpus != c->dc.maxvcpus)
		return pvx_fail(c->err, -EINVAL,
				"the image's domain has %u vCPUs; the config "
				"says maxvcpus = %u",
				d->max_vcpus, c->dc.maxvcpus);
	if (d->max_pages != c->dc.maxmem_mib * 256)
		return pvx_fail(c->err, -EINVAL,
				"the image's domain has %llu MiB of memory; the "
				"config says maxmem = %llu",
				(unsigned long long)d->max_pages / 256,
				(unsigned long long)c->dc.maxmem_mib);
	return 0;
}

/* The domain's name in the hypervisor (and its lifecycle actions): its own, or
 * with a suffix while it arrives (migration: its own name may be in use here
 * until the sender lets go). */
static int restore_name(struct sr_restore *c, const char *suffix, struct pvx_err *err)
{
	struct domcfg *dc = &c->dc;
	char own[sizeof(dc->name)];
	int rc;

	if (!suffix)
		return pvx_domain_set_name(c->h, c->domid, dc, err);
	memcpy(own, dc->name, sizeof(own));
	snprintf(dc->name, sizeof(dc->name), "%.*s%s",
		 (int)(sizeof(dc->name) - 1 - strlen(suffix)), own, suffix);
	rc = pvx_domain_set_name(c->h, c->domid, dc, err);
	memcpy(dc->name, own, sizeof(own));
	return rc;
}

/* DOMEXT HOLD / LETGO: the domain lives only as long as our connection, until it
 * is let run. */
static int restore_hold(struct sr_restore *c, unsigned flag)
{
	struct pv_privcmd_domext e = { .domid = c->domid, .flags = (uint16_t)flag };
	int rc = c->hold ? pvctrl_domext_set(c->h, &e) : 0;

	return rc < 0 ? pvx_fail(c->err, rc, "tying the arriving domain to this process: %s",
				 strerror(-rc))
		      : 0;
}

/* An optional record for the caller (sr_restore.h), else skipped. */
static int restore_optional(void *ctx, struct sr_io *io, struct sr_record *rec,
			    struct pvx_err *err)
{
	struct sr_restore *c = ctx;
	int rc;

	if (!c->optional)
		return sr_record_skip(io, rec, err);
	rc = sr_record_body(io, rec, err);
	return rc < 0 ? rc : c->optional(c->optional_ctx, c, rec);
}

/* DOMAIN read: make the domain and give its memory to the reader. */
static int restore_domain(void *ctx, const struct pv_sr_domain *d, uint8_t **mem,
			  struct sr_layout *l, struct pvx_err *err)
{
	struct sr_restore *c = ctx;
	int rc = restore_match(c, d);

	if (rc == 0 && (rc = pvctrl_domain_create(c->h, pvx_domain_create_flags(&c->dc),
						  d->max_vcpus, c->dc.uuid, &c->domid)) < 0)
		return pvx_fail(err, rc, "creating the domain: %s", strerror(-rc));
	c->created = rc == 0;
	c->rep.domid = c->domid;
	if (rc == 0)
		rc = restore_hold(c, PV_DOMEXT_SET_HOLD);
	if (rc == 0)
		rc = restore_name(c, c->arrival_suffix, err);
	if (rc == 0) /* weight, cap and pinning of the config, as at create */
		rc = pvx_domain_sched_apply(c->h, c->domid, &c->dc, err);
	if (rc == 0 && (rc = pvctrl_domain_max_mem(c->h, c->domid, c->dc.maxmem_mib * 1024)) < 0)
		pvx_fail(err, rc, "setting maxmem: %s", strerror(-rc));
	if (rc == 0 && (rc = pvctrl_map_foreign(c->h, c->domid, (void **)&c->mem, &c->mi)) < 0)
		pvx_fail(err, rc, "mapping the domain's memory: %s", strerror(-rc));
	if (rc == 0 && c->mi.ram_bytes / PAGE != d->max_pages)
		rc = pvx_fail(err, -EPROTO, "the hypervisor made %llu pages, not %llu",
			      (unsigned long long)(c->mi.ram_bytes / PAGE),
			      (unsigned long long)d->max_pages);
	if (rc < 0)
		return rc;
	sr_layout_init(l, d->max_pages, d->max_vcpus);
	*mem = c->mem;
	restore_phase(c, PVX_SR_MEMORY);
	return 0;
}

/* New store and console channels (as libxl makes on restore), written into the
 * guest's start_info: its resume reads them there. */
static int restore_boot(struct sr_restore *c, struct pvx_boot_ports *bp)
{
	struct pv_start_info *si = (void *)(c->mem + c->img.boot.start_info_gfn * PAGE);
	int port = pvctrl_evtchn_alloc_unbound(c->h, c->domid, 0);

	if (port >= 0) {
		bp->store_port = (uint32_t)port;
		port = pvctrl_evtchn_alloc_unbound(c->h, c->domid, 0);
		bp->console_port = (uint32_t)port;
	}
	if (port < 0)
		return pvx_fail(c->err, port,
				"allocating the store and console event channels: "
				"%s",
				strerror(-port));
	bp->store_gfn = c->img.boot.store_gfn;
	bp->console_gfn = c->img.boot.console_gfn;
	si->store_mfn = bp->store_gfn;
	si->store_evtchn = bp->store_port;
	si->console.domU.mfn = bp->console_gfn;
	si->console.domU.evtchn = bp->console_port;
	return 0;
}

static int restore_hv(struct sr_restore *c)
{
	uint8_t *blob = NULL;
	size_t len = 0;
	int rc = sr_state_blob(&c->img, &blob, &len);

	if (rc == 0)
		rc = pvctrl_sr_restore(c->h, c->domid, blob, len);
	free(blob);
	if (rc == -EOPNOTSUPP)
		return pvx_fail(c->err, -EPROTONOSUPPORT,
				"the %s engine cannot load the image's "
				"vCPU state",
				c->img.dom.engine);
	return rc < 0 ? pvx_fail(c->err, rc, "loading the domain's state: %s", strerror(-rc)) : 0;
}

/* The store: standard layout, devices as new frontends, the guest's own keys. */
static int restore_store(struct sr_restore *c, const struct pvx_boot_ports *bp)
{
	struct xs_handle *xs;
	int rc = pvx_domain_store_create(c->domid, &c->dc, bp, c->err);

	if (rc == 0 && c->img.xenstore && (rc = pvx_store_open(&xs, c->err)) == 0) {
		rc = sr_store_restore(xs, c->domid, c->img.xenstore, c->img.xenstore_len, c->err);
		xs_close(xs);
	}
	return rc;
}

int sr_restore_begin(struct sr_restore *c)
{
	struct sr_image_ops ops = { .domain = restore_domain,
				    .progress = restore_progress,
				    .optional = restore_optional,
				    .lazy = (c->o->flags & PVX_RESTORE_LAZY) != 0 };
	int rc;

	c->t0 = c->t_phase = util_now_ns();
	rc = restore_config(c);
	if (rc == 0)
		rc = sr_image_read(c->io, &c->img, &ops, c, c->err);
	c->rep.pages_total = c->img.pages + c->img.pages_left;
	if (rc == 0) {
		restore_phase(c, PVX_SR_STATE);
		rc = restore_hv(c);
	}
	if (rc == 0)
		rc = restore_boot(c, &c->bp);
	return rc;
}

int sr_restore_commit(struct sr_restore *c)
{
	int rc = 0;

	restore_phase(c, PVX_SR_DEVICES);
	if (c->arrival_suffix)
		rc = restore_name(c, NULL, c->err);
	if (rc == 0) /* before the introduction the monitor sees */
		pvx_domain_keep_config(c->domid, c->text, &c->dc);
	if (rc == 0)
		rc = restore_store(c, &c->bp);
	if (rc == 0 && (c->o->flags & PVX_RESTORE_LAZY) &&
	    (rc = pvctrl_lazy(c->h, c->domid, PV_PRIVCMD_LAZY_ARM, 0, 0, NULL, NULL, NULL)) < 0)
		pvx_fail(c->err, rc, "preparing the lazy restore (userfaultfd): %s",
			 strerror(-rc));
	if (rc == 0)
		rc = restore_hold(c, PV_DOMEXT_SET_LETGO);
	if (rc == 0 && !(c->o->flags & (PVX_RESTORE_PAUSED | PVX_RESTORE_LAZY))) {
		if ((rc = pvctrl_domain_unpause(c->h, c->domid)) < 0)
			pvx_fail(c->err, rc, "starting the domain: %s", strerror(-rc));
		c->rep.running_ns = util_now_ns() - c->t0;
	}
	return rc;
}

void sr_restore_end(struct sr_restore *c, int rc)
{
	if (c->mem)
		munmap(c->mem, c->mi.size);
	c->mem = NULL;
	if (rc < 0 && c->created) {
		pvctrl_domain_destroy(c->h, c->domid);
		pvx_domain_forget(c->domid);
		c->created = 0;
	}
	sr_image_fini(&c->img);
	domcfg_fini(&c->dc);
	free(c->text);
	c->text = NULL;
	restore_phase(c, PVX_SR_FINISH);
	c->rep.total_ns = util_now_ns() - c->t0;
}

int pvx_domain_restore(struct pvctrl *h, int fd, const struct pvx_restore_opts *o,
		       pv_domid_t *domid, char **config_file, struct pvx_sr_report *rep,
		       struct pvx_err *err)
{
	struct pvx_err scratch = { 0 };
	struct sr_io io;
	struct sr_restore c = { .h = h, .o = o, .err = err ? err : &scratch, .io = &io };
	int rc = sr_io_fd(&io, fd, 0);

	if (rc == 0)
		rc = sr_restore_begin(&c);
	if (rc == 0)
		rc = sr_restore_commit(&c);
	sr_restore_end(&c, rc);
	sr_io_fini(&io);
	if (rep)
		*rep = c.rep;
	if (rc == 0) {
		*domid = c.domid;
		if (config_file)
			*config_file = c.file;
		else
			free(c.file);
	} else {
		free(c.file);
	}
	return rc;
}
