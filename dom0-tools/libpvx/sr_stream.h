/* sr_stream: the record layer of pvisor's save image and migration stream
 * (include/pvisor/save.h): xl's header with the config, the image header, and
 * records framed as Xen's migration stream v2 (type, length, body, padding to 8)
 * whose bodies carry a checksum. Independent of the transport (sr_io.h) and of
 * what the records mean (save.c / restore.c / migration). Every reader checks
 * lengths before it trusts them: a damaged or hostile stream is an error with a
 * message, never a crash. */
#ifndef PV_LIBPVX_SR_STREAM_H
#define PV_LIBPVX_SR_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "libpvx/pvx_err.h"
#include "libpvx/sr_io.h"
#include "pvisor/save.h"

/* The body checksum (save.h): incremental, so that a body gathered from several
 * places (page data from guest memory) is summed without a copy. */
struct sr_sum {
	uint64_t lane[4];
	uint8_t tail[32];
	size_t tail_len;
	uint64_t total;
};
void sr_sum_init(struct sr_sum *s);
void sr_sum_update(struct sr_sum *s, const void *buf, size_t len);
uint64_t sr_sum_final(const struct sr_sum *s);
uint64_t sr_sum64(const void *buf, size_t len);

/* xl's header and the config (JSON, NUL-terminated text). read: *config is
 * malloc'ed. Errors: -EINVAL (not an xl save file, or flags we do not know),
 * -EPROTONOSUPPORT (an xl image of Xen's own, without pvisor's records),
 * -ENODATA (cut), -EFBIG (config too large). */
int sr_xl_header_write(struct sr_io *io, const char *config);
int sr_xl_header_read(struct sr_io *io, char **config, struct pvx_err *err);
/* pvisor's image header. read: -EINVAL (not pvisor's), -EPROTONOSUPPORT (another
 * stream version or byte order). */
int sr_image_header_write(struct sr_io *io);
int sr_image_header_read(struct sr_io *io, struct pvx_err *err);

/*
 * Write one record: iov[0..n) is the body; its first 8 bytes are the sum field,
 * which is filled here (over the rest of the body). n == 0: an empty body (END).
 * The caller's first iov is written to (the sum).
 */
int sr_record_write(struct sr_io *io, uint32_t type, struct iovec *iov, int n);
/* The same with only iov[0..nsum) in the sum (a body whose tail the sum leaves out,
 * PV_SR_PAGES_NOSUM). */
int sr_record_write_sum(struct sr_io *io, uint32_t type, struct iovec *iov, int n, int nsum);
/* A record whose body is one buffer (sum field first). */
int sr_record_write1(struct sr_io *io, uint32_t type, void *body, size_t len);

/* A record read back: body is owned by the record (reused between reads). */
struct sr_record {
	uint32_t type;
	uint32_t length;
	uint8_t *body;
	size_t cap;
	uint64_t offset; /* stream offset of the body */
};

/* Read the next record header only: type and length checked against
 * PV_SR_REC_BODY_MAX and the type's smallest body. Then either sr_record_body
 * (read, check padding and sum) or sr_record_skip (pass over it). */
int sr_record_head(struct sr_io *io, struct sr_record *rec, struct pvx_err *err);
int sr_record_body(struct sr_io *io, struct sr_record *rec, struct pvx_err *err);
int sr_record_skip(struct sr_io *io, const struct sr_record *rec, struct pvx_err *err);
/* head + body. */
int sr_record_read(struct sr_io *io, struct sr_record *rec, struct pvx_err *err);
void sr_record_fini(struct sr_record *rec);
/* Check a body's sum (a body read without sr_record_body, e.g. by a pager). */
int sr_record_sum_ok(uint32_t type, const uint8_t *body, size_t len);

/* The name of a record type for messages ("PAGE_DATA"), or "unknown". */
const char *sr_record_name(uint32_t type);
/* Bytes of padding after a body of len bytes. */
static inline size_t sr_pad(size_t len)
{
	return (PV_SR_REC_ALIGN - len % PV_SR_REC_ALIGN) % PV_SR_REC_ALIGN;
}

#endif
