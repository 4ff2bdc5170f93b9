/* pvisor public ABI: the sysctl hypercall (dom0 only) -- host facts, the
 * hypervisor console ring, the domain list -- with Xen 4.17's struct xen_sysctl
 * layout (interface version 0x15) and the sub-ops the toolstack uses. */
#ifndef PVISOR_SYSCTL_H
#define PVISOR_SYSCTL_H

#include "xen.h"
#include "domctl.h"

#define PV_SYSCTL_INTERFACE_VERSION 0x00000015

/* PV_SYSCTL_readconsole: copy out (and optionally clear) the console ring. */
struct pv_sysctl_readconsole {
	uint8_t clear;       /* IN: clear the ring after reading */
	uint8_t incremental; /* IN: start at index instead of the oldest byte */
	uint8_t pad0, pad1;
	uint32_t index;         /* IN: with incremental; OUT: index to ask for next */
	pv_guest_addr_t buffer; /* OUT: char[count] */
	uint32_t count;         /* IN: buffer size; OUT: bytes written */
};

/* physinfo capabilities */
#define PV_SYSCTL_PHYSCAP_hvm                (1U << 0)
#define PV_SYSCTL_PHYSCAP_pv                 (1U << 1)
#define PV_SYSCTL_PHYSCAP_directio           (1U << 2)
#define PV_SYSCTL_PHYSCAP_hap                (1U << 3)
#define PV_SYSCTL_PHYSCAP_shadow             (1U << 4)
#define PV_SYSCTL_PHYSCAP_iommu_hap_pt_share (1U << 5)
#define PV_SYSCTL_PHYSCAP_vmtrace            (1U << 6)
#define PV_SYSCTL_PHYSCAP_vpmu               (1U << 7)
#define PV_SYSCTL_PHYSCAP_gnttab_v1          (1U << 8)
#define PV_SYSCTL_PHYSCAP_gnttab_v2          (1U << 9)
#define PV_SYSCTL_PHYSCAP_MAX                PV_SYSCTL_PHYSCAP_gnttab_v2

/* PV_SYSCTL_physinfo: all OUT. Pages are 4 KiB. */
struct pv_sysctl_physinfo {
	uint32_t threads_per_core;
	uint32_t cores_per_socket;
	uint32_t nr_cpus;
	uint32_t max_cpu_id;
	uint32_t nr_nodes;
	uint32_t max_node_id;
	uint32_t cpu_khz;
	uint32_t capabilities; /* PV_SYSCTL_PHYSCAP_* */
	uint32_t arch_capabilities;
	uint32_t pad;
	uint64_t total_pages;
	uint64_t free_pages;
	uint64_t scrub_pages;
	uint64_t outstanding_pages;
	uint64_t max_mfn;
	uint32_t hw_cap[8];
};

/* PV_SYSCTL_sched_id */
struct pv_sysctl_sched_id {
	uint32_t sched_id; /* OUT: PV_SCHEDULER_* */
};

/* PV_SYSCTL_getdomaininfolist: domains with id >= first_domain, in id order. */
struct pv_sysctl_getdomaininfolist {
	pv_domid_t first_domain; /* IN */
	uint32_t max_domains;    /* IN: capacity of buffer */
	pv_guest_addr_t buffer;  /* OUT: struct pv_domctl_getdomaininfo[max_domains] */
	uint32_t num_domains;    /* OUT */
};

/* PV_SYSCTL_getcpuinfo */
struct pv_sysctl_cpuinfo {
	uint64_t idletime; /* OUT: ns */
};

struct pv_sysctl_getcpuinfo {
	uint32_t max_cpus;    /* IN: capacity of info */
	pv_guest_addr_t info; /* OUT: struct pv_sysctl_cpuinfo[max_cpus] */
	uint32_t nr_cpus;     /* OUT */
};

/* PV_SYSCTL_cputopoinfo */
struct pv_sysctl_cputopo {
	uint32_t core;
	uint32_t socket;
	uint32_t node;
};

struct pv_sysctl_cputopoinfo {
	uint32_t num_cpus;       /* IN: capacity; OUT: CPUs described */
	pv_guest_addr_t cputopo; /* OUT: struct pv_sysctl_cputopo[num_cpus] */
};

/* Sub-op numbers (sysctl.cmd). */
#define PV_SYSCTL_readconsole            1
#define PV_SYSCTL_tbuf_op                2
#define PV_SYSCTL_physinfo               3
#define PV_SYSCTL_sched_id               4
#define PV_SYSCTL_perfc_op               5
#define PV_SYSCTL_getdomaininfolist      6
#define PV_SYSCTL_debug_keys             7
#define PV_SYSCTL_getcpuinfo             8
#define PV_SYSCTL_availheap              9
#define PV_SYSCTL_get_pmstat             10
#define PV_SYSCTL_cpu_hotplug            11
#define PV_SYSCTL_pm_op                  12
#define PV_SYSCTL_page_offline_op        14
#define PV_SYSCTL_lockprof_op            15
#define PV_SYSCTL_cputopoinfo            16
#define PV_SYSCTL_numainfo               17
#define PV_SYSCTL_cpupool_op             18
#define PV_SYSCTL_scheduler_op           19
#define PV_SYSCTL_coverage_op            20
#define PV_SYSCTL_psr_cmt_op             21
#define PV_SYSCTL_pcitopoinfo            22
#define PV_SYSCTL_psr_alloc              23
#define PV_SYSCTL_get_cpu_levelling_caps 25
#define PV_SYSCTL_get_cpu_featureset     26
#define PV_SYSCTL_livepatch_op           27
#define PV_SYSCTL_get_cpu_policy         29

/* The sysctl argument: 8-byte header, then a 128-byte union (136 bytes). */
struct pv_sysctl {
	uint32_t cmd;               /* IN: PV_SYSCTL_* */
	uint32_t interface_version; /* IN: PV_SYSCTL_INTERFACE_VERSION, else -EACCES */
	union {
		struct pv_sysctl_readconsole readconsole;
		struct pv_sysctl_physinfo physinfo;
		struct pv_sysctl_cputopoinfo cputopoinfo;
		struct pv_sysctl_sched_id sched_id;
		struct pv_sysctl_getdomaininfolist getdomaininfolist;
		struct pv_sysctl_getcpuinfo getcpuinfo;
		uint8_t pad[128];
	} u;
};

#endif
