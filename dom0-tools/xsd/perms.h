/* xsd: node permission lists. The first entry names the owner and gives the access of
 * every domain not listed later; strings on the wire are a letter (r w b n) + a domid. */
#ifndef XSD_PERMS_H
#define XSD_PERMS_H

#include <stddef.h>
#include <stdint.h>

#define XSD_PERM_NONE  0u
#define XSD_PERM_READ  1u
#define XSD_PERM_WRITE 2u
#define XSD_PERM_BOTH  3u
#define XSD_PERM_OWNER 4u /* internal: returned by xsd_perms_access, never stored */

/* Hard cap on the entries of one list (the per-domain quota is usually lower). */
#define XSD_PERMS_MAX 1366 /* as many "r0\0" as fit in one payload */

struct xsd_perm {
	uint16_t domid;
	uint8_t access; /* XSD_PERM_NONE..BOTH */
};

/* Parse one "r5" style string. 0 or -EINVAL. */
int xsd_perm_parse(const char *s, struct xsd_perm *out);
/* Parse `len` bytes of NUL-terminated perm strings (the whole buffer must consist of
 * complete strings) into out[max]. Returns the number of entries (>= 1) or -EINVAL
 * (bad string, none, or more than max). */
int xsd_perms_parse(const char *buf, size_t len, struct xsd_perm *out, unsigned max);
/* Append "r5\0" strings for the list to out; returns the bytes needed (may exceed len,
 * in which case out is truncated). */
size_t xsd_perms_format(const struct xsd_perm *p, unsigned n, char *out, size_t len);
/* Access of an unprivileged `domid` (acting also for `target`, -1 if none):
 * READ/WRITE bits, plus OWNER when it owns the node. */
unsigned xsd_perms_access(const struct xsd_perm *p, unsigned n, uint32_t domid, int32_t target);

#endif
