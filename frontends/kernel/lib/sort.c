/* Heapsort of 64-bit values and nearest-rank percentiles (see sort.h). */
#include "sort.h"

static void sort_swap(uint64_t *a, uint64_t *b)
{
	uint64_t t = *a;

	*a = *b;
	*b = t;
}

/* Move v[root] down until the max-heap property holds for v[0..n). */
static void sort_sift_down(uint64_t *v, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n && v[child + 1] > v[child])
			child++;
		if (v[root] >= v[child])
			return;
		sort_swap(&v[root], &v[child]);
		root = child;
	}
}

void sort_u64(uint64_t *v, size_t n)
{
	if (n < 2)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sort_sift_down(v, i, n);
	for (size_t end = n - 1; end > 0; end--) {
		sort_swap(&v[0], &v[end]);
		sort_sift_down(v, 0, end);
	}
}

uint64_t sort_percentile_u64(const uint64_t *sorted, size_t n, unsigned int pct)
{
	size_t rank;

	if (n == 0)
		return 0;
	if (pct > 100)
		pct = 100;
	rank = (n * pct + 99) / 100; /* ceil(n * pct / 100), 1-based */
	if (rank == 0)
		rank = 1;
	return sorted[rank - 1];
}
