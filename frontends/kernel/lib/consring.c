/* Guest side of the console ring (see consring.h). Indices are free-running
 * 32-bit counters; the backend is trusted but its indices are still checked, so
 * a bad page stops the console instead of making us copy out of bounds. */
#include <pvisor/errno.h>

#include "consring.h"

#define OUT_SIZE sizeof(((struct pv_xencons_interface *)0)->out)
#define IN_SIZE  sizeof(((struct pv_xencons_interface *)0)->in)

static pv_xencons_ring_idx_t consring_load(const pv_xencons_ring_idx_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

int consring_out_room(const struct pv_xencons_interface *intf)
{
	pv_xencons_ring_idx_t cons = consring_load(&intf->out_cons);
	pv_xencons_ring_idx_t used = intf->out_prod - cons;

	if (used > OUT_SIZE)
		return -PV_EIO;
	return (int)(OUT_SIZE - used);
}

int consring_out_empty(const struct pv_xencons_interface *intf)
{
	return consring_load(&intf->out_cons) == intf->out_prod;
}

int consring_put(struct pv_xencons_interface *intf, const char *buf, size_t len)
{
	int room = consring_out_room(intf);
	pv_xencons_ring_idx_t prod = intf->out_prod;
	size_t n;

	if (room < 0)
		return room;
	n = len < (size_t)room ? len : (size_t)room;
	for (size_t i = 0; i < n; i++)
		intf->out[PV_MASK_XENCONS_IDX(prod + i, intf->out)] = buf[i];
	/* The bytes before the index that makes them visible. */
	__atomic_store_n(&intf->out_prod, prod + (pv_xencons_ring_idx_t)n, __ATOMIC_RELEASE);
	return (int)n;
}

int consring_get(struct pv_xencons_interface *intf, char *buf, size_t max)
{
	pv_xencons_ring_idx_t prod = consring_load(&intf->in_prod);
	pv_xencons_ring_idx_t cons = intf->in_cons, avail = prod - cons;
	size_t n;

	if (avail > IN_SIZE)
		return -PV_EIO;
	n = avail < max ? avail : max;
	for (size_t i = 0; i < n; i++)
		buf[i] = intf->in[PV_MASK_XENCONS_IDX(cons + i, intf->in)];
	/* Done reading the bytes before handing their space back. */
	__atomic_store_n(&intf->in_cons, cons + (pv_xencons_ring_idx_t)n, __ATOMIC_RELEASE);
	return (int)n;
}
