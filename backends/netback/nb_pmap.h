/* netback: persistent maps of a frontend's buffer pages (pvisor's netif
 * extension `feature-persistent`, as blkif has it). A frontend that writes
 * feature-persistent = 1 promises to keep granting the same pages under the
 * same refs and never to end a grant while the device is connected; netback
 * then maps each ref once and copies packets with memcpy instead of a grant
 * copy through the hypervisor. Bounded per vif and in total; past the bounds
 * (or for frontends without the feature) the grant-copy path is used. */
#ifndef NETBACK_NB_PMAP_H
#define NETBACK_NB_PMAP_H

#include <stdint.h>

#include "libpvctrl/pvctrl.h"

#define NB_PMAP_SLOTS   4096 /* per vif: 4 queues x (256 tx + 256 rx) refs fit */
#define NB_PMAP_PER_VIF 2560
#define NB_PMAP_TOTAL   24576 /* the host's vm.max_map_count is 65530 by default */

struct nb_pmap_entry {
	uint32_t gref;
	uint8_t used, writable;
	uint32_t handle;
	uint8_t *addr;
};

struct nb_pmap {
	struct nb_pmap_entry *tab; /* NB_PMAP_SLOTS, allocated at the first map */
	unsigned count;
	uint64_t hits, maps, misses;
};

/* The page of gref mapped (writable when asked), mapping it on first use.
 * NULL when the ref cannot be mapped (bad ref, wrong mode) or a bound is hit:
 * the caller then falls back to a grant copy, which reports the error. */
uint8_t *nb_pmap_get(struct nb_pmap *pm, struct pvctrl *h, uint16_t domid, uint32_t gref,
		     int writable);
/* Unmap everything (before the backend reports Closed). */
void nb_pmap_clear(struct nb_pmap *pm, struct pvctrl *h);

#endif
