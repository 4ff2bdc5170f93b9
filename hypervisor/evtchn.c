/* Event channels, Xen's 2-level ABI: per-domain port tables, the hypercall ops,
 * raising a port into a guest's shared_info (and kicking the vCPU) or into a dom0
 * handle's shared page, and dom0's handles themselves. Everything runs under
 * hv_lock, which also guards the vCPU wait states a kick completes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hv.h"
#include "log.h"
#include "pvisor/errno.h"
#include "pvisor/event_channel.h"

#define EV_BUCKET      64u
#define EV_NR_BUCKETS  (PV_EVTCHN_2L_NR_CHANNELS / EV_BUCKET)
#define EV_GUEST_PORTS 1024u /* ports 1..1023, as xl's default max_event_channels */
#define EV_DOM0_PORTS  PV_EVTCHN_HANDLE_PORTS

struct evtchn {
	uint8_t state;            /* PV_EVTCHNSTAT_*; closed = free */
	uint8_t virq;
	pv_domid_t remote_domid;  /* unbound: who may bind; interdomain: the peer */
	uint32_t remote_port;
	uint32_t vcpu;            /* vCPU notified */
	struct domain *remote;    /* interdomain peer */
	struct evtchn_handle *owner; /* dom0 ports: the handle that bound it */
};

struct evtchn_table {
	struct evtchn *bucket[EV_NR_BUCKETS];
	unsigned max_ports;
	unsigned used;
};

/* A dom0 event-channel handle: one per privcmd connection that asked. */
struct evtchn_handle {
	int efd;
	int memfd;
	struct pv_privcmd_evtchn_page *page;
	size_t page_size;
};

/* Dom0 has no domain record in the table; its ports and VIRQs live here. */
static struct vcpu dom0_vcpu;
static struct domain dom0 = { .domid = 0, .name = "Domain-0", .max_vcpus = 1,
			      .vcpus = &dom0_vcpu, .mem_fd = -1 };

struct domain *evtchn_dom0(void)
{
	return &dom0;
}

static int is_dom0(const struct domain *d)
{
	return d == &dom0;
}

static struct evtchn_table *ev_table(struct domain *d, int create)
{
	if (!d->evtchn && create) {
		d->evtchn = calloc(1, sizeof(*d->evtchn));
		if (d->evtchn)
			d->evtchn->max_ports = is_dom0(d) ? EV_DOM0_PORTS : EV_GUEST_PORTS;
	}
	return d->evtchn;
}

/* The channel behind a port, or NULL when the port is out of range or free. */
static struct evtchn *ev_port(struct domain *d, uint32_t port)
{
	struct evtchn_table *t = d->evtchn;
	struct evtchn *b;

	if (!t || port == 0 || port >= t->max_ports)
		return NULL;
	b = t->bucket[port / EV_BUCKET];
	if (!b || b[port % EV_BUCKET].state == PV_EVTCHNSTAT_closed)
		return NULL;
	return &b[port % EV_BUCKET];
}

/* Lowest free port >= 1; buckets of 64 are allocated on first use. */
static int ev_alloc(struct domain *d, uint32_t *out)
{
	struct evtchn_table *t = ev_table(d, 1);

	if (!t)
		return -PV_ENOMEM;
	for (uint32_t port = 1; port < t->max_ports; port++) {
		struct evtchn **b = &t->bucket[port / EV_BUCKET];

		if (!*b) {
			*b = calloc(EV_BUCKET, sizeof(**b));
			if (!*b)
				return -PV_ENOMEM;
		}
		if ((*b)[port % EV_BUCKET].state == PV_EVTCHNSTAT_closed) {
			memset(&(*b)[port % EV_BUCKET], 0, sizeof(**b));
			t->used++;
			*out = port;
			return 0;
		}
	}
	return -PV_ENOSPC;
}

static struct pv_shared_info *ev_shared(struct domain *d)
{
	return d->mem ? (struct pv_shared_info *)(d->mem + d->special_off) : NULL;
}

/* vCPUs that can receive events: they have a vcpu_info in shared_info. */
static int ev_vcpu_ok(struct domain *d, uint32_t vcpu)
{
	return vcpu < d->max_vcpus && vcpu < PV_LEGACY_MAX_VCPUS;
}

static int ev_bit_test_and_set(uint64_t *w, unsigned bit)
{
	uint64_t m = 1ull << bit;

	return (__atomic_fetch_or(w, m, __ATOMIC_SEQ_CST) & m) != 0;
}

static int ev_bit_test(const uint64_t *w, unsigned bit)
{
	return (__atomic_load_n(w, __ATOMIC_SEQ_CST) >> bit) & 1;
}

static int ev_bit_test_and_clear(uint64_t *w, unsigned bit)
{
	uint64_t m = 1ull << bit;

	return (__atomic_fetch_and(w, ~m, __ATOMIC_SEQ_CST) & m) != 0;
}

/* A vCPU whose vcpu_info says an upcall is due and unmasked. */
int evtchn_upcall_due(struct domain *d, struct vcpu *v)
{
	struct pv_shared_info *si = ev_shared(d);
	struct pv_vcpu_info *vi;

	if (!si || v->id >= PV_LEGACY_MAX_VCPUS)
		return 0;
	vi = &si->vcpu_info[v->id];
	return __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST) &&
	       !__atomic_load_n(&vi->evtchn_upcall_mask, __ATOMIC_SEQ_CST);
}

/* Is port pending in d's shared_info (SCHEDOP_poll)? hv_lock held. */
int evtchn_port_pending(struct domain *d, uint32_t port)
{
	struct pv_shared_info *si = ev_shared(d);

	return si && port < PV_EVTCHN_2L_NR_CHANNELS &&
	       ev_bit_test(&si->evtchn_pending[port / 64], port % 64);
}

/* Is port among the ports vCPU v polls? */
static int ev_polled(struct vcpu *v, uint32_t port)
{
	for (unsigned i = 0; i < v->nr_poll_ports; i++)
		if (v->poll_ports[i] == port)
			return 1;
	return 0;
}

/* The vCPU has an event: end a block or a poll waiting for it, or interrupt it. */
static void ev_kick(struct domain *d, struct vcpu *v, uint32_t port)
{
	if (!d->started || d->reaped)
		return;
	if (v->wait == VCPU_WAIT_POLL && (port ? ev_polled(v, port) : evtchn_upcall_due(d, v))) {
		v->nr_poll_ports = 0;
		v->poll_deadline = 0;
		pv_vcpu_complete(d, v, 0);
		return;
	}
	if (!port && v->wait == VCPU_WAIT_BLOCK) {
		pv_vcpu_complete(d, v, 0);
		return;
	}
	/* A vCPU whose hypercall we are serving gets it with the answer. */
	if (!port && v->wait == VCPU_WAIT_NONE && !v->in_hypercall && evtchn_upcall_due(d, v))
		d->engine->upcall(d, v);
}

/* Raise a dom0 port in its handle's page. */
static void ev_raise_dom0(struct evtchn *chn, uint32_t port)
{
	struct evtchn_handle *h = chn->owner;
	uint8_t *st;
	uint64_t one = 1;

	if (!h || port >= PV_EVTCHN_HANDLE_PORTS)
		return;
	st = &h->page->state[port];
	for (;;) {
		uint8_t cur = 0;

		if (__atomic_compare_exchange_n(st, &cur, 1, 0, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST)) {
			uint32_t prod = __atomic_load_n(&h->page->prod, __ATOMIC_RELAXED);

			h->page->ring[prod % PV_EVTCHN_HANDLE_PORTS] = port;
			__atomic_store_n(&h->page->prod, prod + 1, __ATOMIC_SEQ_CST);
			if (write(h->efd, &one, sizeof(one)) < 0)
				log_debug("evtchn: eventfd: %m");
			return;
		}
		if (cur == 2)
			return;
		if (__atomic_compare_exchange_n(st, &cur, 2, 0, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return;
	}
}

/* Xen's 2-level set_pending on domain d's port: pending bit, then (unless masked)
 * the selector bit and the upcall flag of the notified vCPU; pollers of the port
 * wake either way. */
static void ev_set_pending(struct domain *d, uint32_t port)
{
	struct evtchn *chn = ev_port(d, port);
	struct pv_shared_info *si;
	struct vcpu *v;

	if (!chn)
		return;
	if (is_dom0(d)) {
		ev_raise_dom0(chn, port);
		return;
	}
	si = ev_shared(d);
	if (!si || !ev_vcpu_ok(d, chn->vcpu))
		return;
	v = &d->vcpus[chn->vcpu];
	if (ev_bit_test_and_set(&si->evtchn_pending[port / 64], port % 64))
		return;
	if (!ev_bit_test(&si->evtchn_mask[port / 64], port % 64) &&
	    !ev_bit_test_and_set(&si->vcpu_info[v->id].evtchn_pending_sel, port / 64) &&
	    !__atomic_exchange_n(&si->vcpu_info[v->id].evtchn_upcall_pending, 1,
				 __ATOMIC_SEQ_CST))
		ev_kick(d, v, 0);
	/* Pollers of this port, on any vCPU. */
	for (unsigned i = 0; i < d->max_vcpus; i++)
		if (d->vcpus[i].wait == VCPU_WAIT_POLL)
			ev_kick(d, &d->vcpus[i], port);
}

void evtchn_raise_virq_locked(struct domain *d, struct vcpu *v, unsigned virq)
{
	uint32_t port = v->virq_port[virq];

	if (port)
		ev_set_pending(d, port);
}

/* VIRQ_DOM_EXC and other global VIRQs bound by dom0 processes. */
void evtchn_raise_dom0_virq_locked(unsigned virq)
{
	evtchn_raise_virq_locked(&dom0, &dom0_vcpu, virq);
}

static int ev_virq_is_global(uint32_t virq)
{
	switch (virq) {
	case PV_VIRQ_TIMER:
	case PV_VIRQ_DEBUG:
	case PV_VIRQ_XENOPROF:
	case PV_VIRQ_XENPMU:
		return 0;
	default:
		return 1;
	}
}

/* The domain a caller acts as: its own, or dom0's pseudo-domain. */
static struct domain *ev_self(struct hc_ctx *ctx)
{
	return ctx->d ? ctx->d : &dom0;
}

/* Resolve a domid named in an op. Only dom0 may name another domain. Returns a
 * domain (referenced when it is a guest: release with ev_put) or NULL. */
static struct domain *ev_get(struct hc_ctx *ctx, pv_domid_t domid, int *err)
{
	struct domain *self = ev_self(ctx);

	if (domid == PV_DOMID_SELF || domid == self->domid)
		return self;
	if (!ctx->privileged) {
		*err = -PV_EPERM;
		return NULL;
	}
	if (domid == 0)
		return &dom0;
	return hc_target(ctx, domid, err);
}

static void ev_put(struct hc_ctx *ctx, struct domain *d)
{
	if (d && d != ev_self(ctx) && !is_dom0(d))
		domain_put(d);
}

/* Dom0 ports need a handle to deliver to. */
static int ev_alloc_for(struct hc_ctx *ctx, struct domain *d, uint32_t *port)
{
	int rc;

	if (is_dom0(d) && !(ctx->conn && ctx->conn->ev))
		return -PV_EINVAL;
	rc = ev_alloc(d, port);
	if (rc == 0 && is_dom0(d)) {
		d->evtchn->bucket[*port / EV_BUCKET][*port % EV_BUCKET].owner = ctx->conn->ev;
		__atomic_store_n(&ctx->conn->ev->page->state[*port], 0, __ATOMIC_SEQ_CST);
	}
	return rc;
}

static struct evtchn *ev_slot(struct domain *d, uint32_t port)
{
	return &d->evtchn->bucket[port / EV_BUCKET][port % EV_BUCKET];
}

/* A domain that is going away cannot get new channels. */
static int ev_dead(struct domain *d)
{
	return !is_dom0(d) && (d->removed || d->state == PV_DOMSTATE_DYING);
}

static long ev_alloc_unbound(struct hc_ctx *ctx, struct pv_evtchn_alloc_unbound *op)
{
	struct domain *d;
	uint32_t port;
	int err = 0;

	d = ev_get(ctx, op->dom, &err);
	if (!d)
		return err;
	pthread_mutex_lock(&hv_lock);
	if (ev_dead(d)) {
		err = -PV_ESRCH;
	} else if ((err = ev_alloc_for(ctx, d, &port)) == 0) {
		struct evtchn *chn = ev_slot(d, port);

		chn->state = PV_EVTCHNSTAT_unbound;
		chn->remote_domid = op->remote_dom == PV_DOMID_SELF ? ev_self(ctx)->domid :
								    op->remote_dom;
		op->port = port;
	}
	pthread_mutex_unlock(&hv_lock);
	ev_put(ctx, d);
	return err;
}

static long ev_bind_interdomain(struct hc_ctx *ctx, struct pv_evtchn_bind_interdomain *op)
{
	struct domain *ld = ev_self(ctx), *rd;
	struct evtchn *rchn, *lchn;
	uint32_t lport;
	int err = 0;

	/* Any domain may connect to a port offered to it: resolve without privilege. */
	if (op->remote_dom == PV_DOMID_SELF || op->remote_dom == ld->domid)
		rd = ld;
	else if (op->remote_dom == 0)
		rd = &dom0;
	else if (!(rd = domain_get(op->remote_dom)))
		return -PV_ESRCH;
	pthread_mutex_lock(&hv_lock);
	rchn = ev_port(rd, op->remote_port);
	if (ev_dead(rd) || ev_dead(ld))
		err = -PV_ESRCH;
	else if (!rchn || rchn->state != PV_EVTCHNSTAT_unbound ||
		 rchn->remote_domid != ld->domid)
		err = -PV_EINVAL;
	else if ((err = ev_alloc_for(ctx, ld, &lport)) == 0) {
		rchn = ev_port(rd, op->remote_port); /* the bucket array may be new */
		lchn = ev_slot(ld, lport);
		lchn->state = PV_EVTCHNSTAT_interdomain;
		lchn->remote = rd;
		lchn->remote_domid = rd->domid;
		lchn->remote_port = op->remote_port;
		rchn->state = PV_EVTCHNSTAT_interdomain;
		rchn->remote = ld;
		rchn->remote_domid = ld->domid;
		rchn->remote_port = lport;
		op->local_port = lport;
		/* Notifications sent to the unbound port were lost: raise once. */
		ev_set_pending(ld, lport);
	}
	pthread_mutex_unlock(&hv_lock);
	if (rd != ld && !is_dom0(rd))
		domain_put(rd);
	return err;
}

static long ev_bind_virq(struct hc_ctx *ctx, struct pv_evtchn_bind_virq *op)
{
	struct domain *d = ev_self(ctx);
	uint32_t port;
	int err;

	if (op->virq >= PV_NR_VIRQS)
		return -PV_EINVAL;
	if (ev_virq_is_global(op->virq) && op->vcpu != 0)
		return -PV_EINVAL;
	if (op->vcpu >= d->max_vcpus)
		return -PV_ENOENT;
	if (!ev_vcpu_ok(d, op->vcpu))
		return -PV_EINVAL;
	pthread_mutex_lock(&hv_lock);
	if (d->vcpus[op->vcpu].virq_port[op->virq]) {
		err = -PV_EEXIST;
	} else if ((err = ev_alloc_for(ctx, d, &port)) == 0) {
		struct evtchn *chn = ev_slot(d, port);

		chn->state = PV_EVTCHNSTAT_virq;
		chn->virq = (uint8_t)op->virq;
		chn->vcpu = op->vcpu;
		d->vcpus[op->vcpu].virq_port[op->virq] = port;
		op->port = port;
	}
	pthread_mutex_unlock(&hv_lock);
	return err;
}

static long ev_bind_ipi(struct hc_ctx *ctx, struct pv_evtchn_bind_ipi *op)
{
	struct domain *d = ev_self(ctx);
	uint32_t port;
	int err;

	if (op->vcpu >= d->max_vcpus)
		return -PV_ENOENT;
	if (!ev_vcpu_ok(d, op->vcpu))
		return -PV_EINVAL;
	pthread_mutex_lock(&hv_lock);
	if ((err = ev_alloc_for(ctx, d, &port)) == 0) {
		struct evtchn *chn = ev_slot(d, port);

		chn->state = PV_EVTCHNSTAT_ipi;
		chn->vcpu = op->vcpu;
		op->port = port;
	}
	pthread_mutex_unlock(&hv_lock);
	return err;
}

/* Close one port of d (hv_lock held). A connected peer reverts to unbound, still
 * reserved for us, as on Xen. */
static void ev_close_locked(struct domain *d, uint32_t port)
{
	struct evtchn *chn = ev_port(d, port);

	if (!chn)
		return;
	switch (chn->state) {
	case PV_EVTCHNSTAT_interdomain: {
		struct evtchn *peer = ev_port(chn->remote, chn->remote_port);

		if (peer && peer->state == PV_EVTCHNSTAT_interdomain && peer->remote == d) {
			peer->state = PV_EVTCHNSTAT_unbound;
			peer->remote = NULL;
			peer->remote_domid = d->domid;
			peer->remote_port = 0;
		}
		break;
	}
	case PV_EVTCHNSTAT_virq:
		if (chn->vcpu < d->max_vcpus && d->vcpus[chn->vcpu].virq_port[chn->virq] == port)
			d->vcpus[chn->vcpu].virq_port[chn->virq] = 0;
		break;
	default:
		break;
	}
	if (is_dom0(d) && chn->owner)
		__atomic_store_n(&chn->owner->page->state[port], 0, __ATOMIC_SEQ_CST);
	if (!is_dom0(d) && d->mem) {
		struct pv_shared_info *si = ev_shared(d);

		/* A reused port must not start out pending. */
		ev_bit_test_and_clear(&si->evtchn_pending[port / 64], port % 64);
	}
	memset(chn, 0, sizeof(*chn));
	d->evtchn->used--;
}

static long ev_close(struct hc_ctx *ctx, struct pv_evtchn_close *op)
{
	struct domain *d = ev_self(ctx);
	struct evtchn *chn;
	long err = 0;

	pthread_mutex_lock(&hv_lock);
	chn = ev_port(d, op->port);
	if (!chn)
		err = -PV_EINVAL;
	else if (is_dom0(d) && (!ctx->conn || chn->owner != ctx->conn->ev))
		err = -PV_EINVAL; /* another dom0 process's port */
	else
		ev_close_locked(d, op->port);
	pthread_mutex_unlock(&hv_lock);
	return err;
}

/* Send on a port of d (hv_lock held). */
static long ev_send_locked(struct domain *d, uint32_t port)
{
	struct evtchn *chn = ev_port(d, port);

	if (!chn)
		return -PV_EINVAL;
	switch (chn->state) {
	case PV_EVTCHNSTAT_interdomain:
		ev_set_pending(chn->remote, chn->remote_port);
		return 0;
	case PV_EVTCHNSTAT_ipi:
		ev_set_pending(d, port);
		return 0;
	case PV_EVTCHNSTAT_unbound:
		return 0; /* nobody listens yet: dropped, as on Xen */
	default:
		return -PV_EINVAL;
	}
}

static long ev_send(struct hc_ctx *ctx, struct pv_evtchn_send *op)
{
	struct domain *d = ev_self(ctx);
	struct evtchn *chn;
	long err;

	pthread_mutex_lock(&hv_lock);
	chn = ev_port(d, op->port);
	if (chn && is_dom0(d) && (!ctx->conn || chn->owner != ctx->conn->ev))
		err = -PV_EINVAL;
	else
		err = ev_send_locked(d, op->port);
	pthread_mutex_unlock(&hv_lock);
	return err;
}

static long ev_status(struct hc_ctx *ctx, struct pv_evtchn_status *op)
{
	struct domain *d;
	struct evtchn *chn;
	int err = 0;

	d = ev_get(ctx, op->dom, &err);
	if (!d)
		return err;
	pthread_mutex_lock(&hv_lock);
	chn = (d->evtchn && op->port && op->port < d->evtchn->max_ports) ?
		      (d->evtchn->bucket[op->port / EV_BUCKET] ?
			       ev_slot(d, op->port) : NULL) : NULL;
	memset(&op->u, 0, sizeof(op->u));
	op->vcpu = 0;
	if (!chn && (!op->port || op->port >= (d->evtchn ? d->evtchn->max_ports :
						 (is_dom0(d) ? EV_DOM0_PORTS : EV_GUEST_PORTS)))) {
		err = -PV_EINVAL;
	} else if (!chn || chn->state == PV_EVTCHNSTAT_closed) {
		op->status = PV_EVTCHNSTAT_closed;
	} else {
		op->status = chn->state;
		op->vcpu = chn->vcpu;
		switch (chn->state) {
		case PV_EVTCHNSTAT_unbound:
			op->u.unbound.dom = chn->remote_domid;
			break;
		case PV_EVTCHNSTAT_interdomain:
			op->u.interdomain.dom = chn->remote_domid;
			op->u.interdomain.port = chn->remote_port;
			break;
		case PV_EVTCHNSTAT_virq:
			op->u.virq = chn->virq;
			break;
		default:
			break;
		}
	}
	pthread_mutex_unlock(&hv_lock);
	ev_put(ctx, d);
	return err;
}

static long ev_bind_vcpu(struct hc_ctx *ctx, struct pv_evtchn_bind_vcpu *op)
{
	struct domain *d = ev_self(ctx);
	struct evtchn *chn;
	long err = 0;

	if (op->vcpu >= d->max_vcpus)
		return -PV_ENOENT;
	if (!ev_vcpu_ok(d, op->vcpu))
		return -PV_EINVAL;
	pthread_mutex_lock(&hv_lock);
	chn = ev_port(d, op->port);
	if (!chn) {
		err = -PV_EINVAL;
	} else {
		switch (chn->state) {
		case PV_EVTCHNSTAT_virq:
			if (!ev_virq_is_global(chn->virq)) {
				err = -PV_EINVAL;
				break;
			}
			/* fall through */
		case PV_EVTCHNSTAT_unbound:
		case PV_EVTCHNSTAT_interdomain:
			chn->vcpu = op->vcpu;
			break;
		default:
			err = -PV_EINVAL; /* IPIs name their vCPU at bind time */
		}
	}
	pthread_mutex_unlock(&hv_lock);
	return err;
}

/* Clear a port's mask; if it is pending, deliver it now (Xen's 2-level unmask). */
static long ev_unmask(struct hc_ctx *ctx, struct pv_evtchn_unmask *op)
{
	struct domain *d = ev_self(ctx);
	struct evtchn *chn;
	long err = 0;

	pthread_mutex_lock(&hv_lock);
	chn = ev_port(d, op->port);
	if (!chn) {
		err = -PV_EINVAL;
	} else if (is_dom0(d)) {
		struct evtchn_handle *h = chn->owner;
		uint8_t cur = 1;

		if (!ctx->conn || h != ctx->conn->ev) {
			err = -PV_EINVAL;
		} else if (!__atomic_compare_exchange_n(&h->page->state[op->port], &cur, 0, 0,
							__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) &&
			   cur == 2) {
			__atomic_store_n(&h->page->state[op->port], 0, __ATOMIC_SEQ_CST);
			ev_raise_dom0(chn, op->port);
		}
	} else {
		struct pv_shared_info *si = ev_shared(d);
		unsigned port = op->port;

		if (si && ev_vcpu_ok(d, chn->vcpu) &&
		    ev_bit_test_and_clear(&si->evtchn_mask[port / 64], port % 64) &&
		    ev_bit_test(&si->evtchn_pending[port / 64], port % 64) &&
		    !ev_bit_test_and_set(&si->vcpu_info[chn->vcpu].evtchn_pending_sel,
					 port / 64) &&
		    !__atomic_exchange_n(&si->vcpu_info[chn->vcpu].evtchn_upcall_pending, 1,
					 __ATOMIC_SEQ_CST))
			ev_kick(d, &d->vcpus[chn->vcpu], 0);
	}
	pthread_mutex_unlock(&hv_lock);
	return err;
}

/* Close every port of d (hv_lock held). */
static void ev_reset_locked(struct domain *d)
{
	if (!d->evtchn)
		return;
	for (uint32_t port = 1; port < d->evtchn->max_ports; port++)
		if (d->evtchn->bucket[port / EV_BUCKET])
			ev_close_locked(d, port);
}

static long ev_reset(struct hc_ctx *ctx, struct pv_evtchn_reset *op)
{
	struct domain *d;
	int err = 0;

	d = ev_get(ctx, op->dom, &err);
	if (!d)
		return err;
	if (is_dom0(d)) {
		ev_put(ctx, d);
		return -PV_EINVAL; /* dom0's ports belong to its processes' handles */
	}
	pthread_mutex_lock(&hv_lock);
	ev_reset_locked(d);
	pthread_mutex_unlock(&hv_lock);
	ev_put(ctx, d);
	return 0;
}

/* The domain is leaving the table: close its ports (peers revert to unbound) and
 * free the table. hv_lock held. */
void evtchn_domain_fini_locked(struct domain *d)
{
	struct evtchn_table *t = d->evtchn;

	if (!t)
		return;
	ev_reset_locked(d);
	for (unsigned i = 0; i < EV_NR_BUCKETS; i++)
		free(t->bucket[i]);
	free(t);
	d->evtchn = NULL;
}

#define EV_OP(type, fn)                                                  \
	do {                                                             \
		type op;                                                 \
		long rc;                                                 \
		if (hc_copy_from(ctx, a[1], &op, sizeof(op)))            \
			return -PV_EFAULT;                               \
		rc = fn(ctx, &op);                                       \
		if (rc == 0 && hc_copy_to(ctx, a[1], &op, sizeof(op)))   \
			return -PV_EFAULT;                               \
		return rc;                                               \
	} while (0)

long hc_event_channel_op(struct hc_ctx *ctx, const uint64_t a[5])
{
	switch (a[0]) {
	case PV_EVTCHNOP_alloc_unbound:
		EV_OP(struct pv_evtchn_alloc_unbound, ev_alloc_unbound);
	case PV_EVTCHNOP_bind_interdomain:
		EV_OP(struct pv_evtchn_bind_interdomain, ev_bind_interdomain);
	case PV_EVTCHNOP_bind_virq:
		EV_OP(struct pv_evtchn_bind_virq, ev_bind_virq);
	case PV_EVTCHNOP_bind_ipi:
		EV_OP(struct pv_evtchn_bind_ipi, ev_bind_ipi);
	case PV_EVTCHNOP_close:
		EV_OP(struct pv_evtchn_close, ev_close);
	case PV_EVTCHNOP_status:
		EV_OP(struct pv_evtchn_status, ev_status);
	case PV_EVTCHNOP_bind_vcpu:
		EV_OP(struct pv_evtchn_bind_vcpu, ev_bind_vcpu);
	case PV_EVTCHNOP_unmask:
		EV_OP(struct pv_evtchn_unmask, ev_unmask);
	case PV_EVTCHNOP_reset:
		EV_OP(struct pv_evtchn_reset, ev_reset);
	case PV_EVTCHNOP_send: {
		/* The hot path: no copy back. */
		struct pv_evtchn_send op;

		if (hc_copy_from(ctx, a[1], &op, sizeof(op)))
			return -PV_EFAULT;
		return ev_send(ctx, &op);
	}
	case PV_EVTCHNOP_bind_pirq:
		return -PV_EPERM; /* no physical IRQs to route */
	default:
		return -PV_ENOSYS; /* FIFO ABI ops: guests fall back to 2-level */
	}
}

/* dom0 handles ------------------------------------------------------------- */

int evtchn_handle_open(struct pconn *c, int *memfd_out, uint64_t *size_out)
{
	struct evtchn_handle *h;
	size_t size = (sizeof(struct pv_privcmd_evtchn_page) + 4095) & ~(size_t)4095;

	if (c->ev) {
		*memfd_out = dup(c->ev->memfd);
		*size_out = c->ev->page_size;
		return *memfd_out < 0 ? -errno : 0;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	h->memfd = memfd_create("pvisor-evtchn", MFD_CLOEXEC);
	if (h->efd < 0 || h->memfd < 0 || ftruncate(h->memfd, (off_t)size) < 0 ||
	    (h->page = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, h->memfd, 0)) ==
		    MAP_FAILED) {
		int err = -errno;

		if (h->efd >= 0)
			close(h->efd);
		if (h->memfd >= 0)
			close(h->memfd);
		free(h);
		return err;
	}
	h->page_size = size;
	*memfd_out = dup(h->memfd);
	if (*memfd_out < 0) {
		int err = -errno;

		munmap(h->page, size);
		close(h->efd);
		close(h->memfd);
		free(h);
		return err;
	}
	*size_out = size;
	pthread_mutex_lock(&hv_lock);
	c->ev = h;
	pthread_mutex_unlock(&hv_lock);
	return 0;
}

int evtchn_handle_eventfd(struct pconn *c)
{
	int fd;

	if (!c->ev)
		return -EINVAL;
	fd = dup(c->ev->efd);
	return fd < 0 ? -errno : fd;
}

/* The connection closed: its ports close (peers revert to unbound). */
void evtchn_handle_close(struct pconn *c)
{
	struct evtchn_handle *h = c->ev;

	if (!h)
		return;
	pthread_mutex_lock(&hv_lock);
	if (dom0.evtchn)
		for (uint32_t port = 1; port < dom0.evtchn->max_ports; port++) {
			struct evtchn *chn = ev_port(&dom0, port);

			if (chn && chn->owner == h)
				ev_close_locked(&dom0, port);
		}
	c->ev = NULL;
	pthread_mutex_unlock(&hv_lock);
	munmap(h->page, h->page_size);
	close(h->efd);
	close(h->memfd);
	free(h);
}
