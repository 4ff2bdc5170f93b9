/* xsd: watches -- registration per connection and event delivery on changes. */
#ifndef XSD_WATCH_H
#define XSD_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "xsd/core.h"

/* Register (path as the client sent it, token, depth or -1) and queue the initial event.
 * 0, -EINVAL (bad path), -EEXIST (same path and token), -E2BIG (quota), -ENOMEM. */
int xsd_watch_add(struct xsd_conn *c, const char *path, const char *token, int depth);
/* Unregister. 0, -EINVAL, -ENOENT. */
int xsd_watch_del(struct xsd_conn *c, const char *path, const char *token);
/* Drop every watch of c. */
void xsd_watch_clear(struct xsd_conn *c);
/* Deliver events for a change of canonical `path` (recursive: a delete, which also
 * fires watches below it). Unprivileged watchers need read access per `perms`. */
void xsd_watch_fire(struct xsd_core *core, const char *path, bool recursive,
		    const struct xsd_perm *perms, unsigned nperms);
/* Deliver "@introduceDomain" / "@releaseDomain" for domid to privileged watchers:
 * plain watches get the bare name, depth >= 1 watches and "@name/<domid>" watches get
 * "@name/<domid>". */
void xsd_watch_fire_special(struct xsd_core *core, const char *name, uint32_t domid);

#endif
