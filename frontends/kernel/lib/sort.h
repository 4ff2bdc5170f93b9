/* Freestanding sorting for the kernel's statistics (no qsort without libc). */
#ifndef KERNEL_LIB_SORT_H
#define KERNEL_LIB_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Sort v[0..n) ascending in place: heapsort, O(n log n), no recursion, no memory. */
void sort_u64(uint64_t *v, size_t n);

/*
 * The value at percentile pct (0..100) of a sorted array: nearest rank, so
 * pct 50 of {1,2,3,4} is 2 and pct 99 of 100 values is the 99th. 0 if n == 0.
 */
uint64_t sort_percentile_u64(const uint64_t *sorted, size_t n, unsigned int pct);

#endif
