/* netback: persistent maps of frontend buffer pages (see nb_pmap.h). */
#include "netback/nb_pmap.h"

#include <stdlib.h>

static unsigned pmap_total;

static unsigned pmap_hash(uint32_t gref)
{
	return (gref * 2654435761u) >> 20 & (NB_PMAP_SLOTS - 1);
}

uint8_t *nb_pmap_get(struct nb_pmap *pm, struct pvctrl *h, uint16_t domid, uint32_t gref,
		     int writable)
{
	struct nb_pmap_entry *e;
	unsigned i;
	void *addr;

	if (!pm->tab && !(pm->tab = calloc(NB_PMAP_SLOTS, sizeof(*pm->tab))))
		return NULL;
	for (i = pmap_hash(gref);; i = (i + 1) & (NB_PMAP_SLOTS - 1)) {
		e = &pm->tab[i];
		if (!e->used)
			break;
		if (e->gref == gref) {
			if (writable && !e->writable) {
				pm->misses++;
				return NULL;
			}
			pm->hits++;
			return e->addr;
		}
	}
	if (pm->count >= NB_PMAP_PER_VIF || pmap_total >= NB_PMAP_TOTAL ||
	    pvctrl_gnttab_map(h, domid, gref, !writable, &addr, &e->handle) < 0) {
		pm->misses++;
		return NULL;
	}
	e->used = 1;
	e->gref = gref;
	e->writable = (uint8_t)(writable != 0);
	e->addr = addr;
	pm->count++;
	pm->maps++;
	pmap_total++;
	return e->addr;
}

void nb_pmap_clear(struct nb_pmap *pm, struct pvctrl *h)
{
	if (pm->tab) {
		for (unsigned i = 0; i < NB_PMAP_SLOTS; i++) {
			if (pm->tab[i].used)
				pvctrl_gnttab_unmap(h, pm->tab[i].addr, pm->tab[i].handle);
		}
		free(pm->tab);
	}
	pmap_total -= pm->count;
	pm->tab = NULL;
	pm->count = 0;
}
