/* ustar header parsing (see ustar.h): octal fields, the header checksum (sum of
 * the bytes with the checksum field read as spaces), name and prefix. */
#include "lib/ustar.h"

#define OFF_NAME   0
#define LEN_NAME   100
#define OFF_MODE   100
#define OFF_SIZE   124
#define LEN_SIZE   12
#define OFF_CHKSUM 148
#define LEN_CHKSUM 8
#define OFF_TYPE   156
#define OFF_MAGIC  257
#define OFF_PREFIX 345
#define LEN_PREFIX 155

/* An octal field: spaces and NULs around the digits allowed. -1 if malformed. */
static int octal(const uint8_t *p, unsigned len, uint64_t *out)
{
	uint64_t v = 0;
	unsigned i = 0, digits = 0;

	while (i < len && p[i] == ' ')
		i++;
	for (; i < len && p[i] >= '0' && p[i] <= '7'; i++, digits++) {
		if (v >> 60)
			return -1;
		v = v * 8 + (uint64_t)(p[i] - '0');
	}
	for (; i < len; i++)
		if (p[i] != ' ' && p[i] != '\0')
			return -1;
	if (!digits)
		return -1;
	*out = v;
	return 0;
}

static int all_zero(const uint8_t *p)
{
	for (unsigned i = 0; i < USTAR_BLOCK; i++)
		if (p[i])
			return 0;
	return 1;
}

static unsigned copy_str(char *dst, unsigned at, const uint8_t *src, unsigned len)
{
	for (unsigned i = 0; i < len && src[i]; i++)
		dst[at++] = (char)src[i];
	return at;
}

int ustar_parse(const uint8_t hdr[USTAR_BLOCK], struct ustar_entry *e)
{
	uint64_t sum = 0, want, mode;
	unsigned n = 0;

	if (all_zero(hdr))
		return 1;
	for (unsigned i = 0; i < USTAR_BLOCK; i++)
		sum += (i >= OFF_CHKSUM && i < OFF_CHKSUM + LEN_CHKSUM) ? ' ' : hdr[i];
	if (octal(hdr + OFF_CHKSUM, LEN_CHKSUM, &want) < 0 || want != sum ||
	    octal(hdr + OFF_SIZE, LEN_SIZE, &e->size) < 0 || octal(hdr + OFF_MODE, 8, &mode) < 0)
		return -1;
	e->mode = (uint32_t)mode;
	e->type = (char)hdr[OFF_TYPE];
	/* "ustar" archives may put a path prefix in its own field */
	if (hdr[OFF_MAGIC] == 'u' && hdr[OFF_MAGIC + 1] == 's' && hdr[OFF_PREFIX]) {
		n = copy_str(e->name, 0, hdr + OFF_PREFIX, LEN_PREFIX);
		e->name[n++] = '/';
	}
	n = copy_str(e->name, n, hdr + OFF_NAME, LEN_NAME);
	e->name[n] = '\0';
	return 0;
}
