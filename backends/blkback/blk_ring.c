/* blkback queues: connect reads what the frontend published (one ring page and one
 * event channel per queue, protocol), maps and binds them and sets up the copy
 * buffer and the disk ops' I/O context of each ring; disconnect undoes it after
 * running I/O ends. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "blkback/blk_ring.h"
#include "common/xenbus_be.h"
#include "log.h"

static void ring_free(struct blk_ring *r)
{
	r->closing = 1;
	r->disk->ops->ring_close(r);    /* running I/O still uses the pages below */
	if (r->pg && !r->keep_grants) { /* kept: pinned, the guest cannot reuse them */
		blk_pgrant_clear(r->pg);
		free(r->pg);
	}
	if (r->buf)
		munmap(r->buf, r->buf_len);
	if (r->buf_fd >= 0)
		close(r->buf_fd);
	if (r->pc)
		pvctrl_close(r->pc);
	if (r->page)
		xbe_ring_unmap(r->xd, r->page, r->map_handle);
	free(r->ops);
	free(r->op_slot);
	free(r);
}

/* The frontend's keys of queue q: "ring-ref" at the top with one queue, else
 * "queue-<q>/ring-ref". */
static void queue_key(char *buf, size_t len, unsigned nq, unsigned q, const char *key)
{
	if (nq == 1)
		snprintf(buf, len, "%s", key);
	else
		snprintf(buf, len, "queue-%u/%s", q, key);
}

static int ring_map(struct blk_ring *r, unsigned nq)
{
	struct xbe_device *d = r->xd;
	char key[48];
	uint64_t port;
	int rc;

	queue_key(key, sizeof(key), nq, r->q, "ring-ref");
	if ((rc = xbe_ring_map(d, key, &r->page, &r->map_handle)) < 0) {
		xbe_device_error(d, rc, "cannot map the ring granted as frontend key %s", key);
		r->page = NULL;
		return rc;
	}
	PV_BACK_RING_INIT(&r->br, (struct pv_blkif_sring *)r->page, BLK_PAGE_SIZE);
	queue_key(key, sizeof(key), nq, r->q, "event-channel");
	if ((rc = xbe_fe_read_u64(d, key, UINT32_MAX, &port)) < 0 ||
	    (rc = xbe_evtchn_bind(d, (uint32_t)port)) < 0) {
		xbe_device_error(d, rc, "cannot bind the event channel of frontend key %s", key);
		return rc;
	}
	r->port = rc;
	return 0;
}

static int ring_io_setup(struct blk_ring *r)
{
	int rc;

	r->buf_len = (size_t)BLK_RING_ENTRIES * BLK_SLOT_PAGES * BLK_PAGE_SIZE;
	if ((rc = pvctrl_open(&r->pc)) < 0 ||
	    (rc = pvctrl_gnttab_buffer_fd(r->pc, r->buf_len / BLK_PAGE_SIZE, (void **)&r->buf,
					  &r->buf_fd)) < 0)
		return rc;
	r->max_ops = (size_t)BLK_RING_ENTRIES * BLK_SLOT_PAGES;
	r->ops = calloc(r->max_ops, sizeof(*r->ops));
	r->op_slot = calloc(r->max_ops, sizeof(*r->op_slot));
	if (!r->ops || !r->op_slot)
		return -ENOMEM;
	return r->disk->ops->ring_open(r);
}

static struct blk_ring *ring_new(struct xbe_device *d, unsigned q, unsigned nq, int persistent)
{
	struct blk_ring *r = calloc(1, sizeof(*r));
	int rc;

	if (!r)
		return NULL;
	r->xd = d;
	r->disk = d->priv;
	r->q = q;
	r->port = -1;
	r->buf_fd = -1;
	for (unsigned i = BLK_RING_ENTRIES; i-- > 0;) {
		r->slots[i].idx = i;
		r->slots[i].ring = r;
		r->slots[i].next = r->free;
		r->free = &r->slots[i];
	}
	if ((rc = ring_map(r, nq)) < 0)
		goto fail;
	if (persistent) {
		r->pg = calloc(1, sizeof(*r->pg));
		if (!r->pg)
			goto fail;
		r->pg->xd = d;
	}
	if ((rc = ring_io_setup(r)) < 0) {
		xbe_device_error(d, rc, "cannot set up I/O for queue %u", q);
		goto fail;
	}
	return r;
fail:
	ring_free(r);
	return NULL;
}

/* Frontend choices we check before mapping anything. */
static int frontend_params(struct xbe_device *d, unsigned *nq)
{
	struct blk_disk *k = d->priv;
	uint64_t v;
	char *proto = xbe_fe_read_str(d, "protocol", NULL);
	int ok = !proto || strcmp(proto, "x86_64-abi") == 0;

	if (!ok)
		xbe_device_error(d, 0, "frontend protocol %s is not served (x86_64-abi only)",
				 proto);
	free(proto);
	if (!ok)
		return -EPROTO;
	if (xbe_fe_read_u64(d, "ring-page-order", 16, &v) == 0 && v != 0) {
		xbe_device_error(d, 0, "ring-page-order %llu: only one-page rings are served",
				 (unsigned long long)v);
		return -EINVAL;
	}
	*nq = 1;
	if (xbe_fe_read_u64(d, "multi-queue-num-queues", UINT32_MAX, &v) == 0) {
		if (v == 0 || v > k->max_queues) {
			xbe_device_error(d, 0, "multi-queue-num-queues %llu outside 1..%u",
					 (unsigned long long)v, k->max_queues);
			return -EINVAL;
		}
		*nq = (unsigned)v;
	}
	return 0;
}

int blk_rings_connect(struct xbe_device *d)
{
	struct blk_disk *k = d->priv;
	uint64_t persistent = 0;
	unsigned nq;
	int rc = frontend_params(d, &nq);

	if (rc < 0)
		return rc;
	xbe_fe_read_u64(d, "feature-persistent", 1, &persistent);
	for (unsigned q = 0; q < nq; q++) {
		k->rings[q] = ring_new(d, q, nq, (int)persistent);
		if (!k->rings[q])
			return -EIO; /* the library calls disconnect, which frees the rest */
		k->nr_rings = q + 1;
	}
	if (k->ops->rings_ready && (rc = k->ops->rings_ready(k, d)) < 0)
		return rc; /* the library calls disconnect */
	/* Requests queued before we connected. */
	for (unsigned q = 0; q < nq; q++)
		blk_io_kick(k->rings[q]);
	return 0;
}

void blk_rings_disconnect(struct xbe_device *d)
{
	struct blk_disk *k = d->priv;

	if (!k)
		return;
	for (unsigned q = 0; q < k->nr_rings; q++) {
		if (k->rings[q])
			ring_free(k->rings[q]);
		k->rings[q] = NULL;
	}
	k->nr_rings = 0;
}

void blk_ring_event(struct xbe_device *d, uint32_t port)
{
	struct blk_disk *k = d->priv;

	for (unsigned q = 0; k && q < k->nr_rings; q++)
		if (k->rings[q] && k->rings[q]->port == (int)port)
			blk_io_kick(k->rings[q]);
}
