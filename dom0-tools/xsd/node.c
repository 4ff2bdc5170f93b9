/* xsd: one store node (see node.h). */
#include "xsd/node.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct xsd_node *xsd_node_create(const char *path, const void *value, uint32_t vlen,
				 const struct xsd_perm *perms, unsigned nperms)
{
	struct xsd_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->path = strdup(path);
	if (!n->path || xsd_node_set_value(n, value, vlen) < 0 ||
	    xsd_node_set_perms(n, perms, nperms) < 0) {
		xsd_node_destroy(n);
		return NULL;
	}
	n->hent.key = n->path;
	return n;
}

struct xsd_node *xsd_node_copy(const struct xsd_node *src)
{
	struct xsd_node *n = xsd_node_create(src->path, src->value, src->vlen, src->perms,
					     src->nperms);

	if (!n)
		return NULL;
	if (src->kidlen) {
		n->kids = malloc(src->kidlen);
		if (!n->kids) {
			xsd_node_destroy(n);
			return NULL;
		}
		memcpy(n->kids, src->kids, src->kidlen);
		n->kidlen = n->kidcap = src->kidlen;
	}
	n->gen = src->gen;
	return n;
}

void xsd_node_destroy(struct xsd_node *n)
{
	if (!n)
		return;
	free(n->path);
	free(n->value);
	free(n->perms);
	free(n->kids);
	free(n);
}

int xsd_node_set_value(struct xsd_node *n, const void *value, uint32_t vlen)
{
	char *v = malloc((size_t)vlen + 1);

	if (!v)
		return -ENOMEM;
	if (vlen)
		memcpy(v, value, vlen);
	v[vlen] = '\0';
	free(n->value);
	n->value = v;
	n->vlen = vlen;
	return 0;
}

int xsd_node_set_perms(struct xsd_node *n, const struct xsd_perm *perms, unsigned nperms)
{
	struct xsd_perm *p = malloc(sizeof(*p) * (nperms ? nperms : 1));

	if (!p)
		return -ENOMEM;
	memcpy(p, perms, sizeof(*p) * nperms);
	free(n->perms);
	n->perms = p;
	n->nperms = (uint16_t)nperms;
	return 0;
}

int xsd_node_kid_add(struct xsd_node *n, const char *name)
{
	size_t len = strlen(name) + 1;

	if (n->kidlen + len > n->kidcap) {
		size_t cap = n->kidcap ? n->kidcap * 2 : 64;
		char *k;
		while (cap < n->kidlen + len)
			cap *= 2;
		k = realloc(n->kids, cap);
		if (!k)
			return -ENOMEM;
		n->kids = k;
		n->kidcap = (uint32_t)cap;
	}
	memcpy(n->kids + n->kidlen, name, len);
	n->kidlen += (uint32_t)len;
	return 0;
}

void xsd_node_kid_del(struct xsd_node *n, const char *name)
{
	size_t len = strlen(name) + 1;

	for (uint32_t off = 0; off < n->kidlen;) {
		size_t k = strlen(n->kids + off) + 1;
		if (k == len && memcmp(n->kids + off, name, len) == 0) {
			memmove(n->kids + off, n->kids + off + k, n->kidlen - off - k);
			n->kidlen -= (uint32_t)k;
			return;
		}
		off += (uint32_t)k;
	}
}

unsigned xsd_node_kid_count(const struct xsd_node *n)
{
	unsigned c = 0;

	for (uint32_t off = 0; off < n->kidlen; off += (uint32_t)strlen(n->kids + off) + 1)
		c++;
	return c;
}
