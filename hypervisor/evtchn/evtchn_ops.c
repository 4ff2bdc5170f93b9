/* Event channel hypercall ops (EVTCHNOP_*), for guests and dom0 processes: argument
 * checks, who may name which domain, and the port states. The mechanism they drive
 * (tables, raising, delivery) is evtchn.c. */
#include <string.h>

#include "evtchn_priv.h"
#include "pvisor/errno.h"

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
	return ctx->d ? ctx->d : evtchn_dom0();
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
		return evtchn_dom0();
	return hc_target(ctx, domid, err);
}

static void ev_put(struct hc_ctx *ctx, struct domain *d)
{
	if (d && d != ev_self(ctx) && !evtchn_is_dom0(d))
		domain_put(d);
}

/* Dom0 ports need a handle to deliver to. */
static int ev_alloc_for(struct hc_ctx *ctx, struct domain *d, uint32_t *port)
{
	int rc;

	if (evtchn_is_dom0(d) && !(ctx->conn && ctx->conn->ev))
		return -PV_EINVAL;
	rc = evtchn_alloc(d, port);
	if (rc == 0 && evtchn_is_dom0(d)) {
		d->evtchn->bucket[*port / EV_BUCKET][*port % EV_BUCKET].owner = ctx->conn->ev;
		__atomic_store_n(&ctx->conn->ev->page->state[*port], 0, __ATOMIC_SEQ_CST);
	}
	return rc;
}

/* A dom0 port bound by another dom0 process: not the caller's to use. */
static int ev_foreign_dom0_port(struct hc_ctx *ctx, struct domain *d, struct evtchn *chn)
{
	return evtchn_is_dom0(d) && (!ctx->conn || chn->owner != ctx->conn->ev);
}

/* A domain that is going away cannot get new channels. */
static int ev_dead(struct domain *d)
{
	return !evtchn_is_dom0(d) && (d->removed || d->state == PV_DOMSTATE_DYING);
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
		struct evtchn *chn = evtchn_slot(d, port);

		chn->state = PV_EVTCHNSTAT_unbound;
		chn->remote_domid = op->remote_dom == PV_DOMID_SELF ? ev_self(ctx)->domid
								    : op->remote_dom;
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
		rd = evtchn_dom0();
	else if (!(rd = domain_get(op->remote_dom)))
		return -PV_ESRCH;
	pthread_mutex_lock(&hv_lock);
	rchn = evtchn_port(rd, op->remote_port);
	if (ev_dead(rd) || ev_dead(ld))
		err = -PV_ESRCH;
	else if (!rchn || rchn->state != PV_EVTCHNSTAT_unbound || rchn->remote_domid != ld->domid)
		err = -PV_EINVAL;
	else if ((err = ev_alloc_for(ctx, ld, &lport)) == 0) {
		rchn = evtchn_port(rd, op->remote_port); /* the bucket array may be new */
		lchn = evtchn_slot(ld, lport);
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
		evtchn_set_pending(ld, lport);
	}
	pthread_mutex_unlock(&hv_lock);
	if (rd != ld && !evtchn_is_dom0(rd))
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
	if (!evtchn_vcpu_ok(d, op->vcpu))
		return -PV_EINVAL;
	pthread_mutex_lock(&hv_lock);
	if (d->vcpus[op->vcpu].virq_port[op->virq]) {
		err = -PV_EEXIST;
	} else if ((err = ev_alloc_for(ctx, d, &port)) == 0) {
		struct evtchn *chn = evtchn_slot(d, port);

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
	if (!evtchn_vcpu_ok(d, op->vcpu))
		return -PV_EINVAL;
	pthread_mutex_lock(&hv_lock);
	if ((err = ev_alloc_for(ctx, d, &port)) == 0) {
		struct evtchn *chn = evtchn_slot(d, port);

		chn->state = PV_EVTCHNSTAT_ipi;
		chn->vcpu = op->vcpu;
		op->port = port;
	}
	pthread_mutex_unlock(&hv_lock);
	return err;
}

static long ev_close(struct hc_ctx *ctx, struct pv_evtchn_close *op)
{
	struct domain *d = ev_self(ctx);
	struct evtchn *chn;
	long err = 0;

	pthread_mutex_lock(&hv_lock);
	chn = evtchn_port(d, op->port);
	if (!chn)
		err = -PV_EINVAL;
	else if (ev_foreign_dom0_port(ctx, d, chn))
		err = -PV_EINVAL;
	else
		evtchn_close_locked(d, op->port);
	pthread_mutex_unlock(&hv_lock);
	return err;
}

static long ev_send(struct hc_ctx *ctx, struct pv_evtchn_send *op)
{
	struct domain *d = ev_self(ctx);
	struct evtchn *chn;
	long err;

	pthread_mutex_lock(&hv_lock);
	chn = evtchn_port(d, op->port);
	if (chn && ev_foreign_dom0_port(ctx, d, chn))
		err = -PV_EINVAL;
	else
		err = evtchn_send_locked(d, op->port);
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
	chn = evtchn_port(d, op->port); /* NULL: closed (or out of range) */
	memset(&op->u, 0, sizeof(op->u));
	op->vcpu = 0;
	if (!op->port || op->port >= evtchn_max_ports(d)) {
		err = -PV_EINVAL;
	} else if (!chn) {
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
	if (!evtchn_vcpu_ok(d, op->vcpu))
		return -PV_EINVAL;
	pthread_mutex_lock(&hv_lock);
	chn = evtchn_port(d, op->port);
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
	chn = evtchn_port(d, op->port);
	if (!chn) {
		err = -PV_EINVAL;
	} else if (ev_foreign_dom0_port(ctx, d, chn)) {
		err = -PV_EINVAL;
	} else {
		evtchn_unmask_locked(d, chn, op->port);
	}
	pthread_mutex_unlock(&hv_lock);
	return err;
}

static long ev_reset(struct hc_ctx *ctx, struct pv_evtchn_reset *op)
{
	struct domain *d;
	int err = 0;

	d = ev_get(ctx, op->dom, &err);
	if (!d)
		return err;
	if (evtchn_is_dom0(d)) {
		ev_put(ctx, d);
		return -PV_EINVAL; /* dom0's ports belong to its processes' handles */
	}
	pthread_mutex_lock(&hv_lock);
	evtchn_reset_locked(d);
	pthread_mutex_unlock(&hv_lock);
	ev_put(ctx, d);
	return 0;
}

#define EV_OP(type, fn) \
	do { \
		type op; \
		long rc; \
		if (hc_copy_from(ctx, a[1], &op, sizeof(op))) \
			return -PV_EFAULT; \
		rc = fn(ctx, &op); \
		if (rc == 0 && hc_copy_to(ctx, a[1], &op, sizeof(op))) \
			return -PV_EFAULT; \
		return rc; \
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
