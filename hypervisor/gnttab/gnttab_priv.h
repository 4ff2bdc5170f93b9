/* Grant tables inside the hypervisor, shared by gnttab.c (the table and its pins),
 * gnttab_copy.c (GNTTABOP_copy) and gnttab_map.c (dom0 maps and copy buffers). */
#ifndef PV_GNTTAB_PRIV_H
#define PV_GNTTAB_PRIV_H

#include <pthread.h>
#include <stdint.h>

#include "gnttab/gnttab.h"
#include "pvisor/grant_table.h"

#define GNT_PER_FRAME (PV_PAGE_SIZE / sizeof(struct pv_grant_entry_v1))

/* What the hypervisor holds on one entry while it is pinned (mapped or copied). */
struct gnt_active {
	uint32_t readers;   /* pins; each keeps GTF_reading set */
	uint32_t writers;   /* writable pins; each keeps GTF_writing set */
	uint32_t frame;     /* the frame read once, at the first pin */
	pv_domid_t grantee; /* the domain the first pin was for */
};

struct gnttab {
	pthread_mutex_t lock; /* nr_frames and the pins */
	unsigned nr_frames;   /* entries 0 .. nr_frames * GNT_PER_FRAME - 1 are valid */
	struct gnt_active *active[PV_GNTTAB_MAX_FRAMES]; /* per table frame, at first pin */
};

/* The domain's grant table, created at first use; NULL when it has no memory yet. */
struct gnttab *gnttab_of(struct domain *d);

/*
 * Pin entry ref of rd for domain grantee: check it (permit_access, granted to
 * grantee, not read-only when writable), set GTF_reading (and GTF_writing) with
 * compare-and-swap, and return the granted frame (checked to be RAM) in *frame.
 * 0, or -PV_EINVAL (no such entry), -PV_EPERM (not permitted, or for another
 * domain), -PV_EACCES (read-only grant pinned for writing), -PV_EFAULT (frame outside
 * RAM), -PV_EBUSY (the entry kept changing under us), -PV_ENOMEM.
 */
int gnttab_pin(struct domain *rd, uint32_t ref, pv_domid_t grantee, int writable,
	       uint64_t *frame);
/* Drop one pin taken with the same ref and writable; the last pins clear the flags. */
void gnttab_unpin(struct domain *rd, uint32_t ref, int writable);

/* GNTST_* status for a gnttab_pin error. */
int16_t gnttab_status(int err);

/* GNTTABOP_copy (gnttab_copy.c): the batch at guest address uop. */
long gnttab_copy(struct hc_ctx *ctx, uint64_t uop, uint32_t count);

/* A page of the dom0 connection's copy buffer (gnttab_map.c), or NULL. */
uint8_t *gnttab_buffer_page(struct pconn *c, uint64_t index);

#endif
