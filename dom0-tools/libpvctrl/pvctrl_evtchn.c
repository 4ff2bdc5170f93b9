/* libpvctrl event-channel handles: what libxenevtchn gives a dom0 process. Each
 * handle is its own privcmd connection; the ports it binds belong to it and close
 * with it. Delivery is a shared page (a ring of fired ports plus a state byte per
 * port, see pv_privcmd_evtchn_page) and an eventfd to sleep on. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pvctrl.h"
#include "pvctrl_priv.h"
#include "pvisor/event_channel.h"

struct pvctrl_evtchn {
	struct pvctrl *h;
	int efd;
	int doorbell;              /* -1: a hypervisor without it, notify by request */
	pthread_mutex_t send_lock; /* the send ring has one producer at a time */
	struct pv_privcmd_evtchn_page *page;
	size_t page_size;
	uint32_t requeue[PV_EVTCHN_HANDLE_PORTS]; /* fired again while masked */
	unsigned nr_requeue;
};

int pvctrl_evtchn_open(struct pvctrl_evtchn **out)
{
	struct pvctrl_evtchn *x = calloc(1, sizeof(*x));
	struct pv_privcmd_evtchn_info info;
	size_t got = 0;
	int memfd = -1, rc;

	if (!x)
		return -ENOMEM;
	x->efd = -1;
	x->doorbell = -1;
	pthread_mutex_init(&x->send_lock, NULL);
	rc = pvctrl_open(&x->h);
	if (rc == 0)
		rc = pvctrl_request(x->h, PV_PRIVCMD_OP_EVTCHN_OPEN, NULL, 0, &info, sizeof(info),
				    &got, &memfd);
	if (rc == 0 && (got != sizeof(info) || memfd < 0 ||
			info.page_size < sizeof(struct pv_privcmd_evtchn_page)))
		rc = -EPROTO;
	if (rc == 0) {
		x->page = mmap(NULL, info.page_size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd,
			       0);
		if (x->page == MAP_FAILED) {
			rc = -errno;
			x->page = NULL;
		}
		x->page_size = info.page_size;
	}
	if (memfd >= 0)
		close(memfd);
	if (rc == 0)
		rc = pvctrl_request(x->h, PV_PRIVCMD_OP_EVTCHN_EVENTFD, NULL, 0, NULL, 0, NULL,
				    &x->efd);
	if (rc == 0 && x->efd < 0)
		rc = -EPROTO;
	if (rc == 0 && x->page_size >= sizeof(struct pv_privcmd_evtchn_page) &&
	    pvctrl_request(x->h, PV_PRIVCMD_OP_EVTCHN_DOORBELL, NULL, 0, NULL, 0, NULL,
			   &x->doorbell) < 0)
		x->doorbell = -1; /* older hypervisor: notify by request */
	if (rc) {
		pvctrl_evtchn_close(x);
		return rc;
	}
	*out = x;
	return 0;
}

void pvctrl_evtchn_close(struct pvctrl_evtchn *x)
{
	if (!x)
		return;
	if (x->page)
		munmap(x->page, x->page_size);
	if (x->efd >= 0)
		close(x->efd);
	if (x->doorbell >= 0)
		close(x->doorbell);
	pthread_mutex_destroy(&x->send_lock);
	pvctrl_close(x->h);
	free(x);
}

int pvctrl_evtchn_fd(struct pvctrl_evtchn *x)
{
	return x->efd;
}

/* EVTCHNOP_* on a connection (a handle's own, for ports it owns); the op goes inline. */
static int evtchn_op(struct pvctrl *h, unsigned cmd, void *op, size_t len)
{
	uint64_t a[5] = { cmd, PV_PRIVCMD_ARG_ADDR };

	return pvctrl_hypercall(h, PV_HYPERCALL_event_channel_op, a, op, len, NULL, 0);
}

int pvctrl_evtchn_bind_unbound(struct pvctrl_evtchn *x, pv_domid_t remote)
{
	struct pv_evtchn_alloc_unbound op = { .dom = PV_DOMID_SELF, .remote_dom = remote };
	int rc = evtchn_op(x->h, PV_EVTCHNOP_alloc_unbound, &op, sizeof(op));

	return rc < 0 ? rc : (int)op.port;
}

int pvctrl_evtchn_bind_interdomain(struct pvctrl_evtchn *x, pv_domid_t remote,
				   uint32_t remote_port)
{
	struct pv_evtchn_bind_interdomain op = { .remote_dom = remote,
						 .remote_port = remote_port };
	int rc = evtchn_op(x->h, PV_EVTCHNOP_bind_interdomain, &op, sizeof(op));

	return rc < 0 ? rc : (int)op.local_port;
}

int pvctrl_evtchn_bind_virq(struct pvctrl_evtchn *x, uint32_t virq)
{
	struct pv_evtchn_bind_virq op = { .virq = virq, .vcpu = 0 };
	int rc = evtchn_op(x->h, PV_EVTCHNOP_bind_virq, &op, sizeof(op));

	return rc < 0 ? rc : (int)op.port;
}

int pvctrl_evtchn_unbind(struct pvctrl_evtchn *x, uint32_t port)
{
	struct pv_evtchn_close op = { .port = port };

	for (unsigned i = 0; i < x->nr_requeue; i++)
		if (x->requeue[i] == port)
			x->requeue[i] = x->requeue[--x->nr_requeue];
	return evtchn_op(x->h, PV_EVTCHNOP_close, &op, sizeof(op));
}

/* Queue port on the doorbell ring: 0, or -ENOSPC when the ring is full. */
static int evtchn_ring_send(struct pvctrl_evtchn *x, uint32_t port)
{
	struct pv_privcmd_evtchn_page *pg = x->page;
	uint64_t one = 1;
	uint32_t prod;
	int rc = 0;

	pthread_mutex_lock(&x->send_lock);
	prod = pg->sprod;
	if (prod - __atomic_load_n(&pg->scons, __ATOMIC_ACQUIRE) >= PV_EVTCHN_SEND_RING) {
		rc = -ENOSPC;
	} else {
		pg->sring[prod % PV_EVTCHN_SEND_RING] = port;
		__atomic_store_n(&pg->sprod, prod + 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&x->send_lock);
	/* Always ring: skipping when sends look queued could miss a drain that has
	 * already read sprod. */
	if (rc == 0 && write(x->doorbell, &one, sizeof(one)) < 0)
		rc = -errno;
	return rc;
}

int pvctrl_evtchn_notify(struct pvctrl_evtchn *x, uint32_t port)
{
	struct pv_evtchn_send op = { .port = port };

	if (x->doorbell >= 0 && port < PV_EVTCHN_HANDLE_PORTS && evtchn_ring_send(x, port) == 0)
		return 0;
	return evtchn_op(x->h, PV_EVTCHNOP_send, &op, sizeof(op));
}

int pvctrl_evtchn_pending(struct pvctrl_evtchn *x)
{
	uint32_t cons, prod;
	uint64_t count;

	if (x->nr_requeue)
		return (int)x->requeue[--x->nr_requeue];
	cons = x->page->cons;
	prod = __atomic_load_n(&x->page->prod, __ATOMIC_ACQUIRE);
	if (cons == prod) {
		/* Drain the eventfd, then look again: a port queued in between is seen
		 * now or leaves the eventfd readable. */
		if (read(x->efd, &count, sizeof(count)) < 0 && errno != EAGAIN)
			return -errno;
		prod = __atomic_load_n(&x->page->prod, __ATOMIC_ACQUIRE);
		if (cons == prod)
			return -EAGAIN;
	}
	{
		uint32_t port = x->page->ring[cons % PV_EVTCHN_HANDLE_PORTS];

		__atomic_store_n(&x->page->cons, cons + 1, __ATOMIC_RELEASE);
		return port < PV_EVTCHN_HANDLE_PORTS ? (int)port : -EPROTO;
	}
}

int pvctrl_evtchn_unmask(struct pvctrl_evtchn *x, uint32_t port)
{
	uint8_t cur = 1;

	if (port >= PV_EVTCHN_HANDLE_PORTS)
		return -EINVAL;
	if (__atomic_compare_exchange_n(&x->page->state[port], &cur, 0, 0, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST))
		return 0;
	if (cur == 2) {
		/* It fired again while masked: it is pending once more (still masked). */
		__atomic_store_n(&x->page->state[port], 1, __ATOMIC_SEQ_CST);
		if (x->nr_requeue < PV_EVTCHN_HANDLE_PORTS)
			x->requeue[x->nr_requeue++] = port;
	}
	return 0;
}

int pvctrl_evtchn_wait(struct pvctrl_evtchn *x, int timeout_ms)
{
	struct pollfd p = { x->efd, POLLIN, 0 };
	int port = pvctrl_evtchn_pending(x), n;

	while (port == -EAGAIN) {
		n = poll(&p, 1, timeout_ms);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
		port = pvctrl_evtchn_pending(x);
	}
	return port;
}

static void done_port(struct pvctrl_slot *s, void *out)
{
	(void)out;
	*s->ret = (int)((struct pv_evtchn_alloc_unbound *)(void *)s->arg)->port;
}

void pvctrl_q_evtchn_alloc_unbound(struct pvctrl_batch *b, pv_domid_t dom, pv_domid_t remote,
				   int *ret)
{
	struct pv_evtchn_alloc_unbound op = { .dom = dom, .remote_dom = remote };
	uint64_t a[5] = { PV_EVTCHNOP_alloc_unbound, PV_PRIVCMD_ARG_ADDR };
	struct pvctrl_slot *s = pvctrl_q_hypercall(b, PV_HYPERCALL_event_channel_op, a, &op,
						   sizeof(op), NULL, NULL, 0, NULL, ret);

	if (s) {
		s->rsp = s->arg;
		s->done = done_port;
	}
}

int pvctrl_evtchn_alloc_unbound(struct pvctrl *h, pv_domid_t dom, pv_domid_t remote)
{
	struct pvctrl_batch b;
	int ret, rc;

	pvctrl_batch_init(&b, h);
	pvctrl_q_evtchn_alloc_unbound(&b, dom, remote, &ret);
	rc = pvctrl_batch_run(&b);
	return rc < 0 ? rc : ret;
}

int pvctrl_evtchn_status(struct pvctrl *h, pv_domid_t dom, uint32_t port,
			 struct pv_evtchn_status *st)
{
	memset(st, 0, sizeof(*st));
	st->dom = dom;
	st->port = port;
	return evtchn_op(h, PV_EVTCHNOP_status, st, sizeof(*st));
}
