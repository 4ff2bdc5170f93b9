/* Event channels: what evtchn.c (the mechanism) shares with evtchn_ops.c (the
 * hypercall ops). All of it under hv_lock. */
#ifndef PV_EVTCHN_PRIV_H
#define PV_EVTCHN_PRIV_H

#include "evtchn/evtchn.h"
#include "pvisor/event_channel.h"

#define EV_BUCKET      64u
#define EV_NR_BUCKETS  (PV_EVTCHN_2L_NR_CHANNELS / EV_BUCKET)
#define EV_GUEST_PORTS 1024u /* ports 1..1023, as xl's default max_event_channels */
#define EV_DOM0_PORTS  PV_EVTCHN_HANDLE_PORTS

struct evtchn {
	uint8_t state; /* PV_EVTCHNSTAT_*; closed = free */
	uint8_t virq;
	pv_domid_t remote_domid; /* unbound: who may bind; interdomain: the peer */
	uint32_t remote_port;
	uint32_t vcpu;               /* vCPU notified */
	struct domain *remote;       /* interdomain peer */
	struct evtchn_handle *owner; /* dom0 ports: the handle that bound it */
};

struct evtchn_table {
	struct evtchn *bucket[EV_NR_BUCKETS];
	unsigned max_ports;
	unsigned used;
	uint32_t free_from; /* no free port below it: allocation starts there (dom0 holds
			     * a few per guest, so a scan from 1 grew with the guests) */
};

/* A dom0 event-channel handle: one per privcmd connection that asked. */
struct evtchn_handle {
	int efd;
	int doorbell; /* eventfd the client rings after queueing sends */
	int memfd;
	struct pv_privcmd_evtchn_page *page;
	size_t page_size;
};

static inline int evtchn_is_dom0(const struct domain *d)
{
	return d == evtchn_dom0();
}

static inline unsigned evtchn_max_ports(const struct domain *d)
{
	return evtchn_is_dom0(d) ? EV_DOM0_PORTS : EV_GUEST_PORTS;
}

/* vCPUs that can receive events: they have a vcpu_info in shared_info. */
static inline int evtchn_vcpu_ok(const struct domain *d, uint32_t vcpu)
{
	return vcpu < d->max_vcpus && vcpu < PV_LEGACY_MAX_VCPUS;
}

/* The slot of an allocated port (its bucket exists). */
static inline struct evtchn *evtchn_slot(struct domain *d, uint32_t port)
{
	return &d->evtchn->bucket[port / EV_BUCKET][port % EV_BUCKET];
}

/* The channel behind a port, or NULL when the port is out of range or free. */
struct evtchn *evtchn_port(struct domain *d, uint32_t port);
/* Lowest free port >= 1 of d: 0, -PV_ENOMEM or -PV_ENOSPC. */
int evtchn_alloc(struct domain *d, uint32_t *out);
/* Raise port of d (2-level set_pending, or a dom0 handle's ring). */
void evtchn_set_pending(struct domain *d, uint32_t port);
/* Send on port of d: to its peer (interdomain) or itself (IPI). */
long evtchn_send_locked(struct domain *d, uint32_t port);
void evtchn_unmask_locked(struct domain *d, struct evtchn *chn, uint32_t port);
/* Close one port / every port of d; a connected peer reverts to unbound. */
void evtchn_close_locked(struct domain *d, uint32_t port);
void evtchn_reset_locked(struct domain *d);

#endif
