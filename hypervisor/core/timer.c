/* vCPU timers: singleshot and periodic timers (both raise VIRQ_TIMER on their
 * vCPU) and SCHEDOP_poll timeouts. One thread sleeps until the earliest deadline of
 * any vCPU. Deadlines are system time (ns of CLOCK_MONOTONIC, what vcpu_time_info
 * counts). The hypercalls that set them are in hypercall/hc_timer.c. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>

#include "core/hv.h"
#include "engines/engine.h"
#include "evtchn/evtchn.h"
#include "log.h"

static pthread_cond_t timer_cond;
static int timer_running;
static uint64_t timer_wake_at; /* what the thread sleeps until; 0 = nothing */

/* Every vCPU with a deadline, in a binary min-heap on its earliest one
 * (v->timer_key; v->timer_slot is its index + 1, 0 when out): the thread looks at
 * the top, not at every domain (issue 18: a thousand guests made each wake-up a
 * scan of the whole table). A key may be earlier than the vCPU's real next
 * deadline (a poll that ended early): popping it then fires nothing and files the
 * vCPU again. hv_lock held throughout. */
static struct vcpu **heap;
static unsigned heap_n, heap_cap;

static void heap_put(unsigned i, struct vcpu *v)
{
	heap[i] = v;
	v->timer_slot = i + 1;
}

static void heap_up(unsigned i)
{
	struct vcpu *v = heap[i];

	while (i > 0 && heap[(i - 1) / 2]->timer_key > v->timer_key) {
		heap_put(i, heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_put(i, v);
}

static void heap_down(unsigned i)
{
	struct vcpu *v = heap[i];

	for (;;) {
		unsigned c = 2 * i + 1;

		if (c >= heap_n)
			break;
		if (c + 1 < heap_n && heap[c + 1]->timer_key < heap[c]->timer_key)
			c++;
		if (heap[c]->timer_key >= v->timer_key)
			break;
		heap_put(i, heap[c]);
		i = c;
	}
	heap_put(i, v);
}

static void heap_del(struct vcpu *v)
{
	unsigned i = v->timer_slot - 1;
	struct vcpu *last;

	if (!v->timer_slot)
		return;
	v->timer_slot = 0;
	last = heap[--heap_n];
	if (last == v)
		return;
	heap_put(i, last);
	heap_up(i);
	heap_down(last->timer_slot - 1);
}

/* File v under key (0: take it out). Out of memory: the timer is late, not lost --
 * the next change of any vCPU's deadline tries again. */
static void heap_set(struct vcpu *v, uint64_t key)
{
	if (!key) {
		heap_del(v);
		return;
	}
	if (!v->timer_slot) {
		if (heap_n == heap_cap) {
			unsigned cap = heap_cap ? heap_cap * 2 : 64;
			struct vcpu **h = realloc(heap, cap * sizeof(*h));

			if (!h)
				return;
			heap = h;
			heap_cap = cap;
		}
		v->timer_key = key;
		heap_put(heap_n++, v);
		heap_up(heap_n - 1);
		return;
	}
	v->timer_key = key;
	heap_up(v->timer_slot - 1);
	heap_down(v->timer_slot - 1);
}

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

/* Its timers run: started, not gone, not paused or quiesced (those wait). */
static int domain_ticks(const struct domain *d)
{
	return d->started && !d->reaped && !d->pause_count && d->quiesce != DOMAIN_QUIESCED;
}

/* File v by its earliest deadline, if its domain's timers run. */
static uint64_t timer_file(struct domain *d, struct vcpu *v)
{
	uint64_t t = domain_ticks(d) ? vcpu_next_deadline(v) : 0;

	heap_set(v, t);
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
		uint64_t now = timeinfo_system_ns(), next;

		while (heap_n && heap[0]->timer_key <= now) {
			struct vcpu *v = heap[0];
			struct domain *d = v->d;

			heap_del(v);
			if (!domain_ticks(d))
				continue; /* paused meanwhile: its resume files it again */
			vcpu_fire(d, v, now);
			timer_file(d, v);
		}
		next = heap_n ? heap[0]->timer_key : 0;
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

static int timer_start_locked(void)
{
	pthread_condattr_t ca;
	pthread_t t;

	if (timer_running)
		return 0;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&timer_cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&t, NULL, timer_main, NULL) != 0) {
		log_warn("timer: no thread; guest timers will not fire");
		return -1;
	}
	timer_running = 1;
	return 0;
}

/* The thread sleeps past deadline t: wake it. */
static void timer_wake_for(uint64_t t)
{
	if (t && (!timer_wake_at || t < timer_wake_at)) {
		timer_wake_at = t;
		pthread_cond_signal(&timer_cond);
	}
}

void timer_vcpu_changed_locked(struct domain *d, struct vcpu *v)
{
	uint64_t t = timer_file(d, v);

	if (t && timer_start_locked() == 0)
		timer_wake_for(t);
}

void timer_domain_resumed_locked(struct domain *d)
{
	for (unsigned i = 0; i < d->max_vcpus; i++)
		timer_vcpu_changed_locked(d, &d->vcpus[i]);
}

void timer_domain_gone_locked(struct domain *d)
{
	for (unsigned i = 0; d->vcpus && i < d->max_vcpus; i++)
		heap_del(&d->vcpus[i]);
}
