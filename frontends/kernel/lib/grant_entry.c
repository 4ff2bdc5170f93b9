/* Grant entry updates from the granting side (grant_entry.h). */
#include <pvisor/errno.h>

#include "grant_entry.h"

void grant_entry_set(struct pv_grant_entry_v1 *e, pv_domid_t domid, uint32_t frame, int readonly)
{
	uint16_t flags = PV_GTF_permit_access | (readonly ? PV_GTF_readonly : 0);

	__atomic_store_n(&e->domid, domid, __ATOMIC_RELAXED);
	__atomic_store_n(&e->frame, frame, __ATOMIC_RELAXED);
	__atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}

int grant_entry_revoke(struct pv_grant_entry_v1 *e)
{
	uint16_t flags = __atomic_load_n(&e->flags, __ATOMIC_SEQ_CST);

	/* A failed swap reloads flags: the hypervisor may have just pinned it. */
	do {
		if (flags & (PV_GTF_reading | PV_GTF_writing))
			return -PV_EBUSY;
	} while (!__atomic_compare_exchange_n(&e->flags, &flags, 0, 0, __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	return 0;
}
