/* The data pattern of the disk tests, shared by the guest (app=blkcheck) and the
 * host (build/bin/blkpattern): every 512-byte sector holds 64 words that depend on
 * a seed and the sector number only, so either side can write a region in any
 * order and the other check it byte for byte. Header only, no dependencies. */
#ifndef KERNEL_LIB_BLKPATTERN_H
#define KERNEL_LIB_BLKPATTERN_H

#include <stdint.h>

#define BLKPATTERN_WORDS 64 /* per 512-byte sector */

static inline uint64_t blkpattern_word(uint64_t seed, uint64_t sector, unsigned i)
{
	uint64_t z = seed ^ (sector * BLKPATTERN_WORDS + i) * 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Fill n sectors starting at sector into buf (n * 512 bytes). */
static inline void blkpattern_fill(uint64_t seed, uint64_t sector, uint64_t n, void *buf)
{
	uint64_t *w = buf;

	for (uint64_t s = 0; s < n; s++)
		for (unsigned i = 0; i < BLKPATTERN_WORDS; i++)
			*w++ = blkpattern_word(seed, sector + s, i);
}

/* Index of the first sector of buf that differs from the pattern, or n. */
static inline uint64_t blkpattern_check(uint64_t seed, uint64_t sector, uint64_t n,
					const void *buf)
{
	const uint64_t *w = buf;

	for (uint64_t s = 0; s < n; s++)
		for (unsigned i = 0; i < BLKPATTERN_WORDS; i++)
			if (*w++ != blkpattern_word(seed, sector + s, i))
				return s;
	return n;
}

/* xorshift64*: the tests' random offsets and sizes. */
static inline uint64_t blkpattern_rand(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x2545f4914f6cdd1dull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dull;
}

#endif
