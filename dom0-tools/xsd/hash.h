/* xsd: an intrusive string-keyed hash table (chained, grows by doubling) used for the
 * node tree, transaction overlays and the domain table. */
#ifndef XSD_HASH_H
#define XSD_HASH_H

#include <stddef.h>
#include <stdint.h>

#define xsd_container_of(p, type, member) ((type *)((char *)(p)-offsetof(type, member)))

/* Embed in the stored object; `key` must stay valid while the entry is in a table. */
struct xsd_hent {
	struct xsd_hent *next;
	uint64_t hash;
	const char *key;
};

struct xsd_hash {
	struct xsd_hent **buckets;
	size_t nbuckets; /* power of two */
	size_t count;
};

/* FNV-1a of a NUL-terminated string. */
uint64_t xsd_hash_str(const char *s);
/* 0 or -ENOMEM. */
int xsd_hash_init(struct xsd_hash *h, size_t initial);
/* Frees the bucket array only; the caller frees the entries first. */
void xsd_hash_fini(struct xsd_hash *h);
/* Entry with `key`, or NULL. */
struct xsd_hent *xsd_hash_get(const struct xsd_hash *h, const char *key);
/* Insert `e` (e->key set, not already present). Growing may fail silently: the table
 * then just gets longer chains. */
void xsd_hash_put(struct xsd_hash *h, struct xsd_hent *e);
/* Unlink and return the entry with `key`, or NULL. */
struct xsd_hent *xsd_hash_del(struct xsd_hash *h, const char *key);
/* Iterate: start with *pos = 0 and cur = NULL; returns NULL at the end. Do not insert
 * while iterating; removing the returned entry is allowed if `cur` is advanced first. */
struct xsd_hent *xsd_hash_next(const struct xsd_hash *h, size_t *pos, struct xsd_hent *cur);

#endif
