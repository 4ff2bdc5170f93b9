/* Backend side of the console ring (see cring.h). */
#include <errno.h>

#include "cring.h"

#define OUT_SIZE sizeof(((struct pv_xencons_interface *)0)->out)
#define IN_SIZE  sizeof(((struct pv_xencons_interface *)0)->in)

int cring_out_avail(const struct pv_xencons_interface *intf)
{
	pv_xencons_ring_idx_t prod = __atomic_load_n(&intf->out_prod, __ATOMIC_ACQUIRE);
	pv_xencons_ring_idx_t n = prod - intf->out_cons;

	return n > OUT_SIZE ? -EIO : (int)n;
}

int cring_out_peek(const struct pv_xencons_interface *intf, char *buf, size_t max)
{
	pv_xencons_ring_idx_t cons = intf->out_cons;
	int avail = cring_out_avail(intf);
	size_t n;

	if (avail < 0)
		return avail;
	n = (size_t)avail < max ? (size_t)avail : max;
	for (size_t i = 0; i < n; i++)
		buf[i] = intf->out[PV_MASK_XENCONS_IDX(cons + i, intf->out)];
	return (int)n;
}

void cring_out_consume(struct pv_xencons_interface *intf, size_t n)
{
	/* Reads of out[] are done before the space goes back to the guest. */
	__atomic_store_n(&intf->out_cons, intf->out_cons + (pv_xencons_ring_idx_t)n,
			 __ATOMIC_RELEASE);
}

int cring_in_room(const struct pv_xencons_interface *intf)
{
	pv_xencons_ring_idx_t cons = __atomic_load_n(&intf->in_cons, __ATOMIC_ACQUIRE);
	pv_xencons_ring_idx_t used = intf->in_prod - cons;

	return used > IN_SIZE ? -EIO : (int)(IN_SIZE - used);
}

int cring_in_put(struct pv_xencons_interface *intf, const char *buf, size_t len)
{
	pv_xencons_ring_idx_t prod = intf->in_prod;
	int room = cring_in_room(intf);
	size_t n;

	if (room < 0)
		return room;
	n = len < (size_t)room ? len : (size_t)room;
	for (size_t i = 0; i < n; i++)
		intf->in[PV_MASK_XENCONS_IDX(prod + i, intf->in)] = buf[i];
	__atomic_store_n(&intf->in_prod, prod + (pv_xencons_ring_idx_t)n, __ATOMIC_RELEASE);
	return (int)n;
}
