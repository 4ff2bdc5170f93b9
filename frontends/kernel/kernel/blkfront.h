/* blkfront: the reference kernel's virtual disk driver (Xen's blkif protocol over
 * xenbus). A disk is brought up from its store directory device/vbd/<vdev>: ring
 * page granted, event channel allocated, ring-ref/event-channel/protocol written in
 * one transaction, Initialised, wait for the backend's Connected, read the disk's
 * size and features, Connected.
 *
 * I/O is asynchronous: blkfront_submit queues a request (buffers are granted per
 * request and revoked when it completes), blkfront_kick publishes the queue and
 * notifies the backend only when it asked to be woken, blkfront_poll collects
 * completions. blkfront_rw / blkfront_flush are synchronous wrappers. Requests
 * larger than 11 pages use indirect descriptors when the backend offers them.
 * One disk is driven by one vCPU at a time (no locking inside). */
#ifndef KERNEL_BLKFRONT_H
#define KERNEL_BLKFRONT_H

#include <stdint.h>

#include <pvisor/io/blkif.h>

#define BLKFRONT_MAX_DISKS 8
#define BLKFRONT_SECTOR    512u

struct blkfront;

struct blkfront_info {
	unsigned vdev;        /* virtual-device number (51712 = xvda) */
	char name[8];         /* "xvda".. (xvd + letter), from vdev */
	uint64_t sectors;     /* in 512-byte units */
	unsigned sector_size; /* backend's sector-size */
	unsigned info;        /* PV_VDISK_* */
	int readonly, flush, discard;
	unsigned max_segs; /* segments per request (11, or the indirect maximum) */
};

/* A finished request. */
struct blkfront_done {
	uint64_t tag; /* as given to blkfront_submit */
	int status;   /* PV_BLKIF_RSP_* */
};

/* Whether disks brought up from now on may use persistent grants when the backend
 * offers them (default 1; 0 grants every request's pages afresh). */
void blkfront_allow_persistent(int allow);

/* Queues to ask for on disks brought up from now on (1..4, default 1; the backend's
 * multi-queue-max-queues caps it). Requests are spread over them in turn. */
void blkfront_set_queues(unsigned n);

/* A restore happened (suspend.c): wake whoever waits on a disk, so that it sees it
 * and reconnects (each disk does at its next use). */
void blkfront_resumed(void);

/* Bring up every disk listed under device/vbd that is not up yet; returns how
 * many disks are up, or -errno when the store cannot be read. */
int blkfront_probe(void);
/* The n-th disk that is up (0-based), or NULL. */
struct blkfront *blkfront_get(unsigned n);
/* A disk by name ("xvda") or vdev number given as text; NULL if none is up. */
struct blkfront *blkfront_find(const char *name);
/* Bring up the disk device/vbd/<vdev>. 0 (and *out) or -errno; the reason is
 * printed. */
int blkfront_open(unsigned vdev, struct blkfront **out);
/* Close as xenbus asks (Closing, wait for the backend, Closed), revoke grants.
 * The disk slot is freed; bf must not be used afterwards. */
int blkfront_close(struct blkfront *bf);
/* Close every open disk at once, I/O in flight or not (power-off hook). */
void blkfront_shutdown_all(void);
const struct blkfront_info *blkfront_info(const struct blkfront *bf);
/* 1 when the backend left Connected (unplugged by the toolstack). */
int blkfront_backend_closing(struct blkfront *bf);

/* Queue one request: op PV_BLKIF_OP_READ/WRITE over nsect sectors at sector from
 * or into buf (512-byte aligned, at most max_segs pages spanned), or
 * PV_BLKIF_OP_FLUSH_DISKCACHE (buf NULL, nsect 0), or PV_BLKIF_OP_DISCARD. 0,
 * -PV_EAGAIN when the ring is full (poll first), -PV_EINVAL for a bad buffer or
 * range, -PV_EOPNOTSUPP when the backend lacks the feature. ops may also be any
 * raw operation value when raw is set (tests of the backend's validation). */
int blkfront_submit(struct blkfront *bf, int op, uint64_t sector, void *buf, uint32_t nsect,
		    uint64_t tag);
/* Publish queued requests; notify the backend if it waits. */
void blkfront_kick(struct blkfront *bf);
/* Collect up to max completions without sleeping; returns how many. */
int blkfront_poll(struct blkfront *bf, struct blkfront_done *out, int max);
/* Sleep until a response arrives (or one is already there). */
void blkfront_wait(struct blkfront *bf);
/* Requests submitted and not yet collected. */
unsigned blkfront_inflight(const struct blkfront *bf);
/* How often the backend started over (was restarted) and we reconnected. */
unsigned blkfront_reconnects(const struct blkfront *bf);

/* Put a raw request (any field values: for testing a backend's validation) on
 * the ring as is; its response comes back through blkfront_poll with tag = its
 * id. -PV_EAGAIN when full. */
int blkfront_submit_raw(struct blkfront *bf, const struct pv_blkif_request *req);

/* Synchronous: one request (split as needed), waited for. 0, -PV_EIO when the
 * backend answered with an error, -PV_EOPNOTSUPP, or a submit error. */
int blkfront_rw(struct blkfront *bf, int write, uint64_t sector, void *buf, uint32_t nsect);
int blkfront_flush(struct blkfront *bf);

#endif
