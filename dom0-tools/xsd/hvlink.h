/* xsd: guest connections through the hypervisor. On INTRODUCE the domain's store
 * page is mapped (foreign mapping of its memory) and its store event channel bound
 * on a dom0 event-channel handle; the handle's descriptor is polled by the event
 * loop and each notification pumps that domain's ring. VIRQ_DOM_EXC tells of
 * domains that stopped (@releaseDomain) or are gone (released). xsd works without
 * a hypervisor too (store-only use): the link is made on first need. */
#ifndef XSD_HVLINK_H
#define XSD_HVLINK_H

#include "xsd/core.h"
#include "xsd/sock.h"

struct xsd_hvlink;

/* Install the introduce/release hooks on core and try to reach the hypervisor. */
/* persist: keep the watches of guest connections in $RUNDIR/xsd.watches and
 * give them back at recovery. */
int xsd_hvlink_create(struct xsd_hvlink **out, struct xsd_core *core, struct xsd_sock_server *srv,
		      bool persist);
void xsd_hvlink_destroy(struct xsd_hvlink *hv);
/* After a restart: re-introduce every running domain whose store/ring-ref and
 * store/port the tree holds (the toolstack writes them). Returns how many. */
int xsd_hvlink_recover(struct xsd_hvlink *hv);
/* The loop's callback for the event-channel descriptor. */
void xsd_hvlink_event(void *opaque);

#endif
