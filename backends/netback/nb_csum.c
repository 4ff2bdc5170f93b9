/* netback: software checksums for csum_blank packets (see nb_csum.h). */
#include "netback/nb_csum.h"

#include <stddef.h>

#define ETH_HLEN 14

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (; n >= 2; n -= 2, p += 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (n)
		s += (uint32_t)p[0] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* L4 at l4, l4len bytes, proto 6 or 17, pseudo-header sum ph. */
static int l4_fill(uint8_t *l4, uint32_t l4len, uint8_t proto, uint32_t ph)
{
	unsigned off = proto == 6 ? 16 : 6;
	uint16_t c;

	if (l4len < off + 2u || (proto == 6 && l4len < 20))
		return -1;
	l4[off] = l4[off + 1] = 0;
	c = fold(sum16(l4, l4len, ph + proto + l4len));
	if (proto == 17 && c == 0)
		c = 0xffff;
	l4[off] = (uint8_t)(c >> 8);
	l4[off + 1] = (uint8_t)c;
	return 0;
}

static int ipv4_fill(uint8_t *ip, uint32_t len)
{
	uint32_t hl, tot;

	if (len < 20)
		return -1;
	hl = (uint32_t)(ip[0] & 15) * 4;
	tot = (uint32_t)(ip[2] << 8 | ip[3]);
	if (hl < 20 || tot < hl || tot > len)
		return -1;
	if ((ip[6] & 0x3f) || ip[7])
		return 0; /* a fragment: no L4 header to fill */
	if (ip[9] != 6 && ip[9] != 17)
		return 0;
	return l4_fill(ip + hl, tot - hl, ip[9], sum16(ip + 12, 8, 0));
}

static int ipv6_fill(uint8_t *ip, uint32_t len)
{
	uint32_t plen;

	if (len < 40)
		return -1;
	plen = (uint32_t)(ip[4] << 8 | ip[5]);
	if (40 + plen > len)
		return -1;
	if (ip[6] != 6 && ip[6] != 17)
		return 0; /* extension headers: left alone */
	return l4_fill(ip + 40, plen, ip[6], sum16(ip + 8, 32, 0));
}

int nb_csum_fill(uint8_t *frame, uint32_t len)
{
	uint16_t type;

	if (len < ETH_HLEN)
		return -1;
	type = (uint16_t)(frame[12] << 8 | frame[13]);
	if (type == 0x0800)
		return ipv4_fill(frame + ETH_HLEN, len - ETH_HLEN);
	if (type == 0x86dd)
		return ipv6_fill(frame + ETH_HLEN, len - ETH_HLEN);
	return 0;
}
