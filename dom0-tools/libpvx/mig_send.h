/* The migration sender's pieces (mig_send.c runs them): pre-copy rounds of guest
 * memory driven by the hypervisor's dirty log (mig_precopy.c), the page sums of
 * --debug, and the storage handover (mig_disk.c). */
#ifndef PV_LIBPVX_MIG_SEND_H
#define PV_LIBPVX_MIG_SEND_H

#include "libpvx/sr_save.h"

struct xs_handle;

/* When pre-copy stops and the guest is suspended for the last round, as Xen's
 * sender decides: the dirty set is small enough to send while it is stopped, it
 * stopped shrinking (MIG_STALL_ROUNDS collects without a new low), the rounds ran
 * out, or more than MIG_MAX_FACTOR times the domain's memory went out already. */
#define MIG_DIRTY_THRESHOLD 50u /* pages */
#define MIG_MAX_FACTOR      3u
#define MIG_STALL_ROUNDS    2u /* collects in a row without a smaller dirty set */

struct mig_pre {
	struct sr_save *s;
	struct sr_pages_writer w;
	uint64_t nr_pages; /* bits of the dirty log: all of the memory fd */
	uint64_t words;
	uint64_t *pend;              /* pages to send: dirty and not sent since */
	uint64_t *tmp;               /* a collect */
	uint64_t eng_first, eng_end; /* the engine's pages among the special pages */
	int log_on;
	/* after each batch written (progress); optional */
	void (*progress)(void *ctx, uint64_t pages, uint64_t bytes);
	void *progress_ctx;
};

/* Start the dirty log (-EOPNOTSUPP: the engine or the host cannot, err says so). */
int mig_pre_start(struct mig_pre *p, struct pvx_err *err);
/* Round 0: every page of RAM and the engine's pages that holds data; *sent pages
 * (those that read as zeros are left out: the receiver's are zeros already). */
int mig_pre_first(struct mig_pre *p, uint64_t *sent);
/* Collect the log into the pending set; *dirty is how many pages are pending
 * (RAM and the engine's pages; other special pages travel as records). */
int mig_pre_collect(struct mig_pre *p, uint64_t *dirty);
/* Send every pending page (pages that became zero as such); *sent pages. */
int mig_pre_send(struct mig_pre *p, uint64_t *sent);
/* Stop the log and free the sets (also after a failure). */
void mig_pre_end(struct mig_pre *p);

/* --debug: PAGE_SUMS records with a sum of every RAM page as the stopped guest
 * has it; the receiver compares them with what it got. sums: of n frames from
 * first, read from the memory fd (pread: holes read as zeros and stay holes). */
int mig_page_sums_write(struct sr_save *s);
int mig_page_sums(int memfd, uint64_t first, uint64_t n, uint64_t *sums);

/* -EOPNOTSUPP with err set when a disk of domid is served by a process of this
 * host (vhost-user, NBD): those cannot be handed over. 0 otherwise. */
int mig_disks_movable(struct xs_handle *xs, pv_domid_t domid, struct pvx_err *err);
/* Hand the domain's disks over (close 1: the backend lets go of each image and
 * says so; 0: takes them back), waiting up to timeout_ms; *count disks (may be
 * NULL). 0 or -errno with err set. */
int mig_disks_handover(struct xs_handle *xs, pv_domid_t domid, int close_them,
		       uint32_t timeout_ms, unsigned *count, struct pvx_err *err);

#endif
