/* xsd: the daemon's side of a guest's store ring (struct pv_xenstore_domain_interface)
 * as pure functions over the page in memory: no event channels, no mapping. The caller
 * signals the guest's event channel when a function says the indices moved. */
#ifndef XSD_RING_H
#define XSD_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pvisor/io/xs_wire.h>

/* Prepare a freshly mapped page: advertise reconnection and the error field. */
void xsd_ring_init(struct pv_xenstore_domain_interface *intf);
/* Copy up to len request bytes out of the ring (handling wraparound) and advance
 * req_cons. Returns the bytes copied (0: nothing pending), or -EIO when the guest's
 * indices are impossible (error = RINGIDX is then set in the page). */
int xsd_ring_read(struct pv_xenstore_domain_interface *intf, void *buf, size_t len);
/* Copy up to len reply bytes into the ring and advance rsp_prod. Returns the bytes
 * written (0: ring full), or -EIO on impossible indices (error = RINGIDX). */
int xsd_ring_write(struct pv_xenstore_domain_interface *intf, const void *buf, size_t len);
/* Request bytes waiting / free reply space (0 on bad indices). */
size_t xsd_ring_pending(const struct pv_xenstore_domain_interface *intf);
size_t xsd_ring_space(const struct pv_xenstore_domain_interface *intf);
/* If the guest asked for a reconnect, reset all indices and the error field and set
 * connection back to CONNECTED. Returns 1 when a reset happened (the caller then
 * discards the connection's partial input and queued output), else 0. */
int xsd_ring_reconnect(struct pv_xenstore_domain_interface *intf);
/* After moving bytes (rsp_prod0 and req_cons0: our indices before): does the guest
 * need an event? Only when it may be waiting: it had taken every reply byte before
 * the ones we added (so it may sleep until told), or the request ring was full when
 * we took from it (so it may wait for room). A guest still behind on replies is
 * not told again; it must read our producer index once more after its own consumer
 * update and a full fence (Linux's xenbus and the reference kernel do). */
bool xsd_ring_peer_waits(const struct pv_xenstore_domain_interface *intf, uint32_t rsp_prod0,
			 uint32_t req_cons0);
/* Record a protocol violation (e.g. a payload over 4096) for the guest to see. */
void xsd_ring_set_error(struct pv_xenstore_domain_interface *intf, unsigned error);

#endif
