/* Event channels of the reference kernel (evtchn.h). */
#include <pvisor/errno.h>
#include <pvisor/event_channel.h>
#include <pvisor/xen.h>

#include "arch/x86_64/hypercall.h"
#include "kernel/evtchn.h"
#include "kernel/kernel.h"
#include "kernel/sched.h"
#include "kernel/smp.h"

struct evtchn_slot {
	evtchn_handler_fn fn;
	void *data;
};

static struct evtchn_slot evtchn_slots[EVTCHN_MAX_PORTS];
/* Ports each vCPU is notified for: a vCPU's upcall handles only its own (the
 * selector words are shared by every port in them). */
static uint64_t evtchn_cpu_ports[SMP_MAX_VCPUS][EVTCHN_MAX_PORTS / 64];
static uint8_t evtchn_port_cpu[EVTCHN_MAX_PORTS];
static uint64_t evtchn_upcall_count[SMP_MAX_VCPUS];
static volatile unsigned evtchn_depth[SMP_MAX_VCPUS]; /* callbacks under way per vCPU */

static struct pv_shared_info *evtchn_si(void)
{
	return boot.shared_info;
}

static struct pv_vcpu_info *evtchn_vi(unsigned vcpu)
{
	return &boot.shared_info->vcpu_info[vcpu];
}

/* The upcall: pending ports of this vCPU's selector words, each handler once. */
static void evtchn_upcall(struct pv_upcall_regs *regs, unsigned vcpu)
{
	struct pv_shared_info *si = evtchn_si();
	struct pv_vcpu_info *vi = evtchn_vi(vcpu);
	uint64_t sel;

	(void)regs;
	evtchn_depth[vcpu % SMP_MAX_VCPUS]++;
	evtchn_upcall_count[vcpu % SMP_MAX_VCPUS]++;
	__atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
	while ((sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST))) {
		while (sel) {
			unsigned w = (unsigned)__builtin_ctzll(sel);
			uint64_t bits;

			sel &= sel - 1;
			bits = __atomic_load_n(&si->evtchn_pending[w], __ATOMIC_SEQ_CST) &
			       ~__atomic_load_n(&si->evtchn_mask[w], __ATOMIC_SEQ_CST);
			if (w < EVTCHN_MAX_PORTS / 64)
				bits &= __atomic_load_n(&evtchn_cpu_ports[vcpu][w],
							__ATOMIC_SEQ_CST);
			else
				bits = 0;
			while (bits) {
				uint32_t port = w * 64 + (uint32_t)__builtin_ctzll(bits);

				bits &= bits - 1;
				__atomic_fetch_and(&si->evtchn_pending[w], ~(1ull << (port % 64)),
						   __ATOMIC_SEQ_CST);
				if (port < EVTCHN_MAX_PORTS && evtchn_slots[port].fn)
					evtchn_slots[port].fn(port, evtchn_slots[port].data);
			}
		}
	}
	evtchn_depth[vcpu % SMP_MAX_VCPUS]--;
}

void evtchn_init_cpu(void)
{
	HYPERVISOR_set_callbacks((uint64_t)(uintptr_t)evtchn_upcall, 0, 0);
}

int evtchn_in_upcall(void)
{
	return evtchn_depth[smp_id() % SMP_MAX_VCPUS] != 0;
}

uint64_t evtchn_upcalls(unsigned vcpu)
{
	return vcpu < SMP_MAX_VCPUS ? evtchn_upcall_count[vcpu] : 0;
}

void evtchn_set_cpu(uint32_t port, unsigned vcpu)
{
	unsigned old;

	if (port >= EVTCHN_MAX_PORTS || vcpu >= SMP_MAX_VCPUS)
		return;
	old = evtchn_port_cpu[port];
	__atomic_fetch_and(&evtchn_cpu_ports[old][port / 64], ~(1ull << (port % 64)),
			   __ATOMIC_SEQ_CST);
	evtchn_port_cpu[port] = (uint8_t)vcpu;
	__atomic_fetch_or(&evtchn_cpu_ports[vcpu][port / 64], 1ull << (port % 64),
			  __ATOMIC_SEQ_CST);
}

void evtchn_mask(uint32_t port)
{
	__atomic_fetch_or(&evtchn_si()->evtchn_mask[port / 64], 1ull << (port % 64),
			  __ATOMIC_SEQ_CST);
}

void evtchn_unmask(uint32_t port)
{
	struct pv_evtchn_unmask op = { .port = port };

	/* The hypervisor re-raises a port that became pending while masked. */
	HYPERVISOR_event_channel_op(PV_EVTCHNOP_unmask, &op);
}

int evtchn_test_and_clear_pending(uint32_t port)
{
	uint64_t m = 1ull << (port % 64);

	return (__atomic_fetch_and(&evtchn_si()->evtchn_pending[port / 64], ~m,
				   __ATOMIC_SEQ_CST) &
		m) != 0;
}

void evtchn_bind_handler(uint32_t port, evtchn_handler_fn fn, void *data)
{
	if (port >= EVTCHN_MAX_PORTS)
		return;
	/* Masked while the handler changes; the unmask hypercall then delivers an
	 * event that came before there was a handler (Xen re-raises on unmask). */
	evtchn_mask(port);
	/* Ports nobody placed are notified on vCPU 0 (the hypervisor's default too). */
	if (!(evtchn_cpu_ports[evtchn_port_cpu[port]][port / 64] & (1ull << (port % 64))))
		evtchn_set_cpu(port, 0);
	evtchn_slots[port].data = data;
	__atomic_store_n(&evtchn_slots[port].fn, fn, __ATOMIC_SEQ_CST);
	evtchn_unmask(port);
}

int evtchn_alloc_unbound(pv_domid_t remote)
{
	struct pv_evtchn_alloc_unbound op = { .dom = PV_DOMID_SELF, .remote_dom = remote };
	int rc = HYPERVISOR_event_channel_op(PV_EVTCHNOP_alloc_unbound, &op);

	return rc < 0 ? rc : (int)op.port;
}

int evtchn_bind_interdomain(pv_domid_t remote, uint32_t remote_port)
{
	struct pv_evtchn_bind_interdomain op = { .remote_dom = remote,
						 .remote_port = remote_port };
	int rc = HYPERVISOR_event_channel_op(PV_EVTCHNOP_bind_interdomain, &op);

	return rc < 0 ? rc : (int)op.local_port;
}

int evtchn_bind_virq(uint32_t virq, unsigned vcpu)
{
	struct pv_evtchn_bind_virq op = { .virq = virq, .vcpu = vcpu };
	int rc = HYPERVISOR_event_channel_op(PV_EVTCHNOP_bind_virq, &op);

	if (rc < 0)
		return rc;
	evtchn_set_cpu(op.port, vcpu);
	return (int)op.port;
}

int evtchn_bind_ipi(unsigned vcpu)
{
	struct pv_evtchn_bind_ipi op = { .vcpu = vcpu };
	int rc = HYPERVISOR_event_channel_op(PV_EVTCHNOP_bind_ipi, &op);

	if (rc < 0)
		return rc;
	evtchn_set_cpu(op.port, vcpu);
	return (int)op.port;
}

int evtchn_send(uint32_t port)
{
	struct pv_evtchn_send op = { .port = port };

	return HYPERVISOR_event_channel_op(PV_EVTCHNOP_send, &op);
}

int evtchn_close(uint32_t port)
{
	struct pv_evtchn_close op = { .port = port };

	if (port < EVTCHN_MAX_PORTS) {
		evtchn_slots[port].fn = 0;
		__atomic_fetch_and(&evtchn_cpu_ports[evtchn_port_cpu[port]][port / 64],
				   ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
	}
	return HYPERVISOR_event_channel_op(PV_EVTCHNOP_close, &op);
}

int irq_save(void)
{
	struct pv_vcpu_info *vi;
	int old;

	if (!boot.shared_info)
		return 1;
	vi = evtchn_vi(smp_id());
	old = __atomic_exchange_n(&vi->evtchn_upcall_mask, 1, __ATOMIC_SEQ_CST);

	return old;
}

void irq_enable(void)
{
	struct pv_vcpu_info *vi;

	if (!boot.shared_info)
		return;
	vi = evtchn_vi(smp_id());
	__atomic_store_n(&vi->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
	/* An event that came while masked: any hypercall delivers it on return. */
	if (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
		HYPERVISOR_xen_version(0, 0);
}

void irq_restore(int masked)
{
	if (!masked)
		irq_enable();
}

void evtchn_wait_flag(volatile int *flag)
{
	for (;;) {
		int was = irq_save();

		if (*flag) {
			irq_restore(was);
			return;
		}
		/* Unmasks and sleeps in one step: no wake-up is lost. */
		sched_block();
	}
}

void evtchn_resume(void)
{
	for (unsigned p = 0; p < EVTCHN_MAX_PORTS; p++) {
		evtchn_slots[p].fn = 0;
		evtchn_slots[p].data = 0;
		evtchn_port_cpu[p] = 0;
	}
	for (unsigned v = 0; v < SMP_MAX_VCPUS; v++)
		for (unsigned w = 0; w < EVTCHN_MAX_PORTS / 64; w++)
			__atomic_store_n(&evtchn_cpu_ports[v][w], 0, __ATOMIC_SEQ_CST);
}

void evtchn_set_pending_local(uint32_t port)
{
	__atomic_fetch_or(&evtchn_si()->evtchn_pending[port / 64], 1ull << (port % 64),
			  __ATOMIC_SEQ_CST);
}
