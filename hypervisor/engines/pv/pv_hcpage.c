/* The pv hypercall page: 32-byte stubs that trap with `syscall`, and the tail code
 * (hcpage_tail.S) every stub jumps to after its trap. */
#include <string.h>

#include "pv.h"
#include "pvisor/errno.h"

/* Each 32-byte slot: push rcx; push r11; mov eax, BASE+i; syscall; jmp tail. The
 * tail pops them back and delivers a marked upcall. */
extern const uint8_t pv_hcpage_tail[], pv_hcpage_tail_end[], pv_hcpage_data[];

static void pv_hcpage_stub(uint8_t *p, unsigned i, size_t tail_off)
{
	uint32_t nr = PV_HCALL_SYSNR_BASE + i;
	int32_t rel = (int32_t)(tail_off - (i * PV_HCALL_SLOT_SIZE + 15));

	p[0] = 0x51;       /* push rcx */
	p[1] = 0x41;       /* push r11 */
	p[2] = 0x53;
	p[3] = 0xb8;       /* mov eax, nr */
	memcpy(p + 4, &nr, 4);
	p[8] = 0x0f;       /* syscall */
	p[9] = 0x05;
	p[10] = 0xe9;      /* jmp tail */
	memcpy(p + 11, &rel, 4);
}

int pv_hypercall_page(struct domain *d, uint64_t gpfn)
{
	size_t tail_off = PV_HCALL_TAIL_SLOT * PV_HCALL_SLOT_SIZE;
	/* labels of one assembly blob (hcpage_tail.S): their distance is its length */
	size_t tail_len = (size_t)((uintptr_t)pv_hcpage_tail_end - (uintptr_t)pv_hcpage_tail);
	size_t data_off = (size_t)((uintptr_t)pv_hcpage_data - (uintptr_t)pv_hcpage_tail);
	uint64_t data[2] = { PV_PHYSMAP_BASE + d->special_off,
			     PV_PHYSMAP_BASE + d->special_off + PV_SPECIAL_VCPU_CTX * PV_PAGE_SIZE };
	uint8_t *page;

	if (gpfn >= d->max_pages || tail_off + tail_len > PV_HYPERCALL_pvisor_vcpu_wait *
								 PV_HCALL_SLOT_SIZE)
		return -PV_EINVAL;
	page = d->mem + gpfn * PV_PAGE_SIZE;
	memset(page, 0xcc, PV_PAGE_SIZE);
	for (unsigned i = 0; i < PV_HCALL_SLOTS; i++)
		if (i < PV_HCALL_TAIL_SLOT || i >= PV_HYPERCALL_pvisor_vcpu_wait)
			pv_hcpage_stub(page + i * PV_HCALL_SLOT_SIZE, i, tail_off);
	memcpy(page + tail_off, pv_hcpage_tail, tail_len);
	memcpy(page + tail_off + data_off, data, sizeof(data));
	pv_dom(d)->hcpage_set = 1;
	return 0;
}
