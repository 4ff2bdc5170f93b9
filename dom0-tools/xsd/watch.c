/* xsd: watches (see watch.h). */
#include "xsd/watch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd/path.h"

static void watch_free(struct xsd_watch *w)
{
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
	if (!w->path || !w->token) {
		watch_free(w);
		return -ENOMEM;
	}
	w->depth = depth;
	w->relative = path[0] != '/' && path[0] != '@';
	w->next = c->watches;
	c->watches = w;
	c->nwatches++;
	if (!c->priv)
		c->core->watches_dirty = true;
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
				c->core->watches_dirty = true;
			return 0;
		}
	}
	return -ENOENT;
}

void xsd_watch_clear(struct xsd_conn *c)
{
	if (c->watches && !c->priv)
		c->core->watches_dirty = true;
	while (c->watches) {
		struct xsd_watch *w = c->watches;
		c->watches = w->next;
		watch_free(w);
	}
	c->nwatches = 0;
}

static bool watch_may_see(const struct xsd_conn *c, const struct xsd_perm *perms,
			  unsigned nperms)
{
	if (c->priv)
		return true;
	return (xsd_perms_access(perms, nperms, c->domid, c->target) & XSD_PERM_READ) != 0;
}

static void watch_fire_conn(struct xsd_conn *c, const char *path, bool recursive)
{
	for (struct xsd_watch *w = c->watches; w && !c->dead; w = w->next) {
		if (w->path[0] == '@')
			continue;
		if (xsd_path_is_under(path, w->path)) {
			if (w->depth >= 0 && xsd_path_depth_below(path, w->path) > (unsigned)w->depth)
				continue;
			watch_send(c, w, path);
		} else if (recursive && xsd_path_is_under(w->path, path)) {
			watch_send(c, w, w->path);
		}
	}
}

void xsd_watch_fire(struct xsd_core *core, const char *path, bool recursive,
		    const struct xsd_perm *perms, unsigned nperms)
{
	for (struct xsd_conn *c = core->conns; c; c = c->next) {
		if (c->dead || !c->watches || !watch_may_see(c, perms, nperms))
			continue;
		watch_fire_conn(c, path, recursive);
	}
}

void xsd_watch_fire_special(struct xsd_core *core, const char *name, uint32_t domid)
{
	char full[64];

	snprintf(full, sizeof(full), "%s/%u", name, domid);
	for (struct xsd_conn *c = core->conns; c; c = c->next) {
		if (c->dead || !c->priv)
			continue;
		for (struct xsd_watch *w = c->watches; w && !c->dead; w = w->next) {
			if (strcmp(w->path, name) == 0)
				watch_send(c, w, w->depth >= 1 ? full : name);
			else if (strcmp(w->path, full) == 0)
				watch_send(c, w, full);
		}
	}
}
