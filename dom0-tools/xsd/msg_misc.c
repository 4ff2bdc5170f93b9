/* xsd: handlers for watches, transactions and domains -- WATCH, UNWATCH,
 * TRANSACTION_START/END, INTRODUCE, RELEASE, RESUME, SET_TARGET, GET_DOMAIN_PATH,
 * IS_DOMAIN_INTRODUCED, RESET_WATCHES. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xsd/domain.h"
#include "xsd/msg.h"
#include "xsd/path.h"
#include "xsd/watch.h"

#define MSG_DOMID_SELF  0x7ff0u
/* Open transactions a privileged connection may hold (Xen: unlimited). */
#define MSG_PRIV_TX_MAX 4096u

int xsd_msg_watch(struct xsd_req *r)
{
	const char *arg[3];
	uint64_t depth = 0;
	int n = xsd_req_nargs(r), err;

	if (n != 2 && n != 3)
		return -EINVAL;
	xsd_req_args(r, arg, (unsigned)n);
	if (n == 3 && xsd_req_number(arg[2], 0xffff, &depth) < 0)
		return -EINVAL;
	err = xsd_watch_add(r->c, arg[0], arg[1], n == 3 ? (int)depth : -1);
	if (err)
		return err;
	xsd_reply_ok(r);
	/* the initial event names the path as registered */
	xsd_conn_send(r->c, PV_XS_WATCH_EVENT, 0, 0, arg[0], strlen(arg[0]) + 1, arg[1],
		      strlen(arg[1]) + 1);
	return 0;
}

int xsd_msg_unwatch(struct xsd_req *r)
{
	const char *arg[2];

	int err;

	if (xsd_req_args(r, arg, 2) < 0)
		return -EINVAL;
	err = xsd_watch_del(r->c, arg[0], arg[1]);
	if (err)
		return err;
	xsd_reply_ok(r);
	return 0;
}

int xsd_msg_tx_start(struct xsd_req *r)
{
	struct xsd_conn *c = r->c;
	struct xsd_tx *tx;
	char id[16];

	if (r->tx)
		return -EBUSY;
	if (c->ntxs >= (c->priv ? MSG_PRIV_TX_MAX : c->core->quota.transactions))
		return -ENOSPC;
	if (++c->core->next_txid == 0)
		c->core->next_txid = 1;
	tx = xsd_tx_create(c->core->next_txid);
	if (!tx)
		return -ENOMEM;
	tx->next = c->txs;
	c->txs = tx;
	c->ntxs++;
	snprintf(id, sizeof(id), "%u", tx->id);
	xsd_reply_str(r, id);
	return 0;
}

static void msg_tx_unlink(struct xsd_conn *c, struct xsd_tx *tx)
{
	for (struct xsd_tx **pp = &c->txs; *pp; pp = &(*pp)->next) {
		if (*pp == tx) {
			*pp = tx->next;
			c->ntxs--;
			return;
		}
	}
}

int xsd_msg_tx_end(struct xsd_req *r)
{
	const char *arg;
	struct xsd_tx *tx = r->tx;
	int rc = 0;

	if (!tx)
		return -ENOENT;
	if (xsd_req_args(r, &arg, 1) < 0 || (strcmp(arg, "T") != 0 && strcmp(arg, "F") != 0))
		return -EINVAL;
	msg_tx_unlink(r->c, tx);
	if (arg[0] == 'T')
		rc = xsd_tx_commit(&r->c->core->store, tx);
	if (rc == 0) {
		xsd_reply_ok(r);
		for (struct xsd_txev *ev = tx->events; ev && arg[0] == 'T'; ev = ev->next)
			xsd_watch_fire(r->c->core, ev->path, ev->recursive, ev->perms,
				       ev->nperms);
	}
	xsd_tx_destroy(tx);
	return rc;
}

/* A single domid argument. */
static int msg_domid_arg(struct xsd_req *r, uint32_t *domid)
{
	const char *arg;
	uint64_t v;

	if (xsd_req_args(r, &arg, 1) < 0 || xsd_req_number(arg, 0xffff, &v) < 0)
		return -EINVAL;
	*domid = (uint32_t)v;
	return 0;
}

int xsd_msg_introduce(struct xsd_req *r)
{
	const char *arg[3];
	uint64_t domid, gfn, port;
	int err;

	if (xsd_req_args(r, arg, 3) < 0 || xsd_req_number(arg[0], 0xffff, &domid) < 0 ||
	    xsd_req_number(arg[1], UINT64_MAX, &gfn) < 0 ||
	    xsd_req_number(arg[2], UINT32_MAX, &port) < 0)
		return -EINVAL;
	err = xsd_domain_introduce(r->c->core, (uint32_t)domid, gfn, (uint32_t)port);
	if (err)
		return err;
	xsd_reply_ok(r);
	return 0;
}

int xsd_msg_release(struct xsd_req *r)
{
	uint32_t domid;
	int err;

	if (msg_domid_arg(r, &domid) < 0 || domid == 0)
		return -EINVAL;
	/* the reply must go out before a self-release frees the connection */
	if (r->c->domid == domid && !r->c->priv)
		return -EINVAL;
	err = xsd_domain_release(r->c->core, domid);
	if (err)
		return err;
	xsd_reply_ok(r);
	return 0;
}

int xsd_msg_resume(struct xsd_req *r)
{
	uint32_t domid;
	struct xsd_domain *d;

	if (msg_domid_arg(r, &domid) < 0 || domid == 0)
		return -EINVAL;
	d = xsd_domain_find(r->c->core, domid);
	if (!d)
		return -ENOENT;
	d->shutdown = false;
	xsd_reply_ok(r);
	return 0;
}

int xsd_msg_set_target(struct xsd_req *r)
{
	const char *arg[2];
	uint64_t domid, target;
	struct xsd_domain *d, *t;

	if (xsd_req_args(r, arg, 2) < 0 || xsd_req_number(arg[0], 0xffff, &domid) < 0 ||
	    xsd_req_number(arg[1], 0xffff, &target) < 0)
		return -EINVAL;
	d = xsd_domain_find(r->c->core, (uint32_t)domid);
	t = xsd_domain_find(r->c->core, (uint32_t)target);
	if (!d || !t)
		return -ENOENT;
	if (d->conn->target < 0)
		r->c->core->ntargets++;
	d->conn->target = (int32_t)target;
	xsd_reply_ok(r);
	return 0;
}

int xsd_msg_get_domain_path(struct xsd_req *r)
{
	uint32_t domid;
	char path[32];

	if (msg_domid_arg(r, &domid) < 0)
		return -EINVAL;
	xsd_path_home(domid, path, sizeof(path));
	xsd_reply_str(r, path);
	return 0;
}

int xsd_msg_is_domain_introduced(struct xsd_req *r)
{
	uint32_t domid;
	bool yes;

	if (msg_domid_arg(r, &domid) < 0)
		return -EINVAL;
	yes = domid == 0 || domid == MSG_DOMID_SELF || xsd_domain_find(r->c->core, domid);
	xsd_reply_str(r, yes ? "T" : "F");
	return 0;
}

int xsd_msg_reset_watches(struct xsd_req *r)
{
	xsd_conn_drop_state(r->c);
	xsd_reply_ok(r);
	return 0;
}
