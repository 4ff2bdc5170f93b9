/* The domain table and every lifecycle transition: create, memory size, name,
 * pause/unpause, shutdown, crash, reap and destroy. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "core/dcg.h"
#include "core/hv.h"
#include "engines/engine.h"
#include "evtchn/evtchn.h"
#include "gnttab/gnttab.h"
#include "log.h"
#include "pv_errno.h"
#include "pvisor/domctl.h"
#include "pvisor/errno.h"
#include "pvisor/sched.h"
#include "util.h"

pthread_mutex_t hv_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t hv_cond = PTHREAD_COND_INITIALIZER;

static unsigned next_domid = 1;

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int domid_alloc_locked(pv_domid_t *out)
{
	for (unsigned tries = 0; tries < PV_DOMID_FIRST_RESERVED; tries++) {
		unsigned id = next_domid;

		next_domid = next_domid + 1 >= PV_DOMID_FIRST_RESERVED ? 1 : next_domid + 1;
		if (!domain_lookup_locked(id)) {
			*out = id;
			return 0;
		}
	}
	return -PV_ENOSPC;
}

/* A fresh domain record with its vCPUs and the engine's state; not in the table. */
static struct domain *domain_alloc(const struct engine_ops *engine, uint32_t max_vcpus, int *err)
{
	struct domain *d = calloc(1, sizeof(*d));

	if (d)
		d->vcpus = calloc(max_vcpus, sizeof(*d->vcpus));
	if (!d || !d->vcpus) {
		free(d);
		*err = -PV_ENOMEM;
		return NULL;
	}
	for (unsigned i = 0; i < max_vcpus; i++) {
		d->vcpus[i].id = i;
		d->vcpus[i].d = d;
		memset(d->vcpus[i].affinity_hard, 0xff, HV_CPUMAP_BYTES); /* all */
		memset(d->vcpus[i].affinity_soft, 0xff, HV_CPUMAP_BYTES);
	}
	d->sched_weight = DCG_WEIGHT_DEFAULT;
	d->max_vcpus = max_vcpus;
	d->engine = engine;
	*err = engine->create(d);
	if (*err) {
		free(d->vcpus);
		free(d);
		return NULL;
	}
	return d;
}

/* The engine is picked by the create flags: hvm domains need an engine named "hvm". */
int domain_create(uint32_t flags, uint32_t max_vcpus, const uint8_t handle[16], pv_domid_t *out)
{
	const struct engine_ops *engine;
	struct domain *d;
	int rc;

	if (max_vcpus == 0 || max_vcpus > HV_MAX_VCPUS)
		return -PV_EINVAL;
	engine = engine_find(flags & PV_DOMCTL_CDF_hvm ? "hvm" : "pv");
	if (!engine)
		return -PV_EOPNOTSUPP;
	d = domain_alloc(engine, max_vcpus, &rc);
	if (!d)
		return rc;
	d->mem_fd = d->mem_ro_fd = -1;
	d->hcpage_gfn = ~0ull;
	d->state = PV_DOMSTATE_CREATED;
	d->pause_count = 1;
	d->refcnt = 1;
	d->actions[0] = d->actions[2] = d->actions[3] = PV_ACTION_DESTROY;
	d->actions[1] = PV_ACTION_RESTART;
	d->create_time = realtime_ns();
	if (handle)
		memcpy(d->handle, handle, 16);
	console_init(&d->console);

	pthread_mutex_lock(&hv_lock);
	rc = domain_count_locked() >= HV_MAX_DOMAINS ? -PV_ENOSPC : domid_alloc_locked(&d->domid);
	if (rc == 0) {
		snprintf(d->name, sizeof(d->name), "domain-%u", d->domid);
		rc = domain_table_add_locked(d);
	}
	if (rc == 0)
		*out = d->domid;
	pthread_mutex_unlock(&hv_lock);
	if (rc) {
		console_fini(&d->console);
		d->engine->destroy(d);
		free(d->vcpus);
		free(d);
		return rc;
	}
	log_info("dom%u: created (%u vCPUs, %s engine)", d->domid, max_vcpus, engine->name);
	return 0;
}

struct domain *domain_get(pv_domid_t domid)
{
	struct domain *d;

	pthread_mutex_lock(&hv_lock);
	d = domain_lookup_locked(domid);
	if (d)
		d->refcnt++;
	pthread_mutex_unlock(&hv_lock);
	return d;
}

static void domain_free(struct domain *d)
{
	if (d->mem && d->mem != MAP_FAILED)
		munmap(d->mem, d->mem_size);
	if (d->mem_fd >= 0)
		close(d->mem_fd);
	if (d->mem_ro_fd >= 0)
		close(d->mem_ro_fd);
	domain_lazy_fini(d);
	gnttab_domain_free(d);
	console_fini(&d->console);
	balloon_fini(d);
	free(d->dirty_hv);
	d->engine->destroy(d);
	free(d->vcpus);
	free(d);
}

void domain_put(struct domain *d)
{
	int last;

	pthread_mutex_lock(&hv_lock);
	last = --d->refcnt == 0;
	pthread_mutex_unlock(&hv_lock);
	if (last)
		domain_free(d);
}

void domain_hold_locked(struct domain *d)
{
	d->refcnt++;
}

/* The memory fd is fixed once the domain has run (the launcher maps it whole):
 * from then on max_mem only moves the maximum reservation within it. */
int domain_set_max_mem(struct domain *d, uint64_t max_kb)
{
	uint64_t pages = max_kb / 4, size;
	struct domain_mem m;
	uint8_t *map;
	int rc;

	if (d->started) {
		if (pages == 0)
			return -PV_EINVAL;
		if (pages > d->max_pages)
			return -PV_EBUSY;
		d->mem_limit = pages;
		return 0;
	}
	if (pages == 0 || pages > (64ull << 30) / PV_PAGE_SIZE)
		return -PV_EINVAL;
	if (d->gnttab)
		return -PV_EBUSY; /* grant copies may be using the current mapping */
	size = (pages + PV_SPECIAL_PAGES(d->max_vcpus)) * PV_PAGE_SIZE;
	/* A fresh memory file per size (domain_mem.c: sealed, read-only grants). */
	if ((rc = domain_mem_open(size, &m)) < 0)
		return rc;
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, m.fd, 0);
	if (map == MAP_FAILED) {
		rc = pv_errno_last();
		close(m.fd);
		close(m.ro_fd);
		return rc;
	}
	if (d->mem)
		munmap(d->mem, d->mem_size);
	if (d->mem_fd >= 0)
		close(d->mem_fd);
	if (d->mem_ro_fd >= 0)
		close(d->mem_ro_fd);
	d->mem = map;
	d->mem_fd = m.fd;
	d->mem_ro_fd = m.ro_fd;
	d->mem_immutable = m.immutable;
	d->mem_size = size;
	d->max_pages = d->tot_pages = d->mem_limit = pages;
	d->special_off = pages * PV_PAGE_SIZE;
	balloon_fini(d); /* a new size: every frame is in again */
	return 0;
}

/* Names become file names (console/<name>.log): letters, digits, '_', '-' and '.',
 * not starting with '.', the set the toolstack's config check also allows. */
static int domain_name_ok(const char *name, size_t len)
{
	if (len == 0 || name[0] == '.')
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

int domain_set_name(struct domain *d, const char *name)
{
	struct domain *other;
	size_t len = strnlen(name, sizeof(d->name));

	if (len >= sizeof(d->name) || !domain_name_ok(name, len))
		return -PV_EINVAL;
	other = domain_by_name_locked(name);
	if (other && other != d)
		return -PV_EEXIST;
	domain_table_rename_locked(d, name, len);
	return 0;
}

int domain_pause(struct domain *d)
{
	int rc = 0;

	if (domain_is_stopped(d))
		return -PV_EINVAL;
	if (d->quiesce == DOMAIN_QUIESCING)
		return -PV_EBUSY; /* its vCPUs are on their way to stop */
	if (d->pause_count++ == 0 && d->started) {
		rc = d->engine->pause(d);
		if (rc == 0)
			d->state = PV_DOMSTATE_PAUSED;
		else
			d->pause_count--;
	}
	pthread_cond_broadcast(&hv_cond);
	return rc;
}

int domain_unpause(struct domain *d)
{
	int rc;

	if (domain_is_stopped(d))
		return -PV_EINVAL;
	if (d->pause_count == 0)
		return 0;
	if (d->quiesce == DOMAIN_QUIESCING || (!d->started && d->quiesce != DOMAIN_RUNS))
		return -PV_EBUSY;
	if (d->pause_count > 1) {
		d->pause_count--;
		return 0;
	}
	if (!d->started) {
		if (!d->mem || !d->vcpus[0].ctx_set)
			return -PV_EINVAL; /* not built: no memory or no vCPU 0 context */
		rc = d->engine->start(d);
		if (rc)
			return rc;
		d->started = 1;
		d->start_time = realtime_ns();
	} else {
		rc = d->engine->unpause(d);
		if (rc)
			return rc;
	}
	d->pause_count = 0;
	d->state = PV_DOMSTATE_RUNNING;
	timer_domain_resumed_locked(d);
	pthread_cond_broadcast(&hv_cond);
	return 0;
}

static uint8_t domain_action_for(const struct domain *d)
{
	if (d->state == PV_DOMSTATE_CRASHED)
		return d->actions[2];
	switch (d->shutdown_reason) {
	case PV_SHUTDOWN_poweroff:
		return d->actions[0];
	case PV_SHUTDOWN_reboot:
		return d->actions[1];
	case PV_SHUTDOWN_watchdog:
		return d->actions[3];
	case PV_SHUTDOWN_crash:
		return d->actions[2];
	default:
		return PV_ACTION_PRESERVE; /* suspend: the toolstack saves it */
	}
}

void domain_shutdown_locked(struct domain *d, unsigned reason)
{
	if (domain_is_stopped(d))
		return;
	d->state = PV_DOMSTATE_SHUTDOWN;
	d->shutdown_reason = reason;
	log_info("dom%u (%s): shut down, reason %u", d->domid, d->name, reason);
	domain_changed_locked(d);
	evtchn_raise_dom0_virq_locked(PV_VIRQ_DOM_EXC);
	if (d->started && !d->reaped)
		d->engine->kill(d);
	pthread_cond_broadcast(&hv_cond);
}

void domain_crash_locked(struct domain *d, const char *fmt, ...)
{
	va_list ap;

	if (domain_is_stopped(d))
		return;
	va_start(ap, fmt);
	vsnprintf(d->crash_reason, sizeof(d->crash_reason), fmt, ap);
	va_end(ap);
	d->state = PV_DOMSTATE_CRASHED;
	d->shutdown_reason = PV_SHUTDOWN_crash;
	log_warnx("dom%u (%s): crashed: %s", d->domid, d->name, d->crash_reason);
	domain_changed_locked(d);
	evtchn_raise_dom0_virq_locked(PV_VIRQ_DOM_EXC);
	if (d->started && !d->reaped)
		d->engine->kill(d);
	pthread_cond_broadcast(&hv_cond);
}

/* Take a domain out of the table and release it: hv_lock held. */
static void domain_remove_locked(struct domain *d)
{
	if (d->removed)
		return;
	d->removed = 1;
	domain_table_del_locked(d);
	timer_domain_gone_locked(d);
	log_info("dom%u (%s): destroyed", d->domid, d->name);
	evtchn_domain_fini_locked(d);
	evtchn_raise_dom0_virq_locked(PV_VIRQ_DOM_EXC);
	console_flush(d);
	evtchn_raise_dom0_virq_locked(PV_VIRQ_CON_RING);
	pthread_cond_broadcast(&hv_cond);
	if (--d->refcnt == 0) {
		pthread_mutex_unlock(&hv_lock);
		domain_free(d);
		pthread_mutex_lock(&hv_lock);
	}
}

void domain_reaped(struct domain *d, const struct engine_exit *ex)
{
	pthread_mutex_lock(&hv_lock);
	d->reaped = 1;
	d->cpu_time_final = ex->cpu_ns;
	d->quiesce = DOMAIN_RUNS;
	if (!domain_is_stopped(d))
		domain_crash_locked(d, "%s", ex->why[0] ? ex->why : "its host context ended");
	pthread_mutex_unlock(&hv_lock);
	/* The engine's threads may wait for hv_lock: release outside it. */
	d->engine->release(d);
	pthread_mutex_lock(&hv_lock);
	/* A preserved domain keeps its memory until destroy, as on Xen. */
	if (d->state == PV_DOMSTATE_DYING || domain_action_for(d) == PV_ACTION_DESTROY)
		domain_remove_locked(d);
	pthread_cond_broadcast(&hv_cond);
	pthread_mutex_unlock(&hv_lock);
}

/* Mark d dying and kill its host context (the reaper finishes the job) or, with
 * none, take it out now. hv_lock and a reference held. */
static void domain_destroy_begin_locked(struct domain *d)
{
	d->state = PV_DOMSTATE_DYING;
	if (d->started && !d->reaped)
		d->engine->kill(d);
	else
		domain_remove_locked(d);
}

/* Called with a reference held and hv_lock not held. */
int domain_destroy(struct domain *d)
{
	pthread_mutex_lock(&hv_lock);
	if (d->state == PV_DOMSTATE_DYING) {
		pthread_mutex_unlock(&hv_lock);
		return 0;
	}
	domain_destroy_begin_locked(d);
	while (d->started && !d->reaped)
		pthread_cond_wait(&hv_cond, &hv_lock);
	pthread_mutex_unlock(&hv_lock);
	return 0;
}

void domain_drop_holder(const void *holder)
{
	struct domain *held[16];
	unsigned n;

	do { /* a handful at a time: destroy waits for the reaper without the lock */
		n = 0;
		pthread_mutex_lock(&hv_lock);
		for (unsigned i = 0; i < HV_MAX_DOMAINS && n < 16; i++) {
			struct domain *d = domain_at_locked(i);

			if (d && d->holder == holder) {
				d->holder = NULL;
				domain_hold_locked(d);
				held[n++] = d;
			}
		}
		pthread_mutex_unlock(&hv_lock);
		for (unsigned i = 0; i < n; i++) {
			log_warnx("dom%u: its toolstack let go of its privcmd connection while it held "
				  "it (a domain still arriving): destroyed",
				  held[i]->domid);
			domain_destroy(held[i]);
			domain_put(held[i]);
		}
	} while (n == 16);
}

void domain_destroy_all(uint32_t timeout_ms)
{
	struct domain **all, *d;
	struct timespec end;
	unsigned n = 0;

	util_deadline_after(&end, timeout_ms);
	pthread_mutex_lock(&hv_lock);
	all = calloc(domain_count_locked() + 1, sizeof(*all));
	for (d = domain_next_locked(-1); all && d; d = domain_next_locked(d->domid)) {
		d->refcnt++;
		all[n++] = d;
	}
	for (unsigned i = 0; i < n; i++)
		if (all[i]->state != PV_DOMSTATE_DYING)
			domain_destroy_begin_locked(all[i]);
	for (unsigned i = 0; i < n; i++)
		while (!all[i]->removed &&
		       pthread_cond_timedwait(&hv_cond, &hv_lock, &end) != ETIMEDOUT)
			;
	pthread_mutex_unlock(&hv_lock);
	for (unsigned i = 0; i < n; i++)
		domain_put(all[i]);
	free(all);
}

uint64_t domain_cpu_time_locked(struct domain *d)
{
	if (!d->started)
		return 0;
	return d->reaped ? d->cpu_time_final : d->engine->cpu_time(d);
}

uint64_t vcpu_cpu_time_locked(struct domain *d, struct vcpu *v)
{
	return d->started ? d->engine->vcpu_time(d, v) : 0;
}

int domain_host_pid_locked(struct domain *d)
{
	if (!d->started || d->reaped || !d->engine->host_pid)
		return 0;
	return d->engine->host_pid(d);
}
