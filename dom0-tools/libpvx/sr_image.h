/* sr_image: reading a save image's records (after xl's header and the image
 * header) into guest memory and a parsed description of the rest -- the one
 * reader that restore, the lazy pager and the fuzzer share. Every record is
 * checked (type known, size, checksum, order: DOMAIN first, one of each singleton,
 * every vCPU once, END last) before anything of it is used. */
#ifndef PV_LIBPVX_SR_IMAGE_H
#define PV_LIBPVX_SR_IMAGE_H

#include "libpvx/sr_pages.h"

#define SR_MAX_VCPUS 128u

struct sr_image {
	struct pv_sr_domain dom;
	struct pv_sr_domain_state ds;
	struct pv_sr_boot boot;
	struct pv_sr_vcpu *vcpu[SR_MAX_VCPUS]; /* malloc'ed bodies (with extra[]) */
	struct pv_sr_timer *timers;
	uint32_t ntimers;
	struct pv_sr_evtchn *ports;
	uint32_t nports;
	uint32_t gnt_frames;
	uint8_t *xenstore; /* the XENSTORE body (checked), or NULL */
	size_t xenstore_len;
	unsigned seen;       /* bit per singleton record (sr_image.c) */
	uint64_t pages;      /* data pages placed */
	uint64_t pages_left; /* PAGE_DATA frames left in the image (lazy) */
	uint64_t bytes;      /* stream bytes read */
	uint8_t *mem;        /* guest memory from ops->domain */
	struct sr_layout layout;
};

struct sr_image_ops {
	/* DOMAIN was read and checked (version, engine name, sizes): make the domain
	 * and give its memory (RAM then special pages) and layout; or refuse (err). */
	int (*domain)(void *ctx, const struct pv_sr_domain *d, uint8_t **mem, struct sr_layout *l,
		      struct pvx_err *err);
	/* An optional record (type bit 31) this reader does not know: read or skip its
	 * body (sr_record_body / _skip) and go on (0), or fail. NULL: skipped. */
	int (*optional)(void *ctx, struct sr_io *io, struct sr_record *rec, struct pvx_err *err);
	/* After each record (progress). Optional. */
	void (*progress)(void *ctx, const struct sr_image *img);
	/* 1: leave page data in the image unless a record holds engine pages (a lazy
	 * restore's pager serves the rest); the records' offsets are not kept here. */
	int lazy;
};

/* Read records up to END. The engine a caller expects is checked by its domain
 * op; the pvisor version is checked here (-EPROTONOSUPPORT, saying both). */
int sr_image_read(struct sr_io *io, struct sr_image *img, const struct sr_image_ops *ops,
		  void *ctx, struct pvx_err *err);
void sr_image_fini(struct sr_image *img);

/* XENSTORE bodies: call fn for each entry (path relative to the domain's home,
 * value, perms); every length checked. 0, -EBADMSG (err set) or fn's error. */
struct sr_xs_entry {
	const char *path; /* not NUL-terminated: path_len bytes */
	uint32_t path_len;
	const char *value;
	uint32_t value_len;
	const struct pv_sr_xs_perm *perms;
	uint32_t nperms;
};
int sr_xenstore_walk(const uint8_t *body, size_t len,
		     int (*fn)(void *ctx, const struct sr_xs_entry *e), void *ctx,
		     struct pvx_err *err);

#endif
