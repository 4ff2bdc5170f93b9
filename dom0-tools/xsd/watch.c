/* xsd: watches (see watch.h). Besides each connection's list, every watch is in an
 * index keyed by its path (one struct xsd_wpath per distinct path), so a change
 * looks up its own path and each ancestor: the cost of firing grows with the depth
 * of the path, not with the number of connections or watches (a thousand guests
 * each watching their control/shutdown, a monitor and a console daemon watching
 * @releaseDomain). A second index files each watched path under each of its
 * ancestors, so a recursive delete finds the watches below the deleted node without
 * walking the others. Events for one change go out in the order a walk over the
 * connections (newest first) and their watches (newest first) gives. */
#include "xsd/watch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd/path.h"

struct wlink;

/* Every watch on one path, whichever connection registered it. */
struct xsd_wpath {
	struct xsd_hent hent;
	struct xsd_watch *first;
	struct wlink *links; /* one per ancestor of the path (none for "@..." names) */
	unsigned nlinks;
	char path[];
};

/* Every watched path strictly below one path (core->watch_below): what a recursive
 * delete of that path fires besides the watches at or above it. */
struct xsd_wbelow {
	struct xsd_hent hent;
	struct wlink *first;
	char path[];
};

/* One watched path in one ancestor's list. */
struct wlink {
	struct wlink *next, **pprev;
	struct xsd_wbelow *wb;
	struct xsd_wpath *wp;
};

/* The ancestors of canonical path p, nearest first ("/a/b" -> "/a", "/"): calls
 * fn(base) for each with base in a scratch copy. Returns how many. */
static unsigned path_ancestors(const char *p, void (*fn)(void *ctx, const char *base), void *ctx)
{
	char base[XSD_PATH_BUF];
	size_t len = strlen(p);
	unsigned n = 0;

	if (p[0] != '/' || len >= sizeof(base) || strcmp(p, "/") == 0)
		return 0;
	memcpy(base, p, len + 1);
	for (char *slash; (slash = strrchr(base, '/'));) {
		slash[slash == base] = '\0'; /* the parent; "/x" -> "/" */
		if (fn)
			fn(ctx, base);
		n++;
		if (slash == base)
			break;
	}
	return n;
}

struct link_ctx {
	struct xsd_core *core;
	struct xsd_wpath *wp;
	unsigned i;
	int err;
};

static void wpath_link_one(void *arg, const char *base)
{
	struct link_ctx *c = arg;
	struct xsd_hent *e = xsd_hash_get(&c->core->watch_below, base);
	struct wlink *l = &c->wp->links[c->i];
	struct xsd_wbelow *wb;

	if (c->err)
		return;
	if (e) {
		wb = xsd_container_of(e, struct xsd_wbelow, hent);
	} else {
		size_t len = strlen(base) + 1;

		wb = calloc(1, sizeof(*wb) + len);
		if (!wb) {
			c->err = -ENOMEM;
			return;
		}
		memcpy(wb->path, base, len);
		wb->hent.key = wb->path;
		xsd_hash_put(&c->core->watch_below, &wb->hent);
	}
	l->wb = wb;
	l->wp = c->wp;
	l->next = wb->first;
	l->pprev = &wb->first;
	if (wb->first)
		wb->first->pprev = &l->next;
	wb->first = l;
	c->i++;
}

static void wpath_unlink(struct xsd_core *core, struct xsd_wpath *wp)
{
	for (unsigned i = 0; i < wp->nlinks; i++) {
		struct wlink *l = &wp->links[i];
		struct xsd_wbelow *wb = l->wb;

		if (!wb)
			continue;
		*l->pprev = l->next;
		if (l->next)
			l->next->pprev = l->pprev;
		if (!wb->first) {
			xsd_hash_del(&core->watch_below, wb->path);
			free(wb);
		}
	}
	free(wp->links);
	wp->links = NULL;
	wp->nlinks = 0;
}

/* File a new watched path under each of its ancestors. 0 or -ENOMEM. */
static int wpath_link(struct xsd_core *core, struct xsd_wpath *wp)
{
	unsigned n = path_ancestors(wp->path, NULL, NULL);
	struct link_ctx c = { core, wp, 0, 0 };

	if (!n)
		return 0;
	wp->links = calloc(n, sizeof(*wp->links));
	if (!wp->links)
		return -ENOMEM;
	wp->nlinks = n;
	path_ancestors(wp->path, wpath_link_one, &c);
	if (c.err)
		wpath_unlink(core, wp);
	return c.err;
}

/* One event to send: which watch, and the path it reports. */
struct watch_hit {
	struct xsd_watch *w;
	const char *path;
};

struct watch_hits {
	struct watch_hit *v;
	size_t n, cap;
};

static int watch_index_add(struct xsd_core *core, struct xsd_watch *w)
{
	struct xsd_hent *e = xsd_hash_get(&core->watch_paths, w->path);
	struct xsd_wpath *wp;

	if (e) {
		wp = xsd_container_of(e, struct xsd_wpath, hent);
	} else {
		size_t len = strlen(w->path) + 1;

		wp = calloc(1, sizeof(*wp) + len);
		if (!wp)
			return -ENOMEM;
		memcpy(wp->path, w->path, len);
		if (wpath_link(core, wp) < 0) {
			free(wp);
			return -ENOMEM;
		}
		wp->hent.key = wp->path;
		xsd_hash_put(&core->watch_paths, &wp->hent);
	}
	w->wp = wp;
	w->pnext = wp->first;
	w->pprev = &wp->first;
	if (wp->first)
		wp->first->pprev = &w->pnext;
	wp->first = w;
	return 0;
}

static void watch_index_del(struct xsd_core *core, struct xsd_watch *w)
{
	struct xsd_wpath *wp = w->wp;

	if (!wp)
		return;
	*w->pprev = w->pnext;
	if (w->pnext)
		w->pnext->pprev = w->pprev;
	w->wp = NULL;
	if (!wp->first) {
		xsd_hash_del(&core->watch_paths, wp->path);
		wpath_unlink(core, wp);
		free(wp);
	}
}

static void watch_free(struct xsd_watch *w)
{
	if (w->conn)
		watch_index_del(w->conn->core, w);
	free(w->path);
	free(w->token);
	free(w);
}

static void watch_send(struct xsd_conn *c, const struct xsd_watch *w, const char *path)
{
	const char *p = w->relative ? xsd_path_strip_home(path, c->domid) : path;

	xsd_conn_send(c, PV_XS_WATCH_EVENT, 0, 0, p, strlen(p) + 1, w->token,
		      strlen(w->token) + 1);
}

int xsd_watch_add(struct xsd_conn *c, const char *path, const char *token, int depth)
{
	char canon[XSD_PATH_BUF];
	struct xsd_watch *w;

	if (xsd_path_canon(path, c->domid, true, canon) < 0)
		return -EINVAL;
	for (w = c->watches; w; w = w->next)
		if (strcmp(w->path, canon) == 0 && strcmp(w->token, token) == 0)
			return -EEXIST;
	if (!c->priv && c->nwatches >= c->core->quota.watches)
		return -E2BIG;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->path = strdup(canon);
	w->token = strdup(token);
	if (!w->path || !w->token || watch_index_add(c->core, w) < 0) {
		watch_free(w);
		return -ENOMEM;
	}
	w->conn = c;
	w->seq = ++c->core->watch_seq;
	w->depth = depth;
	w->relative = path[0] != '/' && path[0] != '@';
	w->next = c->watches;
	c->watches = w;
	c->nwatches++;
	if (!c->priv)
		c->watches_dirty = true;
	return 0;
}

int xsd_watch_del(struct xsd_conn *c, const char *path, const char *token)
{
	char canon[XSD_PATH_BUF];

	if (xsd_path_canon(path, c->domid, true, canon) < 0)
		return -EINVAL;
	for (struct xsd_watch **pp = &c->watches; *pp; pp = &(*pp)->next) {
		struct xsd_watch *w = *pp;
		if (strcmp(w->path, canon) == 0 && strcmp(w->token, token) == 0) {
			*pp = w->next;
			watch_free(w);
			c->nwatches--;
			if (!c->priv)
				c->watches_dirty = true;
			return 0;
		}
	}
	return -ENOENT;
}

void xsd_watch_clear(struct xsd_conn *c)
{
	if (c->watches && !c->priv)
		c->watches_dirty = true;
	while (c->watches) {
		struct xsd_watch *w = c->watches;
		c->watches = w->next;
		watch_free(w);
	}
	c->nwatches = 0;
}

static bool watch_may_see(const struct xsd_conn *c, const struct xsd_perm *perms, unsigned nperms)
{
	if (c->priv)
		return true;
	return (xsd_perms_access(perms, nperms, c->domid, c->target) & XSD_PERM_READ) != 0;
}

static void watch_hit_add(struct watch_hits *h, struct xsd_watch *w, const char *path)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		struct watch_hit *v = realloc(h->v, cap * sizeof(*v));

		if (!v)
			return; /* out of memory: this event is lost, as a full queue's would be */
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n++] = (struct watch_hit){ w, path };
}

/* Newest connection first, then each connection's newest watch first. */
static int watch_hit_cmp(const void *a, const void *b)
{
	const struct xsd_watch *x = ((const struct watch_hit *)a)->w;
	const struct xsd_watch *y = ((const struct watch_hit *)b)->w;

	if (x->conn != y->conn)
		return x->conn->seq < y->conn->seq ? 1 : -1;
	return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

/* Watches at `base` (an ancestor of path, or path itself) that path's change fires. */
static void watch_hits_at(struct xsd_core *core, const char *base, const char *path,
			  const struct xsd_perm *perms, unsigned nperms, struct watch_hits *h)
{
	struct xsd_hent *e = xsd_hash_get(&core->watch_paths, base);

	if (!e)
		return;
	for (struct xsd_watch *w = xsd_container_of(e, struct xsd_wpath, hent)->first; w;
	     w = w->pnext) {
		if (w->conn->dead || !watch_may_see(w->conn, perms, nperms))
			continue;
		if (w->depth >= 0 && xsd_path_depth_below(path, w->path) > (unsigned)w->depth)
			continue;
		watch_hit_add(h, w, path);
	}
}

/* Watches strictly below a deleted path fire with their own path. */
static void watch_hits_below(struct xsd_core *core, const char *path,
			     const struct xsd_perm *perms, unsigned nperms, struct watch_hits *h)
{
	struct xsd_hent *e = xsd_hash_get(&core->watch_below, path);

	if (!e)
		return;
	for (struct wlink *l = xsd_container_of(e, struct xsd_wbelow, hent)->first; l;
	     l = l->next)
		for (struct xsd_watch *w = l->wp->first; w; w = w->pnext)
			if (!w->conn->dead && watch_may_see(w->conn, perms, nperms))
				watch_hit_add(h, w, w->path);
}

void xsd_watch_fire(struct xsd_core *core, const char *path, bool recursive,
		    const struct xsd_perm *perms, unsigned nperms)
{
	struct watch_hits h = { 0 };
	char base[XSD_PATH_BUF];
	size_t len = strlen(path);

	if (!core->watch_paths.count || len >= sizeof(base))
		return;
	memcpy(base, path, len + 1);
	for (;;) {
		char *slash;

		watch_hits_at(core, base, path, perms, nperms, &h);
		if (strcmp(base, "/") == 0)
			break;
		slash = strrchr(base, '/');
		if (!slash)
			break;
		slash[slash == base] = '\0'; /* the parent; "/x" -> "/" */
	}
	if (recursive)
		watch_hits_below(core, path, perms, nperms, &h);
	if (h.n > 1) /* h.v is NULL with no hit: qsort may not be given that */
		qsort(h.v, h.n, sizeof(*h.v), watch_hit_cmp);
	for (size_t i = 0; i < h.n; i++)
		if (!h.v[i].w->conn->dead)
			watch_send(h.v[i].w->conn, h.v[i].w, h.v[i].path);
	free(h.v);
}

void xsd_watch_fire_special(struct xsd_core *core, const char *name, uint32_t domid)
{
	struct watch_hits h = { 0 };
	char full[64];

	snprintf(full, sizeof(full), "%s/%u", name, domid);
	for (int k = 0; k < 2; k++) {
		struct xsd_hent *e = xsd_hash_get(&core->watch_paths, k ? full : name);

		for (struct xsd_watch *w = e ? xsd_container_of(e, struct xsd_wpath, hent)->first
					     : NULL;
		     w; w = w->pnext)
			if (!w->conn->dead && w->conn->priv)
				watch_hit_add(&h, w, k || w->depth >= 1 ? full : name);
	}
	if (h.n > 1) /* h.v is NULL with no hit: qsort may not be given that */
		qsort(h.v, h.n, sizeof(*h.v), watch_hit_cmp);
	for (size_t i = 0; i < h.n; i++)
		if (!h.v[i].w->conn->dead)
			watch_send(h.v[i].w->conn, h.v[i].w, h.v[i].path);
	free(h.v);
}
