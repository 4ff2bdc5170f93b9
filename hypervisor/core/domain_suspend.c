/* Xen's cooperative suspend: a guest that calls SCHEDOP_shutdown(SHUTDOWN_suspend)
 * is shut down with reason suspend, as on Xen, but its host context lives on,
 * quiesced -- every vCPU stopped at a consistent point, the caller just after the
 * hypercall with 0 in rax -- so that the toolstack can read it (save, migration)
 * and then either destroy it or resume it (domctl resumedomain: a checkpoint, or a
 * save that failed), the guest then seeing the hypercall return what the toolstack
 * wrote in rax (1: "suspend cancelled"). */
#include <stdlib.h>

#include "core/hv.h"
#include "engines/engine.h"
#include "evtchn/evtchn.h"
#include "log.h"
#include "pvisor/errno.h"
#include "pvisor/save.h"
#include "pvisor/sched.h"

int domain_is_suspended(const struct domain *d)
{
	return d->state == PV_DOMSTATE_SHUTDOWN && d->shutdown_reason == PV_SHUTDOWN_suspend &&
	       d->started && !d->reaped;
}

void domain_suspend_locked(struct domain *d, unsigned vcpu)
{
	if (domain_is_stopped(d))
		return;
	d->suspend_vcpu = vcpu;
	d->state = PV_DOMSTATE_SHUTDOWN;
	d->shutdown_reason = PV_SHUTDOWN_suspend;
	log_info("dom%u (%s): suspended", d->domid, d->name);
	if (d->started && !d->reaped && d->quiesce == DOMAIN_RUNS) {
		d->quiesce = DOMAIN_QUIESCING;
		if (d->engine->quiesce(d) < 0) {
			/* nothing to keep it by: it cannot be saved, only destroyed */
			d->quiesce = DOMAIN_RUNS;
			d->engine->kill(d);
		}
	}
	evtchn_raise_dom0_virq_locked(PV_VIRQ_DOM_EXC);
	pthread_cond_broadcast(&hv_cond);
}

/* Xen's resumedomain: the suspended domain runs on from where it stopped (paused if
 * it was paused). Its vCPUs' registers may have been rewritten meanwhile. */
int domain_resume_suspended(struct domain *d)
{
	if (!domain_is_suspended(d))
		return -PV_EINVAL;
	if (d->quiesce != DOMAIN_RUNS) {
		d->engine->resume(d); /* also withdraws a quiesce not finished yet */
		d->quiesce = DOMAIN_RUNS;
	}
	d->state = d->pause_count ? PV_DOMSTATE_PAUSED : PV_DOMSTATE_RUNNING;
	d->shutdown_reason = 0;
	log_info("dom%u (%s): resumed", d->domid, d->name);
	timer_domain_resumed_locked(d);
	pthread_cond_broadcast(&hv_cond);
	return 0;
}

/* The call's result in the suspending vCPU's rax (it stopped just after the call). */
static int domain_set_suspend_result(struct domain *d, uint64_t value)
{
	struct vcpu_state *st = malloc(sizeof(*st));
	struct vcpu *v = &d->vcpus[d->suspend_vcpu < d->max_vcpus ? d->suspend_vcpu : 0];
	int rc;

	if (!st)
		return -PV_ENOMEM;
	rc = d->engine->get_vcpu(d, v, st);
	if (rc == 0) {
		st->rax = value;
		rc = d->engine->set_vcpu(d, v, st);
	}
	free(st);
	return rc;
}

int domain_resume_suspended_flags(struct domain *d, uint32_t flags)
{
	int rc;

	if (!domain_is_suspended(d))
		return -PV_EINVAL;
	if (flags & PV_SR_RESUME_CANCEL) {
		if (d->quiesce != DOMAIN_QUIESCED)
			return -PV_EBUSY; /* its registers are not where we can write them yet */
		if ((rc = domain_set_suspend_result(d, 1)) < 0)
			return rc;
	}
	if ((flags & PV_SR_RESUME_PAUSED) && d->pause_count++ == 0 &&
	    (rc = d->engine->pause(d)) < 0) {
		d->pause_count--;
		return rc;
	}
	return domain_resume_suspended(d);
}
