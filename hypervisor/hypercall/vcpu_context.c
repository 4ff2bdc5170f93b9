/* A vCPU's registers as Xen's vcpu_guest_context (VCPUOP_initialise, domctl
 * setvcpucontext / getvcpucontext) and as the engine holds them (struct vcpu_state):
 * the one place they are converted. */
#include <string.h>

#include "engines/engine.h"
#include "hypercall/hypercall.h"
#include "pvisor/errno.h"

static void vcpu_context_to_state(struct vcpu_state *st, const struct pv_vcpu_guest_context *g)
{
	const struct pv_cpu_user_regs *r = &g->user_regs;

	memset(st, 0, sizeof(*st));
	st->rip = r->rip;
	st->rsp = r->rsp;
	st->rflags = r->rflags & VCPU_STATE_RFLAGS_MASK;
	st->rax = r->rax;
	st->rbx = r->rbx;
	st->rcx = r->rcx;
	st->rdx = r->rdx;
	st->rsi = r->rsi;
	st->rdi = r->rdi;
	st->rbp = r->rbp;
	st->r8 = r->r8;
	st->r9 = r->r9;
	st->r10 = r->r10;
	st->r11 = r->r11;
	st->r12 = r->r12;
	st->r13 = r->r13;
	st->r14 = r->r14;
	st->r15 = r->r15;
	st->fs_base = g->fs_base;
	st->gs_base = g->gs_base_kernel;
	/* A CS with RPL 0 asks for ring 0; none (0, as builders of pv kernels may leave
	 * it) is ring 3. */
	st->ring0 = r->cs && !(r->cs & 3);
	st->flags = VCPU_STATE_SEGBASE;
	if (g->flags & PV_VGCF_i387_valid) {
		memcpy(st->fpu, g->fpu_ctxt.x, sizeof(st->fpu));
		st->flags |= VCPU_STATE_FPU;
	}
}

static void vcpu_context_from_state(struct pv_vcpu_guest_context *g, const struct vcpu_state *st)
{
	struct pv_cpu_user_regs *r = &g->user_regs;

	r->rip = st->rip;
	r->rsp = st->rsp;
	r->rflags = (st->rflags & VCPU_STATE_RFLAGS_MASK) | 0x200; /* events enabled */
	r->rax = st->rax;
	r->rbx = st->rbx;
	r->rcx = st->rcx;
	r->rdx = st->rdx;
	r->rsi = st->rsi;
	r->rdi = st->rdi;
	r->rbp = st->rbp;
	r->r8 = st->r8;
	r->r9 = st->r9;
	r->r10 = st->r10;
	r->r11 = st->r11;
	r->r12 = st->r12;
	r->r13 = st->r13;
	r->r14 = st->r14;
	r->r15 = st->r15;
	g->fs_base = st->fs_base;
	g->gs_base_kernel = st->gs_base;
	r->cs = st->ring0 ? PV_FLAT_RING0_CS : PV_FLAT_KERNEL_CS;
	r->ss = st->ring0 ? PV_FLAT_RING0_SS : PV_FLAT_KERNEL_SS;
	if (st->flags & VCPU_STATE_FPU) {
		memcpy(g->fpu_ctxt.x, st->fpu, sizeof(g->fpu_ctxt.x));
		g->flags |= PV_VGCF_i387_valid;
	}
}

int vcpu_context_set_locked(struct domain *d, struct vcpu *v,
			    const struct pv_vcpu_guest_context *g)
{
	struct vcpu_state st;
	int rc;

	if (!d->mem)
		return -PV_EINVAL; /* max_mem first: the engine may keep it in guest memory */
	vcpu_context_to_state(&st, g);
	rc = d->engine->set_vcpu(d, v, &st);
	if (rc)
		return rc;
	v->ctx_set = 1;
	/* As Xen's arch_set_info_guest: the callbacks come with the context. */
	v->callback = g->event_callback_eip;
	v->failsafe = g->failsafe_callback_eip;
	if (d->engine->set_callback)
		d->engine->set_callback(d, v);
	return 0;
}

int vcpu_context_get_locked(struct domain *d, struct vcpu *v, struct pv_vcpu_guest_context *g)
{
	struct vcpu_state st;
	int rc;

	if (!d->mem)
		return -PV_EINVAL;
	rc = d->engine->get_vcpu(d, v, &st);
	if (rc)
		return rc;
	memset(g, 0, sizeof(*g));
	vcpu_context_from_state(g, &st);
	g->flags |= PV_VGCF_in_kernel | (v->up ? PV_VGCF_online : 0);
	g->event_callback_eip = v->callback;
	g->failsafe_callback_eip = v->failsafe;
	return 0;
}
