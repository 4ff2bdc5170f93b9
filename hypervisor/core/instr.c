/* Counters and the trace session (instr.h). The trace buffer is a memfd shared
 * with the reader: writers reserve a slot with one atomic add and publish it with a
 * sequence number (the protocol is in pvisor/privcmd.h); the reader copies records
 * in place. A session is stopped by unpublishing it and waiting until no writer is
 * between its load of the session and its last store. */
#include "core/instr.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "core/hv.h"
#include "pv_errno.h"
#include "pvisor/errno.h"

#define TRACE_DEFAULT_SLOTS (1u << 20)
#define TRACE_NO_VCPU       0xffu

struct trace_session {
	void *owner;
	int memfd;
	struct pv_trace_buf *buf;
	size_t size;
	uint32_t mask;
	uint16_t domid;
	uint16_t flags;
	uint64_t head; /* ours, not the shared page's: a reader cannot move the writers */
};

struct trace_session *instr_trace;
static unsigned instr_writers; /* writers between their load of instr_trace and done */
static pthread_mutex_t instr_lock = PTHREAD_MUTEX_INITIALIZER; /* start / stop */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t instr_clock(void)
{
	return instr_tracing() ? mono_ns() : 0;
}

/* The session if it wants records of this kind for domid; holds a writer count
 * that trace_put drops. NULL when it does not. */
static struct trace_session *trace_get(uint16_t domid, uint16_t flag)
{
	struct trace_session *t;

	if (!instr_tracing())
		return NULL;
	__atomic_fetch_add(&instr_writers, 1, __ATOMIC_SEQ_CST);
	t = __atomic_load_n(&instr_trace, __ATOMIC_SEQ_CST);
	if (t && (t->flags & flag) && (t->domid == PV_TRACE_ALL_DOMAINS || t->domid == domid))
		return t;
	__atomic_fetch_sub(&instr_writers, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void trace_put(void)
{
	__atomic_fetch_sub(&instr_writers, 1, __ATOMIC_RELEASE);
}

static void trace_write(struct trace_session *t, const struct pv_trace_rec *rec)
{
	uint64_t i = __atomic_fetch_add(&t->head, 1, __ATOMIC_RELAXED);
	struct pv_trace_rec *r = &t->buf->rec[i & t->mask];

	__atomic_store_n(&r->seq, 0, __ATOMIC_RELAXED); /* readers: being rewritten */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	r->t_ns = rec->t_ns;
	r->arg = rec->arg;
	r->dur_ns = rec->dur_ns;
	r->nr = rec->nr;
	r->ret = rec->ret;
	r->domid = rec->domid;
	r->type = rec->type;
	r->vcpu = rec->vcpu;
	__atomic_store_n(&r->seq, i + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&t->buf->written, i + 1, __ATOMIC_RELAXED);
}

static uint32_t dur32(uint64_t ns)
{
	return ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

static void trace_event(const struct domain *d, const struct vcpu *v, uint8_t type, uint32_t nr,
			uint64_t dur)
{
	struct trace_session *t = trace_get(d->domid, PV_TRACE_EVENTS);
	struct pv_trace_rec r = { .t_ns = mono_ns(),
				  .dur_ns = dur32(dur),
				  .nr = nr,
				  .domid = d->domid,
				  .type = type,
				  .vcpu = v ? (uint8_t)v->id : TRACE_NO_VCPU };

	if (!t)
		return;
	trace_write(t, &r);
	trace_put();
}

void instr_hypercall(struct domain *d, struct vcpu *v, unsigned nr, uint64_t arg, long ret,
		     uint64_t t0)
{
	struct trace_session *t;

	instr_count(&d->ctr.hypercalls[nr]);
	if (!t0 || !(t = trace_get(d->domid, PV_TRACE_HCALLS)))
		return;
	{
		uint64_t now = mono_ns();
		struct pv_trace_rec r = { .t_ns = t0,
					  .arg = arg,
					  .dur_ns = dur32(now - t0),
					  .nr = nr,
					  .ret = (int32_t)ret,
					  .domid = d->domid,
					  .type = PV_TRACE_HCALL,
					  .vcpu = v ? (uint8_t)v->id : TRACE_NO_VCPU };

		trace_write(t, &r);
	}
	trace_put();
}

void instr_event_sent(struct domain *d, uint32_t port)
{
	instr_count(&d->ctr.events_sent);
	if (instr_tracing())
		trace_event(d, NULL, PV_TRACE_EV_SEND, port, 0);
}

void instr_event_received(struct domain *d, uint32_t port)
{
	instr_count(&d->ctr.events_received);
	if (instr_tracing())
		trace_event(d, NULL, PV_TRACE_EV_RAISE, port, 0);
}

void instr_upcall(struct domain *d, struct vcpu *v)
{
	instr_count(&d->ctr.upcalls);
	if (instr_tracing())
		trace_event(d, v, PV_TRACE_UPCALL, 0, 0);
}

void instr_block(struct domain *d, struct vcpu *v, unsigned nr)
{
	instr_count(&d->ctr.blocks);
	v->instr_block_ns = instr_clock();
	if (v->instr_block_ns)
		trace_event(d, v, PV_TRACE_BLOCK, nr, 0);
}

void instr_wake(struct domain *d, struct vcpu *v)
{
	uint64_t since = v->instr_block_ns;

	instr_count(&d->ctr.wakeups);
	v->instr_block_ns = 0;
	if (instr_tracing())
		trace_event(d, v, PV_TRACE_WAKE, 0, since ? mono_ns() - since : 0);
}

void instr_counters_get(struct domain *d, struct pv_privcmd_counters *out)
{
	memset(out, 0, sizeof(*out));
	out->domid = d->domid;
	out->version = PV_COUNTERS_VERSION;
	out->nr_hypercalls = PV_HCALL_SLOTS;
	for (unsigned i = 0; i < PV_HCALL_SLOTS; i++) {
		out->hypercalls[i] = __atomic_load_n(&d->ctr.hypercalls[i], __ATOMIC_RELAXED);
		out->hypercalls_total += out->hypercalls[i];
	}
	out->events_sent = __atomic_load_n(&d->ctr.events_sent, __ATOMIC_RELAXED);
	out->events_received = __atomic_load_n(&d->ctr.events_received, __ATOMIC_RELAXED);
	out->upcalls = __atomic_load_n(&d->ctr.upcalls, __ATOMIC_RELAXED);
	out->blocks = __atomic_load_n(&d->ctr.blocks, __ATOMIC_RELAXED);
	out->wakeups = __atomic_load_n(&d->ctr.wakeups, __ATOMIC_RELAXED);
}

/* The buffer: a memfd sealed at its size (a reader that could shrink it would make
 * our writes fault), mapped by us, given out read-only. */
static int trace_buffer(struct trace_session *t, uint32_t slots, int *fd)
{
	char path[64];
	int err;

	t->size = sizeof(struct pv_trace_buf) + (size_t)slots * sizeof(struct pv_trace_rec);
	t->memfd = memfd_create("pvisor-trace", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (t->memfd < 0)
		return pv_errno_last();
	if (ftruncate(t->memfd, (off_t)t->size) < 0 ||
	    fcntl(t->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		goto fail;
	t->buf = mmap(NULL, t->size, PROT_READ | PROT_WRITE, MAP_SHARED, t->memfd, 0);
	if (t->buf == MAP_FAILED)
		goto fail;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", t->memfd);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd >= 0)
		return 0;
	err = pv_errno_last();
	munmap(t->buf, t->size);
	close(t->memfd);
	return err;
fail:
	err = pv_errno_last();
	close(t->memfd);
	return err;
}

int instr_trace_start(void *owner, struct pv_privcmd_trace *req, int *fd)
{
	uint32_t slots = req->slots ? req->slots : TRACE_DEFAULT_SLOTS;
	struct trace_session *t;
	int rc;

	if ((slots & (slots - 1)) || slots > PV_TRACE_MAX_SLOTS ||
	    !(req->flags & (PV_TRACE_HCALLS | PV_TRACE_EVENTS)) ||
	    (req->flags & ~(PV_TRACE_HCALLS | PV_TRACE_EVENTS)))
		return -PV_EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -PV_ENOMEM;
	pthread_mutex_lock(&instr_lock);
	rc = instr_trace ? -PV_EBUSY : trace_buffer(t, slots, fd);
	if (rc == 0) {
		*t->buf = (struct pv_trace_buf){ .magic = PV_TRACE_MAGIC,
						 .rec_size = sizeof(struct pv_trace_rec),
						 .slots = slots,
						 .flags = req->flags,
						 .start_ns = mono_ns(),
						 .domid = req->domid };
		t->owner = owner;
		t->mask = slots - 1;
		t->domid = req->domid;
		t->flags = req->flags;
		req->slots = slots;
		req->size = t->size;
		__atomic_store_n(&instr_trace, t, __ATOMIC_SEQ_CST);
	}
	pthread_mutex_unlock(&instr_lock);
	if (rc)
		free(t);
	return rc;
}

int instr_trace_stop(void *owner)
{
	struct timespec us = { 0, 1000 };
	struct trace_session *t;

	pthread_mutex_lock(&instr_lock);
	t = instr_trace;
	if (!t || t->owner != owner) {
		pthread_mutex_unlock(&instr_lock);
		return -PV_ENOENT;
	}
	__atomic_store_n(&instr_trace, NULL, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&instr_writers, __ATOMIC_SEQ_CST))
		nanosleep(&us, NULL); /* a writer is inside one record: a few ns */
	pthread_mutex_unlock(&instr_lock);
	munmap(t->buf, t->size);
	close(t->memfd);
	free(t);
	return 0;
}
