/* sr_pages: guest memory in PAGE_DATA records (save.h). The writer batches frames
 * (up to PV_SR_PAGE_BATCH per record), leaves out pages that read as zeros (unless
 * asked to say so: a migration round must overwrite a page that became zero) and
 * can deflate each batch; it finds the pages a domain ever touched by asking its
 * memory fd for data (SEEK_DATA / SEEK_HOLE), so never-touched memory costs
 * nothing. The readers check every frame number and length before they write:
 * straight into guest memory from a stream (restore), or from a body in memory
 * (the lazy pager). */
#ifndef PV_LIBPVX_SR_PAGES_H
#define PV_LIBPVX_SR_PAGES_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "libpvx/sr_stream.h"

/* Which frames an image may carry: RAM [0, max_pages) and the engine's pages
 * [eng_first, eng_end) among the special pages (the upcall stacks). */
struct sr_layout {
	uint64_t max_pages;
	uint64_t eng_first, eng_end;
	int live; /* a live migration's stream: PV_SR_PAGES_NOSUM records allowed */
};
void sr_layout_init(struct sr_layout *l, uint64_t max_pages, uint32_t max_vcpus);
int sr_layout_pfn_ok(const struct sr_layout *l, uint64_t pfn);

#define SR_PAGES_ZLIB      (1u << 0) /* deflate each batch */
#define SR_PAGES_SEND_ZERO (1u << 1) /* zero pages go out as PV_SR_PAGE_ZERO */
#define SR_PAGES_EAGER \
	(1u << 2) /* records marked PV_SR_PAGES_EAGER (set it in
					* w->flags around the pages a lazy restore needs first) */
#define SR_PAGES_NOSUM \
	(1u << 4) /* records marked PV_SR_PAGES_NOSUM: the data goes
					* out from guest memory without a sum (live
					* migration's rounds) */

struct sr_pages_writer {
	struct sr_io *io;
	unsigned flags;
	int zlevel;
	unsigned n; /* frames in the batch */
	uint64_t pfn[PV_SR_PAGE_BATCH];
	const uint8_t *data[PV_SR_PAGE_BATCH]; /* NULL: a zero page */
	z_stream z;
	int z_ready;
	uint8_t *zbuf; /* deflated batch */
	uint8_t *copy; /* the batch's pages, copied once: what is
					      * summed is what is written, though dom0
					      * still writes rings while a domain is
					      * suspended */
	/* counters: pages written with data, zero pages, record bytes */
	uint64_t pages, zero, bytes;
	/* called after each record with the writer (progress); optional */
	void (*progress)(void *ctx, const struct sr_pages_writer *w);
	void *progress_ctx;
};

int sr_pages_writer_init(struct sr_pages_writer *w, struct sr_io *io, unsigned flags);
void sr_pages_writer_fini(struct sr_pages_writer *w);
/* One frame whose 4 KiB are at page (which must stay valid until the batch is
 * written: the next add that fills it, or flush). */
int sr_pages_add(struct sr_pages_writer *w, uint64_t pfn, const uint8_t *page);
int sr_pages_flush(struct sr_pages_writer *w);
/* Every page of frames [first, first + count) that the memory fd holds data for
 * (mem maps the whole fd: frame f is at mem + f * 4096). Zero pages are left out
 * (or sent as such). */
int sr_pages_write_fd(struct sr_pages_writer *w, int memfd, const uint8_t *mem, uint64_t first,
		      uint64_t count);
/* 1 if the 4 KiB at p are all zero. */
int sr_page_is_zero(const uint8_t *p);

/* Stream reader, in two steps so that a lazy restore can leave the data where it
 * is. head: after sr_record_head, the body's fixed part and frame list, every
 * frame checked against l. Then data: the pages straight into guest memory (mem
 * maps frames as above) and the checksum checked; or skip: pass over the data.
 * -EBADMSG with err set for a damaged record. z: an inflate stream to reuse
 * (inflateInit'ed on first use; inflateEnd it when *z_ready). */
struct sr_pages_head {
	struct pv_sr_page_data h;
	uint64_t pfn[PV_SR_PAGE_BATCH];
	unsigned ndata; /* frames with data */
	int engine;     /* eager: an engine page, or a record marked so */
	struct sr_sum sum;
};
int sr_pages_head(struct sr_io *io, const struct sr_record *rec, const struct sr_layout *l,
		  struct sr_pages_head *ph, struct pvx_err *err);
int sr_pages_data(struct sr_io *io, const struct sr_record *rec, struct sr_pages_head *ph,
		  uint8_t *mem, z_stream *z, int *z_ready, struct pvx_err *err);
int sr_pages_skip(struct sr_io *io, const struct sr_record *rec, struct sr_pages_head *ph,
		  struct pvx_err *err);
/* head + data; *pages counts the data pages placed. */
int sr_pages_read(struct sr_io *io, const struct sr_record *rec, uint8_t *mem,
		  const struct sr_layout *l, z_stream *z, int *z_ready, uint64_t *pages,
		  struct pvx_err *err);

/* In-memory reader: call fn(ctx, pfn, data) for each frame of a body already read
 * and checked (data NULL for a zero page). scratch holds PV_SR_PAGE_BATCH pages
 * for a deflated batch. 0, -EBADMSG (err set), or fn's error. */
int sr_pages_decode(const uint8_t *body, size_t len, const struct sr_layout *l, uint8_t *scratch,
		    int (*fn)(void *ctx, uint64_t pfn, const uint8_t *data), void *ctx,
		    struct pvx_err *err);

#endif
