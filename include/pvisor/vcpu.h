/* pvisor public ABI: vcpu_op(cmd, vcpuid, arg) -- bring-up, runstate, timers,
 * vcpu_info placement -- with Xen 4.17's sub-op numbers and layouts (vcpu.h). */
#ifndef PVISOR_VCPU_H
#define PVISOR_VCPU_H

#include "xen.h"

#define PV_VCPUOP_initialise        0 /* struct pv_vcpu_guest_context */
#define PV_VCPUOP_up                1 /* arg unused */
#define PV_VCPUOP_down              2 /* arg unused */
#define PV_VCPUOP_is_up             3 /* returns 1 if up, else 0 */
#define PV_VCPUOP_get_runstate_info 4 /* struct pv_vcpu_runstate_info */
#define PV_VCPUOP_register_runstate_memory_area \
	5 /* struct pv_vcpu_register_runstate_memory_area */
#define PV_VCPUOP_set_periodic_timer             6  /* struct pv_vcpu_set_periodic_timer */
#define PV_VCPUOP_stop_periodic_timer            7  /* arg unused */
#define PV_VCPUOP_set_singleshot_timer           8  /* struct pv_vcpu_set_singleshot_timer */
#define PV_VCPUOP_stop_singleshot_timer          9  /* arg unused */
#define PV_VCPUOP_register_vcpu_info             10 /* struct pv_vcpu_register_vcpu_info */
#define PV_VCPUOP_send_nmi                       11 /* arg unused */
#define PV_VCPUOP_get_physid                     12 /* struct pv_vcpu_get_physid */
#define PV_VCPUOP_register_vcpu_time_memory_area 13 /* struct pv_vcpu_register_time_memory_area */

#define PV_RUNSTATE_running  0
#define PV_RUNSTATE_runnable 1
#define PV_RUNSTATE_blocked  2
#define PV_RUNSTATE_offline  3

/* Set in state_entry_time while the hypervisor updates a registered area. */
#define PV_RUNSTATE_UPDATE (1ULL << 63)

struct pv_vcpu_runstate_info {
	int32_t state;             /* OUT: PV_RUNSTATE_* */
	uint64_t state_entry_time; /* OUT: system time (ns) of the last state change */
	uint64_t time[4];          /* OUT: ns spent in each PV_RUNSTATE_* */
};

/* The hypervisor keeps a pv_vcpu_runstate_info at this guest address current. */
struct pv_vcpu_register_runstate_memory_area {
	union {
		pv_guest_addr_t h; /* IN: struct pv_vcpu_runstate_info * */
		uint64_t p;
	} addr;
};

struct pv_vcpu_set_periodic_timer {
	uint64_t period_ns; /* IN: delivers PV_VIRQ_TIMER every period */
};

/* Deliver PV_VIRQ_TIMER once at timeout_abs_ns (system time). */
struct pv_vcpu_set_singleshot_timer {
	uint64_t timeout_abs_ns; /* IN */
	uint32_t flags;          /* IN: PV_VCPU_SSHOTTMR_* */
};

/* Fail with -PV_ETIME if the timeout is already in the past. */
#define PV_VCPU_SSHOTTMR_future (1U << 0)

/* Move this vCPU's vcpu_info to a frame of the guest's choosing. */
struct pv_vcpu_register_vcpu_info {
	uint64_t mfn;    /* IN: pseudo-physical frame */
	uint32_t offset; /* IN: offset in the frame; the 64 bytes must fit */
	uint32_t rsvd;
};

struct pv_vcpu_get_physid {
	uint64_t phys_id; /* OUT: low 32 bits APIC id, high 32 bits ACPI id */
};

struct pv_vcpu_register_time_memory_area {
	union {
		pv_guest_addr_t h; /* IN: struct pv_vcpu_time_info * */
		uint64_t p;
	} addr;
};

#endif
