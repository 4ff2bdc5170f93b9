/* ustar (POSIX tar) headers: parse one 512-byte header block. Pure code (no kernel
 * calls) so the host can unit-test it; the shell's ls and cat use it over a disk. */
#ifndef KERNEL_LIB_USTAR_H
#define KERNEL_LIB_USTAR_H

#include <stdint.h>

#define USTAR_BLOCK 512u

struct ustar_entry {
	char name[256]; /* prefix "/" name, NUL-terminated */
	uint64_t size;  /* bytes of data following the header */
	char type;      /* '0' or '\0' file, '5' directory, others as in tar */
	uint32_t mode;
};

/* Parse the header block hdr. Returns 1 for an end-of-archive (all-zero) block,
 * 0 with *e filled, or -1 for a block that is not a valid tar header (checksum,
 * numbers). */
int ustar_parse(const uint8_t hdr[USTAR_BLOCK], struct ustar_entry *e);
/* Blocks the entry's data occupies after its header. */
static inline uint64_t ustar_data_blocks(const struct ustar_entry *e)
{
	return (e->size + USTAR_BLOCK - 1) / USTAR_BLOCK;
}

#endif
