/* The driver side of one virtio split virtqueue (virtio 1.x, section 2.7) in memory
 * blkback shares with a vhost-user server: publish descriptor chains in the
 * available ring, take completions from the used ring, and the event-index rules
 * (VIRTIO_RING_F_EVENT_IDX) that decide when either side must notify the other.
 * Used by blk_vhost.c; one vring per blkback ring, touched by blkback's loop only. */
#ifndef PV_BLKBACK_VRING_H
#define PV_BLKBACK_VRING_H

#include <linux/virtio_ring.h>
#include <stdint.h>

#define BLK_VRING_ALIGN 4096

struct blk_vring {
	struct vring vr;    /* desc, avail, used inside the shared area */
	uint16_t avail_idx; /* next avail index to publish */
	uint16_t kicked;    /* avail idx the server was last told about */
	uint16_t last_used; /* next used entry to take */
};

/* Bytes a vring of num entries takes (num a power of 2). */
size_t blk_vring_bytes(unsigned num);
/* Lay the vring out in the (zeroed) shared area p. */
void blk_vring_init(struct blk_vring *q, unsigned num, void *p);
/* Offer the chain starting at descriptor head (made visible by blk_vring_publish). */
void blk_vring_add(struct blk_vring *q, uint16_t head);
/* Make added chains visible; 1 when the server asked to be kicked for them. */
int blk_vring_publish(struct blk_vring *q);
/* Take one completion: 1 and *head, *len; 0 when there is none. */
int blk_vring_take(struct blk_vring *q, uint16_t *head, uint32_t *len);
/* Ask for a notification at the next completion; 1 when completions arrived
 * meanwhile (take them, then call this again). */
int blk_vring_arm(struct blk_vring *q);

#endif
