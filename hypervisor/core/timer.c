/* vCPU timers: singleshot and periodic timers (both raise VIRQ_TIMER on their
 * vCPU) and SCHEDOP_poll timeouts. One thread sleeps until the earliest deadline of
 * any vCPU. Deadlines are system time (ns of CLOCK_MONOTONIC, what vcpu_time_info
 * counts). The hypercalls that set them are in hypercall/hc_timer.c. */
#include <errno.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <time.h>

#include "core/hv.h"
#include "engines/engine.h"
#include "evtchn/evtchn.h"
#include "log.h"

static pthread_cond_t timer_cond;
static int timer_running;
static uint64_t timer_wake_at; /* what the thread sleeps until; 0 = nothing */

/* The earliest deadline of a vCPU, 0 if none. */
static uint64_t vcpu_next_deadline(const struct vcpu *v)
{
	uint64_t t = 0;
	uint64_t cand[3] = { v->timer_deadline, v->timer_period ? v->timer_next_period : 0,
			     v->wait == VCPU_WAIT_POLL ? v->poll_deadline : 0 };

	for (int i = 0; i < 3; i++)
		if (cand[i] && (!t || cand[i] < t))
			t = cand[i];
	return t;
}

/* Fire what is due on one vCPU (hv_lock held). */
static void vcpu_fire(struct domain *d, struct vcpu *v, uint64_t now)
{
	int tick = 0;

	if (v->timer_deadline && v->timer_deadline <= now) {
		v->timer_deadline = 0;
		tick = 1;
	}
	if (v->timer_period && v->timer_next_period <= now) {
		v->timer_next_period += v->timer_period;
		if (v->timer_next_period <= now) /* missed periods collapse into one */
			v->timer_next_period = now + v->timer_period;
		tick = 1;
	}
	if (v->wait == VCPU_WAIT_POLL && v->poll_deadline && v->poll_deadline <= now) {
		d->engine->complete(d, v, 0); /* Xen: a poll that times out returns 0 */
	}
	if (tick)
		evtchn_raise_virq_locked(d, v, PV_VIRQ_TIMER);
}

static void *timer_main(void *arg)
{
	(void)arg;
	prctl(PR_SET_TIMERSLACK, 1UL);
	pthread_mutex_lock(&hv_lock);
	for (;;) {
		uint64_t now = timeinfo_system_ns(), next = 0;

		for (unsigned slot = 0; slot < HV_MAX_DOMAINS; slot++) {
			struct domain *d = domain_at_locked(slot);

			/* paused or quiesced: its timers wait (the resume wakes us) */
			if (!d || !d->started || d->reaped || d->pause_count ||
			    d->quiesce == DOMAIN_QUIESCED)
				continue;
			for (unsigned i = 0; i < d->max_vcpus; i++) {
				struct vcpu *v = &d->vcpus[i];
				uint64_t t = vcpu_next_deadline(v);

				if (t && t <= now) {
					vcpu_fire(d, v, now);
					t = vcpu_next_deadline(v);
				}
				if (t && (!next || t < next))
					next = t;
			}
		}
		timer_wake_at = next;
		if (!next) {
			pthread_cond_wait(&timer_cond, &hv_lock);
		} else {
			struct timespec ts = { (time_t)(next / 1000000000ull),
					       (long)(next % 1000000000ull) };

			pthread_cond_timedwait(&timer_cond, &hv_lock, &ts);
		}
	}
	return NULL;
}

/* A deadline changed (hv_lock held): wake the thread if it sleeps past it. */
void timer_changed_locked(uint64_t deadline)
{
	if (!timer_running) {
		pthread_condattr_t ca;
		pthread_t t;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&timer_cond, &ca);
		pthread_condattr_destroy(&ca);
		if (pthread_create(&t, NULL, timer_main, NULL) != 0) {
			log_warn("timer: no thread; guest timers will not fire");
			return;
		}
		timer_running = 1;
		return;
	}
	if (deadline && (!timer_wake_at || deadline < timer_wake_at)) {
		timer_wake_at = deadline;
		pthread_cond_signal(&timer_cond);
	}
}

/* A paused or quiesced domain's timers wait; unpause and resume re-evaluate them. */
void timer_domain_resumed_locked(void)
{
	if (timer_running)
		pthread_cond_signal(&timer_cond);
}
