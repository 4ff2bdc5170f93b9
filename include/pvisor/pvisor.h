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
#define PV_PHYSMAP_BASE     0x40000000ULL
/* Where the reference kernel and the builder expect a kernel to be linked. */
#define PV_KERNEL_LINK_ADDR (PV_PHYSMAP_BASE + 0x100000ULL)
#define PV_PAGE_SHIFT       12
#define PV_PAGE_SIZE        (1ULL << PV_PAGE_SHIFT)

/*
 * Special pages live right after the domain's maximum RAM, at pseudo-physical
 * frame max_pages + index. start_info.shared_info holds the pseudo-physical
 * *address* of the shared_info page (already mapped: no mapping hypercall needed).
 */
#define PV_SPECIAL_SHARED_INFO             0 /* struct pv_shared_info */
#define PV_SPECIAL_VCPU_CTX                1 /* launcher-private: one page per vCPU follows */
/* Grant table v1 frames (GNTTABOP_setup_table returns their frame numbers): */
#define PV_SPECIAL_GNTTAB(nr_vcpus)        (1 + (nr_vcpus))
#define PV_GNTTAB_MAX_FRAMES               64 /* 32,768 v1 entries, Xen 4.17's default */
/* Upcall stacks, PV_UPCALL_STACK bytes per vCPU (see below): */
#define PV_SPECIAL_UPCALL_STACKS(nr_vcpus) (1 + (nr_vcpus) + PV_GNTTAB_MAX_FRAMES)
#define PV_UPCALL_STACK_PAGES              16
#define PV_SPECIAL_PAGES(nr_vcpus) \
	(PV_SPECIAL_UPCALL_STACKS(nr_vcpus) + (nr_vcpus)*PV_UPCALL_STACK_PAGES)

/*
 * The hvm engine (type = "hvm" or "pvh"): the domain is a KVM virtual machine whose
 * guest-physical memory is the pseudo-physical map above (RAM, then the special pages,
 * from guest-physical 0), and whose initial page tables map virtual
 * PV_PHYSMAP_BASE + P to guest-physical P: a kernel sees the same addresses as under
 * the pv engine, so one image boots under both.
 *   - The kernel runs at CPL 3 (its pages are user pages, as a pv kernel's are), unless
 *     XEN_ELFNOTE_FEATURES lists "supervisor_mode_kernel": then at CPL 0, with what a
 *     CPU offers there (its own page tables and IDT, cli, mov to %cr3, lidt, hlt).
 *   - A hypercall is a store of its number to the trap page, a guest-physical page with
 *     no memory behind it, mapped at PV_HVM_TRAP_VA; arguments as on Xen (rdi, rsi,
 *     rdx, r10, r8), the result in rax. The hypercall page does it: slot i is
 *     `push %rcx; push %r11; mov $i, %eax; movabs %rax, PV_HVM_TRAP_VA; jmp tail`,
 *     the tail being the pv engine's (upcalls at return, PV_UPCALL_MARK).
 *   - A kernel that installs its own page tables keeps the physmap at PV_PHYSMAP_BASE
 *     (hypercall arguments are addresses there) and the trap page mapped (the stubs
 *     store to PV_HVM_TRAP_VA).
 *   - PV_HVM_PRIV_GPA: the hypervisor's initial page tables (the PML4 first, in %cr3), GDT
 *     and TSS, mapped at the same virtual address, supervisor pages.
 *   - Event upcalls follow the callback contract below, entered by the hypervisor
 *     between two instructions of the vCPU instead of by a signal. Like the pv engine's
 *     return path, it writes 16 bytes below the interrupted %rsp: no red zone.
 *   - A fault the kernel does not handle (at CPL 3: any) is a triple fault: the
 *     domain crashes, with the exception in its crash reason.
 */
#define PV_HVM_TRAP_GPA 0x7fbffff000ULL
#define PV_HVM_TRAP_VA  (PV_PHYSMAP_BASE - PV_PAGE_SIZE)
#define PV_HVM_PRIV_GPA 0x7fc0000000ULL

/*
 * Hypercall trap (pv engine): the hypercall page holds 128 slots of 32 bytes; slot
 * i executes `syscall` with eax = PV_HCALL_SYSNR_BASE + i, arguments in rdi, rsi,
 * rdx, r10, r8 as on Xen. Any other system call number kills the domain.
 */
#define PV_HCALL_SYSNR_BASE 0x70000u
#define PV_HCALL_SLOTS      128u
#define PV_HCALL_SLOT_SIZE  32u
/* Slots PV_HCALL_TAIL_SLOT.. (up to the private ones) hold pvisor's code that every
 * stub runs after its trap (upcall delivery at hypercall return, below); they are
 * not hypercalls. */
#define PV_HCALL_TAIL_SLOT  96u
/* A trapped hypercall's raw result with these top 16 bits carries "upcall due on
 * vCPU (bits 32-47)" and the real result in its low 32 bits; the page's code
 * delivers the upcall and returns the real result. Never seen by a guest that
 * calls through the hypercall page. */
#define PV_UPCALL_MARK      0x5056ull

/*
 * pvisor-private hypercalls (slots Xen leaves unused). Only the launcher in the
 * domain process uses them; a guest kernel that calls them gets -EPERM or at most
 * hurts itself.
 */
#define PV_HYPERCALL_pvisor_vcpu_wait 120 /* (vcpu_id): returns when the vCPU is up */
#define PV_HYPERCALL_pvisor_fault     121 /* (struct pv_fault_report *): never returns */
/* (vcpu_id): the vCPU's registers are in its frame (below); returns when it may go
 * on -- brought up again after VCPUOP_down, or resumed after a quiesce -- and it then
 * reloads the frame, which the hypervisor may have rewritten meanwhile. */
#define PV_HYPERCALL_pvisor_vcpu_stop 122

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
 * The launcher-private vCPU context page (special page PV_SPECIAL_VCPU_CTX + vcpu)
 * starts with the vCPU's frame: every register it starts or resumes with. The
 * hypervisor writes it before answering the vCPU's pvisor_vcpu_wait (start); the
 * launcher's signal handler fills it before pvisor_vcpu_stop (VCPUOP_down, quiesce)
 * and reloads it after. Layout fixed: the launcher's assembly uses the offsets.
 */
#define PV_FRAME_FPU        (1u << 0) /* fpu holds an FXSAVE image to load */
#define PV_FRAME_SEGBASE    (1u << 1) /* fs_base/gs_base to load (host allows wrfsbase) */
#define PV_FRAME_FPU_OFFSET 0x100
struct pv_vcpu_frame {
	uint64_t rip, rsp, rflags;                     /* 0x00 */
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;    /* 0x18 */
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15; /* 0x50 */
	uint64_t fs_base, gs_base;                     /* 0x90 */
	uint64_t generation; /* 0xa0: bumped by each write of the hypervisor's */
	uint32_t flags;      /* 0xa8: PV_FRAME_* */
	uint32_t pad;
	uint8_t reserved[PV_FRAME_FPU_OFFSET - 0xb0];
	uint8_t fpu[512]; /* 0x100: FXSAVE image (legacy area), 16-byte aligned */
};

/*
 * Event upcalls (both engines). Xen enters the guest's event callback through a
 * bounce frame and the guest leaves it with HYPERVISOR_iret; pvisor's pv engine
 * delivers the host signal PV_UPCALL_SIGNAL to the vCPU's thread instead, and the
 * hvm engine stops the vCPU and enters the same bounce frame code in the hypercall
 * page (hcpage_upcall) with the frame already on the stack below. The launcher's handler,
 * on a per-vCPU stack of PV_UPCALL_STACK bytes in the special pages (guest memory,
 * so the callback may pass stack addresses to hypercalls), does what the bounce
 * frame would:
 *   - returns at once if vcpu_info.evtchn_upcall_mask is set (delivery is retried
 *     when the guest unmasks: see below) or no callback is registered;
 *   - sets evtchn_upcall_mask, calls the callback registered with set_callbacks /
 *     CALLBACKOP_register(CALLBACKTYPE_event) as a plain SysV function
 *     `void cb(struct pv_upcall_regs *interrupted, unsigned vcpu)` (the registers
 *     the vCPU had -- the callback may change them, e.g. rip, to resume elsewhere --
 *     and the number of the vCPU it runs on);
 *   - clears the mask, calls again while evtchn_upcall_pending is set, and resumes
 *     the interrupted code with every register restored (no HYPERVISOR_iret).
 * A guest that clears evtchn_upcall_mask itself and finds evtchn_upcall_pending set
 * makes any hypercall (xen_version(0) is the convention): pending upcalls are
 * delivered when a hypercall returns -- by the hypercall page itself (see
 * PV_UPCALL_MARK), with no signal: the same frame and callback, on the caller's
 * stack. A signal never interrupts a hypercall the hypervisor has accepted.
 */
#define PV_UPCALL_SIGNAL      10 /* host SIGUSR1 */
#define PV_UPCALL_STACK       (PV_UPCALL_STACK_PAGES * PV_PAGE_SIZE)
/* In the launcher-private context page, at this offset: written by the hypervisor. */
#define PV_VCPU_UPCALL_OFFSET 0x800
struct pv_vcpu_upcall {
	uint64_t entry;    /* event callback, 0 = none */
	uint64_t failsafe; /* recorded, not used (no segment reloads in pv) */
	uint32_t park;     /* VCPUOP_down: stop (pvisor_vcpu_stop) at the next signal */
	uint32_t stop;     /* quiesce: the same, until the hypervisor resumes it */
};

/* The interrupted registers an upcall callback receives (Linux's x86-64
 * struct sigcontext order). */
struct pv_upcall_regs {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, rflags;
};

#endif
