/* The hypercall page every engine writes into a guest (engine op hypercall_page):
 * PV_HCALL_SLOTS slots of PV_HCALL_SLOT_SIZE bytes, slot i the engine's trap for
 * hypercall i, and pvisor's own code in the slots from PV_HCALL_TAIL_SLOT on
 * (hcpage_tail.S): upcalls at hypercall return (PV_UPCALL_MARK) and the bounce frame
 * an engine may enter itself (hcpage_upcall_offset). */
#ifndef PV_ENGINES_HCPAGE_H
#define PV_ENGINES_HCPAGE_H

#include <stddef.h>
#include <stdint.h>

struct domain;

/* Write stub i at p (at most PV_HCALL_SLOT_SIZE bytes): push rcx; push r11 (the tail
 * pops both), trap with hypercall i, then hcpage_jmp_tail. */
typedef void hcpage_stub_fn(uint8_t *p, unsigned i);

/* The page at guest frame gpfn of d (< max_pages): every slot but the tail's through
 * stub, then the tail. 0 or -PV_EINVAL. */
int hcpage_write(struct domain *d, uint64_t gpfn, hcpage_stub_fn *stub);
/* Every stub's first 8 bytes: push rcx; push r11; mov $eax, %eax. Returns 8. */
size_t hcpage_stub_head(uint8_t *p, uint32_t eax);
/* Emit `jmp tail` for slot i at p + at (5 bytes); returns at + 5. */
size_t hcpage_jmp_tail(uint8_t *p, unsigned i, size_t at);
/* Page offset of hcpage_upcall: rsp = a filled pv_upcall_regs frame, ebx = vCPU. */
uint64_t hcpage_upcall_offset(void);

#endif
