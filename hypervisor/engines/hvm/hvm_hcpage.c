/* The hvm hypercall page: each slot stores its number to the trap page, the one store
 * that exits to user space at CPL 3 and 0 on every KVM (docs/NOTES-hvm.md); the tail
 * is the pv engine's. */
#include <string.h>

#include "engines/hcpage.h"
#include "hvm.h"

/* push rcx; push r11; mov eax, i; movabs [PV_HVM_TRAP_VA], rax; jmp tail. */
static void hvm_hcpage_stub(uint8_t *p, unsigned i)
{
	uint64_t trap = PV_HVM_TRAP_VA;
	size_t at = hcpage_stub_head(p, i);

	p[at] = 0x48; /* movabs [imm64], rax */
	p[at + 1] = 0xa3;
	memcpy(p + at + 2, &trap, 8);
	hcpage_jmp_tail(p, i, at + 10);
}

int hvm_hypercall_page(struct domain *d, uint64_t gpfn)
{
	int rc = hcpage_write(d, gpfn, hvm_hcpage_stub);

	if (rc == 0)
		hvm_dom(d)->hcpage_va = PV_PHYSMAP_BASE + gpfn * PV_PAGE_SIZE;
	return rc;
}

/* The tail reads the entry from the vCPU's upcall area, as under the pv engine. */
void hvm_set_callback(struct domain *d, struct vcpu *v)
{
	struct pv_vcpu_upcall *up = (void *)(d->mem + d->special_off +
					     (PV_SPECIAL_VCPU_CTX + v->id) * PV_PAGE_SIZE +
					     PV_VCPU_UPCALL_OFFSET);

	__atomic_store_n(&up->entry, v->callback, __ATOMIC_SEQ_CST);
	up->failsafe = v->failsafe;
}
