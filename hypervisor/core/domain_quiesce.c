/* Quiesce: a domain's vCPUs stopped at a consistent point for save/restore and
 * migration, its registers then readable and writable through the engine
 * (engines/engine.h); resume lets them go on. */
#include <pthread.h>
#include <time.h>

#include "core/hv.h"
#include "engines/engine.h"
#include "pvisor/errno.h"
#include "util.h"

/* Wait (hv_lock held) until the quiesce ends, the domain stops or the deadline. */
static int domain_quiesce_wait_locked(struct domain *d, uint32_t timeout_ms)
{
	struct timespec end;
	int rc = 0;

	util_deadline_after(&end, timeout_ms);
	while (d->quiesce == DOMAIN_QUIESCING && !domain_is_stopped(d) && rc == 0)
		rc = pthread_cond_timedwait(&hv_cond, &hv_lock, &end);
	if (d->quiesce == DOMAIN_QUIESCED)
		return 0;
	if (domain_is_stopped(d) || d->reaped)
		return -PV_EINVAL;
	return -PV_ETIMEDOUT;
}

/* A suspended domain quiesces by itself: wait for the end (the quiesce is not
 * withdrawn on a timeout: it stays suspended for the toolstack to resume). */
static int domain_suspend_wait_locked(struct domain *d, uint32_t timeout_ms)
{
	struct timespec end;
	int rc = 0;

	util_deadline_after(&end, timeout_ms);
	while (d->quiesce == DOMAIN_QUIESCING && domain_is_suspended(d) && rc == 0)
		rc = pthread_cond_timedwait(&hv_cond, &hv_lock, &end);
	if (d->quiesce == DOMAIN_QUIESCED && domain_is_suspended(d))
		return 0;
	return domain_is_suspended(d) ? -PV_ETIMEDOUT : -PV_EINVAL;
}

/* A domain that never ran is quiesced as it is: nothing of it runs. */
int domain_quiesce(struct domain *d, uint32_t timeout_ms)
{
	int rc = 0;

	pthread_mutex_lock(&hv_lock);
	if (domain_is_suspended(d) && !d->removed)
		rc = domain_suspend_wait_locked(d, timeout_ms);
	else if (domain_is_stopped(d) || d->removed)
		rc = -PV_EINVAL;
	else if (d->quiesce != DOMAIN_RUNS)
		rc = -PV_EBUSY;
	else if (!d->started)
		d->quiesce = DOMAIN_QUIESCED;
	else {
		d->quiesce = DOMAIN_QUIESCING;
		rc = d->engine->quiesce(d);
		if (rc == 0)
			rc = domain_quiesce_wait_locked(d, timeout_ms);
		if (rc && d->started && !d->reaped)
			d->engine->resume(d); /* withdrawn: whoever stopped goes on */
		if (rc)
			d->quiesce = DOMAIN_RUNS;
	}
	pthread_cond_broadcast(&hv_cond);
	pthread_mutex_unlock(&hv_lock);
	return rc;
}

void domain_quiesced_locked(struct domain *d)
{
	if (d->quiesce == DOMAIN_QUIESCING)
		d->quiesce = DOMAIN_QUIESCED;
	pthread_cond_broadcast(&hv_cond);
}

int domain_resume(struct domain *d)
{
	int rc = 0;

	pthread_mutex_lock(&hv_lock);
	if (d->quiesce != DOMAIN_QUIESCED || domain_is_suspended(d)) {
		rc = -PV_EINVAL; /* a suspended domain goes on with resumedomain */
	} else {
		if (d->started && !d->reaped)
			d->engine->resume(d);
		d->quiesce = DOMAIN_RUNS;
		timer_domain_resumed_locked(d);
		pthread_cond_broadcast(&hv_cond);
	}
	pthread_mutex_unlock(&hv_lock);
	return rc;
}
