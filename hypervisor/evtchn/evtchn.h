/* Event channels: what the rest of the hypervisor uses (raising VIRQs, upcall
 * checks, a domain leaving) and dom0's event-channel handles. */
#ifndef PV_EVTCHN_H
#define PV_EVTCHN_H

#include "hypercall/hypercall.h"

/* Event channels (evtchn.c); _locked: hv_lock held. */
long hc_event_channel_op(struct hc_ctx *ctx, const uint64_t a[5]);
struct domain *evtchn_dom0(void);
void evtchn_raise_virq_locked(struct domain *d, struct vcpu *v, unsigned virq);
void evtchn_raise_dom0_virq_locked(unsigned virq);
/* vcpu_info says an upcall is pending and not masked. */
int evtchn_upcall_due(struct domain *d, struct vcpu *v);
int evtchn_port_pending(struct domain *d, uint32_t port);
/* Save (hv_lock held): d's open ports, at most max, into out; the count. */
struct pv_sr_evtchn;
unsigned evtchn_sr_list_locked(struct domain *d, struct pv_sr_evtchn *out, unsigned max);
/* The domain leaves the table: close its ports, free the table. */
void evtchn_domain_fini_locked(struct domain *d);
/* dom0 handles: open returns a memory fd holding pv_privcmd_evtchn_page. */
int evtchn_handle_open(struct pconn *c, int *memfd, uint64_t *size);
int evtchn_handle_eventfd(struct pconn *c);
/* The doorbell: a dup for the client; the hypervisor's own descriptor (-1 when the
 * connection has no handle); send what the client queued. */
int evtchn_handle_doorbell(struct pconn *c);
int evtchn_handle_doorbell_fd(struct pconn *c);
void evtchn_handle_ring_sends(struct pconn *c);
void evtchn_handle_close(struct pconn *c);

#endif
