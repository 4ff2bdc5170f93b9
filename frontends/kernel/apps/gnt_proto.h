/* What the grant apps (app=grant, app=gcopy) and their dom0 partner
 * (tests/tools/gnt_peer.c) agree on: offsets and markers in the shared pages, the
 * gcopy control page and the data pattern and checksum both sides compute. Header
 * only, freestanding: the kernel and host test code include it alike. */
#ifndef KERNEL_APPS_GNT_PROTO_H
#define KERNEL_APPS_GNT_PROTO_H

#include <stdint.h>

/* app=grant: the writable page. The guest writes GNT_GUEST_HELLO at offset 0 before
 * granting, dom0 answers GNT_DOM0_HELLO at GNT_DOM0_OFF, the guest acknowledges
 * with GNT_GUEST_ACK at GNT_ACK_OFF after its end_access was refused. */
#define GNT_GUEST_HELLO "guest-hello"
#define GNT_DOM0_OFF    64
#define GNT_DOM0_HELLO  "dom0-hello"
#define GNT_ACK_OFF     128
#define GNT_GUEST_ACK   "guest-ack: end_access refused while mapped"
/* The read-only page holds this text at offset 0. */
#define GNT_RO_TEXT     "read-only page of the guest"
/* A domid that is not dom0, for the grant dom0 must not be able to map. */
#define GNT_OTHER_DOMID 0x7fefu

/* app=gcopy: the control page (granted writable to dom0), states in order. */
enum gcopy_state {
	GCOPY_SRC_READY = 1,  /* guest: src granted read-only as first_ref..+count */
	GCOPY_SRC_COPIED = 2, /* dom0: copied src into its buffer */
	GCOPY_DST_READY = 3,  /* guest: src revoked, dst granted writable as first_ref.. */
	GCOPY_DST_COPIED = 4, /* dom0: copied its buffer into dst */
};

#define GCOPY_MAGIC 0x67636f70u /* "gcop" */
struct gcopy_ctrl {
	uint32_t magic;     /* GCOPY_MAGIC once the fields below are valid */
	uint32_t state;     /* enum gcopy_state; each side waits for the other's */
	uint32_t first_ref; /* the granted run of the current phase */
	uint32_t count;     /* pages (= refs) in it */
	uint64_t checksum;  /* gcopy_checksum of the source pages */
};

/* The source data: 8 bytes at a time, a mix of the word index (never all zero). */
static inline uint64_t gcopy_word(uint64_t i)
{
	uint64_t z = i + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Order-sensitive checksum of n 64-bit words. */
static inline uint64_t gcopy_checksum(const uint64_t *w, uint64_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (uint64_t i = 0; i < n; i++)
		h = (h ^ w[i]) * 0x100000001b3ull;
	return h;
}

#endif
