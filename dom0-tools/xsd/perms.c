/* xsd: node permission lists (see perms.h). */
#include "xsd/perms.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char perm_letters[] = "nrwb"; /* index == access bits */

int xsd_perm_parse(const char *s, struct xsd_perm *out)
{
	const char *l = strchr(perm_letters, s[0]);
	uint32_t id = 0;
	size_t i;

	if (s[0] == '\0' || !l)
		return -EINVAL;
	for (i = 1; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i > 5)
			return -EINVAL;
		id = id * 10 + (uint32_t)(s[i] - '0');
	}
	if (i == 1 || id > 0xffff)
		return -EINVAL;
	out->domid = (uint16_t)id;
	out->access = (uint8_t)(l - perm_letters);
	return 0;
}

int xsd_perms_parse(const char *buf, size_t len, struct xsd_perm *out, unsigned max)
{
	unsigned n = 0;
	size_t off = 0;

	if (len == 0 || buf[len - 1] != '\0')
		return -EINVAL;
	while (off < len) {
		if (n == max || xsd_perm_parse(buf + off, &out[n]) < 0)
			return -EINVAL;
		off += strlen(buf + off) + 1;
		n++;
	}
	return (int)n;
}

size_t xsd_perms_format(const struct xsd_perm *p, unsigned n, char *out, size_t len)
{
	size_t used = 0;

	for (unsigned i = 0; i < n; i++) {
		char one[16];
		int k = snprintf(one, sizeof(one), "%c%u", perm_letters[p[i].access & 3],
				 p[i].domid);
		if (used + (size_t)k + 1 <= len)
			memcpy(out + used, one, (size_t)k + 1);
		used += (size_t)k + 1;
	}
	return used;
}

unsigned xsd_perms_access(const struct xsd_perm *p, unsigned n, uint32_t domid, int32_t target)
{
	if (n == 0)
		return XSD_PERM_NONE;
	if (p[0].domid == domid || (target >= 0 && p[0].domid == (uint32_t)target))
		return XSD_PERM_BOTH | XSD_PERM_OWNER;
	for (unsigned i = 1; i < n; i++)
		if (p[i].domid == domid || (target >= 0 && p[i].domid == (uint32_t)target))
			return p[i].access;
	return p[0].access;
}
