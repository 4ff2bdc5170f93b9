/* A restore in two steps (restore.c), so that the migration receiver (mig_recv.c)
 * can hold a domain that has fully arrived -- memory and state loaded, paused,
 * not yet in the store and without devices -- until the sender lets it go:
 * begin reads the stream to its end and loads the domain; commit gives it its
 * name, store layout, disks and vifs, and lets it run; end frees what the restore
 * held and, after a failure, destroys what was made. pvx_domain_restore runs the
 * three in a row. */
#ifndef PV_LIBPVX_SR_RESTORE_H
#define PV_LIBPVX_SR_RESTORE_H

#include "libpvx/pvx.h"
#include "libpvx/sr_image.h"

struct sr_restore {
	/* set by the caller */
	struct pvctrl *h;
	const struct pvx_restore_opts *o;
	struct pvx_err *err;
	struct sr_io *io;           /* the stream, after nothing was read of it */
	const char *arrival_suffix; /* added to its name while it arrives (migration:
					* "--incoming"); NULL: its own name throughout */
	int hold;                   /* the hypervisor destroys the domain should our
					* connection close before commit lets it run (the
					* receiving process killed: nothing is left) */
	/* An optional record sr_image does not know (migration's page sums): the
	 * body is read and checked; 0 to go on. NULL: such records are skipped. */
	int (*optional)(void *ctx, struct sr_restore *r, const struct sr_record *rec);
	void *optional_ctx;
	/* filled in */
	struct pvx_sr_report rep;
	struct domcfg dc;
	char *text, *file;
	pv_domid_t domid;
	int created;
	uint8_t *mem; /* all of the new domain's memory */
	struct pv_privcmd_memory mi;
	struct sr_image img;
	struct pvx_boot_ports bp;
	uint64_t t0, t_phase;
};

/* The config, the records to END into a new paused domain, its state loaded and
 * new store and console channels in its start_info. 0 or -errno with err set. */
int sr_restore_begin(struct sr_restore *r);
/* Its name (when it arrived under another), the store and its devices, the config
 * kept for pvx list; unpaused unless PAUSED (or LAZY). */
int sr_restore_commit(struct sr_restore *r);
/* Free what the restore holds; rc < 0 destroys the domain it made. Fills
 * rep->total_ns and the last phase. */
void sr_restore_end(struct sr_restore *r, int rc);

#endif
