/* One v1 grant entry seen from the granting side: fill it in, and revoke it with
 * the compare-and-swap protocol the hypervisor's pins expect. Freestanding and
 * host-buildable (the unit tests run it against the real hypervisor code). */
#ifndef KERNEL_LIB_GRANT_ENTRY_H
#define KERNEL_LIB_GRANT_ENTRY_H

#include <stdint.h>

#include <pvisor/grant_table.h>

/* Grant frame to domid (read-only or writable): domid and frame first, then a
 * release barrier, then the flags that make the entry valid. */
void grant_entry_set(struct pv_grant_entry_v1 *e, pv_domid_t domid, uint32_t frame, int readonly);

/* Take the grant back: 0 when the entry is now invalid, -PV_EBUSY while the
 * hypervisor has it mapped or in a copy (GTF_reading or GTF_writing set): the grant
 * then stays in force and the caller must not reuse the page yet. */
int grant_entry_revoke(struct pv_grant_entry_v1 *e);

#endif
