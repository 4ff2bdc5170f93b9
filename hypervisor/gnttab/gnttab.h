/* Grant tables: what the rest of the hypervisor uses (the hypercall, a domain
 * being freed) and dom0's grant maps and copy buffer through privcmd. */
#ifndef PV_GNTTAB_H
#define PV_GNTTAB_H

#include "hypercall/hypercall.h"

/* Grant tables (gnttab*.c). */
long hc_grant_table_op(struct hc_ctx *ctx, const uint64_t a[5]);
/* The domain record is being freed (no map can be left): free its grant state. */
void gnttab_domain_free(struct domain *d);
/* dom0 maps through privcmd (gnttab_map.c), owned by the connection. map: pin ref
 * of domid for dom0 and return an fd to mmap (read-only for a read-only map; the
 * caller owns it), the page's offset in it and a handle; 0 or a negative PV errno
 * (privcmd.h lists them). unmap: -PV_ENOENT for a handle the connection does not
 * hold. */
int gnttab_map(struct pconn *c, pv_domid_t domid, uint32_t ref, int readonly, int *fd,
	       uint64_t *offset, uint32_t *handle);
int gnttab_unmap(struct pconn *c, uint32_t handle);
/* The connection's local buffer for GNTTABOP_copy: a sealed memfd of `pages` pages
 * that the hypervisor maps; *fd is the caller's copy. -PV_EBUSY if it has one. */
int gnttab_buffer_create(struct pconn *c, uint64_t pages, int *fd);
/* The connection closed: drop its maps (clearing the flags) and its buffer. */
void gnttab_handle_close(struct pconn *c);
/* Dirty log (core/domain_dirty.c): set the bit of every frame of d that is pinned
 * writable now (dom0 maps it writable, or a copy is under way); a frame is marked
 * dirty again when such a pin goes. */
void gnttab_dirty_writers(struct domain *d, uint64_t *bitmap);
/* Save/restore (hv_lock held): the table frames set up (0: no table yet); a
 * restored domain's table with nr_frames set up (-PV_EBUSY when it has one). */
unsigned gnttab_sr_frames_locked(struct domain *d);
int gnttab_sr_restore_locked(struct domain *d, unsigned nr_frames);

#endif
