/* xsd: transactions and the "view" through which every operation sees the tree.
 * A transaction keeps a private copy of each node it touched (or the fact that it was
 * absent) with the generation it had; commit fails with EAGAIN if any of those nodes
 * changed meanwhile, else applies the modified ones and fires the recorded events. */
#ifndef XSD_TX_H
#define XSD_TX_H

#include <stdbool.h>
#include <stdint.h>

#include "xsd/hash.h"
#include "xsd/node.h"
#include "xsd/store.h"

/* A watch event held back until commit. */
struct xsd_txev {
	struct xsd_txev *next;
	bool recursive;
	uint16_t nperms;
	struct xsd_perm *perms;
	char path[];
};

struct xsd_tx {
	struct xsd_tx *next; /* in the connection's list */
	uint32_t id;
	struct xsd_hash ents; /* struct xsd_txent by path */
	unsigned nents;
	struct xsd_txev *events, **evtail;
};

/* A view: the committed tree (tx == NULL) or a transaction's picture of it. */
struct xsd_view {
	struct xsd_store *store;
	struct xsd_tx *tx;
	unsigned max_ents; /* transaction node quota (0 = unlimited) */
};

/* New empty transaction; NULL on ENOMEM. */
struct xsd_tx *xsd_tx_create(uint32_t id);
/* Drop it and everything it holds (an abort). */
void xsd_tx_destroy(struct xsd_tx *tx);
/* Check for conflicts and apply. 0, -EAGAIN (nothing applied), -ENOMEM. The caller
 * fires the events (xsd_tx_events) on success, then destroys tx either way. */
int xsd_tx_commit(struct xsd_store *s, struct xsd_tx *tx);
/* Record an event for commit time. 0 or -ENOMEM. */
int xsd_tx_event_add(struct xsd_tx *tx, const char *path, bool recursive,
		     const struct xsd_perm *perms, unsigned nperms);

/* The node at `path` as the view sees it, NULL if absent; *err is 0, or -ENOMEM /
 * -ENOSPC (transaction node quota) with NULL returned. Never modify the result. */
const struct xsd_node *xsd_view_get(struct xsd_view *v, const char *path, int *err);
/* Store `n` (ownership passes in every case), like xsd_store_put. 0, -ENOENT, -ENOMEM,
 * -ENOSPC. */
int xsd_view_put(struct xsd_view *v, struct xsd_node *n);
/* Delete `path` recursively. 0, -ENOENT, -ENOMEM, -ENOSPC. */
int xsd_view_del(struct xsd_view *v, const char *path);

#endif
