/*
 * The pv engine's dirty log, for live migration: which pages of its memory the
 * domain process wrote. The launcher made a userfaultfd of its mm for asynchronous
 * write-protect and opened its pagemap (launch.c's dirty_make) -- or, walled in a
 * mount namespace with no /proc, left that to us (pv_dirty_pagemap_open); here the guest's
 * mapping is registered for write-protect, and each collect is one PAGEMAP_SCAN
 * ioctl (Linux 6.7) that returns the pages written since the last one and
 * write-protects them again in the same walk. A first write to a protected page
 * costs the guest one minor fault that the kernel resolves itself (no message, no
 * thread of ours); later writes cost nothing until the next collect. Measured
 * beside the other ways this kernel offers in docs/NOTES-migrate.md
 * (tests/tools/dirtyprobe).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"
#include "pv.h"
#include "pv_errno.h"
#include "pvisor/errno.h"

/* PAGEMAP_SCAN (linux/fs.h of Linux 6.7; Debian 12's headers lack it). */
struct pv_page_region {
	uint64_t start, end, categories;
};
struct pv_pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PV_PAGEMAP_SCAN          _IOWR('f', 16, struct pv_pm_scan_arg)
#define PV_PM_SCAN_WP_MATCHING   (1ull << 0)
#define PV_PM_SCAN_CHECK_WPASYNC (1ull << 1)
#define PV_PAGE_IS_WRITTEN       (1ull << 1)

#define PV_SCAN_VEC 256 /* regions per ioctl; a region is a run of written pages */

/*
 * Read the pages written since the last scan and protect them again. With bitmap
 * NULL the result is dropped (start: from now on). Holds hv_lock like every op;
 * a scan of 64 MiB with nothing written costs some 20 us, with 4096 pages written
 * some 150 us.
 */
static int pv_dirty_scan(struct domain *d, uint64_t *bitmap)
{
	struct pv_dom *p = pv_dom(d);
	struct pv_page_region vec[PV_SCAN_VEC];
	struct pv_pm_scan_arg a = {
		.size = sizeof(a),
		.flags = PV_PM_SCAN_WP_MATCHING | PV_PM_SCAN_CHECK_WPASYNC,
		.start = PV_PHYSMAP_BASE,
		.end = PV_PHYSMAP_BASE + d->mem_size,
		.vec = (uint64_t)(uintptr_t)vec,
		.vec_len = PV_SCAN_VEC,
		.category_mask = PV_PAGE_IS_WRITTEN,
		.return_mask = PV_PAGE_IS_WRITTEN,
	};

	do {
		long n = ioctl(p->pagemap, PV_PAGEMAP_SCAN, &a);

		if (n < 0) /* ENOTTY: a kernel without PAGEMAP_SCAN */
			return errno == ENOTTY ? -PV_EOPNOTSUPP : pv_errno_last();
		for (long i = 0; bitmap && i < n; i++)
			for (uint64_t pg = (vec[i].start - PV_PHYSMAP_BASE) / PV_PAGE_SIZE;
			     pg < (vec[i].end - PV_PHYSMAP_BASE) / PV_PAGE_SIZE; pg++)
				bitmap[pg / 64] |= 1ull << (pg % 64);
		a.start = a.walk_end;
	} while (a.walk_end < a.end);
	return 0;
}

int pv_dirty_pagemap_open(pid_t pid)
{
	char path[48];

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	return open(path, O_RDONLY | O_CLOEXEC); /* -1: no dirty log, as before */
}

void pv_dirty_pagemap_take(struct pv_dom *p, int *fd)
{
	if (p->pagemap < 0)
		p->pagemap = *fd;
	else if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int pv_dirty_log_start(struct domain *d)
{
	struct pv_dom *p = pv_dom(d);
	struct uffdio_register reg = { .range = { PV_PHYSMAP_BASE, d->mem_size },
				       .mode = UFFDIO_REGISTER_MODE_WP };
	int rc;

	if (p->dirty_uffd < 0 || p->pagemap < 0)
		return -PV_EOPNOTSUPP; /* the host kernel gave the launcher none */
	if (p->pid <= 0)
		return -PV_EINVAL;
	if (!p->dirty_on && ioctl(p->dirty_uffd, UFFDIO_REGISTER, &reg) < 0) {
		rc = pv_errno_last();
		log_warn("dom%u: dirty log: registering guest memory", d->domid);
		return rc;
	}
	p->dirty_on = 1;
	rc = pv_dirty_scan(d, NULL);
	if (rc == -PV_EINVAL)
		rc = -PV_EOPNOTSUPP; /* PAGEMAP_SCAN without write-protect matching */
	if (rc)
		pv_dirty_log_stop(d);
	return rc;
}

int pv_dirty_log_collect(struct domain *d, uint64_t *bitmap)
{
	uint64_t words = (d->mem_size / PV_PAGE_SIZE + 63) / 64;

	if (!pv_dom(d)->dirty_on)
		return -PV_EINVAL;
	memset(bitmap, 0, words * sizeof(*bitmap));
	return pv_dirty_scan(d, bitmap);
}

void pv_dirty_log_stop(struct domain *d)
{
	struct pv_dom *p = pv_dom(d);
	struct uffdio_range r = { PV_PHYSMAP_BASE, d->mem_size };

	/* Unregistering also lifts the write-protection. */
	if (p->dirty_on && ioctl(p->dirty_uffd, UFFDIO_UNREGISTER, &r) < 0)
		log_warn("dom%u: dirty log: unregistering guest memory", d->domid);
	p->dirty_on = 0;
}

void pv_dirty_close(struct pv_dom *p)
{
	if (p->dirty_uffd >= 0)
		close(p->dirty_uffd);
	if (p->pagemap >= 0)
		close(p->pagemap);
	p->dirty_uffd = p->pagemap = -1;
	p->dirty_on = 0;
}
