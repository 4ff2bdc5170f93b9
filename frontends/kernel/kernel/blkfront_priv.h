/* blkfront internals shared by blkfront.c (bring-up) and blkfront_io.c (requests). */
#ifndef KERNEL_BLKFRONT_PRIV_H
#define KERNEL_BLKFRONT_PRIV_H

#include "kernel/blkfront.h"

#define BF_RING_SIZE     PV_BLKIF_RING_SIZE
#define BF_MAX_SEGS      256 /* indirect segments we use at most (one indirect page) */
#define BF_WAIT_NS       (10ull * 1000000000ull)
/* A wait with requests in flight that long without news looks at the backend's
 * state: one that started over (restarted) gets the rings anew and the requests
 * again (blkfront_reconnect). */
#define BF_CHECK_NS      (100ull * 1000000ull)
#define BF_SECT_PER_PAGE (PV_PAGE_SIZE / BLKFRONT_SECTOR)

/* Persistent grants: pages granted once at connect, data copied through them. */
#define BF_POOL_MAX 2048u

struct bf_shadow {
	int used;
	int raw; /* blkfront_submit_raw: not re-issued after a restore */
	int op;  /* what to re-issue after a restore */
	uint64_t sector;
	uint8_t *va; /* the caller's buffer, as submitted */
	uint64_t tag;
	unsigned nr_grefs; /* per-request grants to revoke */
	pv_grant_ref_t grefs[BF_MAX_SEGS];
	unsigned npool; /* pool pages this request holds */
	uint16_t pidx[BF_MAX_SEGS];
	uint8_t *buf; /* caller's buffer (reads copy back into it) */
	uint32_t nsect;
	int read;
	/* the request as it went on the ring: re-issued if the backend starts over */
	uint8_t req[sizeof(struct pv_blkif_request)];
};

#define BF_MAX_QUEUES 4

/* One request ring (queue) of a disk: its page, port and in-flight requests. */
struct bf_queue {
	struct pv_blkif_front_ring ring;
	struct pv_blkif_sring *sring;
	int ring_ref;
	int port;
	unsigned inflight;
	int indirect_ref[BF_RING_SIZE];
	struct pv_blkif_request_segment *indirect[BF_RING_SIZE];
	struct bf_shadow shadow[BF_RING_SIZE];
};

struct blkfront {
	int up;
	unsigned gen; /* suspend_generation() it is connected in */
	struct blkfront_info info;
	char node[32];  /* device/vbd/<vdev> */
	char bpath[96]; /* backend directory */
	unsigned backend_id;
	unsigned nq;     /* queues in use (multi-queue-num-queues) */
	unsigned next_q; /* round robin */
	struct bf_queue q[BF_MAX_QUEUES];
	volatile int event;                            /* set by any queue's event handler */
	unsigned inflight;                             /* over all queues */
	int persistent;                                /* both sides offer feature-persistent */
	unsigned reconnects;                           /* backends that started over under us */
	uint64_t failed[BF_RING_SIZE * BF_MAX_QUEUES]; /* tags to complete with an error */
	unsigned nfailed;
	unsigned pool_n, pool_nfree;
	uint8_t *pool; /* pool_n pages */
	int pool_ref[BF_POOL_MAX];
	uint16_t pool_free[BF_POOL_MAX];
};

/* Publish every queue's ring and port again (blkfront.c), for a reconnect. */
int bf_publish(struct blkfront *bf);
/* The backend started over: rings anew, requests in flight again (blkfront.c). */
int blkfront_reconnect(struct blkfront *bf);
/* blkfront.c: connect to the backend (features, rings, grants, handshake). */
int bf_connect(struct blkfront *bf);
/* blkfront_io.c: the disk was connected in an older domain (a restore happened):
 * connect to the new backend and re-issue what was in flight. */
void bf_resume(struct blkfront *bf);
/* Submit without the restore check (bf_resume's re-issue). */
int bf_submit(struct blkfront *bf, int op, uint64_t sector, void *buf, uint32_t nsect,
	      uint64_t tag);

#endif
