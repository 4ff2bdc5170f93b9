/* Kernel-wide boot facts of the reference PV kernel: what start_info told us, copied
 * and checked once in kmain, and what part of guest memory is still unused. */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdint.h>

#include <pvisor/pvisor.h>
#include <pvisor/xen.h>

#define KERNEL_NAME    "pvkernel"
#define KERNEL_VERSION "0.1"

/* Guest-physical address -> the kernel's virtual address (the physmap). */
#define PHYS_TO_VIRT(pa) ((void *)(uintptr_t)(PV_PHYSMAP_BASE + (uint64_t)(pa)))
#define VIRT_TO_PHYS(va) ((uint64_t)(uintptr_t)(va)-PV_PHYSMAP_BASE)

struct boot_info {
	const struct pv_start_info *start_info; /* as handed over in %rsi */
	struct pv_shared_info *shared_info;     /* NULL if start_info had none */
	uint64_t nr_pages;                      /* RAM pages: [0, nr_pages << 12) */
	uint64_t free_start; /* first guest-physical byte no boot piece occupies */
	uint64_t boot_rsp;   /* %rsp the builder gave _start */
};

/* Filled by kmain before any app runs; read-only afterwards. */
extern struct boot_info boot;

/* C entry, called by _start on the kernel stack with start_info's address. */
__attribute__((noreturn)) void kmain(const struct pv_start_info *si);

/* The %rsp _start was entered with (arch/x86_64/entry.S). */
extern uint64_t boot_rsp;

/* Linker-script symbols (kernel.lds). */
extern char _text[], _etext[], _end[];

#endif
