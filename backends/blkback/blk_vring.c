/* A virtio split virtqueue, driver side (blk_vring.h). Both feature bits blkback
 * negotiates shape it: INDIRECT_DESC (each request is one descriptor naming a
 * table, so the ring holds one entry per slot) and EVENT_IDX (used_event in the
 * avail ring says when we want a call, avail_event in the used ring says when the
 * server wants a kick). The server runs on another CPU: stores to the rings are
 * ordered with release/acquire, and a full fence separates publishing from reading
 * the other side's event index. */
#include <string.h>

#include "blkback/blk_vring.h"

size_t blk_vring_bytes(unsigned num)
{
	return vring_size(num, BLK_VRING_ALIGN);
}

void blk_vring_init(struct blk_vring *q, unsigned num, void *p)
{
	memset(q, 0, sizeof(*q));
	vring_init(&q->vr, num, p, BLK_VRING_ALIGN);
}

void blk_vring_add(struct blk_vring *q, uint16_t head)
{
	q->vr.avail->ring[q->avail_idx % q->vr.num] = head;
	q->avail_idx++;
}

int blk_vring_publish(struct blk_vring *q)
{
	uint16_t old = q->kicked, event;

	if (old == q->avail_idx)
		return 0;
	__atomic_store_n(&q->vr.avail->idx, q->avail_idx, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* idx out before avail_event is read */
	event = __atomic_load_n(&vring_avail_event(&q->vr), __ATOMIC_RELAXED);
	q->kicked = q->avail_idx;
	return vring_need_event(event, q->avail_idx, old);
}

int blk_vring_take(struct blk_vring *q, uint16_t *head, uint32_t *len)
{
	struct vring_used_elem *e;

	if (__atomic_load_n(&q->vr.used->idx, __ATOMIC_ACQUIRE) == q->last_used)
		return 0;
	e = &q->vr.used->ring[q->last_used % q->vr.num];
	*head = (uint16_t)e->id;
	*len = e->len;
	q->last_used++;
	return 1;
}

int blk_vring_arm(struct blk_vring *q)
{
	__atomic_store_n(&vring_used_event(&q->vr), q->last_used, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* used_event out before idx is read */
	return __atomic_load_n(&q->vr.used->idx, __ATOMIC_ACQUIRE) != q->last_used;
}
