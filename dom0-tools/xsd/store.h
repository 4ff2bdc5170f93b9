/* xsd: the committed tree -- nodes in a hash table keyed by canonical path, each parent
 * holding its children's names. Every change goes through xsd_store_put/_del, which bump
 * the generation and call the change hook (quota accounting, journal). */
#ifndef XSD_STORE_H
#define XSD_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "xsd/hash.h"
#include "xsd/node.h"

struct xsd_store;

/* Called after each change: `old_owner` is the previous owner domid or -1 if the node
 * is new; `n` the node now stored, or NULL if `path` was deleted. `top` is false for
 * the descendants removed by a recursive delete (journals record only the top). */
typedef void xsd_store_hook_fn(void *opaque, const char *path, int32_t old_owner,
			       const struct xsd_node *n, bool top);

struct xsd_store {
	struct xsd_hash nodes;
	uint64_t gen; /* bumped by every change; a node's gen is the last bump */
	xsd_store_hook_fn *hook;
	void *hook_opaque;
};

/* Create the tree holding only "/" (perms n0). 0 or -ENOMEM. */
int xsd_store_init(struct xsd_store *s);
/* Free every node. */
void xsd_store_fini(struct xsd_store *s);
/* The node at canonical `path`, or NULL. */
struct xsd_node *xsd_store_get(const struct xsd_store *s, const char *path);
/* Store `n` (ownership passes to the store in every case). If the path exists, its
 * value and perms are replaced and its children kept; else the node is created (its
 * kids are dropped) and its parent must exist. 0, -ENOENT (no parent), -ENOMEM. */
int xsd_store_put(struct xsd_store *s, struct xsd_node *n);
/* Delete `path` and everything below it; "/" cannot be deleted. 0, -ENOENT, -EINVAL. */
int xsd_store_del(struct xsd_store *s, const char *path);
/* Number of nodes. */
size_t xsd_store_count(const struct xsd_store *s);

#endif
