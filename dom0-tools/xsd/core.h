/* xsd: the store daemon's core objects -- the core (tree, domains, connections, quotas)
 * and a connection (framing state, output queue, watches, transactions). The core has
 * no sockets: transports (Unix socket, guest ring) plug in through struct xsd_conn_ops,
 * so unit tests and the fuzzer drive it with in-memory connections. */
#ifndef XSD_CORE_H
#define XSD_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pvisor/io/xs_wire.h>

#include "xsd/hash.h"
#include "xsd/store.h"
#include "xsd/tx.h"

/* Per-domain limits for unprivileged connections (defaults as Xen 4.17's xenstored). */
struct xsd_quota {
	unsigned nodes;        /* nodes owned by one domain: 1000 (ENOSPC) */
	unsigned entry_size;   /* bytes of value + child names + perms: 2048 (ENOSPC) */
	unsigned watches;      /* watches of one connection: 128 (E2BIG) */
	unsigned transactions; /* open transactions: 10 (ENOSPC) */
	unsigned perms;        /* entries of one permission list: 5 (ENOSPC) */
	unsigned trans_nodes;  /* nodes one transaction may touch: 1024 (ENOSPC) */
	unsigned outstanding;  /* unsent replies before input is no longer read: 20 */
	size_t out_max;        /* queued output bytes before any connection is dropped */
};
/* Fill q with the defaults above (out_max 1 MiB). */
void xsd_quota_defaults(struct xsd_quota *q);

struct xsd_conn;
struct xsd_journal;

/* A transport. Every callback is optional. */
struct xsd_conn_ops {
	const char *name;
	/* Output was queued: arrange for xsd_conn_out_peek/_consume to be drained. */
	void (*kick)(struct xsd_conn *c);
	/* The core dropped the connection (xsd_conn_destroy runs next): release the
	 * transport's resources, not the xsd_conn. */
	void (*close)(struct xsd_conn *c);
};

/* A domain known to the store (introduced, or just owning nodes / referenced). */
struct xsd_domain {
	struct xsd_hent hent;
	char key[8];
	uint32_t domid;
	unsigned nodes; /* nodes it owns (quota accounting) */
	bool introduced;
	bool shutdown;
	uint64_t gfn;          /* store ring page, from INTRODUCE */
	uint32_t evtchn;       /* its store event channel, from INTRODUCE */
	struct xsd_conn *conn; /* its connection once introduced */
};

struct xsd_wpath;

struct xsd_watch {
	struct xsd_watch *next;
	char *path; /* canonical absolute path or "@..." */
	char *token;
	int depth;     /* -1: unlimited */
	bool relative; /* registered with a relative path: events are relative too */
	/* the index (watch.c): every connection's watches on one path */
	struct xsd_conn *conn;
	struct xsd_wpath *wp;
	struct xsd_watch *pnext, **pprev;
	uint64_t seq; /* registration order, for the order events go out in */
};

struct xsd_conn {
	struct xsd_core *core;
	const struct xsd_conn_ops *ops;
	void *opaque;                 /* the transport's */
	struct xsd_conn *next, *prev; /* core->conns */
	uint32_t domid;
	bool priv;         /* dom0 tools: full access, no quotas */
	int32_t target;    /* SET_TARGET: acts for this domid, or -1 */
	bool dead;         /* dropped; the transport must close it */
	bool in_kick_list; /* transport-private flag */
	char label[48];    /* for logs: "sock3", "dom5" */
	/* input framing */
	struct pv_xsd_sockmsg hdr;
	uint32_t hdr_have, body_have;
	char *body;
	/* output queue: bytes out[head, len) */
	char *out;
	size_t out_head, out_len, out_cap;
	unsigned out_msgs; /* messages not yet fully consumed */
	size_t msg_end;    /* end offset of the oldest of them */
	/* state */
	struct xsd_watch *watches; /* newest first */
	unsigned nwatches;
	uint64_t seq;       /* creation order */
	bool watches_dirty; /* a guest's watches changed: save them (hvwatch.c) */
	struct xsd_tx *txs;
	unsigned ntxs;
};

/* Set when journalling a change (persistence), see journal.h. */
typedef void xsd_core_change_fn(void *opaque, const char *path, const struct xsd_node *n,
				bool top);

struct xsd_core {
	struct xsd_store store;
	struct xsd_quota quota;
	struct xsd_hash domains; /* struct xsd_domain */
	struct xsd_conn *conns;  /* newest first */
	uint64_t conn_seq, watch_seq;
	unsigned ntargets;           /* connections with a SET_TARGET target */
	struct xsd_hash watch_paths; /* watched path -> struct xsd_wpath (watch.c) */
	struct xsd_hash watch_below; /* path -> watched paths below it (watch.c) */
	uint32_t next_txid;
	/* persistence (journal.c) */
	xsd_core_change_fn *on_change;
	void *change_opaque;
	/* guest-ring wiring: called after INTRODUCE / before RELEASE of a domain. */
	void (*on_introduce)(struct xsd_core *core, struct xsd_domain *d);
	void (*on_release)(struct xsd_core *core, struct xsd_domain *d);
	void *hv_opaque; /* the hooks' state (hvlink.c) */
	/* CONTROL snapshot: write a snapshot now (set by the daemon). 0 or -errno. */
	int (*snapshot)(struct xsd_core *core);
	uint64_t nr_requests;
	uint64_t nr_dropped;
};

/* Create a core with the default tree (/, /tool, /local/domain). `q` NULL: defaults. */
struct xsd_core *xsd_core_create(const struct xsd_quota *q);
/* Destroy every connection (calling ops->close) and free everything. */
void xsd_core_destroy(struct xsd_core *core);

/* New connection attached to core; privileged connections act as dom0. NULL on ENOMEM. */
struct xsd_conn *xsd_conn_create(struct xsd_core *core, const struct xsd_conn_ops *ops,
				 void *opaque, uint32_t domid, bool priv);
/* Drop the connection's watches and open transactions (RESET_WATCHES, a domain
 * re-introduced). */
void xsd_conn_drop_state(struct xsd_conn *c);
/* Drop partial input and queued output (the transport starts over). */
void xsd_conn_drop_io(struct xsd_conn *c);
/* Free the connection: watches, transactions, queues (does not call ops->close). */
void xsd_conn_destroy(struct xsd_conn *c);
/* Feed received bytes; complete messages are handled at once. 0, or -EPROTO when the
 * peer broke the protocol (the connection is then dead and must be closed). */
int xsd_conn_input(struct xsd_conn *c, const void *buf, size_t len);
/* Whether the transport should read more input now (unprivileged connections stop
 * being read while `outstanding` replies are queued, as in Xen). */
bool xsd_conn_can_read(const struct xsd_conn *c);
/* Queued output: pointer and length of the unsent bytes (0 if none). */
size_t xsd_conn_out_peek(const struct xsd_conn *c, const void **buf);
/* Mark n queued bytes as sent. */
void xsd_conn_out_consume(struct xsd_conn *c, size_t n);
/* Queue one message (header + payload); drops the connection (dead, -ENOBUFS) past
 * quota.out_max. 0, -ENOBUFS, -ENOMEM. */
int xsd_conn_send(struct xsd_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
		  const void *p1, size_t l1, const void *p2, size_t l2);
/* Mark dead and tell the transport (kick). */
void xsd_conn_kill(struct xsd_conn *c, const char *why);

/* Handle one complete, length-checked message (msg.c). */
void xsd_msg_handle(struct xsd_conn *c, const struct pv_xsd_sockmsg *hdr, const char *body);

/* Domain table (domain.c). */
struct xsd_domain *xsd_domain_get(struct xsd_core *core, uint32_t domid, bool create);
/* Account ownership changes of a node: old owner -1 = new node, n NULL = deleted. */
void xsd_domain_account(struct xsd_core *core, int32_t old_owner, const struct xsd_node *n);

#endif
