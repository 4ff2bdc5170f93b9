/* pvisor public ABI: sched_op(cmd, arg) -- yield, block, shutdown, poll --
 * with Xen 4.17's sub-op numbers, argument layouts and shutdown reasons. */
#ifndef PVISOR_SCHED_H
#define PVISOR_SCHED_H

#include "xen.h"

#define PV_SCHEDOP_yield           0 /* arg unused */
#define PV_SCHEDOP_block           1 /* arg unused; also clears the upcall mask */
#define PV_SCHEDOP_shutdown        2 /* struct pv_sched_shutdown */
#define PV_SCHEDOP_poll            3 /* struct pv_sched_poll */
#define PV_SCHEDOP_remote_shutdown 4 /* struct pv_sched_remote_shutdown */
#define PV_SCHEDOP_shutdown_code   5 /* struct pv_sched_shutdown: reason kept for later */
#define PV_SCHEDOP_watchdog        6 /* struct pv_sched_watchdog */
#define PV_SCHEDOP_pin_override    7 /* struct pv_sched_pin_override */

/* Shutdown reasons (also domctl getdomaininfo's shutdown code). */
#define PV_SHUTDOWN_poweroff   0
#define PV_SHUTDOWN_reboot     1
#define PV_SHUTDOWN_suspend    2
#define PV_SHUTDOWN_crash      3
#define PV_SHUTDOWN_watchdog   4
#define PV_SHUTDOWN_soft_reset 5
#define PV_SHUTDOWN_MAX        5

struct pv_sched_shutdown {
	uint32_t reason; /* IN: PV_SHUTDOWN_* */
};

/* Block until one of the ports is pending or the timeout passes. */
struct pv_sched_poll {
	pv_guest_addr_t ports; /* IN: pv_evtchn_port_t[nr_ports] */
	uint32_t nr_ports;     /* IN */
	uint64_t timeout;      /* IN: absolute system time in ns, 0 = none */
};

struct pv_sched_remote_shutdown {
	pv_domid_t domain_id; /* IN */
	uint32_t reason;      /* IN: PV_SHUTDOWN_* */
};

struct pv_sched_watchdog {
	uint32_t id;      /* IN: 0 allocates a new watchdog; OUT: its id (return value) */
	uint32_t timeout; /* IN: seconds, 0 destroys the watchdog */
};

struct pv_sched_pin_override {
	int32_t pcpu; /* IN */
};

#endif
