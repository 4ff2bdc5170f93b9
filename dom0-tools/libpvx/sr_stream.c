/* sr_stream: xl's header, pvisor's image header and checksummed records in Xen's
 * migration stream v2 framing (sr_stream.h). */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/sr_stream.h"

/* ---- the checksum: four lanes of multiply-rotate over 32-byte blocks ---- */
#define SUM_P1 0x9e3779b185ebca87ull
#define SUM_P2 0xc2b2ae3d27d4eb4full
#define SUM_P3 0x165667b19e3779f9ull

static inline uint64_t rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t sum_round(uint64_t acc, uint64_t v)
{
	return rotl64(acc + v * SUM_P2, 31) * SUM_P1;
}

void sr_sum_init(struct sr_sum *s)
{
	memset(s, 0, sizeof(*s));
	s->lane[0] = SUM_P1 + SUM_P2;
	s->lane[1] = SUM_P2;
	s->lane[2] = 0;
	s->lane[3] = 0 - SUM_P1;
}

static void sum_block(struct sr_sum *s, const uint8_t *p)
{
	uint64_t v[4];

	memcpy(v, p, sizeof(v));
	for (int i = 0; i < 4; i++)
		s->lane[i] = sum_round(s->lane[i], le64toh(v[i]));
}

void sr_sum_update(struct sr_sum *s, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	s->total += len;
	if (s->tail_len) {
		size_t take = 32 - s->tail_len < len ? 32 - s->tail_len : len;

		memcpy(s->tail + s->tail_len, p, take);
		s->tail_len += take;
		p += take;
		len -= take;
		if (s->tail_len < 32)
			return;
		sum_block(s, s->tail);
		s->tail_len = 0;
	}
	for (; len >= 32; p += 32, len -= 32)
		sum_block(s, p);
	memcpy(s->tail, p, len);
	s->tail_len = len;
}

uint64_t sr_sum_final(const struct sr_sum *s)
{
	uint64_t h = rotl64(s->lane[0], 1) + rotl64(s->lane[1], 7) + rotl64(s->lane[2], 12) +
		     rotl64(s->lane[3], 18) + s->total;

	for (size_t i = 0; i < s->tail_len; i++)
		h = rotl64(h ^ (s->tail[i] * SUM_P3), 11) * SUM_P1;
	h ^= h >> 33;
	h *= SUM_P2;
	h ^= h >> 29;
	return h;
}

uint64_t sr_sum64(const void *buf, size_t len)
{
	struct sr_sum s;

	sr_sum_init(&s);
	sr_sum_update(&s, buf, len);
	return sr_sum_final(&s);
}

/* ---- xl's header ---- */
int sr_xl_header_write(struct sr_io *io, const char *config)
{
	uint32_t clen = (uint32_t)strlen(config) + 1;
	struct pv_sr_xl_header h = { .byteorder = PV_SR_XL_BYTEORDER,
				     .mandatory_flags = PV_SR_XL_JSON | PV_SR_XL_STREAMV2,
				     .optional_data_len = (uint32_t)sizeof(clen) + clen };
	struct iovec v[3] = { { &h, sizeof(h) },
			      { &clen, sizeof(clen) },
			      { (void *)config, clen } };

	memcpy(h.magic, PV_SR_XL_MAGIC, PV_SR_XL_MAGIC_LEN);
	return sr_io_writev(io, v, 3);
}

static int xl_header_check(const struct pv_sr_xl_header *h, struct pvx_err *err)
{
	if (memcmp(h->magic, PV_SR_XL_MAGIC, PV_SR_XL_MAGIC_LEN) != 0)
		return pvx_fail(err, -EINVAL, "not a save image (no xl save header)");
	if (h->byteorder != PV_SR_XL_BYTEORDER)
		return pvx_fail(err, -EPROTONOSUPPORT,
				"the image was written on a host of "
				"another byte order");
	if (h->mandatory_flags & ~(PV_SR_XL_JSON | PV_SR_XL_STREAMV2))
		return pvx_fail(err, -EINVAL,
				"the image needs features this pvisor does not "
				"know (xl mandatory flags 0x%x)",
				h->mandatory_flags);
	if (!(h->mandatory_flags & PV_SR_XL_JSON))
		return pvx_fail(err, -EPROTONOSUPPORT,
				"the image's config is not JSON (an old "
				"xl format)");
	if (!(h->mandatory_flags & PV_SR_XL_STREAMV2))
		return pvx_fail(err, -EPROTONOSUPPORT, "the image is not a migration stream v2");
	if (h->optional_data_len < sizeof(uint32_t) ||
	    h->optional_data_len > PV_SR_XL_CONFIG_MAX + sizeof(uint32_t))
		return pvx_fail(err, -EFBIG, "the image's config area is %u bytes (at most %u)",
				h->optional_data_len, PV_SR_XL_CONFIG_MAX);
	return 0;
}

int sr_xl_header_read(struct sr_io *io, char **config, struct pvx_err *err)
{
	struct pv_sr_xl_header h;
	uint32_t clen;
	char *c;
	int rc;

	*config = NULL;
	if ((rc = sr_io_read(io, &h, sizeof(h))) < 0)
		return pvx_fail(err, rc,
				rc == -ENODATA ? "the image is empty or cut in its "
						 "header"
					       : "reading the image: %s",
				strerror(-rc));
	if ((rc = xl_header_check(&h, err)) < 0)
		return rc;
	if ((rc = sr_io_read(io, &clen, sizeof(clen))) < 0)
		return pvx_fail(err, rc, "the image is cut in its config");
	if (clen == 0 || clen != h.optional_data_len - sizeof(clen))
		return pvx_fail(err, -EINVAL,
				"the image's config length %u does not match its "
				"header (%u)",
				clen, h.optional_data_len);
	if (!(c = malloc(clen)))
		return pvx_fail(err, -ENOMEM, "out of memory");
	if ((rc = sr_io_read(io, c, clen)) < 0 || c[clen - 1] != '\0' || strlen(c) != clen - 1) {
		free(c);
		return pvx_fail(err, rc < 0 ? rc : -EINVAL,
				rc < 0 ? "the image is cut in its "
					 "config"
				       : "the image's config is not one NUL-terminated text");
	}
	*config = c;
	return 0;
}

/* ---- pvisor's image header ---- */
int sr_image_header_write(struct sr_io *io)
{
	struct pv_sr_image_header h = { .marker = htobe64(PV_SR_MARKER),
					.id = htobe32(PV_SR_ID),
					.version = htobe32(PV_SR_VERSION) };

	return sr_io_write(io, &h, sizeof(h));
}

int sr_image_header_read(struct sr_io *io, struct pvx_err *err)
{
	struct pv_sr_image_header h;
	int rc = sr_io_read(io, &h, sizeof(h));

	if (rc < 0)
		return pvx_fail(err, rc, "the image is cut after its config");
	if (be64toh(h.marker) != PV_SR_MARKER || be32toh(h.id) != PV_SR_ID)
		return pvx_fail(err, -EPROTONOSUPPORT,
				"the image holds no pvisor records (an "
				"image of Xen's own xl, or damaged)");
	if (be32toh(h.version) != PV_SR_VERSION)
		return pvx_fail(err, -EPROTONOSUPPORT,
				"the image's records are format %u; this "
				"pvisor reads format %u",
				be32toh(h.version), PV_SR_VERSION);
	if (be16toh(h.options) & 1)
		return pvx_fail(err, -EPROTONOSUPPORT, "the image's records are big-endian");
	return 0;
}

/* ---- records ---- */
const char *sr_record_name(uint32_t type)
{
	switch (type & ~PV_SR_REC_OPTIONAL) {
	case PV_SR_REC_END:
		return "END";
	case PV_SR_REC_DOMAIN:
		return "DOMAIN";
	case PV_SR_REC_PAGE_DATA:
		return "PAGE_DATA";
	case PV_SR_REC_VCPU:
		return "VCPU";
	case PV_SR_REC_SHARED_INFO:
		return "SHARED_INFO";
	case PV_SR_REC_GNTTAB:
		return "GNTTAB";
	case PV_SR_REC_EVTCHN:
		return "EVTCHN";
	case PV_SR_REC_TIMERS:
		return "TIMERS";
	case PV_SR_REC_XENSTORE:
		return "XENSTORE";
	case PV_SR_REC_BOOT:
		return "BOOT";
	case PV_SR_REC_DOMAIN_STATE:
		return "DOMAIN_STATE";
	case PV_SR_REC_PAGE_SUMS & ~PV_SR_REC_OPTIONAL:
		return "PAGE_SUMS";
	default:
		return "unknown";
	}
}

int sr_record_write(struct sr_io *io, uint32_t type, struct iovec *iov, int n)
{
	return sr_record_write_sum(io, type, iov, n, n);
}

int sr_record_write_sum(struct sr_io *io, uint32_t type, struct iovec *iov, int n, int nsum)
{
	static const uint8_t zero[PV_SR_REC_ALIGN];
	struct iovec all[PV_SR_PAGE_BATCH + 8];
	struct pv_sr_rhdr h = { .type = type };
	struct sr_sum s;
	size_t len = 0;

	if (n < 0 || (size_t)n + 2 > sizeof(all) / sizeof(all[0]) || (n && iov[0].iov_len < 8))
		return -EINVAL;
	sr_sum_init(&s);
	for (int i = 0; i < n; i++) {
		len += iov[i].iov_len;
		if (i == 0)
			sr_sum_update(&s, (uint8_t *)iov[0].iov_base + 8, iov[0].iov_len - 8);
		else if (i < nsum)
			sr_sum_update(&s, iov[i].iov_base, iov[i].iov_len);
	}
	if (len > PV_SR_REC_BODY_MAX)
		return -E2BIG;
	if (n) {
		uint64_t sum = sr_sum_final(&s);

		memcpy(iov[0].iov_base, &sum, sizeof(sum));
	}
	h.length = (uint32_t)len;
	all[0].iov_base = &h;
	all[0].iov_len = sizeof(h);
	if (n) /* iov may be NULL for a record of no body */
		memcpy(all + 1, iov, (size_t)n * sizeof(*iov));
	all[n + 1].iov_base = (void *)zero;
	all[n + 1].iov_len = sr_pad(len);
	return sr_io_writev(io, all, n + 2);
}

int sr_record_write1(struct sr_io *io, uint32_t type, void *body, size_t len)
{
	struct iovec v = { body, len };

	return sr_record_write(io, type, &v, 1);
}

/* The smallest body of a type (exact for fixed-size bodies); 8 (the sum) for the
 * rest, unknown ones included. */
static int sr_record_size_ok(uint32_t type, uint32_t len)
{
	switch (type) {
	case PV_SR_REC_END:
		return len == 0;
	case PV_SR_REC_DOMAIN:
		return len == sizeof(struct pv_sr_domain);
	case PV_SR_REC_SHARED_INFO:
		return len == sizeof(struct pv_sr_page);
	case PV_SR_REC_BOOT:
		return len == sizeof(struct pv_sr_boot);
	case PV_SR_REC_DOMAIN_STATE:
		return len == sizeof(struct pv_sr_domain_state);
	case PV_SR_REC_PAGE_DATA:
		return len >= sizeof(struct pv_sr_page_data) + 8;
	case PV_SR_REC_VCPU:
		return len >= sizeof(struct pv_sr_vcpu);
	case PV_SR_REC_GNTTAB:
		return len >= sizeof(struct pv_sr_gnttab);
	case PV_SR_REC_EVTCHN:
		return len >= sizeof(struct pv_sr_evtchn_list);
	case PV_SR_REC_TIMERS:
		return len >= sizeof(struct pv_sr_timers);
	case PV_SR_REC_XENSTORE:
		return len >= sizeof(struct pv_sr_xenstore);
	case PV_SR_REC_PAGE_SUMS:
		return len > sizeof(struct pv_sr_page_sums);
	default:
		return len >= 8;
	}
}

int sr_record_head(struct sr_io *io, struct sr_record *rec, struct pvx_err *err)
{
	struct pv_sr_rhdr h;
	int rc = sr_io_read(io, &h, sizeof(h));

	if (rc == -ENODATA)
		return pvx_fail(err, rc,
				"the image is cut (it ends at byte %llu, before its END "
				"record)",
				(unsigned long long)sr_io_offset(io));
	if (rc < 0)
		return pvx_fail(err, rc, "reading the image: %s", strerror(-rc));
	if (h.length > PV_SR_REC_BODY_MAX || !sr_record_size_ok(h.type, h.length))
		return pvx_fail(err, -EBADMSG,
				"the image is damaged: record type 0x%x (%s) of "
				"%u bytes at byte %llu",
				h.type, sr_record_name(h.type), h.length,
				(unsigned long long)sr_io_offset(io) - sizeof(h));
	rec->type = h.type;
	rec->length = h.length;
	rec->offset = sr_io_offset(io);
	return 0;
}

int sr_record_sum_ok(uint32_t type, const uint8_t *body, size_t len)
{
	uint64_t sum;

	if (type == PV_SR_REC_END)
		return 1;
	if (len < 8)
		return 0;
	memcpy(&sum, body, sizeof(sum));
	return sum == sr_sum64(body + 8, len - 8);
}

int sr_record_body(struct sr_io *io, struct sr_record *rec, struct pvx_err *err)
{
	size_t total = rec->length + sr_pad(rec->length);
	int rc;

	if (total > rec->cap) {
		uint8_t *b = realloc(rec->body, total);

		if (!b)
			return pvx_fail(err, -ENOMEM, "out of memory");
		rec->body = b;
		rec->cap = total;
	}
	if ((rc = sr_io_read(io, rec->body, total)) < 0)
		return pvx_fail(err, rc,
				rc == -ENODATA ? "the image is cut in a %s record"
					       : "reading the image: %s",
				rc == -ENODATA ? sr_record_name(rec->type) : strerror(-rc));
	for (size_t i = rec->length; i < total; i++)
		if (rec->body[i])
			return pvx_fail(err, -EBADMSG,
					"the image is damaged: padding of a %s "
					"record is not zero",
					sr_record_name(rec->type));
	if (!sr_record_sum_ok(rec->type, rec->body, rec->length))
		return pvx_fail(err, -EBADMSG,
				"the image is damaged: the checksum of the %s "
				"record at byte %llu does not match",
				sr_record_name(rec->type), (unsigned long long)rec->offset);
	return 0;
}

int sr_record_skip(struct sr_io *io, const struct sr_record *rec, struct pvx_err *err)
{
	int rc = sr_io_skip(io, rec->length + sr_pad(rec->length));

	if (rc < 0)
		return pvx_fail(err, rc,
				rc == -ENODATA ? "the image is cut in a %s record"
					       : "reading the image: %s",
				rc == -ENODATA ? sr_record_name(rec->type) : strerror(-rc));
	return 0;
}

int sr_record_read(struct sr_io *io, struct sr_record *rec, struct pvx_err *err)
{
	int rc = sr_record_head(io, rec, err);

	return rc < 0 ? rc : sr_record_body(io, rec, err);
}

void sr_record_fini(struct sr_record *rec)
{
	free(rec->body);
	memset(rec, 0, sizeof(*rec));
}
