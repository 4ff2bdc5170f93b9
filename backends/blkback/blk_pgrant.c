/* blkback persistent grant cache (see blk_pgrant.h): open addressing on the ref,
 * never more than half full, entries only added until disconnect clears them. */
#include <errno.h>
#include <stddef.h>

#include "blkback/blk_pgrant.h"
#include "common/xenbus_be.h"

#define TAB_SIZE (2 * BLK_PGRANT_MAX)

static unsigned slot_of(pv_grant_ref_t ref)
{
	return (ref * 2654435761u) % TAB_SIZE;
}

void *blk_pgrant_get(struct blk_pgrant *pg, pv_grant_ref_t ref, int *err, uint64_t *off)
{
	unsigned i = slot_of(ref);
	struct blk_pgrant_entry *e;
	int rc;

	*err = 0;
	for (; pg->tab[i].addr; i = (i + 1) % TAB_SIZE)
		if (pg->tab[i].ref == ref) {
			*off = pg->tab[i].off;
			return pg->tab[i].addr;
		}
	if (pg->count >= BLK_PGRANT_MAX)
		return NULL;
	e = &pg->tab[i];
	rc = pvctrl_gnttab_map_frame(xbe_pvctrl(pg->xd->be), (pv_domid_t)pg->xd->fe_domid, ref, 0,
				     &e->addr, &e->handle, &e->off);
	if (rc < 0) {
		e->addr = NULL;
		*err = rc;
		return NULL;
	}
	e->ref = ref;
	pg->count++;
	*off = e->off;
	return e->addr;
}

void blk_pgrant_clear(struct blk_pgrant *pg)
{
	for (unsigned i = 0; i < TAB_SIZE && pg->count; i++) {
		struct blk_pgrant_entry *e = &pg->tab[i];

		if (!e->addr)
			continue;
		pvctrl_gnttab_unmap(xbe_pvctrl(pg->xd->be), e->addr, e->handle);
		e->addr = NULL;
		pg->count--;
	}
}
