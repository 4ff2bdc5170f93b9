/* Event channels in the reference kernel: the upcall handler scans the 2-level
 * pending bitmaps and calls the handler bound to each port; "interrupts" are the
 * vCPU's evtchn_upcall_mask. */
#ifndef KERNEL_EVTCHN_H
#define KERNEL_EVTCHN_H

#include <stdint.h>

#include <pvisor/xen.h>

#define EVTCHN_MAX_PORTS 1024

typedef void (*evtchn_handler_fn)(uint32_t port, void *data);

/* Register this vCPU's upcall entry (each vCPU calls it once). */
void evtchn_init_cpu(void);

/* Handler for port (NULL: none); then unmask it. */
void evtchn_bind_handler(uint32_t port, evtchn_handler_fn fn, void *data);
void evtchn_mask(uint32_t port);
/* Record that port notifies vCPU vcpu (bind_virq/bind_ipi do it themselves; after
 * EVTCHNOP_bind_vcpu call it too). */
void evtchn_set_cpu(uint32_t port, unsigned vcpu);
void evtchn_unmask(uint32_t port);
/* Clear port's pending bit; returns whether it was set. */
int evtchn_test_and_clear_pending(uint32_t port);

/* The EVTCHNOP calls: 0 / port (>= 0), or a negative PV_E*. */
int evtchn_alloc_unbound(pv_domid_t remote);
int evtchn_bind_interdomain(pv_domid_t remote, uint32_t remote_port);
int evtchn_bind_virq(uint32_t virq, unsigned vcpu);
int evtchn_bind_ipi(unsigned vcpu);
int evtchn_send(uint32_t port);
int evtchn_close(uint32_t port);

/* Upcall mask of the calling vCPU ("cli"/"sti"). restore/enable deliver what
 * became pending meanwhile. */
int irq_save(void);
void irq_restore(int masked);
void irq_enable(void);

/* Sleep until *flag is non-zero (checked with upcalls masked, then SCHEDOP_block). */
void evtchn_wait_flag(volatile int *flag);

/* The calling vCPU is running an event callback (its upcall). */
int evtchn_in_upcall(void);
/* After a restore (suspend.c): the new domain has none of our ports; forget every
 * handler and vCPU placement. Each driver binds its own again. */
void evtchn_resume(void);
/* Make port pending here, as the hypervisor would (set its bit; the unmask that
 * evtchn_bind_handler makes delivers it): wakes a vCPU that waits for it. */
void evtchn_set_pending_local(uint32_t port);

/* Upcalls this vCPU took (for tests and statistics). */
uint64_t evtchn_upcalls(unsigned vcpu);

#endif
