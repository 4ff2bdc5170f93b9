/* xsd: the message dispatcher -- type table, transaction lookup, privilege check,
 * argument splitting and replies. */
#include "xsd/msg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "xsd/watch.h"

#define MSG_TX   1u /* the request may run inside the transaction named by tx_id */
#define MSG_PRIV 2u /* privileged callers only */

struct msg_handler {
	const char *name;
	int (*fn)(struct xsd_req *r);
	unsigned flags;
};

static const struct msg_handler msg_handlers[PV_XS_TYPE_COUNT] = {
	[PV_XS_CONTROL] = { "CONTROL", xsd_msg_control, MSG_PRIV },
	[PV_XS_DIRECTORY] = { "DIRECTORY", xsd_msg_directory, MSG_TX },
	[PV_XS_READ] = { "READ", xsd_msg_read, MSG_TX },
	[PV_XS_GET_PERMS] = { "GET_PERMS", xsd_msg_get_perms, MSG_TX },
	[PV_XS_WATCH] = { "WATCH", xsd_msg_watch, 0 },
	[PV_XS_UNWATCH] = { "UNWATCH", xsd_msg_unwatch, 0 },
	[PV_XS_TRANSACTION_START] = { "TRANSACTION_START", xsd_msg_tx_start, MSG_TX },
	[PV_XS_TRANSACTION_END] = { "TRANSACTION_END", xsd_msg_tx_end, MSG_TX },
	[PV_XS_INTRODUCE] = { "INTRODUCE", xsd_msg_introduce, MSG_PRIV },
	[PV_XS_RELEASE] = { "RELEASE", xsd_msg_release, MSG_PRIV },
	[PV_XS_GET_DOMAIN_PATH] = { "GET_DOMAIN_PATH", xsd_msg_get_domain_path, 0 },
	[PV_XS_WRITE] = { "WRITE", xsd_msg_write, MSG_TX },
	[PV_XS_MKDIR] = { "MKDIR", xsd_msg_mkdir, MSG_TX },
	[PV_XS_RM] = { "RM", xsd_msg_rm, MSG_TX },
	[PV_XS_SET_PERMS] = { "SET_PERMS", xsd_msg_set_perms, MSG_TX },
	[PV_XS_IS_DOMAIN_INTRODUCED] = { "IS_DOMAIN_INTRODUCED", xsd_msg_is_domain_introduced,
					 0 },
	[PV_XS_RESUME] = { "RESUME", xsd_msg_resume, MSG_PRIV },
	[PV_XS_SET_TARGET] = { "SET_TARGET", xsd_msg_set_target, MSG_PRIV },
	[PV_XS_RESET_WATCHES] = { "RESET_WATCHES", xsd_msg_reset_watches, 0 },
	[PV_XS_DIRECTORY_PART] = { "DIRECTORY_PART", xsd_msg_directory_part, MSG_TX },
};

int xsd_req_nargs(const struct xsd_req *r)
{
	int n = 0;

	if (r->len && r->body[r->len - 1] != '\0')
		return -1;
	for (uint32_t i = 0; i < r->len; i++)
		n += r->body[i] == '\0';
	return n;
}

int xsd_req_args(const struct xsd_req *r, const char **vec, unsigned n)
{
	const char *p = r->body;

	if (xsd_req_nargs(r) != (int)n)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++) {
		vec[i] = p;
		p += strlen(p) + 1;
	}
	return 0;
}

int xsd_req_number(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s || strlen(s) > 20)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

void xsd_reply(struct xsd_req *r, const void *data, size_t len)
{
	xsd_conn_send(r->c, r->hdr->type, r->hdr->req_id, r->hdr->tx_id, data, len, NULL, 0);
}

void xsd_reply_str(struct xsd_req *r, const char *s)
{
	xsd_reply(r, s, strlen(s) + 1);
}

void xsd_reply_ok(struct xsd_req *r)
{
	xsd_reply(r, "OK", 3);
}

const char *xsd_errno_name(int err)
{
	for (size_t i = 0; i < sizeof(pv_xsd_errors) / sizeof(pv_xsd_errors[0]); i++)
		if (pv_xsd_errors[i].errnum == err)
			return pv_xsd_errors[i].errstring;
	return "EINVAL";
}

void xsd_reply_err(struct xsd_req *r, int err)
{
	const char *name = xsd_errno_name(err < 0 ? -err : err);

	xsd_conn_send(r->c, PV_XS_ERROR, r->hdr->req_id, r->hdr->tx_id, name, strlen(name) + 1,
		      NULL, 0);
}

unsigned xsd_req_access(const struct xsd_req *r, const struct xsd_node *n)
{
	if (r->c->priv)
		return XSD_PERM_BOTH | XSD_PERM_OWNER;
	return xsd_perms_access(n->perms, n->nperms, r->c->domid, r->c->target);
}

void xsd_req_changed(struct xsd_req *r, const char *path, bool recursive,
		     const struct xsd_perm *perms, unsigned nperms)
{
	if (r->tx)
		xsd_tx_event_add(r->tx, path, recursive, perms, nperms);
	else
		xsd_watch_fire(r->c->core, path, recursive, perms, nperms);
}

static struct xsd_tx *msg_find_tx(struct xsd_conn *c, uint32_t id)
{
	for (struct xsd_tx *tx = c->txs; tx; tx = tx->next)
		if (tx->id == id)
			return tx;
	return NULL;
}

static int msg_prepare(struct xsd_req *r, const struct msg_handler *h)
{
	struct xsd_conn *c = r->c;

	if (!h->fn)
		return -ENOSYS;
	if ((h->flags & MSG_PRIV) && !c->priv)
		return -EACCES;
	r->view.store = &c->core->store;
	r->view.max_ents = c->priv ? 0 : c->core->quota.trans_nodes;
	if ((h->flags & MSG_TX) && r->hdr->tx_id) {
		r->tx = msg_find_tx(c, r->hdr->tx_id);
		if (!r->tx)
			return -ENOENT;
		r->view.tx = r->tx;
	}
	return 0;
}

void xsd_msg_handle(struct xsd_conn *c, const struct pv_xsd_sockmsg *hdr, const char *body)
{
	static const struct msg_handler none = { NULL, NULL, 0 };
	struct xsd_req r = { .c = c, .hdr = hdr, .body = body, .len = hdr->len };
	const struct msg_handler *h = hdr->type < PV_XS_TYPE_COUNT ? &msg_handlers[hdr->type]
								   : &none;
	int rc = msg_prepare(&r, h);

	if (rc == 0)
		rc = h->fn(&r);
	if (rc < 0) {
		log_debug("%s: %s: %s", c->label, h->name ? h->name : "unknown type",
			  xsd_errno_name(-rc));
		xsd_reply_err(&r, rc);
	}
}
