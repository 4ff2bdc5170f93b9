/* The domain's store subtree in a save image (sr_store.c). */
#ifndef PV_LIBPVX_SR_STORE_H
#define PV_LIBPVX_SR_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "libpvx/pvx_err.h"
#include "pvisor/xen.h"

struct xs_handle;

/* The XENSTORE record body (sum field first, 0) of the keys domid owns under its
 * home, without the toolstack's own and the device directories. *body malloc'ed.
 * 0 or -ENOMEM. */
int sr_store_save(struct xs_handle *xs, pv_domid_t domid, uint8_t **body, size_t *len);
/* Write them back under the new domain's home, owned by it. 0 or -errno. */
int sr_store_restore(struct xs_handle *xs, pv_domid_t domid, const uint8_t *body, size_t len,
		     struct pvx_err *err);

#endif
