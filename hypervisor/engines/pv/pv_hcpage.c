/* The pv hypercall page: 32-byte stubs that trap with `syscall`, and pvisor's tail
 * code (engines/hcpage.c) every stub jumps to after its trap. */
#include <string.h>

#include "engines/hcpage.h"
#include "pv.h"

/* push rcx; push r11; mov eax, BASE+i; syscall; jmp tail. */
static void pv_hcpage_stub(uint8_t *p, unsigned i)
{
	uint32_t nr = PV_HCALL_SYSNR_BASE + i;

	p[0] = 0x51;
	p[1] = 0x41;
	p[2] = 0x53;
	p[3] = 0xb8;
	memcpy(p + 4, &nr, 4);
	p[8] = 0x0f;
	p[9] = 0x05;
	hcpage_jmp_tail(p, i, 10);
}

int pv_hypercall_page(struct domain *d, uint64_t gpfn)
{
	int rc = hcpage_write(d, gpfn, pv_hcpage_stub);

	if (rc == 0)
		pv_dom(d)->hcpage_set = 1;
	return rc;
}
