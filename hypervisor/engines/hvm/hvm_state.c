/* hvm vCPU registers between KVM and the engine-neutral struct vcpu_state: what a held
 * vCPU would resume with (save), what set_vcpu wrote (load), and the engine-specific
 * part save/restore carries opaquely (segments, control registers, full rflags). */
#include <string.h>
#include <sys/ioctl.h>

#include "hvm.h"
#include "pv_errno.h"
#include "pvisor/errno.h"

#define HVM_EXTRA_MAGIC 0x314d5648u /* "HVM1" */

/* vcpu_state.extra of the hvm engine. */
struct hvm_extra {
	uint32_t magic;
	uint32_t ring;
	uint64_t rflags; /* all of it: IF matters at ring 0 */
	struct kvm_sregs sregs;
};

#define RFLAGS_IF 0x200ull

static void hvm_regs_to_state(const struct kvm_regs *r, struct vcpu_state *st)
{
	st->rax = r->rax;
	st->rbx = r->rbx;
	st->rcx = r->rcx;
	st->rdx = r->rdx;
	st->rsi = r->rsi;
	st->rdi = r->rdi;
	st->rbp = r->rbp;
	st->rsp = r->rsp;
	memcpy(&st->r8, &r->r8, 8 * sizeof(uint64_t)); /* r8 .. r15, same order */
	st->rip = r->rip;
	st->rflags = r->rflags & VCPU_STATE_RFLAGS_MASK;
}

static void hvm_regs_from_state(struct kvm_regs *r, const struct vcpu_state *st,
				uint64_t rflags_rest)
{
	r->rax = st->rax;
	r->rbx = st->rbx;
	r->rcx = st->rcx;
	r->rdx = st->rdx;
	r->rsi = st->rsi;
	r->rdi = st->rdi;
	r->rbp = st->rbp;
	r->rsp = st->rsp;
	memcpy(&r->r8, &st->r8, 8 * sizeof(uint64_t));
	r->rip = st->rip;
	r->rflags = (st->rflags & VCPU_STATE_RFLAGS_MASK) | rflags_rest | 0x2;
}

/* The legacy FXSAVE image is the first 512 bytes of KVM's XSAVE area. */
static int hvm_fpu_get(int fd, struct vcpu_state *st)
{
	struct kvm_xsave xs;

	if (ioctl(fd, KVM_GET_XSAVE, &xs) < 0)
		return pv_errno_last();
	memcpy(st->fpu, xs.region, sizeof(st->fpu));
	st->flags |= VCPU_STATE_FPU;
	return 0;
}

static int hvm_fpu_set(int fd, const struct vcpu_state *st)
{
	struct kvm_xsave xs;
	uint64_t bv;

	if (ioctl(fd, KVM_GET_XSAVE, &xs) < 0)
		return pv_errno_last();
	memcpy(xs.region, st->fpu, sizeof(st->fpu));
	((uint8_t *)xs.region)[26] = ((uint8_t *)xs.region)[27] = 0; /* MXCSR reserved bits */
	memcpy(&bv, (uint8_t *)xs.region + 512, sizeof(bv));
	bv |= 3; /* x87 and SSE state present */
	memcpy((uint8_t *)xs.region + 512, &bv, sizeof(bv));
	return ioctl(fd, KVM_SET_XSAVE, &xs) < 0 ? pv_errno_last() : 0;
}

int hvm_vcpu_save(struct domain *d, struct vcpu *v)
{
	struct hvm_vcpu *hv = hvm_vcpu(d, v);
	struct vcpu_state *st = &hv->state;
	struct hvm_extra ex;

	if (hv->state_dirty || hv->state_valid)
		return 0; /* never entered since set_vcpu, or saved already */
	memset(&ex, 0, sizeof(ex));
	ex.magic = HVM_EXTRA_MAGIC;
	ex.ring = (uint32_t)hvm_dom(d)->ring;
	if (ioctl(hv->fd, KVM_GET_SREGS, &ex.sregs) < 0)
		return pv_errno_last();
	memset(st, 0, sizeof(*st));
	hvm_regs_to_state(&hv->run->s.regs.regs, st);
	ex.rflags = hv->run->s.regs.regs.rflags;
	st->fs_base = ex.sregs.fs.base;
	st->gs_base = ex.sregs.gs.base;
	st->flags = VCPU_STATE_SEGBASE;
	st->ring0 = hvm_dom(d)->ring == 0;
	memcpy(st->extra, &ex, sizeof(ex));
	st->extra_len = sizeof(ex);
	hv->state_valid = 1;
	return hvm_fpu_get(hv->fd, st);
}

/* Segments from the extra part when it is ours, else long mode at the vCPU's ring. */
static int hvm_sregs_load(struct domain *d, struct vcpu *v, uint64_t *rflags_rest)
{
	struct hvm_vcpu *hv = hvm_vcpu(d, v);
	struct hvm_extra ex;
	struct kvm_sregs sr;

	*rflags_rest = hvm_dom(d)->ring == 3 ? RFLAGS_IF : 0;
	if (hv->state.extra_len == sizeof(ex)) {
		memcpy(&ex, hv->state.extra, sizeof(ex));
		*rflags_rest = ex.rflags & ~VCPU_STATE_RFLAGS_MASK;
		sr = ex.sregs;
		if (hv->state.flags & VCPU_STATE_SEGBASE) {
			sr.fs.base = hv->state.fs_base;
			sr.gs.base = hv->state.gs_base;
		}
	} else {
		if (ioctl(hv->fd, KVM_GET_SREGS, &sr) < 0)
			return pv_errno_last();
		hvm_pt_sregs(d, &sr, hvm_dom(d)->ring, &hv->state);
	}
	return ioctl(hv->fd, KVM_SET_SREGS, &sr) < 0 ? pv_errno_last() : 0;
}

int hvm_vcpu_load(struct domain *d, struct vcpu *v)
{
	struct hvm_vcpu *hv = hvm_vcpu(d, v);
	uint64_t rest;
	int rc = hvm_sregs_load(d, v, &rest);

	if (rc)
		return rc;
	hvm_regs_from_state(&hv->run->s.regs.regs, &hv->state, rest);
	hv->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	if (hv->state.flags & VCPU_STATE_FPU)
		rc = hvm_fpu_set(hv->fd, &hv->state);
	return rc;
}

/* The vCPU counts as running -- its registers are not ours to read or write -- unless
 * it holds because it is down or quiesced (or never started). A vCPU that only holds
 * because the domain is paused counts as running, as a stopped pv process does: the
 * seam's contract is the same for both engines. */
static int hvm_vcpu_runs(struct domain *d, struct vcpu *v)
{
	struct hvm_vcpu *hv = hvm_vcpu(d, v);

	return d->started && hv->alive && !(hv->held && (hvm_dom(d)->quiescing || !v->up));
}

int hvm_get_vcpu(struct domain *d, struct vcpu *v, struct vcpu_state *st)
{
	if (hvm_vcpu_runs(d, v))
		return -PV_EBUSY;
	*st = hvm_vcpu(d, v)->state;
	return 0;
}

int hvm_set_vcpu(struct domain *d, struct vcpu *v, const struct vcpu_state *st)
{
	struct hvm_vcpu *hv = hvm_vcpu(d, v);
	struct hvm_extra ex;

	if (hvm_vcpu_runs(d, v))
		return -PV_EBUSY;
	if (st->extra_len && st->extra_len != sizeof(ex))
		return -PV_EOPNOTSUPP; /* another engine's state */
	if (st->extra_len) {
		memcpy(&ex, st->extra, sizeof(ex));
		if (ex.magic != HVM_EXTRA_MAGIC || (ex.ring != 0 && ex.ring != 3))
			return -PV_EOPNOTSUPP;
	}
	/* vCPU 0's first context decides the ring of every vCPU (the page tables are
	 * shared); the others, and later contexts, follow it. */
	if (v->id == 0 && !d->started)
		hvm_dom(d)->ring = st->ring0 ? 0 : 3;
	hv->state = *st;
	hv->state_dirty = 1;
	hv->state_valid = 1;
	return 0;
}
