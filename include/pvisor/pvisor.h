/* pvisor platform ABI: what a guest kernel sees beyond Xen's public headers --
 * where memory is mapped, how a hypercall traps, pvisor's private hypercalls. */
#ifndef PVISOR_PVISOR_H
#define PVISOR_PVISOR_H

#include <stdint.h>

/*
 * Pseudo-physical memory map (auto-translated physmap, always on).
 * Guest-physical address P is at guest-virtual PV_PHYSMAP_BASE + P under every
 * engine. Kernels are linked inside [BASE, BASE + 2 GiB) so the small code model
 * works. Frame numbers in every hypercall are pseudo-physical (gpfn == "mfn").
 */
#define PV_PHYSMAP_BASE        0x40000000ULL
/* Where the reference kernel and the builder expect a kernel to be linked. */
#define PV_KERNEL_LINK_ADDR    (PV_PHYSMAP_BASE + 0x100000ULL)
#define PV_PAGE_SHIFT          12
#define PV_PAGE_SIZE           (1ULL << PV_PAGE_SHIFT)

/*
 * Special pages live right after the domain's maximum RAM, at pseudo-physical
 * frame max_pages + index. start_info.shared_info holds the pseudo-physical
 * *address* of the shared_info page (already mapped: no mapping hypercall needed).
 */
#define PV_SPECIAL_SHARED_INFO 0   /* struct pv_shared_info */
#define PV_SPECIAL_VCPU_CTX    1   /* launcher-private: one page per vCPU follows */
#define PV_SPECIAL_PAGES(nr_vcpus) (1 + (nr_vcpus))

/*
 * Hypercall trap (pv engine): the hypercall page holds 128 slots of 32 bytes; slot
 * i executes `syscall` with eax = PV_HCALL_SYSNR_BASE + i, arguments in rdi, rsi,
 * rdx, r10, r8 as on Xen. Any other system call number kills the domain.
 */
#define PV_HCALL_SYSNR_BASE    0x70000u
#define PV_HCALL_SLOTS         128u
#define PV_HCALL_SLOT_SIZE     32u

/*
 * pvisor-private hypercalls (slots Xen leaves unused). Only the launcher in the
 * domain process uses them; a guest kernel that calls them gets -EPERM or at most
 * hurts itself.
 */
#define PV_HYPERCALL_pvisor_vcpu_wait  120 /* (vcpu_id): returns when the vCPU is up */
#define PV_HYPERCALL_pvisor_fault      121 /* (struct pv_fault_report *): never returns */

/* Written by the launcher's fault handler, read by the hypervisor. */
struct pv_fault_report {
	uint32_t signo;      /* host signal: SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGSYS, SIGTRAP */
	int32_t code;        /* si_code */
	uint64_t addr;       /* si_addr (fault address; syscall address for SIGSYS) */
	uint64_t rip;        /* guest rip at the fault */
	uint64_t rsp;        /* guest rsp at the fault */
	uint64_t syscall_nr; /* for SIGSYS: the forbidden system call number */
	uint32_t vcpu;       /* vCPU that faulted */
	uint32_t pad;
};

/*
 * The launcher-private vCPU context page (special page PV_SPECIAL_VCPU_CTX + vcpu):
 * the hypervisor writes the registers the vCPU starts with, then answers the
 * vCPU's pvisor_vcpu_wait.
 */
struct pv_vcpu_start {
	uint64_t rip, rsp, rflags;
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t fs_base, gs_base;
	uint64_t generation; /* bumped by each setvcpucontext */
};

#endif
