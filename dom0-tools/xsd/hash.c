/* xsd: intrusive string-keyed hash table (see hash.h). */
#include "xsd/hash.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

uint64_t xsd_hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

int xsd_hash_init(struct xsd_hash *h, size_t initial)
{
	size_t n = 16;

	while (n < initial)
		n <<= 1;
	h->buckets = calloc(n, sizeof(*h->buckets));
	if (!h->buckets)
		return -ENOMEM;
	h->nbuckets = n;
	h->count = 0;
	return 0;
}

void xsd_hash_fini(struct xsd_hash *h)
{
	free(h->buckets);
	h->buckets = NULL;
	h->nbuckets = h->count = 0;
}

struct xsd_hent *xsd_hash_get(const struct xsd_hash *h, const char *key)
{
	uint64_t hv = xsd_hash_str(key);
	struct xsd_hent *e = h->buckets[hv & (h->nbuckets - 1)];

	for (; e; e = e->next)
		if (e->hash == hv && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

static void hash_grow(struct xsd_hash *h)
{
	size_t n = h->nbuckets * 2;
	struct xsd_hent **nb = calloc(n, sizeof(*nb));

	if (!nb)
		return;
	for (size_t i = 0; i < h->nbuckets; i++) {
		struct xsd_hent *e = h->buckets[i], *next;
		for (; e; e = next) {
			next = e->next;
			e->next = nb[e->hash & (n - 1)];
			nb[e->hash & (n - 1)] = e;
		}
	}
	free(h->buckets);
	h->buckets = nb;
	h->nbuckets = n;
}

void xsd_hash_put(struct xsd_hash *h, struct xsd_hent *e)
{
	struct xsd_hent **b;

	if (h->count >= h->nbuckets)
		hash_grow(h);
	e->hash = xsd_hash_str(e->key);
	b = &h->buckets[e->hash & (h->nbuckets - 1)];
	e->next = *b;
	*b = e;
	h->count++;
}

struct xsd_hent *xsd_hash_del(struct xsd_hash *h, const char *key)
{
	uint64_t hv = xsd_hash_str(key);
	struct xsd_hent **pp = &h->buckets[hv & (h->nbuckets - 1)];

	for (; *pp; pp = &(*pp)->next) {
		struct xsd_hent *e = *pp;
		if (e->hash == hv && strcmp(e->key, key) == 0) {
			*pp = e->next;
			h->count--;
			return e;
		}
	}
	return NULL;
}

struct xsd_hent *xsd_hash_next(const struct xsd_hash *h, size_t *pos, struct xsd_hent *cur)
{
	if (cur && cur->next)
		return cur->next;
	if (cur)
		(*pos)++;
	for (; *pos < h->nbuckets; (*pos)++)
		if (h->buckets[*pos])
			return h->buckets[*pos];
	return NULL;
}
