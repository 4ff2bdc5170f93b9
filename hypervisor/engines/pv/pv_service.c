/* The pv engine's hypercall path: one service thread per domain blocks in
 * SECCOMP_IOCTL_NOTIF_RECV and answers each notification with NOTIF_SEND; nothing
 * else sits on the path. Deferred hypercalls are answered later from any thread
 * (complete), and upcalls go out with the answer (the hypercall page's mark) or as a
 * signal to the vCPU's thread. */
#include <errno.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "evtchn/evtchn.h"
#include "hypercall/hypercall.h"
#include "log.h"
#include "pv.h"
#include "pv_errno.h"

void pv_answer(struct domain *d, uint64_t id, long ret)
{
	struct seccomp_notif_resp resp = { .id = id, .val = ret, .error = 0, .flags = 0 };

	if (ioctl(pv_dom(d)->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
		log_debug("dom%u: answering hypercall: %s", d->domid, strerror(errno));
}

/* The signal is taken when the vCPU next returns to guest code: at once if it runs,
 * or when the hypercall it waits in is answered (the wait is killable only). The
 * launcher's handler then parks or stops it (flags in its upcall area) or plays the
 * upcall. */
void pv_signal(struct domain *d, struct vcpu *v)
{
	struct pv_dom *p = pv_dom(d);
	pid_t tid = p->vcpus[v->id].tid;

	if (tid > 0 && p->pid > 0)
		syscall(SYS_tgkill, p->pid, tid, PV_UPCALL_SIGNAL);
}

/* The vCPU must stop as its call returns: it went down, or a quiesce wants it (read
 * unlocked on the hypercall path: a quiesce that starts later signals it itself). */
static int pv_must_stop(struct domain *d, struct vcpu *v)
{
	return !__atomic_load_n(&v->up, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&pv_dom(d)->quiescing, __ATOMIC_RELAXED);
}

/* Set the park flag of a vCPU that went down and signal it if it has reason. */
static void pv_nudge(struct domain *d, struct vcpu *v)
{
	int down = !__atomic_load_n(&v->up, __ATOMIC_SEQ_CST);

	if (down)
		__atomic_store_n(&pv_upcall_area(d, v->id)->park, 1, __ATOMIC_SEQ_CST);
	if (v->callback || pv_must_stop(d, v))
		pv_signal(d, v);
}

/* An upcall due when hypercall nr returns: if it came through the page, tell the
 * page's tail code (cheaper than a signal), else fall back to the signal. */
static long pv_deliver_on_return(struct domain *d, struct vcpu *v, unsigned nr, long ret)
{
	if (pv_must_stop(d, v)) {
		pv_nudge(d, v); /* the handler stops it; the frame then says ret */
		return ret;
	}
	if (!evtchn_upcall_due(d, v))
		return ret;
	if (v->callback)
		instr_upcall(d, v);
	if (pv_dom(d)->hcpage_set && nr < PV_HCALL_TAIL_SLOT && v->callback &&
	    ret == (int32_t)ret)
		return (long)(PV_UPCALL_MARK << 48 | (uint64_t)v->id << 32 | (uint32_t)ret);
	pv_signal(d, v);
	return ret;
}

void pv_complete(struct domain *d, struct vcpu *v, long ret)
{
	enum vcpu_wait_kind kind = vcpu_wait_end(v);

	if (kind == VCPU_WAIT_NONE)
		return;
	if (kind == VCPU_WAIT_START) { /* held by the launcher's own calls */
		if (pv_dom(d)->quiescing)
			return; /* brought up, but stays held until the resume */
		pv_release(d, v, ret);
		return;
	}
	/* block and poll: sched_op, a slot of the hypercall page */
	pv_answer(d, pv_vcpu(d, v)->notif_id,
		  pv_deliver_on_return(d, v, PV_HYPERCALL_sched_op, ret));
}

void pv_kick(struct domain *d, struct vcpu *v)
{
	if (pv_vcpu(d, v)->held)
		return; /* runs no guest code; looks at its upcalls when let go */
	if (v->callback && v->up && evtchn_upcall_due(d, v))
		instr_upcall(d, v); /* interrupted to take it */
	pv_nudge(d, v);
}

/* A handler kept the call waiting while a quiesce wants this vCPU: no call may stay
 * open in a quiesced domain, so a block or poll returns at once (it was signalled). */
static void pv_deferred(struct domain *d, struct vcpu *v)
{
	pthread_mutex_lock(&hv_lock);
	if (pv_dom(d)->quiescing && (v->wait == VCPU_WAIT_BLOCK || v->wait == VCPU_WAIT_POLL))
		pv_stop_waiting(d, v);
	pthread_mutex_unlock(&hv_lock);
}

static struct vcpu *pv_vcpu_by_tid(struct domain *d, pid_t tid)
{
	struct pv_dom *p = pv_dom(d);

	for (unsigned i = 0; i < d->max_vcpus; i++)
		if (p->vcpus[i].tid == tid)
			return &d->vcpus[i];
	return NULL;
}

static void pv_handle(struct domain *d, const struct seccomp_notif *req)
{
	struct hc_ctx ctx = { .d = d };
	unsigned nr = req->data.nr - PV_HCALL_SYSNR_BASE;
	uint64_t a[5];
	long ret;

	for (int i = 0; i < 5; i++)
		a[i] = req->data.args[i];
	ctx.v = pv_vcpu_by_tid(d, req->pid);
	if (nr >= PV_HYPERCALL_pvisor_vcpu_wait) {
		struct pv_call_origin from = { req->pid, req->data.instruction_pointer };

		pv_launcher_call(d, ctx.v, nr, req->id, &from, a);
		return;
	}
	if (ctx.v) {
		pv_vcpu(d, ctx.v)->notif_id = req->id;
		__atomic_store_n(&ctx.v->in_hypercall, 1, __ATOMIC_SEQ_CST);
	}
	ret = hypercall_dispatch(&ctx, nr, a);
	if (ctx.v)
		__atomic_store_n(&ctx.v->in_hypercall, 0, __ATOMIC_SEQ_CST);
	if (ctx.defer) {
		if (ctx.v)
			pv_deferred(d, ctx.v);
		return;
	}
	/* Events that became deliverable (the guest unmasked, or one arrived during
	 * the call) are delivered as the call returns. */
	if (ctx.v)
		ret = pv_deliver_on_return(d, ctx.v, nr, ret);
	pv_answer(d, req->id, ret);
}

static void *pv_service_main(void *arg)
{
	struct domain *d = arg;
	struct pv_dom *p = pv_dom(d);
	struct seccomp_notif req;

	while (!p->service_stop) {
		memset(&req, 0, sizeof(req));
		if (ioctl(p->listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			log_warn("dom%u: hypercall listener", d->domid);
			break;
		}
		pv_handle(d, &req);
	}
	__atomic_store_n(&p->service_running, 0, __ATOMIC_SEQ_CST);
	return NULL;
}

int pv_service_start(struct domain *d)
{
	struct pv_dom *p = pv_dom(d);
	int rc;

	p->service_running = 1;
	rc = pthread_create(&p->service, NULL, pv_service_main, d);
	p->service_created = rc == 0;
	if (rc)
		p->service_running = 0;
	return -pv_errno_from_host(rc);
}

void pv_service_stop_soon(struct domain *d)
{
	struct pv_dom *p = pv_dom(d);

	p->service_stop = 1;
	if (p->service_created && __atomic_load_n(&p->service_running, __ATOMIC_SEQ_CST))
		pthread_kill(p->service, SIGUSR2);
}

/* NOTIF_RECV does not return when the domain process dies: interrupt the thread with
 * SIGUSR2 (installed without SA_RESTART) until it has seen the stop flag. */
void pv_service_stop(struct domain *d)
{
	struct pv_dom *p = pv_dom(d);
	struct timespec ms = { 0, 1000000 };

	p->service_stop = 1;
	if (!p->service_created)
		return;
	while (__atomic_load_n(&p->service_running, __ATOMIC_SEQ_CST)) {
		pthread_kill(p->service, SIGUSR2);
		nanosleep(&ms, NULL);
	}
	pthread_join(p->service, NULL);
}
