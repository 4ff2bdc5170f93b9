/* Hypercall wrappers of the reference PV kernel: call slot N of the hypercall page
 * with Xen's x86-64 register convention (args rdi, rsi, rdx, r10, r8; result rax). */
#ifndef KERNEL_ARCH_HYPERCALL_H
#define KERNEL_ARCH_HYPERCALL_H

#include <stddef.h>
#include <stdint.h>

#include <pvisor/pvisor.h>
#include <pvisor/xen.h>

/* The page pvisor fills before boot (arch/x86_64/entry.S). */
extern char hypercall_page[4096];

/*
 * Generic hypercall: a direct call into slot PV_HYPERCALL_<name>. The stub saves
 * rcx/r11 itself; every argument register is declared clobbered (the ABI lets the
 * hypervisor poison them) and memory is clobbered because arguments point at
 * buffers the hypervisor reads and writes. Unused argument registers are zeroed.
 */
#define _hypercall5(type, name, a1, a2, a3, a4, a5) \
	({ \
		register uint64_t hc_rax __asm__("rax"); \
		register uint64_t hc_rdi __asm__("rdi") = (uint64_t)(a1); \
		register uint64_t hc_rsi __asm__("rsi") = (uint64_t)(a2); \
		register uint64_t hc_rdx __asm__("rdx") = (uint64_t)(a3); \
		register uint64_t hc_r10 __asm__("r10") = (uint64_t)(a4); \
		register uint64_t hc_r8 __asm__("r8") = (uint64_t)(a5); \
		__asm__ volatile("call hypercall_page + %c[off]" \
				 : "=r"(hc_rax), "+r"(hc_rdi), "+r"(hc_rsi), "+r"(hc_rdx), \
				   "+r"(hc_r10), "+r"(hc_r8) \
				 : [off] "i"(PV_HYPERCALL_##name * PV_HCALL_SLOT_SIZE) \
				 : "memory", "cc"); \
		(type) hc_rax; \
	})
#define _hypercall4(type, name, a1, a2, a3, a4) _hypercall5(type, name, a1, a2, a3, a4, 0)
#define _hypercall3(type, name, a1, a2, a3)     _hypercall5(type, name, a1, a2, a3, 0, 0)
#define _hypercall2(type, name, a1, a2)         _hypercall5(type, name, a1, a2, 0, 0, 0)
#define _hypercall1(type, name, a1)             _hypercall5(type, name, a1, 0, 0, 0, 0)

/* Each wrapper returns the hypervisor's result: >= 0, or a negative PV_E* value. */

static inline int HYPERVISOR_console_io(int cmd, int count, char *buf)
{
	return _hypercall3(int, console_io, (int64_t)cmd, (int64_t)count, (uintptr_t)buf);
}

static inline int HYPERVISOR_sched_op(int cmd, void *arg)
{
	return _hypercall2(int, sched_op, (int64_t)cmd, (uintptr_t)arg);
}

/* SCHEDOP_shutdown(SHUTDOWN_suspend) with start_info's frame in the third argument,
 * as a Xen x86 PV guest passes it (the toolstack finds start_info there). Returns 0
 * in a restored domain, 1 when the suspend was cancelled (the same domain runs on:
 * a checkpoint, or a save that failed), or a negative PV_E*. */
static inline int HYPERVISOR_suspend(uint64_t start_info_gfn)
{
	struct {
		uint32_t reason;
	} r = { 2 /* PV_SHUTDOWN_suspend */ };

	return _hypercall3(int, sched_op, 2 /* PV_SCHEDOP_shutdown */, (uintptr_t)&r,
			   start_info_gfn);
}

static inline int HYPERVISOR_xen_version(int cmd, void *arg)
{
	return _hypercall2(int, xen_version, (int64_t)cmd, (uintptr_t)arg);
}

static inline long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
	return _hypercall2(long, memory_op, (uint64_t)cmd, (uintptr_t)arg);
}

static inline int HYPERVISOR_vcpu_op(int cmd, unsigned int vcpuid, void *arg)
{
	return _hypercall3(int, vcpu_op, (int64_t)cmd, (uint64_t)vcpuid, (uintptr_t)arg);
}

static inline int HYPERVISOR_event_channel_op(int cmd, void *arg)
{
	return _hypercall2(int, event_channel_op, (int64_t)cmd, (uintptr_t)arg);
}

static inline int HYPERVISOR_grant_table_op(unsigned int cmd, void *uop, unsigned int count)
{
	return _hypercall3(int, grant_table_op, (uint64_t)cmd, (uintptr_t)uop, (uint64_t)count);
}

/* timeout: absolute system time in ns (the clock of kernel/time.h); 0 cancels. */
static inline long HYPERVISOR_set_timer_op(uint64_t timeout)
{
	return _hypercall1(long, set_timer_op, timeout);
}

static inline int HYPERVISOR_callback_op(int cmd, const void *arg)
{
	return _hypercall2(int, callback_op, (int64_t)cmd, (uintptr_t)arg);
}

static inline int HYPERVISOR_set_callbacks(uint64_t event, uint64_t failsafe, uint64_t syscall)
{
	return _hypercall3(int, set_callbacks, event, failsafe, syscall);
}

static inline int HYPERVISOR_multicall(void *calls, unsigned int nr)
{
	return _hypercall2(int, multicall, (uintptr_t)calls, (uint64_t)nr);
}

#endif
