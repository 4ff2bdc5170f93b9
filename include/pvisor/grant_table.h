/* pvisor public ABI: grant tables v1 -- the shared grant entries a guest writes
 * and grant_table_op(cmd, ops, count) -- with Xen 4.17's numbers, flags and
 * layouts (grant_table.h). */
#ifndef PVISOR_GRANT_TABLE_H
#define PVISOR_GRANT_TABLE_H

#include "xen.h"

/*
 * One v1 grant entry (8 bytes, 512 per 4 KiB table frame). The granter writes
 * domid and frame, a write barrier, then flags; the hypervisor sets
 * GTF_reading/GTF_writing while the grant is mapped or being copied.
 */
struct pv_grant_entry_v1 {
	uint16_t flags;   /* PV_GTF_* */
	pv_domid_t domid; /* the domain allowed to use the grant */
	uint32_t frame;   /* the granted pseudo-physical frame */
};

/* Refs 0..7 belong to the toolstack. */
#define PV_GNTTAB_NR_RESERVED_ENTRIES 8
#define PV_GNTTAB_RESERVED_CONSOLE    0
#define PV_GNTTAB_RESERVED_XENSTORE   1

/* Grant entry flags: the low 2 bits are the type. */
#define PV_GTF_invalid            (0U << 0)
#define PV_GTF_permit_access      (1U << 0)
#define PV_GTF_accept_transfer    (2U << 0)
#define PV_GTF_transitive         (3U << 0) /* v2 only */
#define PV_GTF_type_mask          (3U << 0)
#define PV_GTF_readonly           (1U << 2) /* set by the granter */
#define PV_GTF_reading            (1U << 3) /* set by the hypervisor */
#define PV_GTF_writing            (1U << 4) /* set by the hypervisor */
#define PV_GTF_PWT                (1U << 5)
#define PV_GTF_PCD                (1U << 6)
#define PV_GTF_PAT                (1U << 7)
#define PV_GTF_sub_page           (1U << 8) /* v2 only */
#define PV_GTF_transfer_committed (1U << 2)
#define PV_GTF_transfer_completed (1U << 3)

#define PV_GNTTABOP_map_grant_ref     0  /* struct pv_gnttab_map_grant_ref[] */
#define PV_GNTTABOP_unmap_grant_ref   1  /* struct pv_gnttab_unmap_grant_ref[] */
#define PV_GNTTABOP_setup_table       2  /* struct pv_gnttab_setup_table */
#define PV_GNTTABOP_dump_table        3  /* struct pv_gnttab_dump_table */
#define PV_GNTTABOP_transfer          4  /* struct pv_gnttab_transfer[] */
#define PV_GNTTABOP_copy              5  /* struct pv_gnttab_copy[] */
#define PV_GNTTABOP_query_size        6  /* struct pv_gnttab_query_size */
#define PV_GNTTABOP_unmap_and_replace 7  /* struct pv_gnttab_unmap_and_replace[] */
#define PV_GNTTABOP_set_version       8  /* struct pv_gnttab_set_version */
#define PV_GNTTABOP_get_status_frames 9  /* struct pv_gnttab_get_status_frames */
#define PV_GNTTABOP_get_version       10 /* struct pv_gnttab_get_version */
#define PV_GNTTABOP_swap_grant_ref    11 /* struct pv_gnttab_swap_grant_ref[] */
#define PV_GNTTABOP_cache_flush       12 /* struct pv_gnttab_cache_flush[] */

/* GNTMAP_* flags of map/unmap */
#define PV_GNTMAP_device_map       (1 << 0)
#define PV_GNTMAP_host_map         (1 << 1)
#define PV_GNTMAP_readonly         (1 << 2)
#define PV_GNTMAP_application_map  (1 << 3)
#define PV_GNTMAP_contains_pte     (1 << 4)
#define PV_GNTMAP_guest_avail0     16
#define PV_GNTMAP_guest_avail_mask ((uint32_t)~0 << PV_GNTMAP_guest_avail0)

/* Per-op status codes (the status fields; the hypercall itself returns 0). */
#define PV_GNTST_okay              (0)
#define PV_GNTST_general_error     (-1)
#define PV_GNTST_bad_domain        (-2)
#define PV_GNTST_bad_gntref        (-3)
#define PV_GNTST_bad_handle        (-4)
#define PV_GNTST_bad_virt_addr     (-5)
#define PV_GNTST_bad_dev_addr      (-6)
#define PV_GNTST_no_device_space   (-7)
#define PV_GNTST_permission_denied (-8)
#define PV_GNTST_bad_page          (-9)
#define PV_GNTST_bad_copy_arg      (-10)
#define PV_GNTST_address_too_big   (-11)
#define PV_GNTST_eagain            (-12)
#define PV_GNTST_no_space          (-13)

/* Map a foreign grant. host_addr is a pseudo-physical address for guests
 * (auto-translated); for dom0 see privcmd.h. */
struct pv_gnttab_map_grant_ref {
	uint64_t host_addr;       /* IN */
	uint32_t flags;           /* IN: PV_GNTMAP_* */
	pv_grant_ref_t ref;       /* IN */
	pv_domid_t dom;           /* IN: the granting domain */
	int16_t status;           /* OUT: PV_GNTST_* */
	pv_grant_handle_t handle; /* OUT: for unmap */
	uint64_t dev_bus_addr;    /* OUT */
};

struct pv_gnttab_unmap_grant_ref {
	uint64_t host_addr;       /* IN */
	uint64_t dev_bus_addr;    /* IN */
	pv_grant_handle_t handle; /* IN */
	int16_t status;           /* OUT: PV_GNTST_* */
};

/* Get the frames of the caller's grant table (mapped by the guest afterwards). */
struct pv_gnttab_setup_table {
	pv_domid_t dom;             /* IN: PV_DOMID_SELF */
	uint32_t nr_frames;         /* IN */
	int16_t status;             /* OUT: PV_GNTST_* */
	pv_guest_addr_t frame_list; /* OUT: pv_gpfn_t[nr_frames] */
};

struct pv_gnttab_dump_table {
	pv_domid_t dom; /* IN */
	int16_t status; /* OUT */
};

struct pv_gnttab_transfer {
	pv_gpfn_t mfn;      /* IN */
	pv_domid_t domid;   /* IN */
	pv_grant_ref_t ref; /* IN */
	int16_t status;     /* OUT */
};

/* GNTCOPY_* flags: that side is a grant ref instead of a local frame. */
#define PV_GNTCOPY_source_gref (1 << 0)
#define PV_GNTCOPY_dest_gref   (1 << 1)

/* One side of a copy. */
struct pv_gnttab_copy_ptr {
	union {
		pv_grant_ref_t ref; /* with PV_GNTCOPY_*_gref */
		pv_gpfn_t gmfn;     /* else a frame of the caller */
	} u;
	pv_domid_t domid;
	uint16_t offset; /* offset + len must stay within the page */
};

/* Copy len bytes between grants or local frames without mapping them. */
struct pv_gnttab_copy {
	struct pv_gnttab_copy_ptr source; /* IN */
	struct pv_gnttab_copy_ptr dest;   /* IN */
	uint16_t len;                     /* IN */
	uint16_t flags;                   /* IN: PV_GNTCOPY_* */
	int16_t status;                   /* OUT: PV_GNTST_* */
};

struct pv_gnttab_query_size {
	pv_domid_t dom;         /* IN */
	uint32_t nr_frames;     /* OUT */
	uint32_t max_nr_frames; /* OUT */
	int16_t status;         /* OUT */
};

struct pv_gnttab_unmap_and_replace {
	uint64_t host_addr;       /* IN */
	uint64_t new_addr;        /* IN */
	pv_grant_handle_t handle; /* IN */
	int16_t status;           /* OUT */
};

struct pv_gnttab_set_version {
	uint32_t version; /* IN: 1 (pvisor has no v2); OUT: the version in force */
};

struct pv_gnttab_get_status_frames {
	uint32_t nr_frames;         /* IN */
	pv_domid_t dom;             /* IN */
	int16_t status;             /* OUT */
	pv_guest_addr_t frame_list; /* OUT: uint64_t[nr_frames] */
};

struct pv_gnttab_get_version {
	pv_domid_t dom; /* IN */
	uint16_t pad;
	uint32_t version; /* OUT */
};

struct pv_gnttab_swap_grant_ref {
	pv_grant_ref_t ref_a; /* IN */
	pv_grant_ref_t ref_b; /* IN */
	int16_t status;       /* OUT */
};

#define PV_GNTTAB_CACHE_CLEAN       (1U << 0)
#define PV_GNTTAB_CACHE_INVAL       (1U << 1)
#define PV_GNTTAB_CACHE_SOURCE_GREF (1U << 31)

struct pv_gnttab_cache_flush {
	union {
		uint64_t dev_bus_addr;
		pv_grant_ref_t ref;
	} a;             /* IN */
	uint16_t offset; /* IN */
	uint16_t length; /* IN */
	uint32_t op;     /* IN: PV_GNTTAB_CACHE_* */
};

#endif
