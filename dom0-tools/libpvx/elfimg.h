/* Kernel image loader: validates an ELF64 x86-64 PV kernel (optionally gzip
 * compressed), reads its Xen ELF notes and copies its segments into guest RAM. */
#ifndef PVX_ELFIMG_H
#define PVX_ELFIMG_H

#include <stddef.h>
#include <stdint.h>

#include "libpvx/pvx_err.h"

/* Limits. A kernel file larger than this is refused before reading it. */
#define ELF_IMAGE_MAX_FILE     (256ULL << 20)
/* A gzip stream that inflates to more than this is refused. */
#define ELF_IMAGE_MAX_INFLATED (512ULL << 20)
/* At most this many PT_LOAD segments. */
#define ELF_IMAGE_MAX_SEGS     16
/* Program header table entries accepted (PT_LOAD, PT_NOTE, anything else). */
#define ELF_IMAGE_MAX_PHDRS    64

/* Where the Xen notes were found (elf_image.note_source). */
#define ELF_NOTES_NONE   0 /* no notes: addresses from p_paddr / p_vaddr */
#define ELF_NOTES_PHDR   1 /* PT_NOTE program headers */
#define ELF_NOTES_SHDR   2 /* SHT_NOTE sections */
#define ELF_NOTES_LEGACY 3 /* the "__xen_guest" section string */

/* One PT_LOAD segment, already validated: file_off + filesz is inside the file,
 * filesz <= memsz, vaddr == PV_PHYSMAP_BASE + paddr. */
struct elf_segment {
	uint64_t vaddr;    /* guest-virtual load address */
	uint64_t paddr;    /* guest-physical (pseudo-physical) load address */
	uint64_t filesz;   /* bytes copied from the file */
	uint64_t memsz;    /* bytes occupied in memory; the rest is zero-filled */
	uint64_t file_off; /* offset in elf_image.data */
	uint32_t flags;    /* PF_X / PF_W / PF_R */
};

/* A parsed kernel image. Every address below is validated against the
 * pvisor memory model when elf_image_parse() returns 0. */
struct elf_image {
	uint8_t *data;  /* owned: the (decompressed) file contents */
	size_t len;     /* bytes in data */
	size_t map_len; /* data is a read-only map of the file (munmap'ed) */
	struct elf_segment seg[ELF_IMAGE_MAX_SEGS];
	unsigned nseg;
	uint64_t entry;          /* virtual entry point: ENTRY note, else e_entry */
	uint64_t virt_base;      /* VIRT_BASE note, else p_vaddr - p_paddr */
	uint64_t paddr_offset;   /* PADDR_OFFSET note, else virt_base */
	uint64_t hypercall_page; /* virtual address, valid if has_hypercall_page */
	int has_hypercall_page;
	uint64_t pstart, pend; /* guest-physical extent of all segments, page aligned */
	char guest_os[64];     /* string notes; "" when absent */
	char guest_version[64];
	char xen_version[64];
	char loader[64];
	char features[256];
	int suspend_cancel; /* SUSPEND_CANCEL note present and non-zero */
	int mod_start_pfn;  /* MOD_START_PFN note present and non-zero */
	int note_source;    /* ELF_NOTES_* */
	int compressed;     /* the input was gzip */
};

/*
 * Read the kernel file at path (at most ELF_IMAGE_MAX_FILE bytes; gzip is detected
 * by its magic and inflated) and parse it as elf_image_parse() does. An
 * uncompressed file is mapped, not read (as libxenguest does): only the pages
 * parsed and loaded are touched, most of a kernel file being symbols. On failure
 * err holds a message that names the file ("kernel '<path>': ...") and img is left
 * empty (safe to pass to elf_image_fini). Returns 0 or a negative errno:
 * -ENOENT/-EACCES/... from the file system, -EFBIG for a file or stream over the
 * limits, -ENOEXEC for a malformed or unsupported image, -ENOMEM.
 */
int elf_image_open(const char *path, struct elf_image *img, struct pvx_err *err);

/*
 * Parse a kernel image held in buf (copied: the caller keeps buf). A buffer that
 * starts with the gzip magic (1f 8b) is inflated first (bounded by
 * ELF_IMAGE_MAX_INFLATED). Validates the ELF64 header, program headers, notes and
 * the pvisor address rules (see docs/NOTES-builder.md). On success img owns a
 * copy of the data; release it with elf_image_fini(). On failure err holds the
 * problem without a file name, img is left empty and a negative errno is
 * returned (-ENOEXEC, -EFBIG, -ENOMEM).
 */
int elf_image_parse(const void *buf, size_t len, struct elf_image *img, struct pvx_err *err);

/*
 * Copy every segment of img into guest RAM: guest_ram is a host mapping of
 * guest-physical [0, ram_bytes). Bytes between filesz and memsz are zeroed, unless
 * flags has ELF_LOAD_RAM_ZERO: RAM reads as zero already (a fresh memfd), and
 * writing zeros would only allocate the bss's pages (a megabyte for the reference
 * kernel) before the guest needs them. The rest of RAM is left alone. Returns 0,
 * or -ENOSPC (with a message saying how much memory the kernel needs) when
 * img->pend exceeds ram_bytes, or -EINVAL for an image that was not parsed.
 */
#define ELF_LOAD_RAM_ZERO 1u
int elf_image_load(const struct elf_image *img, void *guest_ram, uint64_t ram_bytes,
		   unsigned flags, struct pvx_err *err);

/*
 * The same as elf_image_load into guest RAM held by memory fd `fd` (RAM at offset
 * 0, reading as zero: a fresh domain's memfd): each segment's file bytes go in
 * with pwrite, no map of the guest's memory and no page faults in the caller. The
 * guest-physical page at `hole` (page aligned; UINT64_MAX for none) is left
 * alone: the hypervisor writes the hypercall page there (hypercall_init), which
 * may come before the image is written. Returns 0, -ENOSPC, -EINVAL as
 * elf_image_load, or -errno from pwrite.
 */
int elf_image_write(const struct elf_image *img, int fd, uint64_t ram_bytes, uint64_t hole,
		    struct pvx_err *err);

/* Free what img owns and reset it to empty. Safe on an empty or zeroed image. */
void elf_image_fini(struct elf_image *img);

#endif
