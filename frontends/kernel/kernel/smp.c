/* vCPU bring-up and per-vCPU areas (smp.h). */
#include <pvisor/errno.h>
#include <pvisor/vcpu.h>

#include "arch/x86_64/hypercall.h"
#include "kernel/evtchn.h"
#include "kernel/mm.h"
#include "kernel/smp.h"
#include "kernel/timer.h"
#include "lib/kstring.h"

volatile int smp_ready;
static struct percpu *smp_areas[SMP_MAX_VCPUS];

struct percpu *smp_percpu(unsigned id)
{
	return id < SMP_MAX_VCPUS ? smp_areas[id] : 0;
}

/* A KSTACK_SIZE-aligned stack with its percpu header at the bottom. */
static struct percpu *smp_stack_alloc(unsigned id)
{
	uint8_t *raw = mm_alloc_pages(2 * KSTACK_SIZE / PV_PAGE_SIZE);
	struct percpu *pc;

	if (!raw)
		return 0;
	pc = (struct percpu *)(((uintptr_t)raw + KSTACK_SIZE - 1) &
			       ~(uintptr_t)(KSTACK_SIZE - 1));
	pc->id = id;
	smp_areas[id] = pc;
	return pc;
}

static uint64_t smp_stack_top(struct percpu *pc)
{
	return (uint64_t)(uintptr_t)pc + KSTACK_SIZE;
}

void smp_boot(void (*cont)(void))
{
	struct percpu *pc = smp_stack_alloc(0);

	if (!pc)
		for (;;)
			__asm__ volatile("ud2");
	smp_ready = 1;
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "call *%1\n\t"
			 "ud2"
			 :
			 : "r"(smp_stack_top(pc)), "r"(cont)
			 : "memory");
	__builtin_unreachable();
}

unsigned smp_nr_vcpus(void)
{
	unsigned n = 1;

	while (n < SMP_MAX_VCPUS && HYPERVISOR_vcpu_op(PV_VCPUOP_is_up, n, 0) >= 0)
		n++;
	return n;
}

/* First code of a secondary vCPU: its own event and timer set-up, then its job. */
static __attribute__((noreturn)) void smp_secondary(void)
{
	struct percpu *pc = this_cpu();

	evtchn_init_cpu();
	timer_init_cpu();
	pc->fn(pc->id);
	for (;;)
		smp_down_self();
}

int smp_start(unsigned id, void (*fn)(unsigned id))
{
	static struct pv_vcpu_guest_context ctx; /* 5 KiB: not on the stack */
	static volatile int busy;
	struct percpu *pc;
	int rc;

	if (id == 0 || id >= SMP_MAX_VCPUS)
		return -PV_EINVAL;
	pc = smp_stack_alloc(id);
	if (!pc)
		return -PV_ENOMEM;
	pc->fn = fn;
	while (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
	memset(&ctx, 0, sizeof(ctx));
	ctx.user_regs.rip = (uint64_t)(uintptr_t)smp_secondary;
	ctx.user_regs.rsp = smp_stack_top(pc) - 8; /* as if called: rsp+8 is aligned */
	ctx.user_regs.rflags = 0x202;
	rc = HYPERVISOR_vcpu_op(PV_VCPUOP_initialise, id, &ctx);
	__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
	if (rc == 0)
		rc = HYPERVISOR_vcpu_op(PV_VCPUOP_up, id, 0);
	return rc;
}

int smp_down_self(void)
{
	return HYPERVISOR_vcpu_op(PV_VCPUOP_down, smp_id(), 0);
}
