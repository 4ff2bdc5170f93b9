/* xsd: the committed tree (see store.h). */
#include "xsd/store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xsd/path.h"

int xsd_store_init(struct xsd_store *s)
{
	static const struct xsd_perm root_perm = { 0, XSD_PERM_NONE };
	struct xsd_node *root;

	memset(s, 0, sizeof(*s));
	if (xsd_hash_init(&s->nodes, 1024) < 0)
		return -ENOMEM;
	root = xsd_node_create("/", "", 0, &root_perm, 1);
	if (!root) {
		xsd_hash_fini(&s->nodes);
		return -ENOMEM;
	}
	root->gen = ++s->gen;
	xsd_hash_put(&s->nodes, &root->hent);
	return 0;
}

void xsd_store_fini(struct xsd_store *s)
{
	size_t pos = 0;
	struct xsd_hent *e = xsd_hash_next(&s->nodes, &pos, NULL);

	while (e) {
		struct xsd_hent *next = xsd_hash_next(&s->nodes, &pos, e);
		xsd_node_destroy(xsd_container_of(e, struct xsd_node, hent));
		e = next;
	}
	xsd_hash_fini(&s->nodes);
}

struct xsd_node *xsd_store_get(const struct xsd_store *s, const char *path)
{
	struct xsd_hent *e = xsd_hash_get(&s->nodes, path);

	return e ? xsd_container_of(e, struct xsd_node, hent) : NULL;
}

static void store_notify(struct xsd_store *s, const char *path, int32_t old_owner,
			 const struct xsd_node *n, bool top)
{
	if (s->hook)
		s->hook(s->hook_opaque, path, old_owner, n, top);
}

static int store_replace(struct xsd_store *s, struct xsd_node *cur, struct xsd_node *n)
{
	int32_t old_owner = cur->perms[0].domid;
	char *v = n->value;
	struct xsd_perm *p = n->perms;

	n->value = cur->value;
	n->perms = cur->perms;
	cur->value = v;
	cur->vlen = n->vlen;
	cur->perms = p;
	cur->nperms = n->nperms;
	cur->gen = ++s->gen;
	xsd_node_destroy(n);
	store_notify(s, cur->path, old_owner, cur, true);
	return 0;
}

int xsd_store_put(struct xsd_store *s, struct xsd_node *n)
{
	struct xsd_node *cur = xsd_store_get(s, n->path), *parent;
	char ppath[XSD_PATH_BUF];

	if (cur)
		return store_replace(s, cur, n);
	xsd_path_parent(n->path, ppath);
	parent = xsd_store_get(s, ppath);
	if (!parent || strcmp(n->path, "/") == 0) {
		xsd_node_destroy(n);
		return -ENOENT;
	}
	if (xsd_node_kid_add(parent, xsd_path_basename(n->path)) < 0) {
		xsd_node_destroy(n);
		return -ENOMEM;
	}
	free(n->kids);
	n->kids = NULL;
	n->kidlen = n->kidcap = 0;
	n->hent.key = n->path;
	n->gen = parent->gen = ++s->gen;
	xsd_hash_put(&s->nodes, &n->hent);
	store_notify(s, n->path, -1, n, true);
	return 0;
}

/* Remove n and its subtree from the table (not from n's parent). */
static void store_del_tree(struct xsd_store *s, struct xsd_node *n, bool top)
{
	for (uint32_t off = 0; off < n->kidlen; off += (uint32_t)strlen(n->kids + off) + 1) {
		char *kid = xsd_path_join(n->path, n->kids + off);
		struct xsd_node *k = kid ? xsd_store_get(s, kid) : NULL;
		free(kid);
		if (k)
			store_del_tree(s, k, false);
	}
	xsd_hash_del(&s->nodes, n->path);
	store_notify(s, n->path, n->perms[0].domid, NULL, top);
	xsd_node_destroy(n);
}

int xsd_store_del(struct xsd_store *s, const char *path)
{
	struct xsd_node *n = xsd_store_get(s, path), *parent;
	char ppath[XSD_PATH_BUF];

	if (strcmp(path, "/") == 0)
		return -EINVAL;
	if (!n)
		return -ENOENT;
	xsd_path_parent(path, ppath);
	parent = xsd_store_get(s, ppath);
	if (parent) {
		xsd_node_kid_del(parent, xsd_path_basename(path));
		parent->gen = ++s->gen;
	}
	store_del_tree(s, n, true);
	return 0;
}

size_t xsd_store_count(const struct xsd_store *s)
{
	return s->nodes.count;
}
