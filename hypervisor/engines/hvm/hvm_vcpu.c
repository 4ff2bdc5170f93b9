/* hvm vCPU threads: one per vCPU, in KVM_RUN while its vCPU runs guest code, serving
 * its own exits. Everything that stops a vCPU -- not up yet or down, pause, quiesce,
 * kill -- is one decision (hvm_vcpu_must_hold) taken before each entry; a thread that
 * holds keeps its registers in hv->state, where get/set_vcpu read and write them. A
 * running vCPU is taken out of KVM_RUN by immediate_exit plus a signal (SIGUSR1, a
 * no-op handler without SA_RESTART), the race-free way the KVM API documents. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "evtchn/evtchn.h"
#include "hvm.h"
#include "log.h"
#include "pv_errno.h"
#include "pvisor/errno.h"

static int hvm_vcpu_must_hold(struct domain *d, struct vcpu *v)
{
	struct hvm_dom *h = hvm_dom(d);

	return h->paused || h->quiescing || !v->up;
}

/* hv_lock held. */
void hvm_vcpu_wake(struct domain *d, struct vcpu *v)
{
	pthread_cond_signal(&hvm_vcpu(d, v)->cond);
}

/* hv_lock held: out of KVM_RUN at once, or before the next entry. */
void hvm_vcpu_kick(struct domain *d, struct vcpu *v)
{
	struct hvm_vcpu *hv = hvm_vcpu(d, v);

	hv->kicked = 1;
	if (hv->in_guest && hv->alive) {
		__atomic_store_n(&hv->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
		pthread_kill(hv->thread, SIGUSR1);
	}
	hvm_vcpu_wake(d, v);
}

void hvm_vcpu_kick_all(struct domain *d)
{
	for (unsigned i = 0; i < d->max_vcpus; i++)
		hvm_vcpu_kick(d, &d->vcpus[i]);
}

void hvm_quiesce_check(struct domain *d)
{
	struct hvm_dom *h = hvm_dom(d);

	if (!h->quiescing || h->quiesce_told)
		return;
	for (unsigned i = 0; i < d->max_vcpus; i++)
		if (h->vcpus[i].alive && !h->vcpus[i].held)
			return;
	h->quiesce_told = 1;
	domain_quiesced_locked(d);
}

/* hv_lock held. Wait while the vCPU may not run; -1 when the VM is going away. A vCPU
 * that is not up waits as VCPU_WAIT_START, so that VCPUOP_up completes it. */
static int hvm_vcpu_hold(struct domain *d, struct vcpu *v)
{
	struct hvm_dom *h = hvm_dom(d);
	struct hvm_vcpu *hv = hvm_vcpu(d, v);

	while (!h->dying && hvm_vcpu_must_hold(d, v)) {
		if (!hv->held && hvm_vcpu_save(d, v) == 0) {
			hv->held = 1;
			hvm_quiesce_check(d);
		}
		if (!v->up && v->wait == VCPU_WAIT_NONE)
			v->wait = VCPU_WAIT_START;
		pthread_cond_wait(&hv->cond, &hv_lock);
	}
	if (h->dying)
		return -1;
	if (v->wait == VCPU_WAIT_START)
		vcpu_wait_end(v);
	hv->held = 0;
	return 0;
}

/* Before each entry: hold if needed, load registers someone wrote, enter the upcall
 * frame if one is due. 0 to enter, -1 to end the thread. */
static int hvm_vcpu_prepare(struct domain *d, struct vcpu *v)
{
	struct hvm_vcpu *hv = hvm_vcpu(d, v);
	int due, rc = 0;

	pthread_mutex_lock(&hv_lock);
	if (hvm_vcpu_hold(d, v) < 0) {
		pthread_mutex_unlock(&hv_lock);
		return -1;
	}
	if (hv->state_dirty)
		rc = hvm_vcpu_load(d, v);
	hv->state_dirty = 0;
	hv->state_valid = 0;
	hv->kicked = 0;
	/* Not when the page's tail is about to deliver it (a marked result). */
	due = !hv->marked && v->callback && hvm_dom(d)->hcpage_va && evtchn_upcall_due(d, v);
	hv->marked = 0;
	hv->run->immediate_exit = 0;
	hv->in_guest = 1;
	pthread_mutex_unlock(&hv_lock);
	if (rc)
		return hvm_exit_crash(d, v, "cannot load its registers (error %d)", -rc);
	if (due && hvm_upcall_enter(d, v) < 0)
		return -1;
	return 0;
}

static void hvm_vcpu_run(struct domain *d, struct vcpu *v)
{
	struct hvm_vcpu *hv = hvm_vcpu(d, v);

	if (ioctl(hv->fd, KVM_RUN, 0) < 0) {
		if (errno == EINTR)
			hv->run->exit_reason = KVM_EXIT_INTR;
		else
			hv->run->exit_reason = HVM_EXIT_RUN_FAILED;
		hv->run_errno = errno;
	}
	__atomic_store_n(&hv->in_guest, 0, __ATOMIC_SEQ_CST);
}

static uint64_t hvm_thread_ns(clockid_t cid)
{
	struct timespec ts;

	if (clock_gettime(cid, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The thread ends; the last one tells the core the VM is gone (no lock held). */
static void hvm_vcpu_end(struct domain *d, struct vcpu *v)
{
	struct hvm_dom *h = hvm_dom(d);
	struct engine_exit ex = { 0 };
	int last;

	pthread_mutex_lock(&hv_lock);
	hvm_vcpu(d, v)->cpu_ns = hvm_thread_ns(CLOCK_THREAD_CPUTIME_ID);
	hvm_vcpu(d, v)->alive = 0;
	last = --h->threads == 0;
	if (last) {
		for (unsigned i = 0; i < d->max_vcpus; i++)
			ex.cpu_ns += h->vcpus[i].cpu_ns;
		memcpy(ex.why, h->why, sizeof(ex.why));
	}
	hvm_quiesce_check(d);
	pthread_mutex_unlock(&hv_lock);
	if (!last)
		return;
	domain_reaped(d, &ex);
	domain_put(d);
}

static void *hvm_vcpu_main(void *arg)
{
	struct vcpu *v = arg;
	struct domain *d = v->d;

	while (hvm_vcpu_prepare(d, v) == 0) {
		hvm_vcpu_run(d, v);
		if (hvm_exit_handle(d, v) < 0)
			break;
	}
	hvm_vcpu_end(d, v);
	return NULL;
}

/* hv_lock held. The thread starts held (the domain is not running yet). */
int hvm_vcpu_start(struct domain *d, struct vcpu *v)
{
	struct hvm_vcpu *hv = hvm_vcpu(d, v);
	pthread_attr_t attr;
	int rc;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&hv->thread, &attr, hvm_vcpu_main, v);
	pthread_attr_destroy(&attr);
	if (rc)
		return -pv_errno_from_host(rc);
	hv->alive = 1;
	hvm_dom(d)->threads++;
	return 0;
}

uint64_t hvm_vcpu_cpu_ns(struct domain *d, struct vcpu *v)
{
	struct hvm_vcpu *hv = hvm_vcpu(d, v);
	clockid_t cid;

	if (!hv->alive || pthread_getcpuclockid(hv->thread, &cid) != 0)
		return hv->cpu_ns;
	return hvm_thread_ns(cid);
}

void hvm_complete(struct domain *d, struct vcpu *v, long ret)
{
	struct hvm_vcpu *hv = hvm_vcpu(d, v);
	enum vcpu_wait_kind kind = vcpu_wait_end(v);

	if (kind == VCPU_WAIT_NONE)
		return;
	if (kind != VCPU_WAIT_START) {
		hv->answer = ret;
		hv->answered = 1;
	}
	hvm_vcpu_wake(d, v);
}

void hvm_kick(struct domain *d, struct vcpu *v)
{
	hvm_vcpu_kick(d, v);
}

/* A vCPU kept waiting in block or poll returns 0, then holds. */
static void hvm_quiesce_vcpu(struct domain *d, struct vcpu *v)
{
	if (v->wait == VCPU_WAIT_BLOCK || v->wait == VCPU_WAIT_POLL)
		hvm_complete(d, v, 0);
	else
		hvm_vcpu_kick(d, v);
}

int hvm_quiesce(struct domain *d)
{
	struct hvm_dom *h = hvm_dom(d);

	if (h->quiescing)
		return -PV_EBUSY;
	h->quiescing = 1;
	h->quiesce_told = 0;
	for (unsigned i = 0; i < d->max_vcpus; i++)
		hvm_quiesce_vcpu(d, &d->vcpus[i]);
	hvm_quiesce_check(d);
	return 0;
}

void hvm_resume(struct domain *d)
{
	hvm_dom(d)->quiescing = 0;
	for (unsigned i = 0; i < d->max_vcpus; i++)
		hvm_vcpu_wake(d, &d->vcpus[i]);
}
