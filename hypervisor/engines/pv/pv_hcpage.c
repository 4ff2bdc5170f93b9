/* The pv hypercall page: 32-byte stubs that trap with `syscall`, and pvisor's tail
 * code (engines/hcpage.c) every stub jumps to after its trap. */
#include <string.h>

#include "engines/hcpage.h"
#include "pv.h"

/* push rcx; push r11; mov eax, BASE+i; syscall; jmp tail. */
static void pv_hcpage_stub(uint8_t *p, unsigned i)
{
	size_t at = hcpage_stub_head(p, PV_HCALL_SYSNR_BASE + i);

	p[at] = 0x0f; /* syscall */
	p[at + 1] = 0x05;
	hcpage_jmp_tail(p, i, at + 2);
}

int pv_hypercall_page(struct domain *d, uint64_t gpfn)
{
	int rc = hcpage_write(d, gpfn, pv_hcpage_stub);

	if (rc == 0)
		pv_dom(d)->hcpage_set = 1;
	return rc;
}
