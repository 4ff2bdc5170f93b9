/* pvisor public ABI: the domctl hypercall (dom0 only) -- create, destroy, pause,
 * query and configure domains -- with Xen 4.17's struct xen_domctl layout
 * (interface version 0x15) and the sub-ops the toolstack uses. */
#ifndef PVISOR_DOMCTL_H
#define PVISOR_DOMCTL_H

#include "xen.h"

#define PV_DOMCTL_INTERFACE_VERSION 0x00000015

/* Domain handle (UUID) bytes. */
#define PV_DOMAIN_HANDLE_LEN 16

/* Guest-handle bitmap (CPU and node maps). */
struct pv_xenctl_bitmap {
	pv_guest_addr_t bitmap; /* uint8_t[(nr_bits + 7) / 8] */
	uint32_t nr_bits;
};

/* x86 arch part of createdomain / getdomaininfo. */
struct pv_arch_domainconfig {
	uint32_t emulation_flags; /* PV_X86_EMU_*: 0 for PV guests */
	uint32_t misc_flags;      /* PV_X86_MSR_RELAXED */
};

#define PV_X86_EMU_LAPIC    (1U << 0)
#define PV_X86_EMU_HPET     (1U << 1)
#define PV_X86_EMU_PM       (1U << 2)
#define PV_X86_EMU_RTC      (1U << 3)
#define PV_X86_EMU_IOAPIC   (1U << 4)
#define PV_X86_EMU_PIC      (1U << 5)
#define PV_X86_EMU_VGA      (1U << 6)
#define PV_X86_EMU_IOMMU    (1U << 7)
#define PV_X86_EMU_PIT      (1U << 8)
#define PV_X86_EMU_USE_PIRQ (1U << 9)
#define PV_X86_EMU_VPCI     (1U << 10)
#define PV_X86_MSR_RELAXED  (1U << 0)

/* createdomain flags */
#define PV_DOMCTL_CDF_hvm          (1U << 0)
#define PV_DOMCTL_CDF_hap          (1U << 1)
#define PV_DOMCTL_CDF_s3_integrity (1U << 2)
#define PV_DOMCTL_CDF_oos_off      (1U << 3)
#define PV_DOMCTL_CDF_xs_domain    (1U << 4)
#define PV_DOMCTL_CDF_iommu        (1U << 5)
#define PV_DOMCTL_CDF_nested_virt  (1U << 6)
#define PV_DOMCTL_CDF_vpmu         (1U << 7)
#define PV_DOMCTL_CDF_MAX          PV_DOMCTL_CDF_vpmu

#define PV_DOMCTL_IOMMU_no_sharept   (1U << 0)
#define PV_DOMCTL_GRANT_version_mask 0xf
#define PV_DOMCTL_GRANT_version(v)   ((v)&PV_DOMCTL_GRANT_version_mask)

/* PV_DOMCTL_createdomain: domctl.domain IN is the wanted id or 0 for any; OUT the id. */
struct pv_domctl_createdomain {
	uint32_t ssidref;                     /* IN: 0 */
	uint8_t handle[PV_DOMAIN_HANDLE_LEN]; /* IN: UUID */
	uint32_t flags;                       /* IN: PV_DOMCTL_CDF_* */
	uint32_t iommu_opts;                  /* IN: 0 */
	uint32_t max_vcpus;                   /* IN */
	uint32_t max_evtchn_port;             /* IN */
	int32_t max_grant_frames;             /* IN: -1 = default */
	int32_t max_maptrack_frames;          /* IN: -1 = default */
	uint32_t grant_opts;                  /* IN: PV_DOMCTL_GRANT_version(1) */
	uint32_t vmtrace_size;                /* IN: 0 */
	uint32_t cpupool_id;                  /* IN: 0 */
	struct pv_arch_domainconfig arch;     /* IN */
};

/* getdomaininfo flags; the shutdown reason sits in bits 16..23. */
#define PV_DOMINF_dying         (1U << 0)
#define PV_DOMINF_hvm_guest     (1U << 1)
#define PV_DOMINF_shutdown      (1U << 2)
#define PV_DOMINF_paused        (1U << 3)
#define PV_DOMINF_blocked       (1U << 4)
#define PV_DOMINF_running       (1U << 5)
#define PV_DOMINF_debugged      (1U << 6)
#define PV_DOMINF_xs_domain     (1U << 7)
#define PV_DOMINF_hap           (1U << 8)
#define PV_DOMINF_shutdownmask  255
#define PV_DOMINF_shutdownshift 16
#define PV_INVALID_MAX_VCPU_ID  (~0U)

/* PV_DOMCTL_getdomaininfo (and the sysctl getdomaininfolist entries): all OUT. */
struct pv_domctl_getdomaininfo {
	pv_domid_t domain; /* the domain described */
	uint16_t pad1;
	uint32_t flags; /* PV_DOMINF_* | reason << PV_DOMINF_shutdownshift */
	uint64_t tot_pages;
	uint64_t max_pages;
	uint64_t outstanding_pages;
	uint64_t shr_pages;
	uint64_t paged_pages;
	pv_gpfn_t shared_info_frame;
	uint64_t cpu_time; /* ns, all vCPUs */
	uint32_t nr_online_vcpus;
	uint32_t max_vcpu_id; /* PV_INVALID_MAX_VCPU_ID if none */
	uint32_t ssidref;
	uint8_t handle[PV_DOMAIN_HANDLE_LEN];
	uint32_t cpupool;
	uint8_t gpaddr_bits;
	uint8_t pad2[7];
	struct pv_arch_domainconfig arch_config;
};

/* PV_DOMCTL_max_mem */
struct pv_domctl_max_mem {
	uint64_t max_memkb; /* IN */
};

/* PV_DOMCTL_setvcpucontext / getvcpucontext */
struct pv_domctl_vcpucontext {
	uint32_t vcpu;        /* IN */
	pv_guest_addr_t ctxt; /* IN/OUT: struct pv_vcpu_guest_context * (0 on set = reset) */
};

/* PV_DOMCTL_getvcpuinfo */
struct pv_domctl_getvcpuinfo {
	uint32_t vcpu;     /* IN */
	uint8_t online;    /* OUT */
	uint8_t blocked;   /* OUT */
	uint8_t running;   /* OUT */
	uint64_t cpu_time; /* OUT: ns */
	uint32_t cpu;      /* OUT: host CPU it last ran on */
};

/* PV_DOMCTL_setvcpuaffinity / getvcpuaffinity */
#define PV_VCPUAFFINITY_HARD  (1U << 0)
#define PV_VCPUAFFINITY_SOFT  (1U << 1)
#define PV_VCPUAFFINITY_FORCE (1U << 2)

struct pv_domctl_vcpuaffinity {
	uint32_t vcpu;                       /* IN */
	uint32_t flags;                      /* IN: PV_VCPUAFFINITY_* */
	struct pv_xenctl_bitmap cpumap_hard; /* IN/OUT */
	struct pv_xenctl_bitmap cpumap_soft; /* IN/OUT */
};

/* PV_DOMCTL_max_vcpus */
struct pv_domctl_max_vcpus {
	uint32_t max; /* IN */
};

/* PV_DOMCTL_scheduler_op */
#define PV_SCHEDULER_CREDIT   5
#define PV_SCHEDULER_CREDIT2  6
#define PV_SCHEDULER_ARINC653 7
#define PV_SCHEDULER_RTDS     8
#define PV_SCHEDULER_NULL     9

#define PV_DOMCTL_SCHEDOP_putinfo     0
#define PV_DOMCTL_SCHEDOP_getinfo     1
#define PV_DOMCTL_SCHEDOP_putvcpuinfo 2
#define PV_DOMCTL_SCHEDOP_getvcpuinfo 3

struct pv_domctl_sched_credit {
	uint16_t weight; /* 1..65535, default 256 */
	uint16_t cap;    /* % of one CPU, 0 = none */
};

struct pv_domctl_sched_credit2 {
	uint16_t weight;
	uint16_t cap;
};

struct pv_domctl_sched_rtds {
	uint32_t period;
	uint32_t budget;
	uint32_t flags;
};

struct pv_domctl_scheduler_op {
	uint32_t sched_id; /* IN: PV_SCHEDULER_* */
	uint32_t cmd;      /* IN: PV_DOMCTL_SCHEDOP_* */
	union {
		struct pv_domctl_sched_credit credit;   /* IN/OUT */
		struct pv_domctl_sched_credit2 credit2; /* IN/OUT */
		struct pv_domctl_sched_rtds rtds;       /* IN/OUT */
		struct {
			pv_guest_addr_t vcpus; /* per-vCPU parameters array */
			uint32_t nr_vcpus;
			uint32_t padding;
		} v;
	} u;
};

/* PV_DOMCTL_setdomainhandle */
struct pv_domctl_setdomainhandle {
	uint8_t handle[PV_DOMAIN_HANDLE_LEN]; /* IN */
};

/* PV_DOMCTL_hypercall_init: fill this frame with hypercall stubs. */
struct pv_domctl_hypercall_init {
	pv_gpfn_t gmfn; /* IN */
};

/* PV_DOMCTL_settimeoffset */
struct pv_domctl_settimeoffset {
	int64_t time_offset_seconds; /* IN: added to the domain's wallclock */
};

/* Sub-op numbers (domctl.cmd). pvisor implements the ones with structs above
 * plus the payload-less destroy/pause/unpause/resume; the rest get -PV_ENOSYS. */
#define PV_DOMCTL_createdomain        1
#define PV_DOMCTL_destroydomain       2
#define PV_DOMCTL_pausedomain         3
#define PV_DOMCTL_unpausedomain       4
#define PV_DOMCTL_getdomaininfo       5
#define PV_DOMCTL_setvcpuaffinity     9
#define PV_DOMCTL_shadow_op           10
#define PV_DOMCTL_max_mem             11
#define PV_DOMCTL_setvcpucontext      12
#define PV_DOMCTL_getvcpucontext      13
#define PV_DOMCTL_getvcpuinfo         14
#define PV_DOMCTL_max_vcpus           15
#define PV_DOMCTL_scheduler_op        16
#define PV_DOMCTL_setdomainhandle     17
#define PV_DOMCTL_setdebugging        18
#define PV_DOMCTL_irq_permission      19
#define PV_DOMCTL_iomem_permission    20
#define PV_DOMCTL_ioport_permission   21
#define PV_DOMCTL_hypercall_init      22
#define PV_DOMCTL_settimeoffset       24
#define PV_DOMCTL_getvcpuaffinity     25
#define PV_DOMCTL_resumedomain        27
#define PV_DOMCTL_sendtrigger         28
#define PV_DOMCTL_subscribe           29
#define PV_DOMCTL_gethvmcontext       33
#define PV_DOMCTL_sethvmcontext       34
#define PV_DOMCTL_set_address_size    35
#define PV_DOMCTL_get_address_size    36
#define PV_DOMCTL_set_ext_vcpucontext 42
#define PV_DOMCTL_get_ext_vcpucontext 43
#define PV_DOMCTL_set_target          46
#define PV_DOMCTL_gettscinfo          59
#define PV_DOMCTL_settscinfo          60
#define PV_DOMCTL_getpageframeinfo3   61
#define PV_DOMCTL_setvcpuextstate     62
#define PV_DOMCTL_getvcpuextstate     63
#define PV_DOMCTL_set_virq_handler    66
#define PV_DOMCTL_setnodeaffinity     68
#define PV_DOMCTL_getnodeaffinity     69
#define PV_DOMCTL_get_vcpu_msrs       72
#define PV_DOMCTL_set_vcpu_msrs       73
#define PV_DOMCTL_soft_reset          79
#define PV_DOMCTL_get_cpu_policy      82
#define PV_DOMCTL_set_cpu_policy      83

/* The domctl argument: 16-byte header, then a 128-byte union (144 bytes). */
struct pv_domctl {
	uint32_t cmd;               /* IN: PV_DOMCTL_* */
	uint32_t interface_version; /* IN: PV_DOMCTL_INTERFACE_VERSION, else -EACCES */
	pv_domid_t domain;          /* IN (OUT for createdomain) */
	uint16_t _pad[3];
	union {
		struct pv_domctl_createdomain createdomain;
		struct pv_domctl_getdomaininfo getdomaininfo;
		struct pv_domctl_vcpuaffinity vcpuaffinity;
		struct pv_domctl_max_mem max_mem;
		struct pv_domctl_vcpucontext vcpucontext;
		struct pv_domctl_getvcpuinfo getvcpuinfo;
		struct pv_domctl_max_vcpus max_vcpus;
		struct pv_domctl_scheduler_op scheduler_op;
		struct pv_domctl_setdomainhandle setdomainhandle;
		struct pv_domctl_hypercall_init hypercall_init;
		struct pv_domctl_settimeoffset settimeoffset;
		uint8_t pad[128];
	} u;
};

#endif
