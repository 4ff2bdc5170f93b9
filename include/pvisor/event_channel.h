/* pvisor public ABI: event_channel_op(cmd, arg) -- allocate, bind, send, close
 * and query event channels -- with Xen 4.17's sub-op numbers and argument
 * layouts (event_channel.h). pvisor implements the 2-level ABI only. */
#ifndef PVISOR_EVENT_CHANNEL_H
#define PVISOR_EVENT_CHANNEL_H

#include "xen.h"

#define PV_EVTCHNOP_bind_interdomain 0  /* struct pv_evtchn_bind_interdomain */
#define PV_EVTCHNOP_bind_virq        1  /* struct pv_evtchn_bind_virq */
#define PV_EVTCHNOP_bind_pirq        2  /* struct pv_evtchn_bind_pirq */
#define PV_EVTCHNOP_close            3  /* struct pv_evtchn_close */
#define PV_EVTCHNOP_send             4  /* struct pv_evtchn_send */
#define PV_EVTCHNOP_status           5  /* struct pv_evtchn_status */
#define PV_EVTCHNOP_alloc_unbound    6  /* struct pv_evtchn_alloc_unbound */
#define PV_EVTCHNOP_bind_ipi         7  /* struct pv_evtchn_bind_ipi */
#define PV_EVTCHNOP_bind_vcpu        8  /* struct pv_evtchn_bind_vcpu */
#define PV_EVTCHNOP_unmask           9  /* struct pv_evtchn_unmask */
#define PV_EVTCHNOP_reset            10 /* struct pv_evtchn_reset */
#define PV_EVTCHNOP_init_control     11 /* FIFO ABI: struct pv_evtchn_init_control */
#define PV_EVTCHNOP_expand_array     12 /* FIFO ABI: struct pv_evtchn_expand_array */
#define PV_EVTCHNOP_set_priority     13 /* FIFO ABI: struct pv_evtchn_set_priority */

/* Reserve a port that only remote_dom may bind to. */
struct pv_evtchn_alloc_unbound {
	pv_domid_t dom;        /* IN: PV_DOMID_SELF (or a domain, from dom0) */
	pv_domid_t remote_dom; /* IN: the only domain allowed to connect */
	pv_evtchn_port_t port; /* OUT */
};

/* Connect a fresh local port to the remote domain's unbound port. */
struct pv_evtchn_bind_interdomain {
	pv_domid_t remote_dom;        /* IN */
	pv_evtchn_port_t remote_port; /* IN */
	pv_evtchn_port_t local_port;  /* OUT */
};

/* Global VIRQs bind on vCPU 0 only; a VIRQ binds once per vCPU (else -EEXIST). */
struct pv_evtchn_bind_virq {
	uint32_t virq;         /* IN: PV_VIRQ_* */
	uint32_t vcpu;         /* IN */
	pv_evtchn_port_t port; /* OUT */
};

#define PV_BIND_PIRQ__WILL_SHARE 1

struct pv_evtchn_bind_pirq {
	uint32_t pirq;         /* IN */
	uint32_t flags;        /* IN: PV_BIND_PIRQ__* */
	pv_evtchn_port_t port; /* OUT */
};

struct pv_evtchn_bind_ipi {
	uint32_t vcpu;         /* IN: vCPU to notify */
	pv_evtchn_port_t port; /* OUT */
};

/* An interdomain peer reverts to unbound. */
struct pv_evtchn_close {
	pv_evtchn_port_t port; /* IN */
};

struct pv_evtchn_send {
	pv_evtchn_port_t port; /* IN */
};

#define PV_EVTCHNSTAT_closed      0
#define PV_EVTCHNSTAT_unbound     1
#define PV_EVTCHNSTAT_interdomain 2
#define PV_EVTCHNSTAT_pirq        3
#define PV_EVTCHNSTAT_virq        4
#define PV_EVTCHNSTAT_ipi         5

struct pv_evtchn_status {
	pv_domid_t dom;        /* IN: PV_DOMID_SELF or (dom0) any domain */
	pv_evtchn_port_t port; /* IN */
	uint32_t status;       /* OUT: PV_EVTCHNSTAT_* */
	uint32_t vcpu;         /* OUT: vCPU notified */
	union {
		struct {
			pv_domid_t dom; /* OUT: who may bind */
		} unbound;
		struct {
			pv_domid_t dom;        /* OUT: peer domain */
			pv_evtchn_port_t port; /* OUT: peer port */
		} interdomain;
		uint32_t pirq;
		uint32_t virq;
	} u;
};

struct pv_evtchn_bind_vcpu {
	pv_evtchn_port_t port; /* IN */
	uint32_t vcpu;         /* IN: new vCPU to notify */
};

/* Clear the mask and re-raise the upcall if the port is pending. */
struct pv_evtchn_unmask {
	pv_evtchn_port_t port; /* IN */
};

/* Close every port of a domain. */
struct pv_evtchn_reset {
	pv_domid_t dom; /* IN */
};

struct pv_evtchn_init_control {
	uint64_t control_gfn; /* IN */
	uint32_t offset;      /* IN */
	uint32_t vcpu;        /* IN */
	uint8_t link_bits;    /* OUT */
	uint8_t _pad[7];
};

struct pv_evtchn_expand_array {
	uint64_t array_gfn; /* IN */
};

struct pv_evtchn_set_priority {
	pv_evtchn_port_t port; /* IN */
	uint32_t priority;     /* IN */
};

/* Argument of the compat hypercall event_channel_op_compat(struct pv_evtchn_op *). */
struct pv_evtchn_op {
	uint32_t cmd; /* IN: PV_EVTCHNOP_* */
	union {
		struct pv_evtchn_alloc_unbound alloc_unbound;
		struct pv_evtchn_bind_interdomain bind_interdomain;
		struct pv_evtchn_bind_virq bind_virq;
		struct pv_evtchn_bind_pirq bind_pirq;
		struct pv_evtchn_bind_ipi bind_ipi;
		struct pv_evtchn_close close;
		struct pv_evtchn_send send;
		struct pv_evtchn_status status;
		struct pv_evtchn_bind_vcpu bind_vcpu;
		struct pv_evtchn_unmask unmask;
	} u;
};

#endif
