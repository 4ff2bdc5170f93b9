/* xsd: one store node -- value, permission list, child names, generation. */
#ifndef XSD_NODE_H
#define XSD_NODE_H

#include <stdint.h>

#include "xsd/hash.h"
#include "xsd/perms.h"

struct xsd_node {
	struct xsd_hent hent; /* key == path */
	char *path;           /* canonical absolute path, owned */
	char *value;          /* owned, NUL-terminated beyond vlen */
	uint32_t vlen;
	struct xsd_perm *perms; /* owned, nperms >= 1 */
	uint16_t nperms;
	char *kids; /* child names, each NUL-terminated, in creation order */
	uint32_t kidlen, kidcap;
	uint64_t gen; /* store generation of the last change to this node */
};

/* New node with a copy of path, value and perms; no children. NULL on ENOMEM. */
struct xsd_node *xsd_node_create(const char *path, const void *value, uint32_t vlen,
				 const struct xsd_perm *perms, unsigned nperms);
/* Deep copy (children included). NULL on ENOMEM. */
struct xsd_node *xsd_node_copy(const struct xsd_node *n);
void xsd_node_destroy(struct xsd_node *n);
/* Replace the value / the permission list. 0 or -ENOMEM (node unchanged). */
int xsd_node_set_value(struct xsd_node *n, const void *value, uint32_t vlen);
int xsd_node_set_perms(struct xsd_node *n, const struct xsd_perm *perms, unsigned nperms);
/* Append a child name / remove one (absent: no-op). 0 or -ENOMEM. */
int xsd_node_kid_add(struct xsd_node *n, const char *name);
void xsd_node_kid_del(struct xsd_node *n, const char *name);
/* Number of child names. */
unsigned xsd_node_kid_count(const struct xsd_node *n);

#endif
