/* pvisor public ABI: memory_op(cmd, arg) -- reservations, physmap, memory map --
 * with Xen 4.17's sub-op numbers and argument layouts (memory.h). Frame numbers
 * are pseudo-physical throughout. */
#ifndef PVISOR_MEMORY_H
#define PVISOR_MEMORY_H

#include "xen.h"

#define PV_XENMEM_increase_reservation 0 /* struct pv_memory_reservation */
#define PV_XENMEM_decrease_reservation 1 /* struct pv_memory_reservation */
#define PV_XENMEM_maximum_ram_page     2 /* arg unused */
#define PV_XENMEM_current_reservation  3 /* arg: pv_domid_t */
#define PV_XENMEM_maximum_reservation  4 /* arg: pv_domid_t */
#define PV_XENMEM_machphys_mfn_list    5
#define PV_XENMEM_populate_physmap     6  /* struct pv_memory_reservation */
#define PV_XENMEM_add_to_physmap       7  /* struct pv_add_to_physmap */
#define PV_XENMEM_memory_map           9  /* struct pv_memory_map */
#define PV_XENMEM_machine_memory_map   10 /* struct pv_memory_map */
#define PV_XENMEM_exchange             11 /* struct pv_memory_exchange */
#define PV_XENMEM_machphys_mapping     12
#define PV_XENMEM_set_memory_map       13 /* struct pv_foreign_memory_map */
#define PV_XENMEM_maximum_gpfn         14 /* arg: pv_domid_t */
#define PV_XENMEM_remove_from_physmap  15 /* struct pv_remove_from_physmap */
#define PV_XENMEM_set_pod_target       16
#define PV_XENMEM_get_pod_target       17
#define PV_XENMEM_add_to_physmap_batch 23 /* struct pv_add_to_physmap_batch */
#define PV_XENMEM_claim_pages          24 /* struct pv_memory_reservation */
#define PV_XENMEM_get_vnumainfo        26
#define PV_XENMEM_acquire_resource     28 /* struct pv_mem_acquire_resource */

/* pv_memory_reservation.mem_flags */
#define PV_XENMEMF_address_bits(x)     (x)
#define PV_XENMEMF_get_address_bits(x) ((x)&0xffu)
#define PV_XENMEMF_node(x)             (((x) + 1) << 8)
#define PV_XENMEMF_get_node(x)         ((((x) >> 8) - 1) & 0xffu)
#define PV_XENMEMF_populate_on_demand  (1 << 16)
#define PV_XENMEMF_exact_node_request  (1 << 17)
#define PV_XENMEMF_exact_node(n)       (PV_XENMEMF_node(n) | PV_XENMEMF_exact_node_request)
#define PV_XENMEMF_vnode               (1 << 18)

/* Grow, shrink or populate a domain's pseudo-physical memory. */
struct pv_memory_reservation {
	pv_guest_addr_t extent_start; /* IN/OUT: pv_gpfn_t[nr_extents] */
	uint64_t nr_extents;          /* IN */
	uint32_t extent_order;        /* IN: log2 of pages per extent */
	uint32_t mem_flags;           /* IN: PV_XENMEMF_* */
	pv_domid_t domid;             /* IN: usually PV_DOMID_SELF */
};

struct pv_memory_exchange {
	struct pv_memory_reservation in;  /* IN: extents given up */
	struct pv_memory_reservation out; /* IN/OUT: extents received */
	uint64_t nr_exchanged;            /* OUT: IN on continuation, start at 0 */
};

/* Spaces for add_to_physmap */
#define PV_XENMAPSPACE_shared_info      0
#define PV_XENMAPSPACE_grant_table      1
#define PV_XENMAPSPACE_gmfn             2
#define PV_XENMAPSPACE_gmfn_range       3
#define PV_XENMAPSPACE_gmfn_foreign     4
#define PV_XENMAPSPACE_dev_mmio         5
/* idx bit selecting grant-table status frames (v2) */
#define PV_XENMAPIDX_grant_table_status 0x80000000U

/* Map a frame of the given space at gpfn. */
struct pv_add_to_physmap {
	pv_domid_t domid; /* IN */
	uint16_t size;    /* IN: number of pages for gmfn_range */
	uint32_t space;   /* IN: PV_XENMAPSPACE_* */
	uint64_t idx;     /* IN: index into the space */
	pv_gpfn_t gpfn;   /* IN: where to map it */
};

struct pv_add_to_physmap_batch {
	pv_domid_t domid; /* IN */
	uint16_t space;   /* IN: PV_XENMAPSPACE_* */
	uint16_t size;    /* IN: number of entries */
	union {
		pv_domid_t foreign_domid; /* IN: for gmfn_foreign */
		uint16_t res0;            /* other spaces: 0 */
	} u;
	pv_guest_addr_t idxs;  /* IN: uint64_t[size] */
	pv_guest_addr_t gpfns; /* IN: pv_gpfn_t[size] */
	pv_guest_addr_t errs;  /* OUT: int32_t[size] */
};

struct pv_remove_from_physmap {
	pv_domid_t domid; /* IN */
	pv_gpfn_t gpfn;   /* IN */
};

/* The guest's pseudo-physical memory map as e820 entries. */
struct pv_memory_map {
	uint32_t nr_entries;    /* IN: capacity of buffer; OUT: entries written */
	pv_guest_addr_t buffer; /* OUT: struct pv_e820_entry[nr_entries] */
};

struct pv_foreign_memory_map {
	pv_domid_t domid; /* IN */
	struct pv_memory_map map;
};

/* One entry of a memory map: 20 bytes, packed (the BIOS e820 layout). */
struct pv_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type; /* PV_E820_* */
} __attribute__((packed));

#define PV_E820_RAM      1
#define PV_E820_RESERVED 2
#define PV_E820_ACPI     3
#define PV_E820_NVS      4
#define PV_E820_UNUSABLE 5

/* Resource types and ids for acquire_resource */
#define PV_XENMEM_resource_ioreq_server          0
#define PV_XENMEM_resource_grant_table           1
#define PV_XENMEM_resource_vmtrace_buf           2
#define PV_XENMEM_resource_grant_table_id_shared 0
#define PV_XENMEM_resource_grant_table_id_status 1

/* Map frames of a domain's resource (e.g. its grant table) into the caller. */
struct pv_mem_acquire_resource {
	pv_domid_t domid;   /* IN */
	uint16_t type;      /* IN: PV_XENMEM_resource_* */
	uint32_t id;        /* IN */
	uint32_t nr_frames; /* IN/OUT */
	uint32_t pad;
	uint64_t frame;             /* IN: first frame of the resource */
	pv_guest_addr_t frame_list; /* IN/OUT: pv_gpfn_t[nr_frames] */
};

#endif
