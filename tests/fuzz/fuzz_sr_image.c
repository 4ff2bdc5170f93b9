/* libFuzzer harness for the save-image reader: the bytes are an image, read as a
 * restore reads it (xl's header, the config JSON, the image header, every record
 * into a domain's memory, checked) through a transport over the buffer; an odd
 * length reads it as a lazy restore does (page data skipped). A damaged image must
 * be refused with a message; nothing may crash, leak or read out of bounds. Seeds:
 * tests/fuzz/make_sr_seeds.py. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/sr_config.h"
#include "libpvx/sr_image.h"
#include "libpvx/sr_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MEM_MAX (16u << 20)

struct buf {
	const uint8_t *p;
	size_t len, pos;
};

static ssize_t buf_read(void *ctx, void *out, size_t len)
{
	struct buf *b = ctx;
	size_t n = b->len - b->pos < len ? b->len - b->pos : len;

	memcpy(out, b->p + b->pos, n);
	b->pos += n;
	return (ssize_t)n;
}

static const struct sr_io_ops buf_ops = { .read = buf_read };

static uint8_t *fuzz_mem;

/* A domain of the image's size, if it is small enough to allocate here. */
static int fuzz_domain(void *ctx, const struct pv_sr_domain *d, uint8_t **mem,
		       struct sr_layout *l, struct pvx_err *err)
{
	uint64_t bytes = (d->max_pages + d->nr_special) * 4096;

	(void)ctx;
	if (bytes > FUZZ_MEM_MAX)
		return pvx_fail(err, -ENOMEM, "too big for the fuzzer");
	if (!(fuzz_mem = calloc(1, bytes)))
		return -ENOMEM;
	sr_layout_init(l, d->max_pages, d->max_vcpus);
	*mem = fuzz_mem;
	return 0;
}

static int fuzz_xs(void *ctx, const struct sr_xs_entry *e)
{
	(void)ctx;
	if (e->path_len == 0 || e->nperms == 0)
		abort(); /* the walker promised */
	return 0;
}

static void fuzz_config(const char *json)
{
	struct domcfg dc = { 0 };
	struct pvx_err err = { 0 };
	char *text = NULL, *file = NULL;

	if (sr_config_load(json, NULL, NULL, 0, &dc, &text, &file, &err) == 0) {
		domcfg_fini(&dc);
		free(text);
		free(file);
	} else if (!err.msg[0]) {
		abort(); /* every refusal says why */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b = { data, size, 0 };
	struct sr_image_ops ops = { .domain = fuzz_domain, .lazy = (int)(size & 1) };
	struct sr_image img = { 0 };
	struct pvx_err err = { 0 };
	struct sr_io io;
	char *json = NULL;
	int rc;

	if (sr_io_init(&io, &buf_ops, &b, 0) < 0)
		return 0;
	rc = sr_xl_header_read(&io, &json, &err);
	if (rc == 0) {
		fuzz_config(json);
		rc = sr_image_header_read(&io, &err);
	}
	if (rc == 0)
		rc = sr_image_read(&io, &img, &ops, NULL, &err);
	if (rc == 0) {
		uint8_t *blob = NULL;
		size_t len = 0;

		if (img.xenstore &&
		    sr_xenstore_walk(img.xenstore, img.xenstore_len, fuzz_xs, NULL, &err) < 0)
			abort(); /* it was checked when read */
		if (sr_state_blob(&img, &blob, &len) == 0)
			free(blob);
	} else if (!err.msg[0]) {
		abort();
	}
	sr_image_fini(&img);
	sr_io_fini(&io);
	free(json);
	free(fuzz_mem);
	fuzz_mem = NULL;
	return 0;
}
