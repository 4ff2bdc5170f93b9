/* xsd: the store ring byte streams (see ring.h). Indices are free-running u32 byte
 * counters; each is read once into a local, checked, then used. */
#include "xsd/ring.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define RING_SIZE PV_XENSTORE_RING_SIZE

static uint32_t ring_load(const volatile uint32_t *p)
{
	uint32_t v = __atomic_load_n(p, __ATOMIC_RELAXED);

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return v;
}

/* A full barrier after the store: the next look at the guest's index (is there
 * room now? more requests?) must not be served before our update is visible, or
 * both sides could miss each other's last move and wait for an event neither sends. */
static void ring_store(volatile uint32_t *p, uint32_t v)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void xsd_ring_init(struct pv_xenstore_domain_interface *intf)
{
	intf->server_features = PV_XENSTORE_SERVER_FEATURE_RECONNECTION |
				PV_XENSTORE_SERVER_FEATURE_ERROR;
	intf->error = PV_XENSTORE_ERROR_NONE;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void xsd_ring_set_error(struct pv_xenstore_domain_interface *intf, unsigned error)
{
	ring_store(&intf->error, error);
}

size_t xsd_ring_pending(const struct pv_xenstore_domain_interface *intf)
{
	uint32_t cons = ring_load(&intf->req_cons), prod = ring_load(&intf->req_prod);

	return prod - cons <= RING_SIZE ? prod - cons : 0;
}

size_t xsd_ring_space(const struct pv_xenstore_domain_interface *intf)
{
	uint32_t cons = ring_load(&intf->rsp_cons), prod = ring_load(&intf->rsp_prod);

	return prod - cons <= RING_SIZE ? RING_SIZE - (prod - cons) : 0;
}

int xsd_ring_read(struct pv_xenstore_domain_interface *intf, void *buf, size_t len)
{
	uint32_t cons = ring_load(&intf->req_cons), prod = ring_load(&intf->req_prod);
	uint32_t avail = prod - cons, first;
	char *out = buf;

	if (avail > RING_SIZE) {
		xsd_ring_set_error(intf, PV_XENSTORE_ERROR_RINGIDX);
		return -EIO;
	}
	if (len > avail)
		len = avail;
	first = RING_SIZE - PV_MASK_XENSTORE_IDX(cons);
	if (first > len)
		first = (uint32_t)len;
	memcpy(out, intf->req + PV_MASK_XENSTORE_IDX(cons), first);
	memcpy(out + first, intf->req, len - first);
	ring_store(&intf->req_cons, cons + (uint32_t)len);
	return (int)len;
}

int xsd_ring_write(struct pv_xenstore_domain_interface *intf, const void *buf, size_t len)
{
	uint32_t cons = ring_load(&intf->rsp_cons), prod = ring_load(&intf->rsp_prod);
	uint32_t used = prod - cons, first;
	const char *in = buf;

	if (used > RING_SIZE) {
		xsd_ring_set_error(intf, PV_XENSTORE_ERROR_RINGIDX);
		return -EIO;
	}
	if (len > RING_SIZE - used)
		len = RING_SIZE - used;
	first = RING_SIZE - PV_MASK_XENSTORE_IDX(prod);
	if (first > len)
		first = (uint32_t)len;
	memcpy(intf->rsp + PV_MASK_XENSTORE_IDX(prod), in, first);
	memcpy(intf->rsp, in + first, len - first);
	ring_store(&intf->rsp_prod, prod + (uint32_t)len);
	return (int)len;
}

int xsd_ring_reconnect(struct pv_xenstore_domain_interface *intf)
{
	if (ring_load(&intf->connection) != PV_XENSTORE_RECONNECT)
		return 0;
	intf->req_cons = intf->req_prod = 0;
	intf->rsp_cons = intf->rsp_prod = 0;
	intf->error = PV_XENSTORE_ERROR_NONE;
	ring_store(&intf->connection, PV_XENSTORE_CONNECTED);
	return 1;
}

bool xsd_ring_peer_waits(const struct pv_xenstore_domain_interface *intf, uint32_t rsp_prod0,
			 uint32_t req_cons0)
{
	uint32_t rsp_prod = intf->rsp_prod, req_cons = intf->req_cons;

	/* ring_store fenced our updates; the guest fences between its own update and
	 * its second look at ours: one of the two sides sees the other's move. */
	if (rsp_prod != rsp_prod0 && ring_load(&intf->rsp_cons) == rsp_prod0)
		return true; /* it had taken everything: it may be asleep until told */
	return req_cons != req_cons0 && ring_load(&intf->req_prod) - req_cons0 >= RING_SIZE;
}
