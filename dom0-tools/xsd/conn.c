/* xsd: connections -- byte-stream framing into messages, the bounded output queue,
 * and the connection life cycle (see core.h). */
#include "xsd/core.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xsd/watch.h"

struct xsd_conn *xsd_conn_create(struct xsd_core *core, const struct xsd_conn_ops *ops,
				 void *opaque, uint32_t domid, bool priv)
{
	struct xsd_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->body = malloc(PV_XENSTORE_PAYLOAD_MAX + 1);
	if (!c->body) {
		free(c);
		return NULL;
	}
	c->core = core;
	c->ops = ops;
	c->opaque = opaque;
	c->domid = domid;
	c->priv = priv;
	c->target = -1;
	c->seq = ++core->conn_seq;
	c->next = core->conns;
	if (core->conns)
		core->conns->prev = c;
	core->conns = c;
	return c;
}

void xsd_conn_drop_state(struct xsd_conn *c)
{
	xsd_watch_clear(c);
	while (c->txs) {
		struct xsd_tx *tx = c->txs;
		c->txs = tx->next;
		xsd_tx_destroy(tx);
	}
	c->ntxs = 0;
}

void xsd_conn_drop_io(struct xsd_conn *c)
{
	c->hdr_have = c->body_have = 0;
	c->out_head = c->out_len = c->msg_end = 0;
	c->out_msgs = 0;
}

void xsd_conn_destroy(struct xsd_conn *c)
{
	if (!c)
		return;
	xsd_conn_drop_state(c);
	if (c->target >= 0)
		c->core->ntargets--;
	if (c->prev)
		c->prev->next = c->next;
	else
		c->core->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c->body);
	free(c->out);
	free(c);
}

void xsd_conn_kill(struct xsd_conn *c, const char *why)
{
	static unsigned rl_count;
	static long rl_window;

	if (c->dead)
		return;
	c->dead = true;
	c->core->nr_dropped++;
	if (log_ratelimit(&rl_count, &rl_window, 10))
		log_warnx("%s: dropping connection: %s", c->label, why);
	if (c->ops && c->ops->kick)
		c->ops->kick(c);
}

bool xsd_conn_can_read(const struct xsd_conn *c)
{
	if (c->dead)
		return false;
	return c->priv || c->out_msgs < c->core->quota.outstanding;
}

static int conn_out_reserve(struct xsd_conn *c, size_t need)
{
	size_t cap;
	char *o;

	if (c->out_head && c->out_len + need > c->out_cap) {
		memmove(c->out, c->out + c->out_head, c->out_len - c->out_head);
		c->out_len -= c->out_head;
		c->msg_end -= c->out_head;
		c->out_head = 0;
	}
	if (c->out_len + need <= c->out_cap)
		return 0;
	cap = c->out_cap ? c->out_cap * 2 : 8192;
	while (cap < c->out_len + need)
		cap *= 2;
	o = realloc(c->out, cap);
	if (!o)
		return -ENOMEM;
	c->out = o;
	c->out_cap = cap;
	return 0;
}

int xsd_conn_send(struct xsd_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
		  const void *p1, size_t l1, const void *p2, size_t l2)
{
	struct pv_xsd_sockmsg h = { type, req_id, tx_id, (uint32_t)(l1 + l2) };
	size_t need = sizeof(h) + l1 + l2;

	if (c->dead)
		return -ENOBUFS;
	if (c->out_len - c->out_head + need > c->core->quota.out_max) {
		xsd_conn_kill(c, "output queue full (client not reading)");
		return -ENOBUFS;
	}
	if (conn_out_reserve(c, need) < 0) {
		xsd_conn_kill(c, "out of memory for output");
		return -ENOMEM;
	}
	memcpy(c->out + c->out_len, &h, sizeof(h));
	if (l1)
		memcpy(c->out + c->out_len + sizeof(h), p1, l1);
	if (l2)
		memcpy(c->out + c->out_len + sizeof(h) + l1, p2, l2);
	if (c->out_msgs == 0)
		c->msg_end = c->out_len + need;
	c->out_len += need;
	c->out_msgs++;
	if (c->ops && c->ops->kick)
		c->ops->kick(c);
	return 0;
}

size_t xsd_conn_out_peek(const struct xsd_conn *c, const void **buf)
{
	*buf = c->out ? c->out + c->out_head : NULL;
	return c->out_len - c->out_head;
}

void xsd_conn_out_consume(struct xsd_conn *c, size_t n)
{
	c->out_head += n;
	/* count down the messages whose last byte has now gone out */
	while (c->out_msgs && c->out_head >= c->msg_end) {
		struct pv_xsd_sockmsg h;
		if (--c->out_msgs == 0)
			break;
		memcpy(&h, c->out + c->msg_end, sizeof(h));
		c->msg_end += sizeof(h) + h.len;
	}
	if (c->out_head >= c->out_len)
		c->out_head = c->out_len = c->msg_end = 0;
}

/* Take bytes for the header or body; returns bytes used. */
static size_t conn_take(struct xsd_conn *c, const char *p, size_t len)
{
	size_t n;

	if (c->hdr_have < sizeof(c->hdr)) {
		n = sizeof(c->hdr) - c->hdr_have;
		n = n < len ? n : len;
		memcpy((char *)&c->hdr + c->hdr_have, p, n);
		c->hdr_have += (uint32_t)n;
		return n;
	}
	n = c->hdr.len - c->body_have;
	n = n < len ? n : len;
	memcpy(c->body + c->body_have, p, n);
	c->body_have += (uint32_t)n;
	return n;
}

int xsd_conn_input(struct xsd_conn *c, const void *buf, size_t len)
{
	const char *p = buf;
	size_t off = 0;

	while (off < len && !c->dead) {
		off += conn_take(c, p + off, len - off);
		if (c->hdr_have < sizeof(c->hdr))
			break;
		if (c->hdr.len > PV_XENSTORE_PAYLOAD_MAX) {
			xsd_conn_kill(c, "payload over 4096 bytes");
			break;
		}
		if (c->body_have < c->hdr.len)
			continue;
		c->body[c->hdr.len] = '\0';
		c->hdr_have = c->body_have = 0;
		c->core->nr_requests++;
		xsd_msg_handle(c, &c->hdr, c->body);
	}
	return c->dead ? -EPROTO : 0;
}
