/* Event channels, Xen's 2-level ABI, the mechanism: per-domain port tables, raising
 * a port into a guest's shared_info (and kicking the vCPU) or into a dom0 handle's
 * shared page, closing ports, and dom0's handles. The hypercall ops are in
 * evtchn_ops.c. Everything runs under hv_lock, which also guards the vCPU wait
 * states a kick completes. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engines/engine.h"
#include "evtchn_priv.h"
#include "log.h"
#include "pv_errno.h"
#include "pvisor/errno.h"
#include "pvisor/event_channel.h"
#include "pvisor/save.h"

/* Dom0 has no domain record in the table; its ports and VIRQs live here. */
static struct vcpu dom0_vcpu;
static struct domain dom0 = {
	.domid = 0, .name = "Domain-0", .max_vcpus = 1, .vcpus = &dom0_vcpu, .mem_fd = -1
};

struct domain *evtchn_dom0(void)
{
	return &dom0;
}

static struct evtchn_table *ev_table(struct domain *d, int create)
{
	if (!d->evtchn && create) {
		d->evtchn = calloc(1, sizeof(*d->evtchn));
		if (d->evtchn)
			d->evtchn->max_ports = evtchn_max_ports(d);
	}
	return d->evtchn;
}

/* The channel behind a port, or NULL when the port is out of range or free. */
struct evtchn *evtchn_port(struct domain *d, uint32_t port)
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
int evtchn_alloc(struct domain *d, uint32_t *out)
{
	struct evtchn_table *t = ev_table(d, 1);

	if (!t)
		return -PV_ENOMEM;
	for (uint32_t port = t->free_from > 1 ? t->free_from : 1; port < t->max_ports; port++) {
		struct evtchn **b = &t->bucket[port / EV_BUCKET];

		if (!*b) {
			*b = calloc(EV_BUCKET, sizeof(**b));
			if (!*b)
				return -PV_ENOMEM;
		}
		if ((*b)[port % EV_BUCKET].state == PV_EVTCHNSTAT_closed) {
			memset(&(*b)[port % EV_BUCKET], 0, sizeof(**b));
			t->used++;
			t->free_from = port + 1;
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
		d->engine->complete(d, v, 0);
		return;
	}
	if (!port && v->wait == VCPU_WAIT_BLOCK) {
		d->engine->complete(d, v, 0);
		return;
	}
	/* A vCPU whose hypercall we are serving gets it with the answer. */
	if (!port && v->wait == VCPU_WAIT_NONE && !v->in_hypercall && evtchn_upcall_due(d, v))
		d->engine->kick(d, v);
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

/* Port of d is pending and unmasked: flag its selector word and the upcall of the
 * vCPU it notifies; kick that vCPU when the upcall flag is new. */
static void ev_mark_upcall(struct domain *d, struct pv_shared_info *si, struct vcpu *v,
			   uint32_t port)
{
	struct pv_vcpu_info *vi = &si->vcpu_info[v->id];

	if (!ev_bit_test_and_set(&vi->evtchn_pending_sel, port / 64) &&
	    !__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
		ev_kick(d, v, 0);
}

/* Xen's 2-level set_pending on domain d's port: pending bit, then (unless masked)
 * the selector bit and the upcall flag of the notified vCPU; pollers of the port
 * wake either way. */
void evtchn_set_pending(struct domain *d, uint32_t port)
{
	struct evtchn *chn = evtchn_port(d, port);
	struct pv_shared_info *si;
	struct vcpu *v;

	if (!chn)
		return;
	if (evtchn_is_dom0(d)) {
		ev_raise_dom0(chn, port);
		return;
	}
	instr_event_received(d, port);
	si = ev_shared(d);
	if (!si || !evtchn_vcpu_ok(d, chn->vcpu))
		return;
	v = &d->vcpus[chn->vcpu];
	if (ev_bit_test_and_set(&si->evtchn_pending[port / 64], port % 64))
		return;
	if (!ev_bit_test(&si->evtchn_mask[port / 64], port % 64))
		ev_mark_upcall(d, si, v, port);
	/* Pollers of this port, on any vCPU. */
	for (unsigned i = 0; i < d->max_vcpus; i++)
		if (d->vcpus[i].wait == VCPU_WAIT_POLL)
			ev_kick(d, &d->vcpus[i], port);
}

void evtchn_raise_virq_locked(struct domain *d, struct vcpu *v, unsigned virq)
{
	uint32_t port = v->virq_port[virq];

	if (port)
		evtchn_set_pending(d, port);
}

/* VIRQ_DOM_EXC and other global VIRQs bound by dom0 processes. */
void evtchn_raise_dom0_virq_locked(unsigned virq)
{
	evtchn_raise_virq_locked(&dom0, &dom0_vcpu, virq);
}

/* Clear a port's mask; if it is pending, deliver it now (Xen's 2-level unmask; for a
 * dom0 handle, the 1->0 or 2->queued-again step of its state byte). */
void evtchn_unmask_locked(struct domain *d, struct evtchn *chn, uint32_t port)
{
	struct pv_shared_info *si = ev_shared(d);

	if (evtchn_is_dom0(d)) {
		uint8_t cur = 1;

		if (chn->owner && port < PV_EVTCHN_HANDLE_PORTS &&
		    !__atomic_compare_exchange_n(&chn->owner->page->state[port], &cur, 0, 0,
						 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) &&
		    cur == 2) {
			__atomic_store_n(&chn->owner->page->state[port], 0, __ATOMIC_SEQ_CST);
			ev_raise_dom0(chn, port);
		}
		return;
	}
	if (si && evtchn_vcpu_ok(d, chn->vcpu) &&
	    ev_bit_test_and_clear(&si->evtchn_mask[port / 64], port % 64) &&
	    ev_bit_test(&si->evtchn_pending[port / 64], port % 64))
		ev_mark_upcall(d, si, &d->vcpus[chn->vcpu], port);
}

/* Close one port of d (hv_lock held). A connected peer reverts to unbound, still
 * reserved for us, as on Xen. */
void evtchn_close_locked(struct domain *d, uint32_t port)
{
	struct evtchn *chn = evtchn_port(d, port);

	if (!chn)
		return;
	switch (chn->state) {
	case PV_EVTCHNSTAT_interdomain: {
		struct evtchn *peer = evtchn_port(chn->remote, chn->remote_port);

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
	if (evtchn_is_dom0(d) && chn->owner)
		__atomic_store_n(&chn->owner->page->state[port], 0, __ATOMIC_SEQ_CST);
	if (!evtchn_is_dom0(d) && d->mem) {
		struct pv_shared_info *si = ev_shared(d);

		/* A reused port must not start out pending. */
		ev_bit_test_and_clear(&si->evtchn_pending[port / 64], port % 64);
	}
	memset(chn, 0, sizeof(*chn));
	d->evtchn->used--;
	if (port < d->evtchn->free_from)
		d->evtchn->free_from = port;
}

/* Send on a port of d (hv_lock held). */
long evtchn_send_locked(struct domain *d, uint32_t port)
{
	struct evtchn *chn = evtchn_port(d, port);

	if (!chn)
		return -PV_EINVAL;
	if (!evtchn_is_dom0(d))
		instr_event_sent(d, port);
	switch (chn->state) {
	case PV_EVTCHNSTAT_interdomain:
		evtchn_set_pending(chn->remote, chn->remote_port);
		return 0;
	case PV_EVTCHNSTAT_ipi:
		evtchn_set_pending(d, port);
		return 0;
	case PV_EVTCHNSTAT_unbound:
		return 0; /* nobody listens yet: dropped, as on Xen */
	default:
		return -PV_EINVAL;
	}
}

/* Close every port of d (hv_lock held). */
void evtchn_reset_locked(struct domain *d)
{
	if (!d->evtchn)
		return;
	for (uint32_t port = 1; port < d->evtchn->max_ports; port++)
		if (d->evtchn->bucket[port / EV_BUCKET])
			evtchn_close_locked(d, port);
}

/* The domain is leaving the table: close its ports (peers revert to unbound) and
 * free the table. hv_lock held. */
void evtchn_domain_fini_locked(struct domain *d)
{
	struct evtchn_table *t = d->evtchn;

	if (!t)
		return;
	evtchn_reset_locked(d);
	for (unsigned i = 0; i < EV_NR_BUCKETS; i++)
		free(t->bucket[i]);
	free(t);
	d->evtchn = NULL;
}

/* dom0 handles ------------------------------------------------------------- */

int evtchn_handle_open(struct pconn *c, int *memfd_out, uint64_t *size_out)
{
	struct evtchn_handle *h;
	size_t size = (sizeof(struct pv_privcmd_evtchn_page) + 4095) & ~(size_t)4095;

	if (c->ev) {
		*memfd_out = dup(c->ev->memfd);
		*size_out = c->ev->page_size;
		return *memfd_out < 0 ? pv_errno_last() : 0;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return -PV_ENOMEM;
	h->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	h->doorbell = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	/* Sealed at its size: the client maps the page too, and one that could shrink
	 * it would make our next touch of it a SIGBUS (every domain with it). */
	h->memfd = memfd_create("pvisor-evtchn", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (h->efd < 0 || h->doorbell < 0 || h->memfd < 0 ||
	    ftruncate(h->memfd, (off_t)size) < 0 ||
	    fcntl(h->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0 ||
	    (h->page = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, h->memfd, 0)) ==
		    MAP_FAILED) {
		int err = pv_errno_last();

		if (h->efd >= 0)
			close(h->efd);
		if (h->doorbell >= 0)
			close(h->doorbell);
		if (h->memfd >= 0)
			close(h->memfd);
		free(h);
		return err;
	}
	h->page_size = size;
	*memfd_out = dup(h->memfd);
	if (*memfd_out < 0) {
		int err = pv_errno_last();

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
		return -PV_EINVAL;
	fd = dup(c->ev->efd);
	return fd < 0 ? pv_errno_last() : fd;
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
			struct evtchn *chn = evtchn_port(&dom0, port);

			if (chn && chn->owner == h)
				evtchn_close_locked(&dom0, port);
		}
	c->ev = NULL;
	pthread_mutex_unlock(&hv_lock);
	munmap(h->page, h->page_size);
	close(h->efd);
	close(h->doorbell);
	close(h->memfd);
	free(h);
}

int evtchn_handle_doorbell(struct pconn *c)
{
	int fd;

	if (!c->ev)
		return -PV_EINVAL;
	fd = dup(c->ev->doorbell);
	return fd < 0 ? pv_errno_last() : fd;
}

int evtchn_handle_doorbell_fd(struct pconn *c)
{
	return c->ev ? c->ev->doorbell : -1;
}

/* The doorbell rang: send the queued ports of this handle, in order. The ring is
 * the client's to write: indices are checked, ports not owned are skipped. */
void evtchn_handle_ring_sends(struct pconn *c)
{
	struct evtchn_handle *h = c->ev;
	uint64_t count;
	uint32_t cons, prod;

	if (!h)
		return;
	if (read(h->doorbell, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return;
	cons = h->page->scons;
	prod = __atomic_load_n(&h->page->sprod, __ATOMIC_ACQUIRE);
	if (prod - cons > PV_EVTCHN_SEND_RING) {
		log_warnx("evtchn: a dom0 handle's send ring has bad indices (%u, %u): reset",
			  prod, cons);
		__atomic_store_n(&h->page->scons, prod, __ATOMIC_RELEASE);
		return;
	}
	pthread_mutex_lock(&hv_lock);
	for (; cons != prod; cons++) {
		uint32_t port = h->page->sring[cons % PV_EVTCHN_SEND_RING];
		struct evtchn *chn = port < PV_EVTCHN_HANDLE_PORTS ? evtchn_port(&dom0, port)
								   : NULL;

		if (!chn || chn->owner != h)
			log_debug("evtchn: doorbell send to port %u not owned by the handle",
				  port);
		else
			evtchn_send_locked(&dom0, port);
	}
	pthread_mutex_unlock(&hv_lock);
	__atomic_store_n(&h->page->scons, cons, __ATOMIC_RELEASE);
}

unsigned evtchn_sr_list_locked(struct domain *d, struct pv_sr_evtchn *out, unsigned max)
{
	unsigned n = 0;

	for (uint32_t port = 1; d->evtchn && port < d->evtchn->max_ports && n < max; port++) {
		struct evtchn *c = evtchn_port(d, port);

		if (!c)
			continue;
		out[n] = (struct pv_sr_evtchn){ .port = port,
						.state = c->state,
						.virq = c->virq,
						.remote_dom = c->remote_domid,
						.remote_port = c->remote_port,
						.vcpu = c->vcpu };
		n++;
	}
	return n;
}
