/* pvlazy's index of a save image: which PAGE_DATA record holds each RAM frame
 * (the last one that does: a later copy wins, as in an eager restore). Headers
 * and frame lists are read and checked; page data is only skipped. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pvlazy/pvlazy.h"

static int lazy_add_rec(struct lazy_image *img, const struct sr_record *rec)
{
	if (img->nrecs == img->cap) {
		uint32_t cap = img->cap ? img->cap * 2 : 64;
		struct lazy_rec *r = realloc(img->recs, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		img->recs = r;
		img->cap = cap;
	}
	img->recs[img->nrecs] = (struct lazy_rec){ rec->offset, rec->length, 0 };
	return (int)img->nrecs++;
}

static int lazy_domain(struct lazy_image *img, struct sr_io *io, struct sr_record *rec,
		       struct pvx_err *err)
{
	const struct pv_sr_domain *d;
	int rc = sr_record_body(io, rec, err);

	if (rc < 0)
		return rc;
	d = (const void *)rec->body;
	if (d->max_pages == 0 || d->max_pages > (64ull << 30) / 4096 || d->max_vcpus == 0 ||
	    d->max_vcpus > SR_MAX_VCPUS)
		return pvx_fail(err, -EBADMSG, "the image's DOMAIN record describes no domain");
	img->max_pages = d->max_pages;
	sr_layout_init(&img->layout, d->max_pages, d->max_vcpus);
	if (!(img->rec_of = malloc(d->max_pages * sizeof(uint32_t))))
		return pvx_fail(err, -ENOMEM, "out of memory");
	memset(img->rec_of, 0xff, d->max_pages * sizeof(uint32_t));
	return 0;
}

static int lazy_pages(struct lazy_image *img, struct sr_io *io, struct sr_record *rec,
		      struct sr_pages_head *ph, struct pvx_err *err)
{
	int id, rc = sr_pages_head(io, rec, &img->layout, ph, err);

	if (rc < 0)
		return rc;
	if ((id = lazy_add_rec(img, rec)) < 0)
		return pvx_fail(err, id, "out of memory");
	for (unsigned i = 0; i < ph->h.count; i++) {
		uint64_t pfn = ph->pfn[i] & PV_SR_PAGE_FRAME_MASK;

		if (pfn < img->max_pages)
			img->rec_of[pfn] = ph->engine ? LAZY_EAGER : (uint32_t)id;
	}
	return sr_pages_skip(io, rec, ph, err);
}

static int lazy_records(struct lazy_image *img, struct sr_io *io, struct pvx_err *err)
{
	struct sr_record rec = { 0 };
	struct sr_pages_head *ph = malloc(sizeof(*ph));
	int rc = ph ? 0 : -ENOMEM, end = 0;

	while (rc == 0 && !end && (rc = sr_record_head(io, &rec, err)) == 0) {
		if (rec.type == PV_SR_REC_DOMAIN && !img->rec_of)
			rc = lazy_domain(img, io, &rec, err);
		else if (!img->rec_of)
			rc = pvx_fail(err, -EBADMSG,
				      "the image does not start with a DOMAIN record");
		else if (rec.type == PV_SR_REC_PAGE_DATA)
			rc = lazy_pages(img, io, &rec, ph, err);
		else
			rc = sr_record_skip(io, &rec, err);
		end = rec.type == PV_SR_REC_END;
	}
	sr_record_fini(&rec);
	free(ph);
	return rc;
}

int lazy_index(struct lazy_image *img, const char *path, struct pvx_err *err)
{
	struct sr_io io;
	struct stat st;
	char *config = NULL;
	int rc;

	memset(img, 0, sizeof(*img));
	img->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (img->fd < 0 || fstat(img->fd, &st) < 0)
		return pvx_fail(err, -errno, "%s: %s", path, strerror(errno));
	if ((rc = sr_io_fd(&io, img->fd, 0)) < 0)
		return pvx_fail(err, rc, "out of memory");
	rc = sr_xl_header_read(&io, &config, err);
	if (rc == 0)
		rc = sr_image_header_read(&io, err);
	if (rc == 0)
		rc = lazy_records(img, &io, err);
	/* seeking passes the end of a cut file silently: check the size */
	if (rc == 0 && sr_io_offset(&io) > (uint64_t)st.st_size)
		rc = pvx_fail(err, -ENODATA, "the image is cut");
	for (uint64_t pfn = 0; rc == 0 && pfn < img->max_pages; pfn++)
		img->in_image += img->rec_of[pfn] < LAZY_EAGER;
	free(config);
	sr_io_fini(&io);
	return rc;
}

void lazy_image_fini(struct lazy_image *img)
{
	if (img->fd >= 0)
		close(img->fd);
	free(img->rec_of);
	free(img->recs);
	memset(img, 0, sizeof(*img));
	img->fd = -1;
}
