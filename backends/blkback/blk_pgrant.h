/* blkback persistent grants (Xen's feature-persistent): when the frontend keeps a
 * pool of pages granted for the life of the connection, the backend maps each such
 * grant once and does the image I/O straight into the guest's page, with no grant
 * copy per request. A bounded cache per ring (refs it has mapped -> addresses);
 * refs past the bound are served by copying, as without the feature. */
#ifndef PV_BLKBACK_PGRANT_H
#define PV_BLKBACK_PGRANT_H

#include <stdint.h>

#include "pvisor/grant_table.h"

#define BLK_PGRANT_MAX 4096u /* maps per ring (16 MiB of guest pages) */

struct xbe_device;

struct blk_pgrant_entry {
	pv_grant_ref_t ref;
	uint32_t handle;
	uint64_t off; /* the page's offset in the frontend's memory fd */
	void *addr;   /* NULL: free slot */
};

struct blk_pgrant {
	struct xbe_device *xd;
	unsigned count;
	struct blk_pgrant_entry tab[2 * BLK_PGRANT_MAX]; /* open addressing, half full */
};

/* The page the frontend granted as ref, mapped writable on first use (so a page
 * found here was granted writable), and its offset in the frontend's memory fd in
 * *off. NULL when the cache is full or the map failed (*err = -errno; 0 when
 * merely full): the caller then copies. */
void *blk_pgrant_get(struct blk_pgrant *pg, pv_grant_ref_t ref, int *err, uint64_t *off);
/* Unmap everything (disconnect). */
void blk_pgrant_clear(struct blk_pgrant *pg);

#endif
