/* The steps of a save that live migration shares (sr_save.c): open the running
 * domain (its config as JSON, the store, its memory and memory fd), the image's
 * headers and DOMAIN record, the hypervisor's state of the stopped domain with
 * where its boot pages are, the eager page batch, and the records after memory.
 * pvx_domain_save (save.c) runs them in a row around one memory pass; the
 * migration sender (mig_send.c) runs its memory rounds between them. */
#ifndef PV_LIBPVX_SR_SAVE_H
#define PV_LIBPVX_SR_SAVE_H

#include "libpvx/pvx.h"
#include "libpvx/sr_pages.h"
#include "libpvx/sr_state.h"

struct xs_handle;

struct sr_save {
	struct pvctrl *h;
	pv_domid_t domid;
	struct pvx_err *err;
	struct sr_io io; /* set up by the caller before sr_save_headers */
	struct xs_handle *xs;
	struct pv_privcmd_domext info; /* the hypervisor's record at open */
	char engine[PV_SR_ENGINE_LEN];
	uint8_t *mem; /* all of the domain's memory, mapped */
	int memfd;    /* its memory fd (data extents), or -1 */
	struct pv_privcmd_memory mi;
	uint64_t max_pages; /* RAM frames */
	uint8_t *hv;        /* SR_SAVE's answer, and its view */
	size_t hv_len;
	struct sr_hvstate_view view;
	struct pv_sr_boot boot; /* from the suspending vCPU's start_info */
	int suspended;          /* the guest is suspended: resume it on failure */
};

/* Open a running domain: the config as JSON for xl's header (*json malloc'ed;
 * config_text and config_file, or NULL: the config pvx create kept), a lazy
 * restore's pager told to finish, the store, the memory and its fd. 0 or -errno
 * with s->err set. s->h, domid, err, memfd = -1 must be set first. */
int sr_save_open(struct sr_save *s, const char *config_text, const char *config_file,
		 char **json);
/* xl's header, the image header and DOMAIN (flags PV_SR_DOM_*) on s->io. */
int sr_save_headers(struct sr_save *s, const char *json, uint32_t dom_flags);
/* The stopped domain's state from the hypervisor, and start_info's frame from the
 * suspending vCPU (Xen's x86 PV convention): s->view, s->boot. */
int sr_save_hv(struct sr_save *s);
/* What a restore needs before the domain runs (a lazy one too): the engine's pages
 * and the boot pages (start_info, store and console rings: dom0 writes the rings
 * through mappings no dirty log sees), as one eager batch. */
int sr_save_eager_pages(struct sr_save *s, struct sr_pages_writer *w);
/* The records after memory: BOOT, SHARED_INFO, GNTTAB, the hypervisor's state,
 * XENSTORE, END; flushed. */
int sr_save_state(struct sr_save *s);
/* Pages with data in [first, first + n) of the memory fd. */
uint64_t sr_save_data_pages(int memfd, uint64_t first, uint64_t n);
/* Unmap, close the store and the memory fd, free the state (not s->io). */
void sr_save_close(struct sr_save *s);

#endif
