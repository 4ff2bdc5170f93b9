/* Internal interface between the kernel image loader's files (elfimg*.c). */
#ifndef PVX_ELFIMG_PRIV_H
#define PVX_ELFIMG_PRIV_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include "libpvx/elfimg.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the ELF loader reads little-endian headers with memcpy");

/* Xen ELF note types (owner "Xen"); numbers as in Xen's public elfnote.h. */
#define XEN_NOTE_ENTRY              1
#define XEN_NOTE_HYPERCALL_PAGE     2
#define XEN_NOTE_VIRT_BASE          3
#define XEN_NOTE_PADDR_OFFSET       4
#define XEN_NOTE_XEN_VERSION        5
#define XEN_NOTE_GUEST_OS           6
#define XEN_NOTE_GUEST_VERSION      7
#define XEN_NOTE_LOADER             8
#define XEN_NOTE_PAE_MODE           9
#define XEN_NOTE_FEATURES           10
#define XEN_NOTE_BSD_SYMTAB         11
#define XEN_NOTE_HV_START_LOW       12
#define XEN_NOTE_L1_MFN_VALID       13
#define XEN_NOTE_SUSPEND_CANCEL     14
#define XEN_NOTE_INIT_P2M           15
#define XEN_NOTE_MOD_START_PFN      16
#define XEN_NOTE_SUPPORTED_FEATURES 17
#define XEN_NOTE_PHYS32_ENTRY       18
#define XEN_NOTE_MAX                18

/* Numeric notes seen so far: val[type] is valid when have has bit (1 << type). */
struct elfimg_notes {
	uint64_t val[XEN_NOTE_MAX + 1];
	uint32_t have;
};

/* State of one parse: the image being filled, its ELF header, where each
 * loadable segment came from (program header index, for messages). */
struct elfimg_ctx {
	struct elf_image *img;
	Elf64_Ehdr eh;
	unsigned seg_phdr[ELF_IMAGE_MAX_SEGS];
	struct elfimg_notes notes;
	struct pvx_err *err;
};

/* Format a message into ctx->err and return rc (a negative errno). */
int elfimg_fail(struct elfimg_ctx *ctx, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* 1 if [off, off + size) lies inside a buffer of len bytes (overflow-safe). */
static inline int elfimg_range_ok(uint64_t off, uint64_t size, uint64_t len)
{
	return off <= len && size <= len - off;
}

/* Read the Xen notes: PT_NOTE program headers first, else SHT_NOTE sections,
 * else the legacy "__xen_guest" section. Fills ctx->notes and the string fields
 * and note_source of ctx->img. 0 or -ENOEXEC with ctx->err set. */
int elfimg_notes_read(struct elfimg_ctx *ctx);

/* Apply the address rules to ctx->img's segments (raw p_paddr in seg.paddr on
 * entry), check them against the pvisor memory model, the entry point and the
 * hypercall page, and compute pstart/pend. 0 or -ENOEXEC with ctx->err set. */
int elfimg_place(struct elfimg_ctx *ctx);

/* Parse the legacy "KEY=VALUE,..." __xen_guest string of len bytes (need not be
 * NUL-terminated). Returns the number of keys understood or -ENOEXEC. */
int elfimg_legacy_parse(struct elfimg_ctx *ctx, const char *s, size_t len);

/* Store a string note value (at most len bytes, must hold a NUL) into the image
 * field for note type (GUEST_OS, ...). 0, or -ENOEXEC if unterminated/too long.
 * Types without a field are accepted and ignored. */
int elfimg_notes_set_string(struct elfimg_ctx *ctx, uint32_t type, const char *s, size_t len);

/* 1 if buf starts with the gzip magic 1f 8b. */
int elfimg_is_gzip(const uint8_t *buf, size_t len);

/* Inflate the gzip stream in [in, in + len) (several members are concatenated)
 * into a new malloc'd buffer of at most max bytes. 0 with *out and *outlen set (the
 * caller frees *out), or -EFBIG (too large), -ENOEXEC (corrupt or truncated),
 * -ENOMEM, with a message in err. */
int elfimg_gunzip(const uint8_t *in, size_t len, size_t max, uint8_t **out, size_t *outlen,
		  struct pvx_err *err);

#endif
