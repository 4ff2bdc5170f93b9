/* hvm event upcalls by the callback contract of pvisor.h. A pv vCPU gets a signal
 * whose handler plays Xen's bounce frame; an hvm vCPU is out of KVM_RUN when we decide,
 * so its thread plays it: the interrupted registers go onto the vCPU's upcall stack as
 * a struct pv_upcall_regs frame, and the vCPU enters the hypercall page's upcall code
 * (hcpage_tail.S), which calls the callback while events are pending and unmasked and
 * resumes the frame. Upcalls due as a hypercall returns go with its result instead,
 * marked, exactly as under the pv engine. */
#include <string.h>

#include "engines/hcpage.h"
#include "evtchn/evtchn.h"
#include "hvm.h"
#include "pvisor/errno.h"

#define HVM_FRAME_BYTES 160 /* struct pv_upcall_regs and a spare slot, as the tail's */
#define HVM_FRAME_SLACK 128 /* below an interrupted rsp on the upcall stack (nested) */
#define RFLAGS_TF       0x100ull
#define RFLAGS_DF       0x400ull
#define RFLAGS_AC       0x40000ull

long hvm_upcall_on_return(struct domain *d, struct vcpu *v, unsigned nr, long ret)
{
	if (!evtchn_upcall_due(d, v))
		return ret;
	if (hvm_dom(d)->hcpage_va && nr < PV_HCALL_TAIL_SLOT && v->callback &&
	    ret == (int32_t)ret) {
		hvm_vcpu(d, v)->marked = 1;
		instr_upcall(d, v);
		return (long)(PV_UPCALL_MARK << 48 | (uint64_t)v->id << 32 | (uint32_t)ret);
	}
	hvm_vcpu(d, v)->kicked = 1; /* entered before the vCPU runs again */
	return ret;
}

/* The vCPU's upcall stack, guest-virtual [lo, lo + PV_UPCALL_STACK). */
static uint64_t hvm_upcall_stack(struct domain *d, struct vcpu *v)
{
	return PV_PHYSMAP_BASE + d->special_off +
	       PV_SPECIAL_UPCALL_STACKS(d->max_vcpus) * PV_PAGE_SIZE +
	       (uint64_t)v->id * PV_UPCALL_STACK;
}

static void hvm_upcall_frame(uint64_t *f, const struct kvm_regs *r)
{
	const uint64_t regs[] = { r->r8,  r->r9,  r->r10, r->r11, r->r12, r->r13,
				  r->r14, r->r15, r->rdi, r->rsi, r->rbp, r->rbx,
				  r->rdx, r->rax, r->rcx, r->rsp, r->rip, r->rflags };

	memcpy(f, regs, sizeof(regs)); /* struct pv_upcall_regs order */
}

int hvm_upcall_enter(struct domain *d, struct vcpu *v)
{
	struct kvm_run *run = hvm_vcpu(d, v)->run;
	struct kvm_regs *r = &run->s.regs.regs;
	uint64_t lo = hvm_upcall_stack(d, v), hi = lo + PV_UPCALL_STACK, top, frame;

	/* Already on it (an upcall interrupted while its callback ran): go below. */
	top = r->rsp > lo && r->rsp <= hi ? r->rsp - HVM_FRAME_SLACK : hi;
	frame = (top - HVM_FRAME_BYTES) & ~15ull;
	if (top < lo + HVM_FRAME_BYTES + 256 ||
	    frame - PV_PHYSMAP_BASE + HVM_FRAME_BYTES > d->mem_size)
		return hvm_exit_crash(d, v, "upcall stack overflow (rsp %#llx)", r->rsp);
	hvm_upcall_frame((uint64_t *)(d->mem + (frame - PV_PHYSMAP_BASE)), r);
	r->rsp = frame;
	r->rip = hvm_dom(d)->hcpage_va + hcpage_upcall_offset();
	r->rbx = v->id;
	r->rflags &= ~(RFLAGS_TF | RFLAGS_DF | RFLAGS_AC);
	run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	instr_upcall(d, v);
	return 0;
}
