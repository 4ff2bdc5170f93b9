/* xsd: domains -- INTRODUCE / RELEASE bookkeeping and the connection a guest's ring
 * will drive. A domain's connection exists from INTRODUCE on; its transport (the ring,
 * see ringconn.h) is attached by the core's on_introduce hook when the hypervisor
 * wiring is there. */
#ifndef XSD_DOMAIN_H
#define XSD_DOMAIN_H

#include <stdint.h>

#include "xsd/core.h"

/* Introduce (or re-introduce: reset its connection) a domain. Fires @introduceDomain on
 * first introduction. 0, -EINVAL (domid 0 or reserved, evtchn 0), -ENOMEM. */
int xsd_domain_introduce(struct xsd_core *core, uint32_t domid, uint64_t gfn, uint32_t evtchn);
/* Forget an introduced domain: its connection, watches and transactions go; fires
 * @releaseDomain. 0, -ENOENT. */
int xsd_domain_release(struct xsd_core *core, uint32_t domid);
/* The introduced domain's record, or NULL. */
struct xsd_domain *xsd_domain_find(struct xsd_core *core, uint32_t domid);
/* Free the table (connections are gone already). */
void xsd_domain_table_fini(struct xsd_core *core);

#endif
