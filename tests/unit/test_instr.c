/* Unit tests for the hypervisor's instruments (core/instr.c) with the reader of
 * libpvctrl (pvctrl_trace_take): counters, the trace session's rules, records in
 * order, a lapped reader counting what it lost, the domain filter, and two writers
 * racing a reader without a torn or doubled record. */
#include <CUnit/Basic.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/hv.h"
#include "libpvctrl/pvctrl.h"
#include "pvisor/errno.h"

static struct domain dom5 = { .domid = 5 }, dom6 = { .domid = 6 };
static struct vcpu vc = { .id = 1 };
static int owner;

static const struct pv_trace_buf *start(uint32_t slots, uint16_t domid, uint16_t flags)
{
	struct pv_privcmd_trace t = { .domid = domid, .flags = flags, .slots = slots };
	void *p;
	int fd = -1;

	CU_ASSERT_EQUAL_FATAL(instr_trace_start(&owner, &t, &fd), 0);
	CU_ASSERT_EQUAL(t.slots, slots);
	p = mmap(NULL, t.size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	CU_ASSERT_FATAL(p != MAP_FAILED);
	CU_ASSERT(mmap(NULL, t.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED);
	return p;
}

static void test_counters(void)
{
	struct pv_privcmd_counters c;

	memset(&dom5.ctr, 0, sizeof(dom5.ctr));
	for (int i = 0; i < 3; i++)
		instr_hypercall(&dom5, &vc, PV_HYPERCALL_xen_version, 0, 0, 0);
	instr_hypercall(&dom5, &vc, PV_HYPERCALL_sched_op, 1, 0, 0);
	instr_event_sent(&dom5, 3);
	instr_event_received(&dom5, 4);
	instr_event_received(&dom5, 4);
	instr_upcall(&dom5, &vc);
	instr_block(&dom5, &vc, PV_HYPERCALL_sched_op);
	instr_wake(&dom5, &vc);
	instr_counters_get(&dom5, &c);
	CU_ASSERT_EQUAL(c.domid, 5);
	CU_ASSERT_EQUAL(c.version, PV_COUNTERS_VERSION);
	CU_ASSERT_EQUAL(c.nr_hypercalls, PV_HCALL_SLOTS);
	CU_ASSERT_EQUAL(c.hypercalls[PV_HYPERCALL_xen_version], 3);
	CU_ASSERT_EQUAL(c.hypercalls_total, 4);
	CU_ASSERT_EQUAL(c.events_sent, 1);
	CU_ASSERT_EQUAL(c.events_received, 2);
	CU_ASSERT_EQUAL(c.upcalls, 1);
	CU_ASSERT_EQUAL(c.blocks, 1);
	CU_ASSERT_EQUAL(c.wakeups, 1);
}

static void test_session_rules(void)
{
	struct pv_privcmd_trace t = { .domid = PV_TRACE_ALL_DOMAINS, .flags = PV_TRACE_HCALLS };
	const struct pv_trace_buf *b;
	int other, fd = -1;

	t.slots = 3;
	CU_ASSERT_EQUAL(instr_trace_start(&owner, &t, &fd), -PV_EINVAL); /* not a power of 2 */
	t.slots = 8;
	t.flags = 0;
	CU_ASSERT_EQUAL(instr_trace_start(&owner, &t, &fd), -PV_EINVAL);
	CU_ASSERT_EQUAL(instr_trace_stop(&owner), -PV_ENOENT);
	CU_ASSERT_FALSE(instr_tracing());
	b = start(8, PV_TRACE_ALL_DOMAINS, PV_TRACE_HCALLS);
	CU_ASSERT_EQUAL(b->magic, PV_TRACE_MAGIC);
	CU_ASSERT_EQUAL(b->rec_size, sizeof(struct pv_trace_rec));
	t.flags = PV_TRACE_HCALLS;
	CU_ASSERT_EQUAL(instr_trace_start(&other, &t, &fd), -PV_EBUSY);
	CU_ASSERT_EQUAL(instr_trace_stop(&other), -PV_ENOENT); /* not its session */
	CU_ASSERT_EQUAL(instr_trace_stop(&owner), 0);
	CU_ASSERT_FALSE(instr_tracing());
	CU_ASSERT_EQUAL(instr_clock(), 0);
	pvctrl_trace_unmap(b);
}

static void test_records_and_loss(void)
{
	const struct pv_trace_buf *b = start(8, 5, PV_TRACE_HCALLS | PV_TRACE_EVENTS);
	struct pv_trace_rec r;
	uint64_t next = 0, lost = 0;

	for (unsigned i = 0; i < 5; i++)
		instr_hypercall(&dom5, &vc, PV_HYPERCALL_event_channel_op, i, -(long)i,
				instr_clock());
	instr_event_sent(&dom6, 9); /* another domain: not this session's */
	instr_event_sent(&dom5, 7);
	for (unsigned i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL(pvctrl_trace_take(b, &next, &r, &lost), 1);
		CU_ASSERT_EQUAL(r.type, PV_TRACE_HCALL);
		CU_ASSERT_EQUAL(r.arg, i);
		CU_ASSERT_EQUAL(r.ret, -(int)i);
		CU_ASSERT_EQUAL(r.domid, 5);
		CU_ASSERT_EQUAL(r.vcpu, 1);
		CU_ASSERT(r.t_ns >= b->start_ns);
	}
	CU_ASSERT_EQUAL(pvctrl_trace_take(b, &next, &r, &lost), 1);
	CU_ASSERT_EQUAL(r.type, PV_TRACE_EV_SEND);
	CU_ASSERT_EQUAL(r.nr, 7);
	CU_ASSERT_EQUAL(pvctrl_trace_take(b, &next, &r, &lost), 0); /* nothing more */
	for (unsigned i = 0; i < 20; i++) /* lap the reader: 20 records in 8 slots */
		instr_hypercall(&dom5, &vc, PV_HYPERCALL_xen_version, 100 + i, 0, instr_clock());
	CU_ASSERT_EQUAL(pvctrl_trace_take(b, &next, &r, &lost), -EAGAIN);
	CU_ASSERT_EQUAL(lost, 12);
	for (unsigned i = 12; i < 20; i++) {
		CU_ASSERT_EQUAL(pvctrl_trace_take(b, &next, &r, &lost), 1);
		CU_ASSERT_EQUAL(r.arg, 100 + i);
	}
	CU_ASSERT_EQUAL(pvctrl_trace_take(b, &next, &r, &lost), 0);
	CU_ASSERT_EQUAL(b->written, 26);
	CU_ASSERT_EQUAL(instr_trace_stop(&owner), 0);
	instr_hypercall(&dom5, &vc, PV_HYPERCALL_xen_version, 0, 0, 1); /* after the stop */
	CU_ASSERT_EQUAL(pvctrl_trace_take(b, &next, &r, &lost), 0);
	pvctrl_trace_unmap(b);
}

#define RACE_N 100000

static void *race_writer(void *arg)
{
	struct domain *d = arg;

	for (unsigned i = 0; i < RACE_N; i++)
		instr_hypercall(d, &vc, i % 64, ((uint64_t)d->domid << 32) | i, -(long)(i % 64),
				1);
	return NULL;
}

/* Two writers and a reader: every record is read once or counted lost, whole. */
static void test_race(void)
{
	const struct pv_trace_buf *b = start(1u << 12, PV_TRACE_ALL_DOMAINS, PV_TRACE_HCALLS);
	uint64_t next = 0, lost = 0, got = 0, seen[2] = { 0, 0 };
	struct pv_trace_rec r;
	pthread_t t5, t6;
	int bad = 0, rc;

	pthread_create(&t5, NULL, race_writer, &dom5);
	pthread_create(&t6, NULL, race_writer, &dom6);
	while (got + lost < 2 * RACE_N) {
		rc = pvctrl_trace_take(b, &next, &r, &lost);
		if (rc <= 0)
			continue;
		got++;
		bad += r.domid != (r.arg >> 32) || r.nr != (uint32_t)(r.arg & 0xffffffff) % 64 ||
		       r.ret != -(int32_t)r.nr || r.seq != next;
		/* each writer's records come in its own order */
		bad += (uint32_t)r.arg < seen[r.domid - 5];
		seen[r.domid - 5] = (uint32_t)r.arg;
	}
	pthread_join(t5, NULL);
	pthread_join(t6, NULL);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(got + lost, 2 * RACE_N);
	CU_ASSERT(got > 0);
	CU_ASSERT_EQUAL(instr_trace_stop(&owner), 0);
	pvctrl_trace_unmap(b);
}

int main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("instr", NULL, NULL);
	CU_add_test(s, "counters", test_counters);
	CU_add_test(s, "session rules", test_session_rules);
	CU_add_test(s, "records and loss", test_records_and_loss);
	CU_add_test(s, "two writers and a reader", test_race);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	{
		unsigned fails = CU_get_number_of_failures();

		CU_cleanup_registry();
		return fails ? 1 : 0;
	}
}
