/* xsd: the watches of guest connections, kept in the run directory so that an xsd
 * restarted after a crash gives guests back the watches their drivers rely on. */
#ifndef XSD_HVWATCH_H
#define XSD_HVWATCH_H

#include <stddef.h>
#include <stdint.h>

#include "xsd/core.h"

/* Write d's watches (none: remove its file); clears d->conn->watches_dirty. Failures
 * are logged, never fatal. */
void xsd_hvwatch_save(const struct xsd_domain *d);
/* Remove domid's file (it was released, or starts over). */
void xsd_hvwatch_forget(uint32_t domid);
/* At recovery, after the running domains were introduced again: give each its saved
 * watches, each firing once (an event may have been missed while xsd was down);
 * files of domains no longer introduced are removed. Returns the watches restored. */
size_t xsd_hvwatch_load(struct xsd_core *core);

#endif
