/* pvisor's save image (pvx save / restore, and the migration stream): xl's save
 * header, then records framed as Xen's migration stream v2 (type, length, body,
 * zero padding to 8 bytes) whose bodies are pvisor's own. docs/ABI.md ("Save
 * images") describes every record and the order rules; the hypervisor's part of a
 * domain's state crosses privcmd (SR_SAVE / SR_RESTORE) in the same bodies.
 * Multi-byte fields are little-endian (the writer's order, x86), except the image
 * header, which is big-endian as libxc's is. */
#ifndef PVISOR_SAVE_H
#define PVISOR_SAVE_H

#include <stdint.h>

/* ---- xl's header (tools/xl/xl.h layout) ---- */
#define PV_SR_XL_MAGIC      "Xen saved domain, xl format\n \0 \r"
#define PV_SR_XL_MAGIC_LEN  32
#define PV_SR_XL_BYTEORDER  0x01020304u
#define PV_SR_XL_JSON       (1u << 0)  /* mandatory flag: the config is JSON */
#define PV_SR_XL_STREAMV2   (1u << 1)  /* mandatory flag: records follow (v2 framing) */
#define PV_SR_XL_CONFIG_MAX (1u << 20) /* longest config we accept */

struct pv_sr_xl_header {
	char magic[PV_SR_XL_MAGIC_LEN];
	uint32_t byteorder;         /* PV_SR_XL_BYTEORDER in the writer's byte order */
	uint32_t mandatory_flags;   /* unknown bits: refuse the image */
	uint32_t optional_flags;    /* unknown bits: ignore */
	uint32_t optional_data_len; /* bytes that follow: u32 config length, config */
};

/* ---- pvisor's image header, after the config (big-endian, 24 bytes, as libxc's) ---- */
#define PV_SR_MARKER  0xffffffffffffffffull
#define PV_SR_ID      0x50565352u /* "PVSR" */
#define PV_SR_VERSION 1u          /* record framing and bodies of this file */
struct pv_sr_image_header {
	uint64_t marker;  /* PV_SR_MARKER */
	uint32_t id;      /* PV_SR_ID */
	uint32_t version; /* PV_SR_VERSION */
	uint16_t options; /* bit 0: big-endian records (never written) */
	uint16_t rsvd[3];
};

/*
 * The pvisor release that wrote an image: restore refuses an image of another
 * one. Bump it with a release, and whenever what an engine keeps in guest memory
 * changes meaning (the pv launcher's frames and signal frames on the upcall
 * stacks, the special page layout).
 */
#define PV_SR_PVISOR_VERSION "pvisor-0.14"

/* ---- records ---- */
struct pv_sr_rhdr {
	uint32_t type;   /* PV_SR_REC_*; bit 31: optional (a reader may skip it) */
	uint32_t length; /* body bytes, without the padding */
};
#define PV_SR_REC_ALIGN    8u
#define PV_SR_REC_OPTIONAL 0x80000000u
#define PV_SR_REC_BODY_MAX (8u << 20) /* Xen allows 128 MiB; ours are far smaller */

#define PV_SR_REC_END          0x000u /* empty: the last record */
#define PV_SR_REC_DOMAIN       0x100u /* struct pv_sr_domain: the first record */
#define PV_SR_REC_PAGE_DATA    0x101u /* struct pv_sr_page_data: any number */
#define PV_SR_REC_VCPU         0x102u /* struct pv_sr_vcpu: one per vCPU */
#define PV_SR_REC_SHARED_INFO  0x103u /* struct pv_sr_page: the shared_info page */
#define PV_SR_REC_GNTTAB       0x104u /* struct pv_sr_gnttab: the grant table frames */
#define PV_SR_REC_EVTCHN       0x105u /* struct pv_sr_evtchn_list: open ports */
#define PV_SR_REC_TIMERS       0x106u /* struct pv_sr_timers: per-vCPU timers */
#define PV_SR_REC_XENSTORE     0x107u /* struct pv_sr_xenstore: the guest's store keys */
#define PV_SR_REC_BOOT         0x108u /* struct pv_sr_boot: start_info, store, console */
#define PV_SR_REC_DOMAIN_STATE 0x109u /* struct pv_sr_domain_state: what changes as it runs */

/*
 * Every body but END's starts with `sum`: pvisor's 64-bit checksum (sr_sum64 in
 * libpvx: four lanes of multiply-rotate over 32-byte blocks, then the tail) of the
 * body's bytes after it. Xen's stream has none (it trusts its transport); an image
 * on disk is checked so that a damaged file is refused instead of restored.
 */

/* DOMAIN: what the domain is and who wrote the image -- facts that do not change
 * while it runs, so that a migration sends it before its first memory round. */
#define PV_SR_ENGINE_LEN  16
#define PV_SR_VERSION_LEN 32
struct pv_sr_domain {
	uint64_t sum;
	char pvisor[PV_SR_VERSION_LEN]; /* PV_SR_PVISOR_VERSION of the writer */
	char engine[PV_SR_ENGINE_LEN];  /* "pv", "hvm": an image loads into that engine only */
	uint32_t page_shift;            /* 12 */
	uint32_t max_vcpus;
	uint64_t max_pages;  /* RAM frames of the memory fd (maxmem) */
	uint64_t nr_special; /* special pages after RAM (pvisor.h): a layout check */
	uint8_t handle[16];  /* the domain's uuid */
	uint32_t flags;      /* PV_SR_DOM_* */
	uint32_t rsvd;
};
#define PV_SR_NO_FRAME 0xffffffffffffffffull
#define PV_SR_DOM_LIVE (1u << 0) /* pages follow while the domain runs (migration) */

/* DOMAIN_STATE: the hypervisor's facts of the stopped domain (with the vCPUs). */
struct pv_sr_domain_state {
	uint64_t sum;
	uint64_t tot_pages;    /* frames the domain holds (below max_pages when ballooned) */
	uint64_t mem_limit;    /* maximum reservation in frames */
	uint64_t hcpage_gfn;   /* the hypercall page's frame, PV_SR_NO_FRAME if none */
	int64_t time_offset;   /* settimeoffset, seconds */
	uint32_t suspend_vcpu; /* the vCPU that called SCHEDOP_shutdown(suspend) */
	uint32_t flags;        /* PV_SR_HV_* */
};

/* PAGE_DATA: a batch of frames. pfn[i] bits 63-60 are the page's type, 51-0 its
 * frame: RAM (< max_pages) or an engine page (the upcall stacks among the special
 * pages). Data follows pfn[] for each PV_SR_PAGE_NORMAL entry, 4 KiB each, in
 * order; with PV_SR_PAGES_ZLIB it is one zlib stream that inflates to that. */
#define PV_SR_PAGE_BATCH      1024u
#define PV_SR_PAGE_TYPE_SHIFT 60
#define PV_SR_PAGE_FRAME_MASK ((1ull << 52) - 1)
#define PV_SR_PAGE_NORMAL     0x0ull /* 4 KiB of data follow */
#define PV_SR_PAGE_ZERO       0xEull /* no data: the frame reads as zeros */
#define PV_SR_PAGES_ZLIB      (1u << 0)
#define PV_SR_PAGES_EAGER \
	(1u << 1) /* load before the domain runs, lazy restore too:
					    * the engine's pages, start_info, store, console */
#define PV_SR_PAGES_NOSUM \
	(1u << 2) /* the data is not in the body's sum (only the
					    * header and the frames are): a live migration's
					    * round, read from memory the guest writes as it
					    * goes out; its transport is trusted, as Xen's
					    * stream's is (--debug adds PAGE_SUMS). Only in a
					    * stream whose DOMAIN says PV_SR_DOM_LIVE. */
struct pv_sr_page_data {
	uint64_t sum;
	uint32_t count;    /* 1 .. PV_SR_PAGE_BATCH */
	uint32_t flags;    /* PV_SR_PAGES_* */
	uint32_t data_len; /* bytes after pfn[] */
	uint32_t rsvd;
	/* then uint64_t pfn[count], then data_len bytes */
};

/* PAGE_SUMS (optional: live migration with --debug): the sum (as a record body's)
 * of each of `count` RAM frames from `first`, as the stopped guest had them; sent
 * after the last page data. A receiver that knows the record compares its copy of
 * every page with them and refuses the domain when one differs. */
#define PV_SR_REC_PAGE_SUMS (PV_SR_REC_OPTIONAL | 0x10Au)
#define PV_SR_PAGE_SUMS_MAX 65536u /* frames per record */
struct pv_sr_page_sums {
	uint64_t sum;
	uint64_t first;
	uint32_t count; /* 1 .. PV_SR_PAGE_SUMS_MAX */
	uint32_t rsvd;
	uint64_t page_sum[];
};

/* VCPU: one vCPU's registers as the engine keeps them (the neutral part of the
 * hypervisor's struct vcpu_state, then the engine's own blob). */
#define PV_SR_VCPU_UP        (1u << 0) /* online (VCPUOP_up done) */
#define PV_SR_VCPU_CTX       (1u << 1) /* it has a context (ran or was initialised) */
#define PV_SR_STATE_FPU      (1u << 0) /* fpu holds an FXSAVE image */
#define PV_SR_STATE_SEGBASE  (1u << 1) /* fs_base / gs_base are valid */
#define PV_SR_VCPU_EXTRA_MAX 4096u
struct pv_sr_vcpu {
	uint64_t sum;
	uint32_t id;
	uint32_t flags;    /* PV_SR_VCPU_* */
	uint64_t callback; /* event callback entry */
	uint64_t failsafe;
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags, fs_base, gs_base;
	uint32_t state_flags; /* PV_SR_STATE_* */
	uint32_t extra_len;   /* bytes of extra[]: <= PV_SR_VCPU_EXTRA_MAX */
	uint8_t fpu[512];
	uint8_t extra[]; /* the engine's own state, for the same engine only */
};

/* SHARED_INFO: the page as the guest left it. Restore keeps vcpu_info and the
 * wallclock and clears every pending bit and masks every port, as Xen's restore
 * does: the restored domain has none of the old ports. */
struct pv_sr_page {
	uint64_t sum;
	uint8_t data[4096];
};

/* GNTTAB: the frames the guest set up (setup_table), as it left them; restore
 * clears GTF_reading/GTF_writing (nothing of the new domain is mapped). */
struct pv_sr_gnttab {
	uint64_t sum;
	uint32_t nr_frames; /* 0 .. PV_GNTTAB_MAX_FRAMES; then nr_frames pages */
	uint32_t rsvd;
	uint8_t frames[];
};

/* EVTCHN: the domain's open ports at save time. A restored domain gets new store
 * and console channels (BOOT) and binds the rest again itself, as after a Xen
 * restore; the list is checked and kept for inspection (tests/tools/srimage.py info). */
struct pv_sr_evtchn {
	uint32_t port;
	uint8_t state;        /* PV_EVTCHNSTAT_* */
	uint8_t virq;         /* state virq */
	uint16_t remote_dom;  /* unbound / interdomain */
	uint32_t remote_port; /* interdomain */
	uint32_t vcpu;        /* notified vCPU */
};
struct pv_sr_evtchn_list {
	uint64_t sum;
	uint32_t count;
	uint32_t rsvd;
	struct pv_sr_evtchn ch[];
};

/* TIMERS: per vCPU, relative to the moment of the save, so that they run on from
 * where they were whatever the clock of the host that restores. */
#define PV_SR_TIMER_SINGLESHOT (1u << 0) /* singleshot_ns is armed */
#define PV_SR_TIMER_PERIODIC   (1u << 1) /* period_ns / next_period_ns armed */
struct pv_sr_timer {
	uint32_t vcpu;
	uint32_t flags;        /* PV_SR_TIMER_* */
	int64_t singleshot_ns; /* deadline - save time (may be < 0: overdue) */
	uint64_t period_ns;
	int64_t next_period_ns; /* next period - save time */
};
struct pv_sr_timers {
	uint64_t sum;
	uint32_t count;
	uint32_t rsvd;
	struct pv_sr_timer t[];
};

/* XENSTORE: the keys the guest owns under its home (/local/domain/<id>), paths
 * relative to it; the toolstack's own (name, memory, device/, control/shutdown,
 * ...) are written afresh at restore. Entries follow one another, each padded to
 * 8 bytes: header, perms, path (no NUL), value. */
#define PV_SR_XS_SELF 0xffffu /* a perm that named the domain itself */
struct pv_sr_xs_perm {
	uint16_t domid; /* PV_SR_XS_SELF for the saved domain */
	uint8_t perm;   /* 'n', 'r', 'w', 'b' (Xen's letters) */
	uint8_t rsvd;
};
struct pv_sr_xs_entry {
	uint32_t path_len;  /* 1 .. 3072 */
	uint32_t value_len; /* 0 .. 4096 */
	uint32_t nperms;    /* 1 .. 16 */
	uint32_t rsvd;
};
struct pv_sr_xenstore {
	uint64_t sum;
	uint32_t count;
	uint32_t rsvd;
};

/* BOOT: where the guest's start_info, store and console rings are. start_info's
 * frame is what the guest passed to SCHEDOP_shutdown(suspend) in its third
 * argument (Xen's x86 PV convention); restore writes the new domain's store and
 * console ports into it. */
struct pv_sr_boot {
	uint64_t sum;
	uint64_t start_info_gfn;
	uint64_t store_gfn;
	uint64_t console_gfn;
	uint32_t store_port; /* at save time */
	uint32_t console_port;
};

/*
 * privcmd SR_SAVE / SR_RESTORE payload: the hypervisor's part of a domain's state.
 * A header, then nr_vcpus VCPU bodies (each sizeof(struct pv_sr_vcpu) + extra_len,
 * padded to 8), then nr_vcpus timers, then nr_evtchn ports. Bodies' sum fields are
 * not used here (0).
 */
struct pv_sr_hvstate {
	uint32_t nr_vcpus;
	uint32_t nr_evtchn;    /* SR_RESTORE: ignored (the domain binds its ports again) */
	uint32_t gnt_frames;   /* table frames set up */
	uint32_t flags;        /* PV_SR_HV_* */
	uint32_t suspend_vcpu; /* SR_SAVE: who called SCHEDOP_shutdown(suspend) */
	uint32_t rsvd;
	uint64_t hcpage_gfn; /* PV_SR_NO_FRAME if none */
	uint64_t tot_pages;
	uint64_t mem_limit;
	int64_t time_offset;
	char engine[PV_SR_ENGINE_LEN];
};
#define PV_SR_HV_SUSPENDED (1u << 0) /* SR_SAVE: it stopped in SCHEDOP_shutdown(suspend) */

/* privcmd SR_RESUME flags: how a suspended domain goes on (checkpoint, failed save) */
#define PV_SR_RESUME_CANCEL (1u << 0) /* the suspend call returns 1 ("cancelled") */
#define PV_SR_RESUME_PAUSED (1u << 1) /* stays paused */

#endif
