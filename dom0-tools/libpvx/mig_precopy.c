/* Pre-copy: guest memory sent while the guest runs, round after round (mig_send.h).
 * Round 0 sends every page that holds data; each later round collects the
 * hypervisor's dirty log into a pending set and sends those pages as they are
 * then -- a page written again after its collect is dirty in the next one, so the
 * receiver always ends with the last copy. Pages that became zero (ballooned out)
 * go as ZERO entries, so the receiver clears its copy. Only RAM and the engine's
 * pages travel as page data; the other special pages (shared_info, the grant
 * frames, the vCPU context pages) are records of the last round. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libpvx/mig_send.h"

#define PAGE PV_PAGE_SIZE

static void pre_progress(void *ctx, const struct sr_pages_writer *w)
{
	struct mig_pre *p = ctx;

	if (p->progress)
		p->progress(p->progress_ctx, w->pages + w->zero, sr_io_offset(w->io));
}

int mig_pre_start(struct mig_pre *p, struct pvx_err *err)
{
	struct sr_save *s = p->s;
	struct pv_domctl_getdomaininfo gi;
	uint64_t nv;
	int rc = pvctrl_domain_getinfo(s->h, s->domid, &gi);

	if (rc < 0)
		return pvx_fail(err, rc, "domain %u: %s", s->domid, strerror(-rc));
	nv = gi.max_vcpu_id + 1ull;
	rc = pvctrl_dirty_log_start(s->h, s->domid, &p->nr_pages);

	if (rc == -EOPNOTSUPP)
		return pvx_fail(err, rc,
				"the hypervisor cannot track this domain's writes (its "
				"engine, or this host's kernel: asynchronous userfaultfd "
				"write-protect and PAGEMAP_SCAN need Linux 6.7): it cannot "
				"migrate live");
	if (rc < 0)
		return pvx_fail(err, rc, "starting the dirty-page log: %s", strerror(-rc));
	p->log_on = 1;
	p->words = (p->nr_pages + 63) / 64;
	p->pend = calloc(p->words, sizeof(uint64_t));
	p->tmp = calloc(p->words, sizeof(uint64_t));
	p->eng_first = s->max_pages + PV_SPECIAL_UPCALL_STACKS(nv);
	p->eng_end = s->max_pages + PV_SPECIAL_PAGES(nv);
	if (p->eng_end > p->nr_pages)
		p->eng_end = p->nr_pages;
	rc = sr_pages_writer_init(&p->w, &s->io, SR_PAGES_NOSUM);
	if (!p->pend || !p->tmp || rc < 0)
		return pvx_fail(err, -ENOMEM, "out of memory");
	p->w.progress = pre_progress;
	p->w.progress_ctx = p;
	return 0;
}

int mig_pre_first(struct mig_pre *p, uint64_t *sent)
{
	struct sr_save *s = p->s;
	uint64_t before = p->w.pages; /* zero pages are left out: the receiver has zeros */
	int rc = sr_pages_write_fd(&p->w, s->memfd, s->mem, 0, s->max_pages);

	if (rc == 0)
		rc = sr_pages_write_fd(&p->w, s->memfd, s->mem, p->eng_first,
				       p->eng_end - p->eng_first);
	if (rc == 0)
		rc = sr_pages_flush(&p->w);
	*sent = p->w.pages - before;
	return rc;
}

/* Frames that travel as page data: RAM and the engine's pages. */
static int pre_sendable(const struct mig_pre *p, uint64_t pg)
{
	return pg < p->s->max_pages || (pg >= p->eng_first && pg < p->eng_end);
}

int mig_pre_collect(struct mig_pre *p, uint64_t *dirty)
{
	long n = pvctrl_dirty_log_collect(p->s->h, p->s->domid, p->tmp, p->words);
	uint64_t count = 0;

	if (n < 0)
		return (int)n;
	for (uint64_t i = 0; i < p->words; i++) {
		uint64_t bits = p->tmp[i];

		while (bits) {
			uint64_t pg = i * 64 + (uint64_t)__builtin_ctzll(bits);

			bits &= bits - 1;
			if (pre_sendable(p, pg))
				p->pend[i] |= 1ull << (pg % 64);
		}
		count += (uint64_t)__builtin_popcountll(p->pend[i]);
	}
	*dirty = count;
	return 0;
}

int mig_pre_send(struct mig_pre *p, uint64_t *sent)
{
	struct sr_save *s = p->s;
	uint64_t before = p->w.pages + p->w.zero;
	int rc = 0;

	p->w.flags |= SR_PAGES_SEND_ZERO;
	for (uint64_t i = 0; i < p->words && rc == 0; i++) {
		uint64_t bits = p->pend[i];

		p->pend[i] = 0;
		while (bits && rc == 0) {
			uint64_t pg = i * 64 + (uint64_t)__builtin_ctzll(bits);

			bits &= bits - 1;
			rc = sr_pages_add(&p->w, pg, s->mem + pg * PAGE);
		}
	}
	if (rc == 0)
		rc = sr_pages_flush(&p->w);
	p->w.flags &= ~SR_PAGES_SEND_ZERO;
	*sent = p->w.pages + p->w.zero - before;
	return rc;
}

void mig_pre_end(struct mig_pre *p)
{
	if (p->log_on)
		pvctrl_dirty_log_stop(p->s->h, p->s->domid);
	p->log_on = 0;
	sr_pages_writer_fini(&p->w);
	free(p->pend);
	free(p->tmp);
	p->pend = p->tmp = NULL;
}

int mig_page_sums(int memfd, uint64_t first, uint64_t n, uint64_t *sums)
{
	uint8_t buf[16 * PAGE];

	for (uint64_t i = 0; i < n; i += 16) {
		size_t want = (size_t)(n - i < 16 ? n - i : 16) * PAGE;
		ssize_t got = pread(memfd, buf, want, (off_t)((first + i) * PAGE));

		if (got != (ssize_t)want)
			return got < 0 ? -errno : -EIO;
		for (size_t j = 0; j < want / PAGE; j++)
			sums[i + j] = sr_sum64(buf + j * PAGE, PAGE);
	}
	return 0;
}

int mig_page_sums_write(struct sr_save *s)
{
	struct pv_sr_page_sums *ps = malloc(sizeof(*ps) + PV_SR_PAGE_SUMS_MAX * sizeof(uint64_t));
	int rc = ps ? 0 : -ENOMEM;

	for (uint64_t first = 0; rc == 0 && first < s->max_pages; first += PV_SR_PAGE_SUMS_MAX) {
		uint64_t n = s->max_pages - first;

		if (n > PV_SR_PAGE_SUMS_MAX)
			n = PV_SR_PAGE_SUMS_MAX;
		*ps = (struct pv_sr_page_sums){ .first = first, .count = (uint32_t)n };
		if ((rc = mig_page_sums(s->memfd, first, n, ps->page_sum)) < 0)
			break;
		rc = sr_record_write1(&s->io, PV_SR_REC_PAGE_SUMS, ps,
				      sizeof(*ps) + n * sizeof(uint64_t));
	}
	free(ps);
	return rc;
}
