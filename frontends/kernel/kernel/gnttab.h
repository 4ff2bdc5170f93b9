/* The reference kernel's grant table (v1): set up once with every frame the
 * hypervisor allows, then grant pages to other domains and take the grants back.
 * Refs 0..7 stay reserved for the toolstack, as on Linux. Safe on several vCPUs
 * (one spin lock over the ref allocator). */
#ifndef KERNEL_GNTTAB_H
#define KERNEL_GNTTAB_H

#include <stdint.h>

#include <pvisor/grant_table.h>

/* query_size, then setup_table with its maximum. 0, or the hypercall's -PV_E* (or
 * the GNTST status of the op, which is negative too). Later calls return 0. */
int gnttab_init(void);

/* Entries in the table (0 before gnttab_init). */
uint32_t gnttab_nr_entries(void);

/* Grant page gfn to domid: returns the ref (>= 8), or -PV_ENOSPC when every ref is
 * in use, -PV_EINVAL before gnttab_init. */
int gnttab_grant_access(pv_domid_t domid, uint64_t gfn, int readonly);

/* Grant the n pages first_gfn.. to domid under n consecutive refs: returns the first
 * ref, or -PV_ENOSPC when no run of n free refs exists. */
int gnttab_grant_access_range(pv_domid_t domid, uint64_t first_gfn, uint32_t n, int readonly);

/* Revoke a grant: 0 (the ref is free again), -PV_EBUSY while the grantee has it
 * mapped or a copy is running (it stays granted; try again later), -PV_EINVAL for a
 * ref we did not grant. */
int gnttab_end_access(pv_grant_ref_t ref);

#endif
