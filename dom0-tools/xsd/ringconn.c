/* xsd: the guest-ring transport (see ringconn.h). */
#include "xsd/ringconn.h"

#include <errno.h>

#include "xsd/ring.h"

static void ringconn_kick(struct xsd_conn *c)
{
	struct xsd_ringconn *rc = c->opaque;

	if (rc && rc->defer)
		rc->defer(rc->defer_opaque, c);
}

static const struct xsd_conn_ops ringconn_ops = {
	.name = "ring",
	.kick = ringconn_kick,
};

void xsd_ringconn_attach(struct xsd_conn *c, struct xsd_ringconn *rc)
{
	c->ops = &ringconn_ops;
	c->opaque = rc;
	xsd_ring_init(rc->intf);
}

static int ringconn_write(struct xsd_conn *c, struct xsd_ringconn *rc, int *moved)
{
	const void *buf;
	size_t len = xsd_conn_out_peek(c, &buf);
	int n;

	if (!len)
		return 0;
	n = xsd_ring_write(rc->intf, buf, len);
	if (n > 0) {
		xsd_conn_out_consume(c, (size_t)n);
		*moved = 1;
	}
	return n;
}

static int ringconn_read(struct xsd_conn *c, struct xsd_ringconn *rc, int *moved)
{
	char buf[PV_XENSTORE_RING_SIZE];
	size_t want = xsd_ring_pending(rc->intf);
	int n;

	if (!want || !xsd_conn_can_read(c))
		return 0;
	n = xsd_ring_read(rc->intf, buf, want);
	if (n <= 0)
		return n;
	*moved = 1;
	if (xsd_conn_input(c, buf, (size_t)n) < 0) {
		xsd_ring_set_error(rc->intf, PV_XENSTORE_ERROR_PROTO);
		return -EPROTO;
	}
	return n;
}

int xsd_ringconn_pump(struct xsd_conn *c)
{
	struct xsd_ringconn *rc = c->opaque;
	int moved = 0, progress = 1, err = 0, reset = 0;
	uint32_t rsp_prod0, req_cons0;

	if (!rc || c->dead)
		return -EIO;
	if (xsd_ring_reconnect(rc->intf)) {
		xsd_conn_drop_io(c); /* the guest reset the ring */
		reset = 1;
	}
	rsp_prod0 = rc->intf->rsp_prod;
	req_cons0 = rc->intf->req_cons;
	while (progress && !err) {
		int w = ringconn_write(c, rc, &moved);
		int r = w < 0 ? 0 : ringconn_read(c, rc, &moved);
		if (w < 0 || r < 0)
			err = w < 0 ? w : r;
		progress = w > 0 || r > 0;
	}
	if (rc->notify &&
	    (reset || (moved && xsd_ring_peer_waits(rc->intf, rsp_prod0, req_cons0))))
		rc->notify(rc->notify_opaque, rc->evtchn);
	return err;
}
