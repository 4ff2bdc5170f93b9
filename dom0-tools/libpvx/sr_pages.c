/* sr_pages: PAGE_DATA records -- batching, zero pages, deflate, the memory fd's
 * data extents, and the checked readers (sr_pages.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/mman.h>

#include "libpvx/sr_pages.h"
#include "pvisor/pvisor.h"

/* Linux 5.14 (older headers lack them; a kernel without them refuses: harmless) */
#define SR_MADV_POPULATE_READ  22
#define SR_MADV_POPULATE_WRITE 23
#define PAGE                   PV_PAGE_SIZE
#define ZBUF_MAX               (PV_SR_PAGE_BATCH * PAGE + PV_SR_PAGE_BATCH * 64 + 1024)

void sr_layout_init(struct sr_layout *l, uint64_t max_pages, uint32_t max_vcpus)
{
	l->max_pages = max_pages;
	l->eng_first = max_pages + PV_SPECIAL_UPCALL_STACKS(max_vcpus);
	l->eng_end = max_pages + PV_SPECIAL_PAGES(max_vcpus);
	l->live = 0;
}

int sr_layout_pfn_ok(const struct sr_layout *l, uint64_t pfn)
{
	return pfn < l->max_pages || (pfn >= l->eng_first && pfn < l->eng_end);
}

int sr_page_is_zero(const uint8_t *p)
{
	const uint64_t *w = (const uint64_t *)p;

	for (size_t i = 0; i < PAGE / 8; i += 8)
		if (w[i] | w[i + 1] | w[i + 2] | w[i + 3] | w[i + 4] | w[i + 5] | w[i + 6] |
		    w[i + 7])
			return 0;
	return 1;
}

/* ---- writer ---- */
int sr_pages_writer_init(struct sr_pages_writer *w, struct sr_io *io, unsigned flags)
{
	memset(w, 0, sizeof(*w));
	w->io = io;
	w->flags = flags;
	w->zlevel = Z_BEST_SPEED;
	if (flags & SR_PAGES_NOSUM)
		return 0; /* written straight from memory, nothing summed: no copy */
	if (!(flags & SR_PAGES_ZLIB))
		return (w->copy = malloc((size_t)PV_SR_PAGE_BATCH * PAGE)) ? 0 : -ENOMEM;
	if (!(w->zbuf = malloc(ZBUF_MAX)))
		return -ENOMEM;
	if (deflateInit(&w->z, w->zlevel) != Z_OK) {
		free(w->zbuf);
		w->zbuf = NULL;
		return -ENOMEM;
	}
	w->z_ready = 1;
	return 0;
}

void sr_pages_writer_fini(struct sr_pages_writer *w)
{
	if (w->z_ready)
		deflateEnd(&w->z);
	free(w->zbuf);
	free(w->copy);
	w->z_ready = 0;
	w->zbuf = NULL;
	w->copy = NULL;
}

/* The batch's data pages as one deflate stream into zbuf: its length, or -EIO. */
static long pages_deflate(struct sr_pages_writer *w)
{
	int rc = Z_OK;

	deflateReset(&w->z);
	w->z.next_out = w->zbuf;
	w->z.avail_out = ZBUF_MAX;
	for (unsigned i = 0; i < w->n && rc == Z_OK; i++) {
		if (!w->data[i])
			continue;
		w->z.next_in = (Bytef *)w->data[i];
		w->z.avail_in = PAGE;
		rc = deflate(&w->z, Z_NO_FLUSH);
	}
	if (rc == Z_OK)
		rc = deflate(&w->z, Z_FINISH);
	return rc == Z_STREAM_END ? (long)w->z.total_out : -EIO;
}

/* A NOSUM batch's data straight from memory (nothing is summed that could then
 * differ), consecutive pages merged into one iovec. */
static int pages_iov_direct(struct sr_pages_writer *w, struct iovec *v, size_t *bytes)
{
	int n = 0;

	*bytes = 0;
	for (unsigned i = 0; i < w->n; i++) {
		if (!w->data[i])
			continue;
		*bytes += PAGE;
		if (n && (uint8_t *)v[n - 1].iov_base + v[n - 1].iov_len == w->data[i]) {
			v[n - 1].iov_len += PAGE;
			continue;
		}
		v[n].iov_base = (void *)w->data[i];
		v[n].iov_len = PAGE;
		n++;
	}
	return n;
}

/* The data pages copied into one buffer: one iovec. Guest memory is not written
 * from directly: the checksum must cover exactly the bytes that go out, and dom0's
 * daemons may still touch ring pages of a suspended domain. */
static int pages_iov(struct sr_pages_writer *w, struct iovec *v, size_t *bytes)
{
	if (w->flags & SR_PAGES_NOSUM)
		return pages_iov_direct(w, v, bytes);
	*bytes = 0;
	for (unsigned i = 0; i < w->n; i++) {
		if (!w->data[i])
			continue;
		memcpy(w->copy + *bytes, w->data[i], PAGE);
		*bytes += PAGE;
	}
	v[0].iov_base = w->copy;
	v[0].iov_len = *bytes;
	return *bytes ? 1 : 0;
}

int sr_pages_flush(struct sr_pages_writer *w)
{
	struct pv_sr_page_data h = {
		.count = w->n,
		.flags = (w->flags & SR_PAGES_EAGER ? PV_SR_PAGES_EAGER : 0) |
			 (w->flags & SR_PAGES_NOSUM ? PV_SR_PAGES_NOSUM : 0)
	};
	struct iovec v[PV_SR_PAGE_BATCH + 2];
	size_t bytes = 0;
	int n, rc;

	if (w->n == 0)
		return 0;
	v[0].iov_base = &h;
	v[0].iov_len = sizeof(h);
	v[1].iov_base = w->pfn;
	v[1].iov_len = w->n * sizeof(w->pfn[0]);
	n = w->flags & SR_PAGES_ZLIB ? 0 : pages_iov(w, v + 2, &bytes);
	for (unsigned i = 0; (w->flags & SR_PAGES_ZLIB) && i < w->n; i++)
		bytes += w->data[i] ? PAGE : 0;
	if ((w->flags & SR_PAGES_ZLIB) && bytes) {
		long z = pages_deflate(w);

		if (z < 0)
			return (int)z;
		h.flags |= PV_SR_PAGES_ZLIB;
		v[2].iov_base = w->zbuf;
		v[2].iov_len = (size_t)z;
		bytes = (size_t)z;
		n = 1;
	}
	h.data_len = (uint32_t)bytes;
	rc = sr_record_write_sum(w->io, PV_SR_REC_PAGE_DATA, v, n + 2,
				 w->flags & SR_PAGES_NOSUM ? 2 : n + 2);
	w->bytes += sizeof(struct pv_sr_rhdr) + sizeof(h) + v[1].iov_len + bytes +
		    sr_pad(sizeof(h) + v[1].iov_len + bytes);
	w->n = 0;
	if (rc == 0 && w->progress)
		w->progress(w->progress_ctx, w);
	return rc;
}

int sr_pages_add(struct sr_pages_writer *w, uint64_t pfn, const uint8_t *page)
{
	int zero = sr_page_is_zero(page);

	if (zero && !(w->flags & SR_PAGES_SEND_ZERO)) {
		w->zero++;
		return 0;
	}
	w->pfn[w->n] = pfn | (zero ? PV_SR_PAGE_ZERO << PV_SR_PAGE_TYPE_SHIFT : 0);
	w->data[w->n] = zero ? NULL : page;
	w->n++;
	if (zero)
		w->zero++;
	else
		w->pages++;
	return w->n == PV_SR_PAGE_BATCH ? sr_pages_flush(w) : 0;
}

/* The memory fd's data extents (shmem answers SEEK_DATA / SEEK_HOLE): pages never
 * written hold no data and are not even read. */
int sr_pages_write_fd(struct sr_pages_writer *w, int memfd, const uint8_t *mem, uint64_t first,
		      uint64_t count)
{
	off_t pos = (off_t)(first * PAGE), end = (off_t)((first + count) * PAGE);

	while (pos < end) {
		off_t data = lseek(memfd, pos, SEEK_DATA), hole;

		if (data < 0 && errno == ENXIO)
			break; /* no data past pos */
		if (data < 0)
			return -errno;
		if (data >= end)
			break;
		hole = lseek(memfd, data, SEEK_HOLE);
		if (hole < 0)
			return -errno;
		if (hole > end)
			hole = end;
		/* our mapping's page tables in one go, not a fault per page */
		madvise((void *)(mem + (data & ~(off_t)(PAGE - 1))),
			(size_t)(hole - (data & ~(off_t)(PAGE - 1))), SR_MADV_POPULATE_READ);
		for (off_t p = data & ~(off_t)(PAGE - 1); p < hole; p += PAGE) {
			int rc = sr_pages_add(w, (uint64_t)p / PAGE, mem + p);

			if (rc < 0)
				return rc;
		}
		pos = hole;
	}
	return 0;
}

/* ---- readers ---- */
static uint64_t pfn_type(uint64_t e)
{
	return e >> PV_SR_PAGE_TYPE_SHIFT;
}

static uint64_t pfn_frame(uint64_t e)
{
	return e & PV_SR_PAGE_FRAME_MASK;
}

/* The fixed part and the frame list of a PAGE_DATA body: every frame allowed, its
 * type known, data_len what the data pages need. *ndata: pages with data. */
static int pages_check(const struct pv_sr_page_data *h, const uint64_t *pfn, size_t len,
		       const struct sr_layout *l, unsigned *ndata, struct pvx_err *err)
{
	size_t head = sizeof(*h) + (size_t)h->count * 8;

	if (h->count == 0 || h->count > PV_SR_PAGE_BATCH || len < head ||
	    (h->flags & ~(PV_SR_PAGES_ZLIB | PV_SR_PAGES_EAGER | PV_SR_PAGES_NOSUM)) ||
	    ((h->flags & PV_SR_PAGES_NOSUM) && !l->live) || h->data_len != len - head)
		return pvx_fail(err, -EBADMSG,
				"the image is damaged: a PAGE_DATA record of %u "
				"frames and %u data bytes in %zu bytes",
				h->count, h->data_len, len);
	*ndata = 0;
	for (unsigned i = 0; i < h->count; i++) {
		uint64_t t = pfn_type(pfn[i]);

		if ((t != PV_SR_PAGE_NORMAL && t != PV_SR_PAGE_ZERO) ||
		    (pfn[i] & ~(PV_SR_PAGE_FRAME_MASK | 0xfull << PV_SR_PAGE_TYPE_SHIFT)) ||
		    !sr_layout_pfn_ok(l, pfn_frame(pfn[i])))
			return pvx_fail(err, -EBADMSG,
					"the image is damaged: page entry 0x%llx "
					"is not a frame of this domain",
					(unsigned long long)pfn[i]);
		*ndata += t == PV_SR_PAGE_NORMAL;
	}
	if (!(h->flags & PV_SR_PAGES_ZLIB) && h->data_len != (uint64_t)*ndata * PAGE)
		return pvx_fail(err, -EBADMSG, "the image is damaged: %u data pages in %u bytes",
				*ndata, h->data_len);
	return 0;
}

/* Inflate `in` into the data pages of the batch, in order. */
static int pages_inflate(z_stream *z, const uint8_t *in, size_t in_len, uint8_t *const *dst,
			 unsigned ndata)
{
	int rc = Z_OK;

	if (inflateReset(z) != Z_OK)
		return -EIO;
	z->next_in = (Bytef *)in;
	z->avail_in = (uInt)in_len;
	for (unsigned i = 0; i < ndata; i++) {
		z->next_out = dst[i];
		z->avail_out = PAGE;
		rc = inflate(z, Z_SYNC_FLUSH);
		if ((rc != Z_OK && rc != Z_STREAM_END) || z->avail_out)
			return -EBADMSG;
	}
	return rc == Z_STREAM_END && z->avail_in == 0 ? 0 : -EBADMSG;
}

static int z_ready_up(z_stream *z, int *z_ready)
{
	if (*z_ready)
		return 0;
	memset(z, 0, sizeof(*z));
	if (inflateInit(z) != Z_OK)
		return -ENOMEM;
	*z_ready = 1;
	return 0;
}

/* Read n bytes to dst and add them to the sum (s NULL: data a NOSUM record leaves
 * out of it). */
static int pages_read_sum(struct sr_io *io, void *dst, size_t n, struct sr_sum *s)
{
	int rc = sr_io_read(io, dst, n);

	if (rc == 0 && s)
		sr_sum_update(s, dst, n);
	return rc;
}

/* A frame that reads as zeros: its memory goes back (guest memory is a shared
 * mapping of a memory fd, where MADV_REMOVE punches a hole), else it is cleared. */
static void page_zero(uint8_t *page)
{
	if (madvise(page, PAGE, MADV_REMOVE) < 0)
		memset(page, 0, PAGE);
}

/* Raw data straight into guest memory, runs of consecutive frames at once; each
 * run's pages are made in one go first (MADV_POPULATE_WRITE, Linux 5.14), which on
 * this host costs a fraction of a fault per page. */
static int pages_read_raw(struct sr_io *io, const uint64_t *pfn, unsigned count, uint8_t *mem,
			  struct sr_sum *s)
{
	for (unsigned i = 0; i < count;) {
		unsigned run = 1;
		uint8_t *dst;

		if (pfn_type(pfn[i]) != PV_SR_PAGE_NORMAL) {
			page_zero(mem + pfn_frame(pfn[i]) * PAGE);
			i++;
			continue;
		}
		while (i + run < count && pfn_type(pfn[i + run]) == PV_SR_PAGE_NORMAL &&
		       pfn_frame(pfn[i + run]) == pfn_frame(pfn[i]) + run)
			run++;
		dst = mem + pfn_frame(pfn[i]) * PAGE;
		if (run > 1)
			madvise(dst, (size_t)run * PAGE, SR_MADV_POPULATE_WRITE);
		int rc = pages_read_sum(io, dst, (size_t)run * PAGE, s);

		if (rc < 0)
			return rc;
		i += run;
	}
	return 0;
}

static int pages_read_zlib(struct sr_io *io, const struct pv_sr_page_data *h, const uint64_t *pfn,
			   uint8_t *mem, z_stream *z, int *z_ready, struct sr_sum *s)
{
	uint8_t *in = malloc(h->data_len ? h->data_len : 1), *dst[PV_SR_PAGE_BATCH];
	unsigned nd = 0;
	int rc = in ? pages_read_sum(io, in, h->data_len, s) : -ENOMEM;

	for (unsigned i = 0; i < h->count; i++) {
		if (pfn_type(pfn[i]) == PV_SR_PAGE_NORMAL)
			dst[nd++] = mem + pfn_frame(pfn[i]) * PAGE;
		else
			page_zero(mem + pfn_frame(pfn[i]) * PAGE);
	}
	if (rc == 0)
		rc = z_ready_up(z, z_ready);
	if (rc == 0)
		rc = pages_inflate(z, in, h->data_len, dst, nd);
	free(in);
	return rc;
}

static int pages_read_fail(struct pvx_err *err, int rc, const struct sr_record *rec)
{
	if (rc == -ENODATA)
		return pvx_fail(err, rc, "the image is cut in a PAGE_DATA record");
	if (rc == -EBADMSG)
		return pvx_fail(err, rc,
				"the image is damaged: the PAGE_DATA record at byte "
				"%llu does not inflate",
				(unsigned long long)rec->offset);
	return pvx_fail(err, rc, "reading page data: %s", strerror(-rc));
}

int sr_pages_head(struct sr_io *io, const struct sr_record *rec, const struct sr_layout *l,
		  struct sr_pages_head *ph, struct pvx_err *err)
{
	struct pv_sr_page_data *h = &ph->h;
	int rc;

	if ((rc = sr_io_read(io, h, sizeof(*h))) < 0)
		return pages_read_fail(err, rc, rec);
	if (h->count == 0 || h->count > PV_SR_PAGE_BATCH ||
	    rec->length < sizeof(*h) + (size_t)h->count * 8)
		return pvx_fail(err, -EBADMSG,
				"the image is damaged: a PAGE_DATA record of %u "
				"frames in %u bytes",
				h->count, rec->length);
	sr_sum_init(&ph->sum);
	sr_sum_update(&ph->sum, (uint8_t *)h + 8, sizeof(*h) - 8);
	if ((rc = pages_read_sum(io, ph->pfn, (size_t)h->count * 8, &ph->sum)) < 0)
		return pages_read_fail(err, rc, rec);
	if ((rc = pages_check(h, ph->pfn, rec->length, l, &ph->ndata, err)) < 0)
		return rc;
	ph->engine = (h->flags & PV_SR_PAGES_EAGER) != 0;
	for (unsigned i = 0; i < h->count; i++)
		ph->engine |= pfn_frame(ph->pfn[i]) >= l->max_pages;
	return 0;
}

int sr_pages_data(struct sr_io *io, const struct sr_record *rec, struct sr_pages_head *ph,
		  uint8_t *mem, z_stream *z, int *z_ready, struct pvx_err *err)
{
	uint8_t pad[PV_SR_REC_ALIGN];
	uint64_t sum;
	struct sr_sum *s = ph->h.flags & PV_SR_PAGES_NOSUM ? NULL : &ph->sum;
	int rc = ph->h.flags & PV_SR_PAGES_ZLIB
			 ? pages_read_zlib(io, &ph->h, ph->pfn, mem, z, z_ready, s)
			 : pages_read_raw(io, ph->pfn, ph->h.count, mem, s);

	if (rc == 0)
		rc = sr_io_read(io, pad, sr_pad(rec->length));
	if (rc < 0)
		return pages_read_fail(err, rc, rec);
	memcpy(&sum, &ph->h.sum, sizeof(sum));
	if (sum != sr_sum_final(&ph->sum))
		return pvx_fail(err, -EBADMSG,
				"the image is damaged: the checksum of the "
				"PAGE_DATA record at byte %llu does not match",
				(unsigned long long)rec->offset);
	return 0;
}

int sr_pages_skip(struct sr_io *io, const struct sr_record *rec, struct sr_pages_head *ph,
		  struct pvx_err *err)
{
	int rc = sr_io_skip(io, ph->h.data_len + sr_pad(rec->length));

	return rc < 0 ? pages_read_fail(err, rc, rec) : 0;
}

int sr_pages_read(struct sr_io *io, const struct sr_record *rec, uint8_t *mem,
		  const struct sr_layout *l, z_stream *z, int *z_ready, uint64_t *pages,
		  struct pvx_err *err)
{
	struct sr_pages_head *ph = malloc(sizeof(*ph));
	int rc;

	if (!ph)
		return pvx_fail(err, -ENOMEM, "out of memory");
	rc = sr_pages_head(io, rec, l, ph, err);
	if (rc == 0)
		rc = sr_pages_data(io, rec, ph, mem, z, z_ready, err);
	if (rc == 0)
		*pages += ph->ndata;
	free(ph);
	return rc;
}

int sr_pages_decode(const uint8_t *body, size_t len, const struct sr_layout *l, uint8_t *scratch,
		    int (*fn)(void *ctx, uint64_t pfn, const uint8_t *data), void *ctx,
		    struct pvx_err *err)
{
	struct pv_sr_page_data h;
	const uint64_t *pfn = (const uint64_t *)(body + sizeof(h));
	const uint8_t *data;
	unsigned ndata, k = 0;
	int rc;

	if (len < sizeof(h))
		return pvx_fail(err, -EBADMSG, "the image is damaged: a short PAGE_DATA record");
	memcpy(&h, body, sizeof(h));
	if (h.count == 0 || h.count > PV_SR_PAGE_BATCH || len < sizeof(h) + (size_t)h.count * 8)
		return pvx_fail(err, -EBADMSG,
				"the image is damaged: a PAGE_DATA record of %u "
				"frames in %zu bytes",
				h.count, len);
	if ((rc = pages_check(&h, pfn, len, l, &ndata, err)) < 0)
		return rc;
	data = body + sizeof(h) + (size_t)h.count * 8;
	if (h.flags & PV_SR_PAGES_ZLIB) {
		uLongf out = (uLongf)ndata * PAGE;

		if (uncompress(scratch, &out, data, h.data_len) != Z_OK || out != ndata * PAGE)
			return pvx_fail(err, -EBADMSG,
					"the image is damaged: a PAGE_DATA record "
					"does not inflate");
		data = scratch;
	}
	for (unsigned i = 0; i < h.count; i++) {
		int normal = pfn_type(pfn[i]) == PV_SR_PAGE_NORMAL;

		rc = fn(ctx, pfn_frame(pfn[i]), normal ? data + (size_t)k * PAGE : NULL);
		if (rc < 0)
			return rc;
		k += normal;
	}
	return 0;
}
