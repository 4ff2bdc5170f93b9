/* Ballooning: which RAM frames a domain has given back, and the host memory behind
 * them. A frame given back is punched out of the domain's memory fd, so the host's
 * memory use falls in every process that maps it (the domain process, dom0
 * mappings, our own). Without control of the guest's page tables nothing stops the
 * guest from touching such a frame again: it reads zeros and costs host memory
 * again. What is enforced is the accounting: tot_pages, and the maximum reservation
 * that populating a frame must stay within. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include "core/hv.h"
#include "log.h"
#include "pvisor/errno.h"

#define BALLOON_WORD_BITS 64u

static int balloon_test(const struct domain *d, uint64_t gpfn)
{
	return (int)(d->balloon_map[gpfn / BALLOON_WORD_BITS] >> (gpfn % BALLOON_WORD_BITS) & 1);
}

static void balloon_mark(struct domain *d, uint64_t gpfn, uint64_t n, int out)
{
	for (uint64_t p = gpfn; p < gpfn + n; p++) {
		uint64_t bit = 1ull << (p % BALLOON_WORD_BITS);

		if (out)
			d->balloon_map[p / BALLOON_WORD_BITS] |= bit;
		else
			d->balloon_map[p / BALLOON_WORD_BITS] &= ~bit;
	}
}

/* Count frames of [gpfn, gpfn + n) that are out. */
static uint64_t balloon_count(const struct domain *d, uint64_t gpfn, uint64_t n)
{
	uint64_t out = 0;

	if (!d->balloon_map)
		return 0;
	for (uint64_t p = gpfn; p < gpfn + n; p++)
		out += (uint64_t)balloon_test(d, p);
	return out;
}

/* [gpfn, gpfn + n) lies in RAM (never the special pages after it). */
static int balloon_range_ok(const struct domain *d, uint64_t gpfn, uint64_t n)
{
	return d->mem_fd >= 0 && gpfn < d->max_pages && n <= d->max_pages - gpfn;
}

int balloon_release_locked(struct domain *d, uint64_t gpfn, unsigned order)
{
	uint64_t n = 1ull << order;
	int rc;

	if (!balloon_range_ok(d, gpfn, n))
		return -PV_EINVAL;
	if (!d->balloon_map) {
		d->balloon_map = calloc((d->max_pages + BALLOON_WORD_BITS - 1) /
						BALLOON_WORD_BITS,
					sizeof(uint64_t));
		if (!d->balloon_map)
			return -PV_ENOMEM;
	}
	if (balloon_count(d, gpfn, n))
		return -PV_ENOENT; /* some frame is out already */
	if ((rc = domain_mem_punch(d, gpfn * PV_PAGE_SIZE, n * PV_PAGE_SIZE)) < 0) {
		log_warnx("dom%u: punching frames 0x%llx+%llu: PV errno %d", d->domid,
			  (unsigned long long)gpfn, (unsigned long long)n, -rc);
		return -PV_EIO;
	}
	balloon_mark(d, gpfn, n, 1);
	domain_dirty_mark(d, gpfn, n); /* they read as zeros now */
	d->tot_pages = d->tot_pages > n ? d->tot_pages - n : 0;
	return 0;
}

int balloon_reclaim_locked(struct domain *d, uint64_t gpfn, unsigned order)
{
	uint64_t n = 1ull << order;

	if (!balloon_range_ok(d, gpfn, n) || (gpfn & (n - 1)))
		return -PV_EINVAL;
	if (balloon_count(d, gpfn, n) != n)
		return -PV_EEXIST; /* some frame is populated */
	if (d->tot_pages + n > d->mem_limit)
		return -PV_ENOSPC;
	/* The hole already reads as zeros: only the books change. */
	balloon_mark(d, gpfn, n, 0);
	d->tot_pages += n;
	return 0;
}

void balloon_fini(struct domain *d)
{
	free(d->balloon_map);
	d->balloon_map = NULL;
}
