/* Unit tests of event channels, SCHEDOP_poll, timers and VCPUOP argument checks,
 * against real domains from the domain table (not started: nothing is delivered,
 * so the pending state in shared_info can be inspected). */
#include <CUnit/Basic.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hypercall/hypercall.h"
#include "evtchn/evtchn.h"
#include "gnttab/gnttab.h"
#include "pvisor/errno.h"
#include "pvisor/event_channel.h"
#include "pvisor/sched.h"
#include "pvisor/vcpu.h"

static struct domain *da, *db;
static struct hc_ctx ga, gb; /* guest callers: vCPU 0 of a, of b */
#define SCRATCH 0x1000       /* guest-physical scratch offset for arguments */

static struct domain *make_domain(unsigned vcpus)
{
	pv_domid_t id;
	struct domain *d;

	if (domain_create(0, vcpus, NULL, &id) || !(d = domain_get(id)))
		return NULL;
	if (domain_set_max_mem(d, 1024)) /* 256 pages */
		return NULL;
	return d;
}

static int setup(void)
{
	da = make_domain(2);
	db = make_domain(1);
	if (!da || !db)
		return 1;
	ga = (struct hc_ctx){ .d = da, .v = &da->vcpus[0] };
	gb = (struct hc_ctx){ .d = db, .v = &db->vcpus[0] };
	return 0;
}

static int teardown(void)
{
	domain_destroy(da);
	domain_put(da);
	domain_destroy(db);
	domain_put(db);
	return 0;
}

/* EVTCHNOP cmd from a guest: the op goes through guest memory like a real call. */
static long gcall(struct hc_ctx *g, unsigned cmd, void *op, size_t len)
{
	uint64_t a[5] = { cmd, PV_PHYSMAP_BASE + SCRATCH };
	long rc;

	memcpy(g->d->mem + SCRATCH, op, len);
	rc = hypercall_dispatch(g, PV_HYPERCALL_event_channel_op, a);
	memcpy(op, g->d->mem + SCRATCH, len);
	return rc;
}

/* The same from dom0 (privileged), optionally as a privcmd connection. */
static long dcall(struct pconn *c, unsigned cmd, void *op, size_t len)
{
	uint8_t arg[256];
	struct hc_ctx d0 = { .privileged = 1, .arg = arg, .arg_len = len, .conn = c };
	uint64_t a[5] = { cmd, PV_PRIVCMD_ARG_ADDR };
	long rc;

	memcpy(arg, op, len);
	rc = hypercall_dispatch(&d0, PV_HYPERCALL_event_channel_op, a);
	memcpy(op, arg, len);
	return rc;
}

static struct pv_shared_info *si(struct domain *d)
{
	return (void *)(d->mem + d->special_off);
}

static int pending(struct domain *d, uint32_t port)
{
	return (si(d)->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static void clear_events(struct domain *d)
{
	memset(si(d)->evtchn_pending, 0, sizeof(si(d)->evtchn_pending));
	for (unsigned v = 0; v < d->max_vcpus; v++) {
		si(d)->vcpu_info[v].evtchn_pending_sel = 0;
		si(d)->vcpu_info[v].evtchn_upcall_pending = 0;
	}
}

static int alloc_unbound(struct hc_ctx *g, pv_domid_t remote)
{
	struct pv_evtchn_alloc_unbound op = { .dom = PV_DOMID_SELF, .remote_dom = remote };
	long rc = gcall(g, PV_EVTCHNOP_alloc_unbound, &op, sizeof(op));

	return rc < 0 ? (int)rc : (int)op.port;
}

static int bind_inter(struct hc_ctx *g, pv_domid_t remote, uint32_t rport)
{
	struct pv_evtchn_bind_interdomain op = { .remote_dom = remote, .remote_port = rport };
	long rc = gcall(g, PV_EVTCHNOP_bind_interdomain, &op, sizeof(op));

	return rc < 0 ? (int)rc : (int)op.local_port;
}

static long send(struct hc_ctx *g, uint32_t port)
{
	struct pv_evtchn_send op = { .port = port };

	return gcall(g, PV_EVTCHNOP_send, &op, sizeof(op));
}

static long close_port(struct hc_ctx *g, uint32_t port)
{
	struct pv_evtchn_close op = { .port = port };

	return gcall(g, PV_EVTCHNOP_close, &op, sizeof(op));
}

static struct pv_evtchn_status status(struct hc_ctx *g, uint32_t port, long *rc)
{
	struct pv_evtchn_status st = { .dom = PV_DOMID_SELF, .port = port };

	*rc = gcall(g, PV_EVTCHNOP_status, &st, sizeof(st));
	return st;
}

static void test_interdomain(void)
{
	int pa = alloc_unbound(&ga, db->domid), pb;
	struct pv_evtchn_status st;
	long rc;

	CU_ASSERT_FATAL(pa > 0);
	st = status(&ga, pa, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(st.status, PV_EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(st.u.unbound.dom, db->domid);
	/* only the named domain may bind; bad and closed ports are refused */
	CU_ASSERT_EQUAL(bind_inter(&ga, da->domid, pa), -PV_EINVAL);
	CU_ASSERT_EQUAL(bind_inter(&gb, da->domid, 0), -PV_EINVAL);
	CU_ASSERT_EQUAL(bind_inter(&gb, da->domid, 5000), -PV_EINVAL);
	CU_ASSERT_EQUAL(bind_inter(&gb, da->domid, pa + 100), -PV_EINVAL);
	CU_ASSERT_EQUAL(bind_inter(&gb, 0x7000, pa), -PV_ESRCH);
	clear_events(db);
	pb = bind_inter(&gb, da->domid, pa);
	CU_ASSERT_FATAL(pb > 0);
	CU_ASSERT(pending(db, pb)); /* binding raises the new port once */
	/* double bind: the port is no longer unbound */
	CU_ASSERT_EQUAL(bind_inter(&gb, da->domid, pa), -PV_EINVAL);
	st = status(&gb, pb, &rc);
	CU_ASSERT_EQUAL(st.status, PV_EVTCHNSTAT_interdomain);
	CU_ASSERT_EQUAL(st.u.interdomain.dom, da->domid);
	CU_ASSERT_EQUAL(st.u.interdomain.port, pa);
	/* b sends: a's port is pending, the selector and upcall flag of vCPU 0 set */
	clear_events(da);
	CU_ASSERT_EQUAL(send(&gb, pb), 0);
	CU_ASSERT(pending(da, pa));
	CU_ASSERT(si(da)->vcpu_info[0].evtchn_pending_sel & (1ull << (pa / 64)));
	CU_ASSERT_EQUAL(si(da)->vcpu_info[0].evtchn_upcall_pending, 1);
	/* closing a's end: b's end reverts to unbound, reserved for a */
	CU_ASSERT_EQUAL(close_port(&ga, pa), 0);
	CU_ASSERT_EQUAL(close_port(&ga, pa), -PV_EINVAL);
	st = status(&gb, pb, &rc);
	CU_ASSERT_EQUAL(st.status, PV_EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(st.u.unbound.dom, da->domid);
	CU_ASSERT_EQUAL(send(&gb, pb), 0); /* to nobody: dropped */
	CU_ASSERT_EQUAL(send(&ga, pa), -PV_EINVAL);
	CU_ASSERT_EQUAL(send(&ga, 0), -PV_EINVAL);
	CU_ASSERT_EQUAL(close_port(&gb, pb), 0);
}

static void test_mask_unmask(void)
{
	int pa = alloc_unbound(&ga, db->domid), pb = bind_inter(&gb, da->domid, pa);
	struct pv_evtchn_unmask um = { .port = (uint32_t)pa };

	CU_ASSERT_FATAL(pa > 0 && pb > 0);
	clear_events(da);
	si(da)->evtchn_mask[pa / 64] |= 1ull << (pa % 64);
	CU_ASSERT_EQUAL(send(&gb, pb), 0);
	CU_ASSERT(pending(da, pa));
	CU_ASSERT_EQUAL(si(da)->vcpu_info[0].evtchn_upcall_pending, 0); /* masked */
	CU_ASSERT_EQUAL(gcall(&ga, PV_EVTCHNOP_unmask, &um, sizeof(um)), 0);
	CU_ASSERT_EQUAL(si(da)->evtchn_mask[pa / 64] & (1ull << (pa % 64)), 0);
	CU_ASSERT_EQUAL(si(da)->vcpu_info[0].evtchn_upcall_pending, 1);
	um.port = 4000;
	CU_ASSERT_EQUAL(gcall(&ga, PV_EVTCHNOP_unmask, &um, sizeof(um)), -PV_EINVAL);
	close_port(&ga, pa);
	close_port(&gb, pb);
}

static void test_virq_ipi_vcpu(void)
{
	struct pv_evtchn_bind_virq bv = { .virq = PV_VIRQ_TIMER, .vcpu = 1 };
	struct pv_evtchn_bind_ipi bi = { .vcpu = 1 };
	struct pv_evtchn_bind_vcpu bc;
	int pa, pb;

	CU_ASSERT_EQUAL(gcall(&ga, PV_EVTCHNOP_bind_virq, &bv, sizeof(bv)), 0);
	CU_ASSERT_EQUAL(gcall(&ga, PV_EVTCHNOP_bind_virq, &bv, sizeof(bv)), -PV_EEXIST);
	bv = (struct pv_evtchn_bind_virq){ .virq = PV_VIRQ_DOM_EXC, .vcpu = 1 };
	CU_ASSERT_EQUAL(gcall(&ga, PV_EVTCHNOP_bind_virq, &bv, sizeof(bv)), -PV_EINVAL);
	bv = (struct pv_evtchn_bind_virq){ .virq = PV_VIRQ_TIMER, .vcpu = 5 };
	CU_ASSERT_EQUAL(gcall(&ga, PV_EVTCHNOP_bind_virq, &bv, sizeof(bv)), -PV_ENOENT);
	bv = (struct pv_evtchn_bind_virq){ .virq = 99, .vcpu = 0 };
	CU_ASSERT_EQUAL(gcall(&ga, PV_EVTCHNOP_bind_virq, &bv, sizeof(bv)), -PV_EINVAL);
	/* the timer VIRQ of vCPU 1 raises on vCPU 1 */
	clear_events(da);
	pthread_mutex_lock(&hv_lock);
	evtchn_raise_virq_locked(da, &da->vcpus[1], PV_VIRQ_TIMER);
	pthread_mutex_unlock(&hv_lock);
	CU_ASSERT_EQUAL(si(da)->vcpu_info[1].evtchn_upcall_pending, 1);
	CU_ASSERT_EQUAL(si(da)->vcpu_info[0].evtchn_upcall_pending, 0);
	/* IPIs: bad vCPU, then one to vCPU 1 */
	bi.vcpu = 2;
	CU_ASSERT_EQUAL(gcall(&ga, PV_EVTCHNOP_bind_ipi, &bi, sizeof(bi)), -PV_ENOENT);
	bi.vcpu = 1;
	CU_ASSERT_EQUAL(gcall(&ga, PV_EVTCHNOP_bind_ipi, &bi, sizeof(bi)), 0);
	clear_events(da);
	CU_ASSERT_EQUAL(send(&ga, bi.port), 0);
	CU_ASSERT_EQUAL(si(da)->vcpu_info[1].evtchn_upcall_pending, 1);
	/* bind_vcpu: not for IPIs or per-vCPU VIRQs, not to a missing vCPU */
	bc = (struct pv_evtchn_bind_vcpu){ .port = bi.port, .vcpu = 0 };
	CU_ASSERT_EQUAL(gcall(&ga, PV_EVTCHNOP_bind_vcpu, &bc, sizeof(bc)), -PV_EINVAL);
	bc.port = bv.port;
	pa = alloc_unbound(&ga, db->domid);
	pb = bind_inter(&gb, da->domid, pa);
	bc = (struct pv_evtchn_bind_vcpu){ .port = (uint32_t)pa, .vcpu = 9 };
	CU_ASSERT_EQUAL(gcall(&ga, PV_EVTCHNOP_bind_vcpu, &bc, sizeof(bc)), -PV_ENOENT);
	bc.vcpu = 1;
	CU_ASSERT_EQUAL(gcall(&ga, PV_EVTCHNOP_bind_vcpu, &bc, sizeof(bc)), 0);
	clear_events(da);
	CU_ASSERT_EQUAL(send(&gb, pb), 0);
	CU_ASSERT_EQUAL(si(da)->vcpu_info[1].evtchn_upcall_pending, 1);
	CU_ASSERT_EQUAL(si(da)->vcpu_info[0].evtchn_upcall_pending, 0);
	close_port(&ga, pa);
	close_port(&gb, pb);
}

static void test_privilege_and_limits(void)
{
	struct pv_evtchn_alloc_unbound au = { .dom = 0, .remote_dom = 0 };
	struct pv_evtchn_status st = { .dom = 0, .port = 1 };
	int ports[1100], n = 0, p;

	au.dom = db->domid; /* a guest may not allocate in another domain */
	CU_ASSERT_EQUAL(gcall(&ga, PV_EVTCHNOP_alloc_unbound, &au, sizeof(au)), -PV_EPERM);
	st.dom = db->domid;
	CU_ASSERT_EQUAL(gcall(&ga, PV_EVTCHNOP_status, &st, sizeof(st)), -PV_EPERM);
	/* dom0 may, and may query */
	au = (struct pv_evtchn_alloc_unbound){ .dom = db->domid, .remote_dom = da->domid };
	CU_ASSERT_EQUAL(dcall(NULL, PV_EVTCHNOP_alloc_unbound, &au, sizeof(au)), 0);
	st = (struct pv_evtchn_status){ .dom = db->domid, .port = au.port };
	CU_ASSERT_EQUAL(dcall(NULL, PV_EVTCHNOP_status, &st, sizeof(st)), 0);
	CU_ASSERT_EQUAL(st.status, PV_EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(st.u.unbound.dom, da->domid);
	/* a dom0 port needs an event-channel handle to be delivered to */
	au = (struct pv_evtchn_alloc_unbound){ .dom = PV_DOMID_SELF, .remote_dom = da->domid };
	CU_ASSERT_EQUAL(dcall(NULL, PV_EVTCHNOP_alloc_unbound, &au, sizeof(au)), -PV_EINVAL);
	/* a guest has ports 1..1023 */
	while ((p = alloc_unbound(&gb, da->domid)) > 0 && n < 1100)
		ports[n++] = p;
	CU_ASSERT_EQUAL(p, -PV_ENOSPC);
	CU_ASSERT(n >= 1000 && n < 1023);
	for (int i = 0; i < n; i++)
		CU_ASSERT_EQUAL(close_port(&gb, ports[i]), 0);
	CU_ASSERT_EQUAL(close_port(&gb, au.port), -PV_EINVAL); /* never had it */
}

/* A dom0 handle: ports come to its ring once, then again only after unmask. */
static void test_dom0_handle(void)
{
	struct pconn c = { .fd = -1 };
	struct pv_evtchn_bind_interdomain bi;
	struct pv_evtchn_unmask um;
	struct pv_privcmd_evtchn_page *pg;
	uint64_t size;
	int memfd, pa;

	CU_ASSERT_EQUAL_FATAL(evtchn_handle_open(&c, &memfd, &size), 0);
	pg = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	CU_ASSERT_FATAL(pg != MAP_FAILED);
	pa = alloc_unbound(&ga, 0);
	CU_ASSERT_FATAL(pa > 0);
	bi = (struct pv_evtchn_bind_interdomain){ .remote_dom = da->domid,
						  .remote_port = (uint32_t)pa };
	CU_ASSERT_EQUAL_FATAL(dcall(&c, PV_EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), 0);
	CU_ASSERT_EQUAL(pg->prod, 1); /* the bind itself raises once */
	CU_ASSERT_EQUAL(pg->ring[0], bi.local_port);
	CU_ASSERT_EQUAL(pg->state[bi.local_port], 1);
	CU_ASSERT_EQUAL(send(&ga, pa), 0);
	CU_ASSERT_EQUAL(pg->prod, 1); /* masked until unmask: remembered */
	CU_ASSERT_EQUAL(pg->state[bi.local_port], 2);
	um.port = bi.local_port;
	CU_ASSERT_EQUAL(dcall(&c, PV_EVTCHNOP_unmask, &um, sizeof(um)), 0);
	CU_ASSERT_EQUAL(pg->prod, 2); /* the remembered event comes now */
	/* another connection may not send on or close this handle's port */
	{
		struct pconn other = { .fd = -1 };
		struct pv_evtchn_send s = { .port = bi.local_port };
		struct pv_evtchn_close cl = { .port = bi.local_port };
		int m2;
		uint64_t sz2;

		CU_ASSERT_EQUAL_FATAL(evtchn_handle_open(&other, &m2, &sz2), 0);
		CU_ASSERT_EQUAL(dcall(&other, PV_EVTCHNOP_send, &s, sizeof(s)), -PV_EINVAL);
		CU_ASSERT_EQUAL(dcall(&other, PV_EVTCHNOP_close, &cl, sizeof(cl)), -PV_EINVAL);
		evtchn_handle_close(&other);
		close(m2);
	}
	/* closing the handle reverts the guest's end to unbound */
	evtchn_handle_close(&c);
	{
		long rc;
		struct pv_evtchn_status st = status(&ga, pa, &rc);

		CU_ASSERT_EQUAL(st.status, PV_EVTCHNSTAT_unbound);
	}
	close_port(&ga, pa);
	munmap(pg, size);
	close(memfd);
}

static long sched_poll(struct hc_ctx *g, const uint32_t *ports, unsigned n, uint64_t timeout)
{
	struct pv_sched_poll sp = { .ports = PV_PHYSMAP_BASE + SCRATCH + 64,
				    .nr_ports = n,
				    .timeout = timeout };
	uint64_t a[5] = { PV_SCHEDOP_poll, PV_PHYSMAP_BASE + SCRATCH };

	memcpy(g->d->mem + SCRATCH, &sp, sizeof(sp));
	memcpy(g->d->mem + SCRATCH + 64, ports, n * sizeof(*ports));
	g->defer = 0;
	return hypercall_dispatch(g, PV_HYPERCALL_sched_op, a);
}

static void test_poll_args(void)
{
	uint32_t ports[200] = { 0 };
	int pa = alloc_unbound(&ga, db->domid), pb = bind_inter(&gb, da->domid, pa);

	CU_ASSERT_EQUAL(sched_poll(&ga, ports, 129, 0), -PV_EINVAL);
	ports[0] = 5000;
	CU_ASSERT_EQUAL(sched_poll(&ga, ports, 1, 0), -PV_EINVAL);
	/* a pending port: returns at once, not deferred */
	clear_events(da);
	si(da)->vcpu_info[0].evtchn_upcall_mask = 1;
	send(&gb, pb);
	ports[0] = (uint32_t)pa;
	CU_ASSERT_EQUAL(sched_poll(&ga, ports, 1, 0), 0);
	CU_ASSERT_EQUAL(ga.defer, 0);
	/* a timeout already past: returns at once */
	clear_events(da);
	CU_ASSERT_EQUAL(sched_poll(&ga, ports, 1, 1), 0);
	CU_ASSERT_EQUAL(ga.defer, 0);
	si(da)->vcpu_info[0].evtchn_upcall_mask = 0;
	close_port(&ga, pa);
	close_port(&gb, pb);
}

static long vcpu_op(struct hc_ctx *g, unsigned cmd, unsigned id, void *arg, size_t len)
{
	uint64_t a[5] = { cmd, id, arg ? PV_PHYSMAP_BASE + SCRATCH : 0 };

	if (arg)
		memcpy(g->d->mem + SCRATCH, arg, len);
	g->defer = 0;
	return hypercall_dispatch(g, PV_HYPERCALL_vcpu_op, a);
}

static void test_vcpu_ops(void)
{
	struct pv_vcpu_set_singleshot_timer t = { .timeout_abs_ns = 1,
						  .flags = PV_VCPU_SSHOTTMR_future };
	struct pv_vcpu_guest_context ctx;

	CU_ASSERT_EQUAL(vcpu_op(&ga, PV_VCPUOP_set_singleshot_timer, 0, &t, sizeof(t)),
			-PV_ETIME);
	CU_ASSERT_EQUAL(vcpu_op(&ga, PV_VCPUOP_set_singleshot_timer, 1, &t, sizeof(t)),
			-PV_EINVAL);
	CU_ASSERT_EQUAL(vcpu_op(&ga, PV_VCPUOP_up, 5, NULL, 0), -PV_ENOENT);
	CU_ASSERT_EQUAL(vcpu_op(&ga, PV_VCPUOP_up, 1, NULL, 0), -PV_EINVAL); /* no context */
	CU_ASSERT_EQUAL(vcpu_op(&ga, PV_VCPUOP_is_up, 1, NULL, 0), 0);
	memset(&ctx, 0, sizeof(ctx));
	ctx.user_regs.rip = PV_PHYSMAP_BASE + 0x2000;
	CU_ASSERT_EQUAL(vcpu_op(&ga, PV_VCPUOP_initialise, 1, &ctx, sizeof(ctx)), 0);
	CU_ASSERT_EQUAL(vcpu_op(&ga, PV_VCPUOP_initialise, 1, &ctx, sizeof(ctx)), -PV_EEXIST);
	CU_ASSERT_EQUAL(vcpu_op(&ga, PV_VCPUOP_up, 1, NULL, 0), 0);
	CU_ASSERT_EQUAL(vcpu_op(&ga, PV_VCPUOP_is_up, 1, NULL, 0), 1);
	CU_ASSERT_EQUAL(vcpu_op(&ga, 99, 0, NULL, 0), -PV_ENOSYS);
}

/* A destroyed domain's peers revert to unbound. */
static void test_destroy_peer(void)
{
	struct domain *dc = make_domain(1);
	struct hc_ctx gc;
	struct pv_evtchn_status st;
	int pa, pc;
	long rc;

	CU_ASSERT_FATAL(dc != NULL);
	gc = (struct hc_ctx){ .d = dc, .v = &dc->vcpus[0] };
	pa = alloc_unbound(&ga, dc->domid);
	pc = bind_inter(&gc, da->domid, pa);
	CU_ASSERT_FATAL(pc > 0);
	domain_destroy(dc);
	domain_put(dc);
	st = status(&ga, pa, &rc);
	CU_ASSERT_EQUAL(st.status, PV_EVTCHNSTAT_unbound);
	CU_ASSERT_EQUAL(send(&ga, pa), 0);
	close_port(&ga, pa);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("evtchn", setup, teardown);
	CU_add_test(s, "interdomain bind, send, close", test_interdomain);
	CU_add_test(s, "mask and unmask", test_mask_unmask);
	CU_add_test(s, "virq, ipi, bind_vcpu", test_virq_ipi_vcpu);
	CU_add_test(s, "privilege and port limits", test_privilege_and_limits);
	CU_add_test(s, "dom0 handle", test_dom0_handle);
	CU_add_test(s, "SCHEDOP_poll arguments", test_poll_args);
	CU_add_test(s, "vcpu_op arguments", test_vcpu_ops);
	CU_add_test(s, "peer destroyed", test_destroy_peer);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
