/* pvisor public ABI: xen_version(cmd, arg) sub-ops, their argument layouts and
 * the XENFEAT_* feature bits, as in Xen 4.17 (version.h and features.h). */
#ifndef PVISOR_VERSION_H
#define PVISOR_VERSION_H

#include "xen.h"

#define PV_XENVER_version             0  /* returns major << 16 | minor */
#define PV_XENVER_extraversion        1  /* OUT: char[PV_EXTRAVERSION_LEN] */
#define PV_XENVER_compile_info        2  /* OUT: struct pv_compile_info */
#define PV_XENVER_capabilities        3  /* OUT: char[PV_CAPABILITIES_INFO_LEN] */
#define PV_XENVER_changeset           4  /* OUT: char[PV_CHANGESET_INFO_LEN] */
#define PV_XENVER_platform_parameters 5  /* OUT: struct pv_platform_parameters */
#define PV_XENVER_get_features        6  /* IN/OUT: struct pv_feature_info */
#define PV_XENVER_pagesize            7  /* returns the page size */
#define PV_XENVER_guest_handle        8  /* OUT: uint8_t[16], the domain handle */
#define PV_XENVER_commandline         9  /* OUT: char[PV_COMMANDLINE_LEN] */
#define PV_XENVER_build_id            10 /* IN/OUT: struct pv_build_id */

/* Sizes of the string buffers (always NUL-terminated by the hypervisor). */
#define PV_EXTRAVERSION_LEN      16
#define PV_CAPABILITIES_INFO_LEN 1024
#define PV_CHANGESET_INFO_LEN    64
#define PV_COMMANDLINE_LEN       1024

struct pv_compile_info {
	char compiler[64];       /* OUT */
	char compile_by[16];     /* OUT */
	char compile_domain[32]; /* OUT */
	char compile_date[32];   /* OUT */
};

struct pv_platform_parameters {
	uint64_t virt_start; /* OUT: lowest address the hypervisor reserves */
};

struct pv_feature_info {
	uint32_t submap_idx; /* IN: which 32-bit word of features */
	uint32_t submap;     /* OUT: PV_XENFEAT_* bits of that word */
};

/* Followed by len bytes of build id. */
struct pv_build_id {
	uint32_t len; /* IN: size of buf; OUT (return value): bytes written */
	unsigned char buf[];
};

/* Feature bit numbers in submap 0. */
#define PV_XENFEAT_writable_page_tables       0
#define PV_XENFEAT_writable_descriptor_tables 1
#define PV_XENFEAT_auto_translated_physmap    2
#define PV_XENFEAT_supervisor_mode_kernel     3
#define PV_XENFEAT_pae_pgdir_above_4gb        4
#define PV_XENFEAT_mmu_pt_update_preserve_ad  5
#define PV_XENFEAT_highmem_assist             6
#define PV_XENFEAT_gnttab_map_avail_bits      7
#define PV_XENFEAT_hvm_callback_vector        8
#define PV_XENFEAT_hvm_safe_pvclock           9
#define PV_XENFEAT_hvm_pirqs                  10
#define PV_XENFEAT_dom0                       11
/* 12 (grant_map_identity) is retired in Xen and not defined. */
#define PV_XENFEAT_memory_op_vnode_supported  13
#define PV_XENFEAT_ARM_SMCCC_supported        14
#define PV_XENFEAT_linux_rsdp_unrestricted    15
#define PV_XENFEAT_not_direct_mapped          16
#define PV_XENFEAT_direct_mapped              17
#define PV_XENFEAT_NR_SUBMAPS                 1

#endif
