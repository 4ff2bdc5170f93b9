/* pvisor public ABI core (x86-64): hypercall numbers, reserved domain ids, VIRQs,
 * start_info, shared_info/vcpu_info/vcpu_time_info and the PV vCPU context, laid
 * out exactly as Xen 4.17's public xen.h / arch-x86 headers, under pv_ names. */
#ifndef PVISOR_XEN_H
#define PVISOR_XEN_H

#include <stdint.h>

/* Interface version this ABI matches (Xen 4.17). */
#define PV_LATEST_INTERFACE_VERSION 0x00040e00

/* Scalar types shared by every header of the ABI. */
typedef uint16_t pv_domid_t;
typedef uint32_t pv_evtchn_port_t;
typedef uint32_t pv_grant_ref_t;
typedef uint32_t pv_grant_handle_t;
typedef uint64_t pv_gpfn_t;       /* pseudo-physical frame (Xen xen_pfn_t/xen_ulong_t) */
typedef uint64_t pv_guest_addr_t; /* guest virtual address (Xen XEN_GUEST_HANDLE) */

/*
 * Hypercall numbers. A guest calls slot N of the hypercall page
 * (hypercall_page + N * 32); see pvisor.h for how the slot traps.
 * pvisor implements only a subset; the others return -PV_ENOSYS.
 */
#define PV_HYPERCALL_set_trap_table                0
#define PV_HYPERCALL_mmu_update                    1
#define PV_HYPERCALL_set_gdt                       2
#define PV_HYPERCALL_stack_switch                  3
#define PV_HYPERCALL_set_callbacks                 4
#define PV_HYPERCALL_fpu_taskswitch                5
#define PV_HYPERCALL_sched_op_compat               6
#define PV_HYPERCALL_platform_op                   7
#define PV_HYPERCALL_set_debugreg                  8
#define PV_HYPERCALL_get_debugreg                  9
#define PV_HYPERCALL_update_descriptor             10
#define PV_HYPERCALL_memory_op                     12
#define PV_HYPERCALL_multicall                     13
#define PV_HYPERCALL_update_va_mapping             14
#define PV_HYPERCALL_set_timer_op                  15
#define PV_HYPERCALL_event_channel_op_compat       16
#define PV_HYPERCALL_xen_version                   17
#define PV_HYPERCALL_console_io                    18
#define PV_HYPERCALL_physdev_op_compat             19
#define PV_HYPERCALL_grant_table_op                20
#define PV_HYPERCALL_vm_assist                     21
#define PV_HYPERCALL_update_va_mapping_otherdomain 22
#define PV_HYPERCALL_iret                          23
#define PV_HYPERCALL_vcpu_op                       24
#define PV_HYPERCALL_set_segment_base              25
#define PV_HYPERCALL_mmuext_op                     26
#define PV_HYPERCALL_xsm_op                        27
#define PV_HYPERCALL_nmi_op                        28
#define PV_HYPERCALL_sched_op                      29
#define PV_HYPERCALL_callback_op                   30
#define PV_HYPERCALL_xenoprof_op                   31
#define PV_HYPERCALL_event_channel_op              32
#define PV_HYPERCALL_physdev_op                    33
#define PV_HYPERCALL_hvm_op                        34
#define PV_HYPERCALL_sysctl                        35
#define PV_HYPERCALL_domctl                        36
#define PV_HYPERCALL_kexec_op                      37
#define PV_HYPERCALL_tmem_op                       38
#define PV_HYPERCALL_argo_op                       39
#define PV_HYPERCALL_xenpmu_op                     40
#define PV_HYPERCALL_dm_op                         41
#define PV_HYPERCALL_hypfs_op                      42
#define PV_HYPERCALL_arch_0                        48
#define PV_HYPERCALL_arch_1                        49
#define PV_HYPERCALL_arch_2                        50
#define PV_HYPERCALL_arch_3                        51
#define PV_HYPERCALL_arch_4                        52
#define PV_HYPERCALL_arch_5                        53
#define PV_HYPERCALL_arch_6                        54
#define PV_HYPERCALL_arch_7                        55

/* Virtual IRQs bound with EVTCHNOP_bind_virq. V = per vCPU, G = global (vCPU 0). */
#define PV_VIRQ_TIMER      0  /* V: the single-shot or periodic timer fired */
#define PV_VIRQ_DEBUG      1  /* V: dump debug state */
#define PV_VIRQ_CONSOLE    2  /* G: dom0 emergency console input */
#define PV_VIRQ_DOM_EXC    3  /* G: dom0: a domain shut down or crashed */
#define PV_VIRQ_TBUF       4  /* G: trace buffer records */
#define PV_VIRQ_DEBUGGER   6  /* G: a domain paused for debugging */
#define PV_VIRQ_XENOPROF   7  /* V: profiling sample */
#define PV_VIRQ_CON_RING   8  /* G: dom0: bytes in the hypervisor console ring */
#define PV_VIRQ_PCPU_STATE 9  /* G */
#define PV_VIRQ_MEM_EVENT  10 /* G */
#define PV_VIRQ_ARGO       11 /* G */
#define PV_VIRQ_ENOMEM     12 /* G */
#define PV_VIRQ_XENPMU     13 /* V */
#define PV_VIRQ_ARCH_0     16
#define PV_VIRQ_ARCH_1     17
#define PV_VIRQ_ARCH_2     18
#define PV_VIRQ_ARCH_3     19
#define PV_VIRQ_ARCH_4     20
#define PV_VIRQ_ARCH_5     21
#define PV_VIRQ_ARCH_6     22
#define PV_VIRQ_ARCH_7     23
#define PV_VIRQ_MCA        PV_VIRQ_ARCH_0
#define PV_NR_VIRQS        24

/* console_io(cmd, count, buf) */
#define PV_CONSOLEIO_write 0
#define PV_CONSOLEIO_read  1

/* Reserved domain ids. */
#define PV_DOMID_FIRST_RESERVED 0x7FF0U
#define PV_DOMID_SELF           0x7FF0U
#define PV_DOMID_IO             0x7FF1U
#define PV_DOMID_XEN            0x7FF2U
#define PV_DOMID_COW            0x7FF3U
#define PV_DOMID_INVALID        0x7FF4U
#define PV_DOMID_IDLE           0x7FFFU
#define PV_DOMID_MASK           0x7FFFU

/* mmu_update command in the low 2 bits of ptr (pvisor has no MMU hypercalls). */
#define PV_MMU_NORMAL_PT_UPDATE       0
#define PV_MMU_MACHPHYS_UPDATE        1
#define PV_MMU_PT_UPDATE_PRESERVE_AD  2
#define PV_MMU_PT_UPDATE_NO_TRANSLATE 3

struct pv_mmu_update {
	uint64_t ptr; /* IN */
	uint64_t val; /* IN */
};

/* One entry of a multicall batch: op and args IN, result OUT. */
struct pv_multicall_entry {
	uint64_t op;      /* IN: hypercall number */
	uint64_t result;  /* OUT: its return value */
	uint64_t args[6]; /* IN */
};

/* 2-level event channels: 64 words of 64 bits. */
#define PV_EVTCHN_2L_NR_CHANNELS (64 * 64)

/* vcpu_time_info.flags */
#define PV_PVCLOCK_TSC_STABLE_BIT (1 << 0)
#define PV_PVCLOCK_GUEST_STOPPED  (1 << 1)

/*
 * Per-vCPU time base, updated under a seqlock: version is odd while the
 * hypervisor writes. now = system_time +
 * ((((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32).
 */
struct pv_vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;     /* TSC when system_time was sampled */
	uint64_t system_time;       /* ns since the domain's boot */
	uint32_t tsc_to_system_mul; /* 32.32 fixed-point TSC ticks -> ns */
	int8_t tsc_shift;
	uint8_t flags; /* PV_PVCLOCK_* */
	uint8_t pad1[2];
};

struct pv_arch_vcpu_info {
	uint64_t cr2; /* fault address of the last page fault reported */
	uint64_t pad;
};

/* 64 bytes; the first PV_LEGACY_MAX_VCPUS live in shared_info. */
struct pv_vcpu_info {
	uint8_t evtchn_upcall_pending; /* set by the hypervisor, cleared by the guest */
	uint8_t evtchn_upcall_mask;    /* non-zero: no upcall (PV "cli") */
	uint64_t evtchn_pending_sel;   /* one bit per word of evtchn_pending */
	struct pv_arch_vcpu_info arch;
	struct pv_vcpu_time_info time;
};

#define PV_LEGACY_MAX_VCPUS 32

struct pv_arch_shared_info {
	uint64_t max_pfn;
	pv_gpfn_t pfn_to_mfn_frame_list_list;
	uint64_t nmi_reason;
	uint64_t p2m_cr3;
	uint64_t p2m_vaddr;
	uint64_t p2m_generation;
};

/* The shared-info page (first 3136 bytes of it). */
struct pv_shared_info {
	struct pv_vcpu_info vcpu_info[PV_LEGACY_MAX_VCPUS];
	uint64_t evtchn_pending[64]; /* set by the hypervisor, cleared by the guest */
	uint64_t evtchn_mask[64];    /* owned by the guest */
	uint32_t wc_version;         /* seqlock for the wallclock fields */
	uint32_t wc_sec;
	uint32_t wc_nsec;
	uint32_t wc_sec_hi;
	struct pv_arch_shared_info arch;
};

/* start_info.magic for a 64-bit PV guest; also the guest type string. */
#define PV_START_INFO_MAGIC  "xen-3.0-x86_64"
#define PV_MAX_GUEST_CMDLINE 1024

/* start_info.flags */
#define PV_SIF_PRIVILEGED      (1 << 0)
#define PV_SIF_INITDOMAIN      (1 << 1)
#define PV_SIF_MULTIBOOT_MOD   (1 << 2)
#define PV_SIF_MOD_START_PFN   (1 << 3)
#define PV_SIF_VIRT_P2M_4TOOLS (1 << 4)
#define PV_SIF_PM_MASK         (0xFF << 8)

/*
 * Handed to the kernel in %rsi at entry. Under pvisor every "mfn" and
 * "machine address" is pseudo-physical, and shared_info is already mapped at
 * PV_PHYSMAP_BASE + shared_info.
 */
struct pv_start_info {
	char magic[32];        /* PV_START_INFO_MAGIC, NUL-padded */
	uint64_t nr_pages;     /* pages of RAM the domain has */
	uint64_t shared_info;  /* pseudo-physical address of the shared-info page */
	uint32_t flags;        /* PV_SIF_* */
	pv_gpfn_t store_mfn;   /* xenstore ring page frame */
	uint32_t store_evtchn; /* xenstore event channel */
	union {
		struct {
			pv_gpfn_t mfn;   /* console ring page frame */
			uint32_t evtchn; /* console event channel */
		} domU;
		struct {
			uint32_t info_off;
			uint32_t info_size;
		} dom0;
	} console;
	/* The rest is filled in at boot only, not on resume. */
	uint64_t pt_base; /* VA of the bootstrap page tables (0 under pvisor) */
	uint64_t nr_pt_frames;
	uint64_t mfn_list;  /* VA of the p2m list (identity under pvisor) */
	uint64_t mod_start; /* VA of the initrd (or its frame if SIF_MOD_START_PFN) */
	uint64_t mod_len;   /* initrd length in bytes */
	int8_t cmd_line[PV_MAX_GUEST_CMDLINE];
	uint64_t first_p2m_pfn;
	uint64_t nr_p2m_frames;
};

/* trap_info.flags: bits 0-1 DPL, bit 2 masks events on entry. */
#define PV_TI_GET_DPL(ti) ((ti)->flags & 3)
#define PV_TI_GET_IF(ti)  ((ti)->flags & 4)

/* One virtual IDT entry (set_trap_table; the array ends with address == 0). */
struct pv_trap_info {
	uint8_t vector;   /* IN: exception vector */
	uint8_t flags;    /* IN: DPL and event mask, see PV_TI_* */
	uint16_t cs;      /* IN: code selector */
	uint64_t address; /* IN: handler */
};

/* Selectors in a vCPU context (user_regs.cs/ss): Xen's flat x86-64 kernel segments (a
 * PV kernel runs in ring 3), and pvisor's for a kernel that runs in ring 0 under the
 * hvm engine (one declaring supervisor_mode_kernel); the RPL is what counts. */
#define PV_FLAT_KERNEL_CS 0xe033
#define PV_FLAT_KERNEL_SS 0xe02b
#define PV_FLAT_RING0_CS  0xe008
#define PV_FLAT_RING0_SS  0xe010

/* x86-64 register frame as Xen lays it out (Xen's union aliases omitted). */
struct pv_cpu_user_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi;
	uint32_t error_code;   /* private to the hypervisor */
	uint32_t entry_vector; /* private to the hypervisor */
	uint64_t rip;
	uint16_t cs, _pad0[1];
	uint8_t saved_upcall_mask;
	uint8_t _pad1[3];
	uint64_t rflags; /* rflags.IF == !saved_upcall_mask */
	uint64_t rsp;
	uint16_t ss, _pad2[3];
	uint16_t es, _pad3[3];
	uint16_t ds, _pad4[3];
	uint16_t fs, _pad5[3];
	uint16_t gs, _pad6[3];
};

/* iret hypercall frame, top of the guest stack first. */
struct pv_iret_context {
	uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};

/* vcpu_guest_context.flags and iret flags */
#define PV_VGCF_I387_VALID               (1 << 0)
#define PV_VGCF_IN_KERNEL                (1 << 2)
#define PV_VGCF_failsafe_disables_events (1 << 3)
#define PV_VGCF_syscall_disables_events  (1 << 4)
#define PV_VGCF_online                   (1 << 5)
#define PV_VGCF_in_syscall               (1 << 8)
#define PV_VGCF_i387_valid               PV_VGCF_I387_VALID
#define PV_VGCF_in_kernel                PV_VGCF_IN_KERNEL
#define PV_VGCF_IN_SYSCALL               PV_VGCF_in_syscall

/* set_segment_base(which, base) */
#define PV_SEGBASE_FS          0
#define PV_SEGBASE_GS_USER     1
#define PV_SEGBASE_GS_KERNEL   2
#define PV_SEGBASE_GS_USER_SEL 3

struct pv_fpu_ctxt {
	char x[512]; /* FXSAVE image */
};

/* Full PV vCPU state (domctl setvcpucontext/getvcpucontext, VCPUOP_initialise). */
struct pv_vcpu_guest_context {
	struct pv_fpu_ctxt fpu_ctxt;
	uint64_t flags; /* PV_VGCF_* */
	struct pv_cpu_user_regs user_regs;
	struct pv_trap_info trap_ctxt[256];
	uint64_t ldt_base, ldt_ents;
	uint64_t gdt_frames[16], gdt_ents;
	uint64_t kernel_ss, kernel_sp;
	uint64_t ctrlreg[8]; /* ctrlreg[3] = CR3 (as a frame address) */
	uint64_t debugreg[8];
	uint64_t event_callback_eip;
	uint64_t failsafe_callback_eip;
	uint64_t syscall_callback_eip;
	uint64_t vm_assist;
	uint64_t fs_base;
	uint64_t gs_base_kernel;
	uint64_t gs_base_user;
};

#endif
