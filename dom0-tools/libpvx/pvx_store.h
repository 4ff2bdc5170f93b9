/* libpvx's store helpers (store.c, device.c): small wrappers over libxs with
 * printf-style paths, and the domain layout written at create. */
#ifndef PV_LIBPVX_STORE_H
#define PV_LIBPVX_STORE_H

#include <stdint.h>

#include "libpvx/pvx.h"

struct xs_handle;

/* WRITE value at the formatted path (in transaction t, 0 for none). 0 or -errno. */
int pvx_xs_write(struct xs_handle *xs, uint32_t t, const char *value, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* SET_PERMS: owner (everyone else: no access) plus read for reader (none when
 * reader == owner). 0 or -errno. */
int pvx_xs_perms(struct xs_handle *xs, uint32_t t, uint16_t owner, uint16_t reader,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* READ as a malloc'ed string, or NULL (absent, or no access). */
char *pvx_xs_read_str(struct xs_handle *xs, uint32_t t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Run fn in a transaction, again while the commit says EAGAIN (at most 20 times);
 * fn's error aborts it. 0 or -errno. */
int pvx_xs_transact(struct xs_handle *xs, int (*fn)(struct xs_handle *xs, uint32_t t, void *ctx),
		    void *ctx);

/* Write the domain's standard layout and introduce it (store page and port from
 * the builder), all in one round trip, no transaction (store.c says why). 0 or
 * -errno with err set; on failure the caller forgets the domain. */
int pvx_store_domain_create(struct xs_handle *xs, pv_domid_t domid, const struct domcfg *dc,
			    const struct pvx_boot_ports *bp, struct pvx_err *err);
/* Release the domain in xsd and remove its home, its /vm entry and every backend
 * directory of it. Quietly does nothing when the store is not running. */
void pvx_store_domain_forget(pv_domid_t domid);

#endif
