/* xsd: the guest-ring transport of a domain's connection. Once the hypervisor wiring
 * exists (foreign mapping of the store page, an event channel), the on_introduce hook
 * maps the page and calls xsd_ringconn_attach; on each event from the guest it calls
 * xsd_ringconn_pump. Everything here runs on an in-memory page in the unit tests. */
#ifndef XSD_RINGCONN_H
#define XSD_RINGCONN_H

#include <pvisor/io/xs_wire.h>

#include "xsd/core.h"

struct xsd_ringconn {
	struct pv_xenstore_domain_interface *intf;     /* mapped store page */
	void (*notify)(void *opaque, uint32_t evtchn); /* kick the guest's event channel */
	void *notify_opaque;
	uint32_t evtchn;
	/* Output was queued for this connection (a reply, or a watch event fired while
	 * another connection was being served): the event loop should call
	 * xsd_ringconn_pump(c) once the current request is done -- never from inside
	 * this callback, which runs in the middle of message handling. */
	void (*defer)(void *opaque, struct xsd_conn *c);
	void *defer_opaque;
};

/* Give the domain's connection its ring transport (rc stays owned by the caller and
 * must outlive the connection or be detached by on_release). Initialises the page. */
void xsd_ringconn_attach(struct xsd_conn *c, struct xsd_ringconn *rc);
/* Move bytes both ways until neither side can progress: requests are handled, replies
 * and watch events written, the guest notified if an index moved. Handles reconnect
 * requests. 0, or -EIO / -EPROTO when the guest broke the protocol (the connection is
 * then dead: the caller should release or reset the domain). */
int xsd_ringconn_pump(struct xsd_conn *c);

#endif
