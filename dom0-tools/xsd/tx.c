/* xsd: transactions and views (see tx.h). */
#include "xsd/tx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xsd/path.h"

struct xsd_txent {
	struct xsd_hent hent;
	struct xsd_node *node; /* the transaction's copy; NULL = absent */
	uint64_t base_gen;     /* generation when first touched; 0 = was absent */
	bool modified;
	char path[];
};

struct xsd_tx *xsd_tx_create(uint32_t id)
{
	struct xsd_tx *tx = calloc(1, sizeof(*tx));

	if (!tx)
		return NULL;
	if (xsd_hash_init(&tx->ents, 16) < 0) {
		free(tx);
		return NULL;
	}
	tx->id = id;
	tx->evtail = &tx->events;
	return tx;
}

void xsd_tx_destroy(struct xsd_tx *tx)
{
	size_t pos = 0;
	struct xsd_hent *e;

	if (!tx)
		return;
	e = xsd_hash_next(&tx->ents, &pos, NULL);
	while (e) {
		struct xsd_hent *next = xsd_hash_next(&tx->ents, &pos, e);
		struct xsd_txent *te = xsd_container_of(e, struct xsd_txent, hent);
		xsd_node_destroy(te->node);
		free(te);
		e = next;
	}
	xsd_hash_fini(&tx->ents);
	while (tx->events) {
		struct xsd_txev *ev = tx->events;
		tx->events = ev->next;
		free(ev->perms);
		free(ev);
	}
	free(tx);
}

int xsd_tx_event_add(struct xsd_tx *tx, const char *path, bool recursive,
		     const struct xsd_perm *perms, unsigned nperms)
{
	size_t len = strlen(path) + 1;
	struct xsd_txev *ev = calloc(1, sizeof(*ev) + len);

	if (!ev)
		return -ENOMEM;
	ev->perms = malloc(sizeof(*perms) * (nperms ? nperms : 1));
	if (!ev->perms) {
		free(ev);
		return -ENOMEM;
	}
	memcpy(ev->perms, perms, sizeof(*perms) * nperms);
	ev->nperms = (uint16_t)nperms;
	memcpy(ev->path, path, len);
	ev->recursive = recursive;
	*tx->evtail = ev;
	tx->evtail = &ev->next;
	return 0;
}

/* The transaction's entry for path, created (copying the committed node) on first use. */
static struct xsd_txent *tx_entry(struct xsd_view *v, const char *path, int *err)
{
	struct xsd_hent *e = xsd_hash_get(&v->tx->ents, path);
	struct xsd_txent *te;
	const struct xsd_node *cur;
	size_t len;

	if (e)
		return xsd_container_of(e, struct xsd_txent, hent);
	if (v->max_ents && v->tx->nents >= v->max_ents) {
		*err = -ENOSPC;
		return NULL;
	}
	len = strlen(path) + 1;
	te = calloc(1, sizeof(*te) + len);
	if (!te) {
		*err = -ENOMEM;
		return NULL;
	}
	memcpy(te->path, path, len);
	te->hent.key = te->path;
	cur = xsd_store_get(v->store, path);
	if (cur) {
		te->node = xsd_node_copy(cur);
		if (!te->node) {
			free(te);
			*err = -ENOMEM;
			return NULL;
		}
		te->base_gen = cur->gen;
	}
	xsd_hash_put(&v->tx->ents, &te->hent);
	v->tx->nents++;
	return te;
}

const struct xsd_node *xsd_view_get(struct xsd_view *v, const char *path, int *err)
{
	struct xsd_txent *te;

	*err = 0;
	if (!v->tx)
		return xsd_store_get(v->store, path);
	te = tx_entry(v, path, err);
	return te ? te->node : NULL;
}

static int view_tx_put(struct xsd_view *v, struct xsd_node *n)
{
	char ppath[XSD_PATH_BUF];
	struct xsd_txent *te, *pe = NULL;
	int err = 0;

	te = tx_entry(v, n->path, &err);
	if (te && !te->node) {
		xsd_path_parent(n->path, ppath);
		pe = tx_entry(v, ppath, &err);
		if (pe && !pe->node)
			err = -ENOENT;
		if (!err)
			err = xsd_node_kid_add(pe->node, xsd_path_basename(n->path));
	}
	if (!te || err) {
		xsd_node_destroy(n);
		return err;
	}
	if (te->node) {
		free(n->kids);
		n->kids = te->node->kids;
		n->kidlen = te->node->kidlen;
		n->kidcap = te->node->kidcap;
		te->node->kids = NULL;
		xsd_node_destroy(te->node);
	}
	n->hent.key = n->path;
	te->node = n;
	te->modified = true;
	return 0;
}

int xsd_view_put(struct xsd_view *v, struct xsd_node *n)
{
	if (!v->tx)
		return xsd_store_put(v->store, n);
	return view_tx_put(v, n);
}

/* Delete te's node and its subtree inside the transaction. */
static int view_tx_del_tree(struct xsd_view *v, struct xsd_txent *te)
{
	struct xsd_node *n = te->node;
	int err = 0;

	for (uint32_t off = 0; n && off < n->kidlen && !err;
	     off += (uint32_t)strlen(n->kids + off) + 1) {
		char *kid = xsd_path_join(n->path, n->kids + off);
		struct xsd_txent *ke = kid ? tx_entry(v, kid, &err) : NULL;
		if (!kid)
			err = -ENOMEM;
		else if (ke && ke->node)
			err = view_tx_del_tree(v, ke);
		free(kid);
	}
	if (err)
		return err;
	xsd_node_destroy(te->node);
	te->node = NULL;
	te->modified = true;
	return 0;
}

int xsd_view_del(struct xsd_view *v, const char *path)
{
	char ppath[XSD_PATH_BUF];
	struct xsd_txent *te, *pe;
	int err = 0;

	if (!v->tx)
		return xsd_store_del(v->store, path);
	if (strcmp(path, "/") == 0)
		return -EINVAL;
	te = tx_entry(v, path, &err);
	if (!te)
		return err;
	if (!te->node)
		return -ENOENT;
	xsd_path_parent(path, ppath);
	pe = tx_entry(v, ppath, &err);
	if (!pe)
		return err;
	err = view_tx_del_tree(v, te);
	if (!err && pe->node)
		xsd_node_kid_del(pe->node, xsd_path_basename(path));
	return err;
}

static bool tx_conflicts(const struct xsd_store *s, const struct xsd_tx *tx)
{
	size_t pos = 0;

	for (struct xsd_hent *e = xsd_hash_next(&tx->ents, &pos, NULL); e;
	     e = xsd_hash_next(&tx->ents, &pos, e)) {
		struct xsd_txent *te = xsd_container_of(e, struct xsd_txent, hent);
		const struct xsd_node *cur = xsd_store_get(s, te->path);
		if ((cur ? cur->gen : 0) != te->base_gen)
			return true;
	}
	return false;
}

static unsigned tx_depth(const char *path)
{
	unsigned d = 0;

	for (; *path; path++)
		d += *path == '/';
	return d;
}

/* Deletions deepest first, then creations and updates shallowest first. */
static int tx_order(const void *a, const void *b)
{
	const struct xsd_txent *x = *(struct xsd_txent *const *)a;
	const struct xsd_txent *y = *(struct xsd_txent *const *)b;
	int dx = x->node == NULL, dy = y->node == NULL;

	if (dx != dy)
		return dy - dx;
	if (dx)
		return (int)tx_depth(y->path) - (int)tx_depth(x->path);
	return (int)tx_depth(x->path) - (int)tx_depth(y->path);
}

static int tx_apply(struct xsd_store *s, struct xsd_txent **mods, size_t n)
{
	int rc = 0;

	qsort(mods, n, sizeof(*mods), tx_order);
	for (size_t i = 0; i < n; i++) {
		struct xsd_txent *te = mods[i];
		int r;
		if (!te->node) {
			r = xsd_store_del(s, te->path);
			if (r == -ENOENT)
				r = 0;
		} else {
			r = xsd_store_put(s, te->node);
			te->node = NULL;
		}
		if (r < 0 && rc == 0)
			rc = r;
	}
	return rc;
}

int xsd_tx_commit(struct xsd_store *s, struct xsd_tx *tx)
{
	struct xsd_txent **mods;
	size_t n = 0, pos = 0;
	int rc;

	if (tx_conflicts(s, tx))
		return -EAGAIN;
	mods = malloc(sizeof(*mods) * (tx->nents ? tx->nents : 1));
	if (!mods)
		return -ENOMEM;
	for (struct xsd_hent *e = xsd_hash_next(&tx->ents, &pos, NULL); e;
	     e = xsd_hash_next(&tx->ents, &pos, e)) {
		struct xsd_txent *te = xsd_container_of(e, struct xsd_txent, hent);
		if (te->modified)
			mods[n++] = te;
	}
	rc = tx_apply(s, mods, n);
	free(mods);
	return rc;
}
