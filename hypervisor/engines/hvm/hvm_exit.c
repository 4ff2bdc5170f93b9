/* hvm exits, on the vCPU's own thread: a store to the trap page is a hypercall
 * (served here, by the same handlers as the pv engine's), hlt blocks, a kick just
 * returns; a triple fault or anything else the guest should not have done crashes the
 * domain with the reason in words. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hvm.h"
#include "hypercall/hypercall.h"
#include "pvisor/errno.h"
#include "pvisor/sched.h"

int hvm_exit_crash(struct domain *d, struct vcpu *v, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&hv_lock);
	domain_crash_locked(d, "vCPU %u: %s", v->id, msg);
	pthread_mutex_unlock(&hv_lock);
	return -1;
}

void hvm_exit_answer(struct domain *d, struct vcpu *v, unsigned nr, long ret)
{
	struct kvm_run *run = hvm_vcpu(d, v)->run;
	long out;

	pthread_mutex_lock(&hv_lock);
	out = hvm_upcall_on_return(d, v, nr, ret);
	pthread_mutex_unlock(&hv_lock);
	run->s.regs.regs.rax = (uint64_t)out;
	run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
}

/* A handler kept the call waiting (v->wait set): wait for complete(). A quiesce that
 * came meanwhile wants no call left open: block and poll return 0 at once. */
static long hvm_exit_wait(struct domain *d, struct vcpu *v)
{
	struct hvm_vcpu *hv = hvm_vcpu(d, v);
	long ret = 0;

	pthread_mutex_lock(&hv_lock);
	if (hvm_dom(d)->quiescing && (v->wait == VCPU_WAIT_BLOCK || v->wait == VCPU_WAIT_POLL))
		hvm_complete(d, v, 0);
	while (!hv->answered && !hvm_dom(d)->dying)
		pthread_cond_wait(&hv->cond, &hv_lock);
	if (hv->answered)
		ret = hv->answer;
	else
		vcpu_wait_end(v); /* the VM goes away */
	pthread_mutex_unlock(&hv_lock);
	return ret;
}

/* Run hypercall nr for v as the pv engine's service thread would. */
static long hvm_exit_dispatch(struct domain *d, struct vcpu *v, unsigned nr, const uint64_t a[5])
{
	struct hvm_vcpu *hv = hvm_vcpu(d, v);
	struct hc_ctx ctx = { .d = d, .v = v };
	long ret;

	__atomic_store_n(&hv->answered, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&v->in_hypercall, 1, __ATOMIC_SEQ_CST);
	ret = hypercall_dispatch(&ctx, nr, a);
	__atomic_store_n(&v->in_hypercall, 0, __ATOMIC_SEQ_CST);
	return ctx.defer ? hvm_exit_wait(d, v) : ret;
}

/* The trap page: rax the number (slots past the tail are not hypercalls here). */
static int hvm_exit_hypercall(struct domain *d, struct vcpu *v)
{
	const struct kvm_regs *r = &hvm_vcpu(d, v)->run->s.regs.regs;
	uint64_t a[5] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8 };
	unsigned nr = r->rax < PV_HCALL_TAIL_SLOT ? (unsigned)r->rax : PV_HCALL_SLOTS;
	long ret = nr < PV_HCALL_SLOTS ? hvm_exit_dispatch(d, v, nr, a) : -PV_ENOSYS;

	hvm_exit_answer(d, v, nr, ret);
	return 0;
}

/* hlt at ring 0: wait for an event, as SCHEDOP_block does. */
static int hvm_exit_hlt(struct domain *d, struct vcpu *v)
{
	uint64_t a[5] = { PV_SCHEDOP_block };

	hvm_exit_dispatch(d, v, PV_HYPERCALL_sched_op, a);
	return 0;
}

static const char *hvm_vector_name(unsigned vec)
{
	static const char *const names[] = {
		"#DE divide error",
		"#DB debug",
		"NMI",
		"#BP breakpoint",
		"#OF overflow",
		"#BR bound range",
		"#UD invalid opcode",
		"#NM no FPU",
		"#DF double fault",
		"coprocessor overrun",
		"#TS invalid TSS",
		"#NP segment not present",
		"#SS stack fault",
		"#GP general protection",
		"#PF page fault",
		"reserved",
		"#MF x87 error",
		"#AC alignment check",
		"#MC machine check",
		"#XM SIMD error",
	};

	return vec < sizeof(names) / sizeof(names[0]) ? names[vec] : "an interrupt";
}

/* A `syscall` at CPL 3 jumps to MSR_LSTAR, which no kernel of ours sets: it faults
 * at 0 with rcx just past the instruction. Say that rather than "#PF at 0". */
static int hvm_exit_was_syscall(struct domain *d, const struct kvm_regs *r)
{
	uint64_t at = r->rcx - 2 - PV_PHYSMAP_BASE;

	return r->rip == 0 && r->rcx >= PV_PHYSMAP_BASE + 2 && at + 2 <= d->mem_size &&
	       d->mem[at] == 0x0f && d->mem[at + 1] == 0x05;
}

/* The exception KVM last tried to deliver is still in the vCPU's events. */
static int hvm_exit_triple_fault(struct domain *d, struct vcpu *v)
{
	struct hvm_vcpu *hv = hvm_vcpu(d, v);
	const struct kvm_regs *r = &hv->run->s.regs.regs;
	struct kvm_vcpu_events ev;
	struct kvm_sregs sr;
	char what[96] = "no exception recorded";

	if (hvm_exit_was_syscall(d, r))
		return hvm_exit_crash(d, v,
				      "made a system call (syscall at rip %#llx): there are "
				      "none, hypercalls go through the hypercall page",
				      r->rcx - 2);
	if (ioctl(hv->fd, KVM_GET_VCPU_EVENTS, &ev) == 0 &&
	    ioctl(hv->fd, KVM_GET_SREGS, &sr) == 0) {
		int n = snprintf(what, sizeof(what), "%s", hvm_vector_name(ev.exception.nr));

		if (ev.exception.has_error_code)
			n += snprintf(what + n, sizeof(what) - (size_t)n, ", error code %#x",
				      ev.exception.error_code);
		if (ev.exception.nr == 14)
			snprintf(what + n, sizeof(what) - (size_t)n, ", address %#llx", sr.cr2);
	}
	return hvm_exit_crash(d, v, "triple fault at rip %#llx rsp %#llx (%s)", r->rip, r->rsp,
			      what);
}

static int hvm_exit_mmio(struct domain *d, struct vcpu *v)
{
	struct kvm_run *run = hvm_vcpu(d, v)->run;

	if (run->mmio.is_write && run->mmio.len == 8 && run->mmio.phys_addr == PV_HVM_TRAP_GPA)
		return hvm_exit_hypercall(d, v);
	return hvm_exit_crash(d, v,
			      "%s of %u bytes at guest-physical %#llx, where there is "
			      "no memory (rip %#llx)",
			      run->mmio.is_write ? "write" : "read", run->mmio.len,
			      run->mmio.phys_addr, run->s.regs.regs.rip);
}

int hvm_exit_handle(struct domain *d, struct vcpu *v)
{
	struct hvm_vcpu *hv = hvm_vcpu(d, v);
	struct kvm_run *run = hv->run;
	unsigned long long rip = run->s.regs.regs.rip;

	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		return hvm_exit_mmio(d, v);
	case KVM_EXIT_INTR:
		return 0;
	case KVM_EXIT_HLT:
		return hvm_exit_hlt(d, v);
	case KVM_EXIT_SHUTDOWN:
		return hvm_exit_triple_fault(d, v);
	case KVM_EXIT_IO:
		return hvm_exit_crash(d, v,
				      "port I/O (%s port %#x) at rip %#llx: no device there",
				      run->io.direction == KVM_EXIT_IO_OUT ? "out to" : "in from",
				      run->io.port, rip);
	case KVM_EXIT_INTERNAL_ERROR:
		return hvm_exit_crash(d, v, "KVM internal error %u%s at rip %#llx",
				      run->internal.suberror,
				      run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
					      ? " (an instruction KVM cannot emulate)"
					      : "",
				      rip);
	case KVM_EXIT_FAIL_ENTRY:
		return hvm_exit_crash(d, v, "VM entry failed (hardware reason %#llx)",
				      (unsigned long long)
					      run->fail_entry.hardware_entry_failure_reason);
	case HVM_EXIT_RUN_FAILED:
		return hvm_exit_crash(d, v, "KVM_RUN failed: %s", strerror(hv->run_errno));
	default:
		return hvm_exit_crash(d, v, "unhandled KVM exit %u at rip %#llx",
				      run->exit_reason, rip);
	}
}
