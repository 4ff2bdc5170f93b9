/* Test helper: build small ELF64 PV kernel images in memory (headers, PT_LOAD,
 * Xen notes in a PT_NOTE or SHT_NOTE, a legacy __xen_guest section) and gzip them. */
#ifndef TESTS_ELFIMG_BUILD_H
#define TESTS_ELFIMG_BUILD_H

#include <stddef.h>
#include <stdint.h>

#define TB_MAX       (64u << 10)
#define TB_MAX_SEGS  20
#define TB_MAX_NOTES 16

struct tb_seg {
	uint64_t vaddr, paddr, filesz, memsz;
};

struct tb_note {
	uint32_t type;
	const void *desc;
	uint32_t descsz;
};

struct tb_spec {
	uint64_t entry;
	struct tb_seg seg[TB_MAX_SEGS];
	unsigned nseg;
	struct tb_note note[TB_MAX_NOTES];
	unsigned nnote;
	int notes_in_section; /* SHT_NOTE section instead of a PT_NOTE segment */
	const char *legacy;   /* contents of a __xen_guest section, or NULL */
};

/* Where tb_build() put things, for tests that patch the image afterwards. */
struct tb_layout {
	size_t phoff; /* program headers: PT_LOAD first, then PT_NOTE */
	size_t notes_off, notes_len;
	size_t seg_off[TB_MAX_SEGS];
	size_t shoff; /* 0 when there are no sections */
};

/* Build the image described by sp into out (TB_MAX bytes); returns its length. */
size_t tb_build(const struct tb_spec *sp, uint8_t *out, struct tb_layout *lay);

/* The byte tb_build() stores at offset k of segment i's file data. */
uint8_t tb_pattern(unsigned i, uint64_t k);

/* A standard image: one segment at 0x40100000 (paddr 0x100000, 8 KiB file, 4 KiB
 * bss), notes GUEST_OS, GUEST_VERSION, XEN_VERSION, LOADER, FEATURES, VIRT_BASE,
 * PADDR_OFFSET (4 bytes), ENTRY, HYPERCALL_PAGE. */
void tb_spec_standard(struct tb_spec *sp);

/* gzip-compress [in, in + len) into out (cap bytes); returns the length or 0. */
size_t tb_gzip(const uint8_t *in, size_t len, uint8_t *out, size_t cap);

/* Write fuzz seeds (one image per note source, and a gzip one) into dir as
 * seed-<n>; 0 or 1 on an I/O error. */
int tb_write_corpus(const char *dir);

#endif
