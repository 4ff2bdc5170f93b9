/* Kernel image loader: bounded inflate of gzip-compressed kernels through zlib. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#include "libpvx/elfimg_priv.h"

#define GZ_MIN_OUT (64u << 10)

static int elfimg_gz_fail(struct pvx_err *err, int rc, const char *what, const z_stream *zs)
{
	return pvx_fail(err, rc, "%s%s%s%s", what, zs && zs->msg ? " (" : "",
			zs && zs->msg ? zs->msg : "", zs && zs->msg ? ")" : "");
}

int elfimg_is_gzip(const uint8_t *buf, size_t len)
{
	return len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b;
}

/* Double the output buffer, up to max; -EFBIG once max is reached. */
static int elfimg_gz_grow(uint8_t **buf, size_t *cap, size_t max)
{
	size_t ncap = *cap > max / 2 ? max : *cap * 2;
	uint8_t *nbuf;

	if (*cap >= max)
		return -EFBIG;
	nbuf = realloc(*buf, ncap);
	if (!nbuf)
		return -ENOMEM;
	*buf = nbuf;
	*cap = ncap;
	return 0;
}

/* After a member ends: go on if another gzip member follows, else stop. */
static int elfimg_gz_next_member(z_stream *zs)
{
	if (!elfimg_is_gzip(zs->next_in, zs->avail_in))
		return 0; /* trailing padding after the last member is ignored */
	return inflateReset(zs) == Z_OK ? 1 : -ENOMEM;
}

static int elfimg_gz_run(z_stream *zs, uint8_t **buf, size_t *cap, size_t max, size_t *done,
			 struct pvx_err *err)
{
	int zrc, rc;

	for (;;) {
		zs->next_out = *buf + *done;
		zs->avail_out = (uInt)(*cap - *done);
		zrc = inflate(zs, Z_NO_FLUSH);
		*done = *cap - zs->avail_out;
		if (zrc == Z_STREAM_END) {
			rc = elfimg_gz_next_member(zs);
			if (rc <= 0)
				return rc;
			continue;
		}
		if (zrc == Z_MEM_ERROR)
			return elfimg_gz_fail(err, -ENOMEM, "out of memory inflating", zs);
		if (zrc != Z_OK && zrc != Z_BUF_ERROR)
			return elfimg_gz_fail(err, -ENOEXEC, "corrupt gzip data", zs);
		if (zs->avail_out == 0) {
			rc = elfimg_gz_grow(buf, cap, max);
			if (rc == -EFBIG)
				return pvx_fail(err, rc,
						"gzip data inflates to more than %zu MiB",
						max >> 20);
			if (rc)
				return rc;
		} else if (zs->avail_in == 0) {
			return elfimg_gz_fail(err, -ENOEXEC, "gzip data is truncated", NULL);
		}
	}
}

int elfimg_gunzip(const uint8_t *in, size_t len, size_t max, uint8_t **out, size_t *outlen,
		  struct pvx_err *err)
{
	z_stream zs = { 0 };
	size_t cap = len < max / 4 ? len * 4 : max;
	size_t done = 0;
	uint8_t *buf;
	int rc;

	if (len > ELF_IMAGE_MAX_FILE)
		return elfimg_gz_fail(err, -EFBIG, "gzip data is over 256 MiB", NULL);
	if (cap < GZ_MIN_OUT)
		cap = GZ_MIN_OUT < max ? GZ_MIN_OUT : max;
	buf = malloc(cap ? cap : 1);
	if (!buf || inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
		free(buf);
		return elfimg_gz_fail(err, -ENOMEM, "out of memory inflating", NULL);
	}
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	rc = elfimg_gz_run(&zs, &buf, &cap, max, &done, err);
	if (rc == 0) {
		*out = buf;
		*outlen = done;
	} else {
		free(buf);
	}
	inflateEnd(&zs);
	return rc;
}
