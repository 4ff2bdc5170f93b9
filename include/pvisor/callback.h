/* pvisor public ABI: callback_op(cmd, arg) -- register/unregister the event,
 * failsafe and syscall entry points -- as in Xen 4.17's callback.h. */
#ifndef PVISOR_CALLBACK_H
#define PVISOR_CALLBACK_H

#include "xen.h"

#define PV_CALLBACKTYPE_event               0
#define PV_CALLBACKTYPE_failsafe            1
#define PV_CALLBACKTYPE_syscall             2
#define PV_CALLBACKTYPE_sysenter_deprecated 3
#define PV_CALLBACKTYPE_nmi                 4
#define PV_CALLBACKTYPE_sysenter            5
#define PV_CALLBACKTYPE_syscall32           7

/* callback_register.flags: mask events (set evtchn_upcall_mask) on entry. */
#define PV_CALLBACKF_mask_events (1U << 0)

#define PV_CALLBACKOP_register   0 /* struct pv_callback_register */
#define PV_CALLBACKOP_unregister 1 /* struct pv_callback_unregister */

struct pv_callback_register {
	uint16_t type;    /* IN: PV_CALLBACKTYPE_* */
	uint16_t flags;   /* IN: PV_CALLBACKF_* */
	uint64_t address; /* IN: entry point (guest virtual) */
};

struct pv_callback_unregister {
	uint16_t type; /* IN: PV_CALLBACKTYPE_* */
	uint16_t _unused;
};

#endif
