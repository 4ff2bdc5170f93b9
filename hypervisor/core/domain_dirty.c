/* The dirty log of a domain, for live migration: which pages of its memory were
 * written since the last look. Three writers, three sources: the guest (the
 * engine's dirty_log ops: pv write-protects the process's mapping, hvm asks KVM),
 * the hypervisor through its own mapping (every place that writes guest memory
 * calls domain_dirty_mark: hypercall results, grant copies, the hypercall page,
 * ballooning) and dom0 through grant maps (the grant table knows which frames are
 * mapped writable). Engine logs do not see the other two, which is why the core
 * keeps a bitmap of its own beside them. */
#include <stdlib.h>
#include <string.h>

#include "core/hv.h"
#include "engines/engine.h"
#include "gnttab/gnttab.h"
#include "pvisor/errno.h"

/* The log can be read by its owner: on, and the domain's host context alive. */
static int dirty_check_locked(struct domain *d, const void *owner)
{
	if (!d->started || d->reaped)
		return -PV_EINVAL;
	if (!d->dirty_on || d->dirty_owner != owner)
		return -PV_EINVAL;
	return 0;
}

int domain_dirty_start(struct domain *d, const void *owner)
{
	uint64_t words = domain_dirty_words(d);
	int rc = 0;

	pthread_mutex_lock(&hv_lock);
	if (!d->started || d->reaped || !d->mem)
		rc = -PV_EINVAL;
	else if (d->dirty_on)
		rc = -PV_EBUSY;
	else if (!d->engine->dirty_log_start)
		rc = -PV_EOPNOTSUPP;
	else if (!d->dirty_hv && !(d->dirty_hv = calloc(words, sizeof(uint64_t))))
		rc = -PV_ENOMEM;
	if (rc == 0) {
		memset(d->dirty_hv, 0, words * sizeof(uint64_t)); /* no marker writes: off */
		rc = d->engine->dirty_log_start(d);
	}
	if (rc == 0) {
		d->dirty_owner = owner;
		__atomic_store_n(&d->dirty_on, 1, __ATOMIC_SEQ_CST);
	}
	pthread_mutex_unlock(&hv_lock);
	return rc;
}

/* What every collect reports: the special pages the hypervisor writes as it goes
 * (shared_info, the vCPU context pages, the grant frames). The upcall stacks after
 * them are the guest's, seen by the engine. */
static void dirty_special(struct domain *d, uint64_t *bitmap)
{
	uint64_t first = d->special_off / PV_PAGE_SIZE;
	uint64_t end = first + PV_SPECIAL_UPCALL_STACKS(d->max_vcpus);

	for (uint64_t pg = first; pg < end; pg++)
		bitmap[pg / 64] |= 1ull << (pg % 64);
}

static long dirty_count(const uint64_t *bitmap, uint64_t words)
{
	long n = 0;

	for (uint64_t i = 0; i < words; i++)
		n += __builtin_popcountll(bitmap[i]);
	return n;
}

long domain_dirty_collect(struct domain *d, const void *owner, uint64_t *bitmap, uint64_t words)
{
	uint64_t need = domain_dirty_words(d);
	long rc;

	if (words < need)
		return -PV_EINVAL;
	pthread_mutex_lock(&hv_lock);
	rc = dirty_check_locked(d, owner);
	if (rc == 0)
		rc = d->engine->dirty_log_collect(d, bitmap);
	if (rc == 0) {
		for (uint64_t i = 0; i < need; i++)
			bitmap[i] |= __atomic_exchange_n(&d->dirty_hv[i], 0, __ATOMIC_SEQ_CST);
		gnttab_dirty_writers(d, bitmap);
		dirty_special(d, bitmap);
	}
	pthread_mutex_unlock(&hv_lock);
	if (rc == 0) {
		memset(bitmap + need, 0, (words - need) * sizeof(uint64_t));
		rc = dirty_count(bitmap, need);
	}
	return rc;
}

static void dirty_stop_locked(struct domain *d)
{
	__atomic_store_n(&d->dirty_on, 0, __ATOMIC_SEQ_CST);
	d->dirty_owner = NULL;
	if (d->started && !d->reaped)
		d->engine->dirty_log_stop(d);
}

int domain_dirty_stop(struct domain *d, const void *owner)
{
	int rc = 0;

	pthread_mutex_lock(&hv_lock);
	if (!d->dirty_on || d->dirty_owner != owner)
		rc = -PV_EINVAL;
	else
		dirty_stop_locked(d);
	pthread_mutex_unlock(&hv_lock);
	return rc;
}

void domain_dirty_drop_owner(const void *owner)
{
	pthread_mutex_lock(&hv_lock);
	for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
		struct domain *d = domain_at_locked(i);

		if (d && d->dirty_on && d->dirty_owner == owner)
			dirty_stop_locked(d);
	}
	pthread_mutex_unlock(&hv_lock);
}

void domain_dirty_mark(struct domain *d, uint64_t gpfn, uint64_t n)
{
	uint64_t limit = d->mem_size / PV_PAGE_SIZE;

	if (!__atomic_load_n(&d->dirty_on, __ATOMIC_SEQ_CST))
		return;
	for (; n && gpfn < limit; n--, gpfn++)
		__atomic_fetch_or(&d->dirty_hv[gpfn / 64], 1ull << (gpfn % 64), __ATOMIC_SEQ_CST);
}
