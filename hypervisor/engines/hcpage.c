/* The hypercall page both engines write: their stubs, pvisor's tail code. */
#include <string.h>

#include "core/hv.h"
#include "engines/hcpage.h"
#include "pvisor/errno.h"

extern const uint8_t hcpage_tail[], hcpage_tail_end[], hcpage_data[], hcpage_upcall[];

#define HCPAGE_TAIL_OFF ((size_t)PV_HCALL_TAIL_SLOT * PV_HCALL_SLOT_SIZE)

/* Where a label of the tail (hcpage_tail.S, one assembly blob) lies in it. */
static size_t hcpage_tail_at(const uint8_t *label)
{
	return (size_t)((uintptr_t)label - (uintptr_t)hcpage_tail);
}

size_t hcpage_stub_head(uint8_t *p, uint32_t eax)
{
	p[0] = 0x51; /* push rcx */
	p[1] = 0x41; /* push r11 */
	p[2] = 0x53;
	p[3] = 0xb8; /* mov eax, imm32 */
	memcpy(p + 4, &eax, 4);
	return 8;
}

size_t hcpage_jmp_tail(uint8_t *p, unsigned i, size_t at)
{
	int32_t rel = (int32_t)(HCPAGE_TAIL_OFF - (i * PV_HCALL_SLOT_SIZE + at + 5));

	p[at] = 0xe9;
	memcpy(p + at + 1, &rel, 4);
	return at + 5;
}

uint64_t hcpage_upcall_offset(void)
{
	return HCPAGE_TAIL_OFF + hcpage_tail_at(hcpage_upcall);
}

int hcpage_write(struct domain *d, uint64_t gpfn, hcpage_stub_fn *stub)
{
	size_t tail_len = hcpage_tail_at(hcpage_tail_end);
	uint64_t data[2] = { PV_PHYSMAP_BASE + d->special_off,
			     PV_PHYSMAP_BASE + d->special_off +
				     PV_SPECIAL_VCPU_CTX * PV_PAGE_SIZE };
	uint8_t *page;

	if (gpfn >= d->max_pages ||
	    HCPAGE_TAIL_OFF + tail_len > PV_HYPERCALL_pvisor_vcpu_wait * PV_HCALL_SLOT_SIZE)
		return -PV_EINVAL;
	page = d->mem + gpfn * PV_PAGE_SIZE;
	memset(page, 0xcc, PV_PAGE_SIZE);
	for (unsigned i = 0; i < PV_HCALL_SLOTS; i++)
		if (i < PV_HCALL_TAIL_SLOT || i >= PV_HYPERCALL_pvisor_vcpu_wait)
			stub(page + i * PV_HCALL_SLOT_SIZE, i);
	memcpy(page + HCPAGE_TAIL_OFF, hcpage_tail, tail_len);
	memcpy(page + HCPAGE_TAIL_OFF + hcpage_tail_at(hcpage_data), data, sizeof(data));
	domain_dirty_mark(d, gpfn, 1);
	return 0;
}
