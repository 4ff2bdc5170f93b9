/* One error space: every error the hypervisor returns across its boundary -- a
 * domctl or sysctl result, a privcmd reply -- is a PV errno (pvisor/errno.h), the
 * value meant for that path; and common/pv_errno.c converts both ways. Each error
 * path of domctl, sysctl and privcmd is fed here on real domains (none started). */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "evtchn/evtchn.h"
#include "gnttab/gnttab.h"
#include "hypercall/hypercall.h"
#include "privcmd/privcmd_ops.h"
#include "pv_errno.h"
#include "pvisor/domctl.h"
#include "pvisor/errno.h"
#include "pvisor/sysctl.h"

static struct pconn conn = { .fd = -1 };
static pv_domid_t built, bare; /* with memory and vCPU 0's context / without */

/* A result at the boundary: non-negative, or a PV errno; and the one expected. */
#define EXPECT(call, want) \
	do { \
		long got_ = (call); \
		CU_ASSERT(got_ >= 0 || pv_errno_is_pv((int)-got_)); \
		CU_ASSERT_EQUAL(got_, (want)); \
		if (got_ != (want)) \
			fprintf(stderr, "%s:%d: got %ld, want %ld\n", __FILE__, __LINE__, got_, \
				(long)(want)); \
	} while (0)

static long domctl(struct pv_domctl *dc, void *buf, size_t buf_len)
{
	struct hc_ctx d0 = { .privileged = 1,
			     .arg = (uint8_t *)dc,
			     .arg_len = sizeof(*dc),
			     .buf = buf,
			     .buf_len = buf_len,
			     .conn = &conn };
	uint64_t a[5] = { PV_PRIVCMD_ARG_ADDR };

	if (!dc->interface_version)
		dc->interface_version = PV_DOMCTL_INTERFACE_VERSION;
	return hypercall_dispatch(&d0, PV_HYPERCALL_domctl, a);
}

static long sysctl(struct pv_sysctl *sc)
{
	struct hc_ctx d0 = { .privileged = 1, .arg = (uint8_t *)sc, .arg_len = sizeof(*sc) };
	uint64_t a[5] = { PV_PRIVCMD_ARG_ADDR };

	return hypercall_dispatch(&d0, PV_HYPERCALL_sysctl, a);
}

/* One privcmd request as the server runs it; the reply's ret. */
static int32_t privcmd(uint32_t op, const void *payload, uint32_t len)
{
	struct privcmd_reply rep = { .fd = -1 };
	uint8_t *p = malloc(len + 1);
	int32_t ret;

	if (len) /* payload may be NULL then: memcpy from NULL is undefined */
		memcpy(p, payload, len);
	ret = privcmd_dispatch(&conn, op, p, len, &rep);
	if (rep.fd >= 0)
		close(rep.fd);
	if (rep.owned)
		free(rep.data);
	free(p);
	return ret;
}

static int setup(void)
{
	struct pv_vcpu_guest_context g = { .user_regs.rip = PV_KERNEL_LINK_ADDR };
	struct pv_domctl dc = { .cmd = PV_DOMCTL_setvcpucontext };

	if (domain_create(0, 2, NULL, &built) || domain_create(0, 1, NULL, &bare))
		return 1;
	pthread_mutex_lock(&hv_lock);
	domain_set_max_mem(domain_lookup_locked(built), 1024);
	pthread_mutex_unlock(&hv_lock);
	dc.domain = built;
	dc.u.vcpucontext.ctxt = PV_PRIVCMD_BUF_ADDR;
	return domctl(&dc, &g, sizeof(g)) != 0;
}

static int teardown(void)
{
	pv_domid_t ids[2] = { built, bare };

	for (int i = 0; i < 2; i++) {
		struct domain *d = domain_get(ids[i]);

		if (d) {
			domain_destroy(d);
			domain_put(d);
		}
	}
	gnttab_handle_close(&conn);
	evtchn_handle_close(&conn);
	return 0;
}

static void test_conversion(void)
{
	/* every PV value comes back from the host's and back again */
	for (int e = 1; e < 200; e++)
		if (pv_errno_is_pv(e))
			CU_ASSERT_EQUAL(pv_errno_from_host(pv_errno_to_host(e)), e);
	CU_ASSERT_EQUAL(pv_errno_from_host(EWOULDBLOCK), PV_EAGAIN);
	CU_ASSERT_EQUAL(pv_errno_from_host(EHWPOISON), PV_EIO); /* no PV counterpart */
	CU_ASSERT_EQUAL(pv_errno_from_host(0), 0);
	CU_ASSERT_EQUAL(pv_errno_to_host(0), 0);
	CU_ASSERT_FALSE(pv_errno_is_pv(EHWPOISON));
	errno = ETIMEDOUT;
	CU_ASSERT_EQUAL(pv_errno_last(), -PV_ETIMEDOUT);
}

static void test_domctl_create(void)
{
	struct pv_domctl dc = { .cmd = PV_DOMCTL_createdomain };

	dc.u.createdomain.max_vcpus = 1;
	dc.u.createdomain.flags = PV_DOMCTL_CDF_hvm;
	EXPECT(domctl(&dc, NULL, 0), -PV_EOPNOTSUPP); /* no hvm engine in this build */
	dc.u.createdomain.flags = 0;
	dc.domain = 77;
	EXPECT(domctl(&dc, NULL, 0), -PV_EINVAL); /* we choose the id */
	dc.domain = 0;
	dc.u.createdomain.max_vcpus = 0;
	EXPECT(domctl(&dc, NULL, 0), -PV_EINVAL);
	dc.u.createdomain.max_vcpus = HV_MAX_VCPUS + 1;
	EXPECT(domctl(&dc, NULL, 0), -PV_EINVAL);
	dc.interface_version = PV_DOMCTL_INTERFACE_VERSION - 1;
	EXPECT(domctl(&dc, NULL, 0), -PV_EACCES);
}

static void test_domctl_domain(void)
{
	struct pv_vcpu_guest_context g = { 0 };
	struct pv_domctl dc = { .cmd = PV_DOMCTL_getdomaininfo, .domain = 0x7000 };

	EXPECT(domctl(&dc, NULL, 0), -PV_ESRCH);
	dc.cmd = PV_DOMCTL_destroydomain;
	EXPECT(domctl(&dc, NULL, 0), -PV_ESRCH);
	dc = (struct pv_domctl){ .cmd = 999, .domain = built };
	EXPECT(domctl(&dc, NULL, 0), -PV_ENOSYS);
	dc = (struct pv_domctl){ .cmd = PV_DOMCTL_max_mem, .domain = built };
	EXPECT(domctl(&dc, NULL, 0), -PV_EINVAL); /* 0 KiB */
	dc.u.max_mem.max_memkb = 128ull << 30;
	EXPECT(domctl(&dc, NULL, 0), -PV_EINVAL); /* past 64 GiB */
	dc = (struct pv_domctl){ .cmd = PV_DOMCTL_max_vcpus, .domain = built };
	dc.u.max_vcpus.max = 3;
	EXPECT(domctl(&dc, NULL, 0), -PV_EINVAL);
	dc = (struct pv_domctl){ .cmd = PV_DOMCTL_setvcpucontext, .domain = built };
	dc.u.vcpucontext.vcpu = 2;
	dc.u.vcpucontext.ctxt = PV_PRIVCMD_BUF_ADDR;
	EXPECT(domctl(&dc, &g, sizeof(g)), -PV_EINVAL); /* no such vCPU */
	dc.u.vcpucontext.vcpu = 1;
	EXPECT(domctl(&dc, &g, sizeof(g) - 1), -PV_EFAULT); /* the context does not fit */
	dc.domain = bare;
	dc.u.vcpucontext.vcpu = 0;
	EXPECT(domctl(&dc, &g, sizeof(g)), -PV_EINVAL); /* no memory yet */
	dc.cmd = PV_DOMCTL_getvcpucontext;
	EXPECT(domctl(&dc, &g, sizeof(g)), -PV_EINVAL);
	dc = (struct pv_domctl){ .cmd = PV_DOMCTL_getvcpuinfo, .domain = built };
	dc.u.getvcpuinfo.vcpu = 5;
	EXPECT(domctl(&dc, NULL, 0), -PV_ESRCH);
	dc = (struct pv_domctl){ .cmd = PV_DOMCTL_hypercall_init, .domain = built };
	dc.u.hypercall_init.gmfn = 256; /* one past RAM */
	EXPECT(domctl(&dc, NULL, 0), -PV_EINVAL);
	dc = (struct pv_domctl){ .cmd = PV_DOMCTL_unpausedomain, .domain = bare };
	EXPECT(domctl(&dc, NULL, 0), -PV_EINVAL); /* not built */
}

static void test_domctl_caller(void)
{
	struct domain *d = domain_get(built);
	struct hc_ctx guest = { .d = d, .v = &d->vcpus[0] };
	struct hc_ctx d0 = { .privileged = 1 };
	uint64_t a[5] = { PV_PHYSMAP_BASE };

	EXPECT(hypercall_dispatch(&guest, PV_HYPERCALL_domctl, a), -PV_EPERM);
	EXPECT(hypercall_dispatch(&guest, PV_HYPERCALL_sysctl, a), -PV_EPERM);
	EXPECT(hypercall_dispatch(&d0, PV_HYPERCALL_domctl, a), -PV_EFAULT); /* no argument */
	EXPECT(hypercall_dispatch(&d0, 127, a), -PV_ENOSYS);
	EXPECT(hypercall_dispatch(&d0, PV_HYPERCALL_pvisor_vcpu_wait, a), -PV_ENOSYS);
	domain_put(d);
}

static void test_sysctl(void)
{
	struct pv_sysctl sc = { .cmd = PV_SYSCTL_physinfo, .interface_version = 1 };

	EXPECT(sysctl(&sc), -PV_EACCES);
	sc.interface_version = PV_SYSCTL_INTERFACE_VERSION;
	sc.cmd = 999;
	EXPECT(sysctl(&sc), -PV_ENOSYS);
	sc.cmd = PV_SYSCTL_getdomaininfolist;
	sc.u.getdomaininfolist.max_domains = 4;
	sc.u.getdomaininfolist.buffer = PV_PRIVCMD_BUF_ADDR; /* no buffer given */
	EXPECT(sysctl(&sc), -PV_EFAULT);
}

static void test_privcmd_sizes(void)
{
	uint8_t junk[64] = { 0 };
	static const uint32_t ops[] = {
		PV_PRIVCMD_OP_MAP_FOREIGN, PV_PRIVCMD_OP_DOMEXT_SET, PV_PRIVCMD_OP_WAIT_DOMAIN,
		PV_PRIVCMD_OP_GNT_MAP,     PV_PRIVCMD_OP_GNT_UNMAP,  PV_PRIVCMD_OP_GNT_BUFFER,
		PV_PRIVCMD_OP_QUIESCE,     PV_PRIVCMD_OP_RESUME,     PV_PRIVCMD_OP_DOMEXT_GET,
		PV_PRIVCMD_OP_DIRTY_LOG,
	};

	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		EXPECT(privcmd(ops[i], junk, 3), -PV_EINVAL);
	EXPECT(privcmd(PV_PRIVCMD_OP_HYPERCALL, junk, 8), -PV_EINVAL); /* short */
	{
		struct pv_privcmd_hypercall hc = { .nr = PV_HYPERCALL_xen_version, .arg_len = 8 };

		EXPECT(privcmd(PV_PRIVCMD_OP_HYPERCALL, &hc, sizeof(hc)), -PV_EINVAL);
	}
	EXPECT(privcmd(999, junk, 0), -PV_ENOSYS);
	EXPECT(privcmd(3, junk, 0), -PV_ENOSYS); /* CONSOLE_READ, retired */
}

static void test_privcmd_domains(void)
{
	struct pv_privcmd_domid none = { .domid = 0x7000 }, b = { .domid = bare };
	struct pv_privcmd_wait w = { .domid = 0x7000, .timeout_ms = 1 };
	struct pv_privcmd_domext e = { .domid = 0x7000, .flags = PV_DOMEXT_SET_NAME };

	EXPECT(privcmd(PV_PRIVCMD_OP_MAP_FOREIGN, &none, sizeof(none)), -PV_ESRCH);
	EXPECT(privcmd(PV_PRIVCMD_OP_MAP_FOREIGN, &b, sizeof(b)), -PV_ENOMEM); /* no max_mem */
	EXPECT(privcmd(PV_PRIVCMD_OP_WAIT_DOMAIN, &w, sizeof(w)), -PV_ESRCH);
	w.domid = built;
	EXPECT(privcmd(PV_PRIVCMD_OP_WAIT_DOMAIN, &w, sizeof(w)), -PV_ETIMEDOUT);
	strcpy(e.name, "ok");
	EXPECT(privcmd(PV_PRIVCMD_OP_DOMEXT_SET, &e, sizeof(e)), -PV_ESRCH);
	e.domid = built;
	strcpy(e.name, "bad/name");
	EXPECT(privcmd(PV_PRIVCMD_OP_DOMEXT_SET, &e, sizeof(e)), -PV_EINVAL);
	strcpy(e.name, "taken");
	EXPECT(privcmd(PV_PRIVCMD_OP_DOMEXT_SET, &e, sizeof(e)), 0);
	e.domid = bare;
	EXPECT(privcmd(PV_PRIVCMD_OP_DOMEXT_SET, &e, sizeof(e)), -PV_EEXIST);
	e.flags = PV_DOMEXT_SET_ACTIONS;
	e.on_crash = 9;
	EXPECT(privcmd(PV_PRIVCMD_OP_DOMEXT_SET, &e, sizeof(e)), -PV_EINVAL);
	/* GET: by id, by name; -ESRCH for neither */
	e = (struct pv_privcmd_domext){ .domid = built };
	EXPECT(privcmd(PV_PRIVCMD_OP_DOMEXT_GET, &e, sizeof(e)), 0);
	e = (struct pv_privcmd_domext){ .domid = 0x7000 };
	EXPECT(privcmd(PV_PRIVCMD_OP_DOMEXT_GET, &e, sizeof(e)), -PV_ESRCH);
	e.flags = PV_DOMEXT_GET_BY_NAME;
	strcpy(e.name, "taken");
	EXPECT(privcmd(PV_PRIVCMD_OP_DOMEXT_GET, &e, sizeof(e)), 0);
	strcpy(e.name, "nobody");
	EXPECT(privcmd(PV_PRIVCMD_OP_DOMEXT_GET, &e, sizeof(e)), -PV_ESRCH);
	EXPECT(privcmd(PV_PRIVCMD_OP_DOMAIN_STATES, NULL, 0), 2); /* built and bare */
}

/* What DOMEXT_GET and DOMAIN_STATES answer. */
static void test_privcmd_lookups(void)
{
	struct pv_privcmd_domext e = { .flags = PV_DOMEXT_GET_BY_NAME };
	struct privcmd_reply rep = { .fd = -1 };
	const struct pv_privcmd_domstatus *st;

	strcpy(e.name, "taken");
	CU_ASSERT_EQUAL_FATAL(privcmd_dispatch(&conn, PV_PRIVCMD_OP_DOMEXT_GET, (uint8_t *)&e,
					       sizeof(e), &rep),
			      0);
	CU_ASSERT_EQUAL(e.domid, built);
	CU_ASSERT_EQUAL(rep.len, sizeof(e));
	rep = (struct privcmd_reply){ .fd = -1 };
	CU_ASSERT_EQUAL_FATAL(privcmd_dispatch(&conn, PV_PRIVCMD_OP_DOMAIN_STATES, NULL, 0, &rep),
			      2);
	st = (const void *)rep.data;
	CU_ASSERT_EQUAL(rep.len, 2 * sizeof(*st));
	CU_ASSERT(st[0].domid < st[1].domid);
	CU_ASSERT(st[0].domid == built || st[1].domid == built);
	if (rep.owned)
		free(rep.data);
}

static void test_privcmd_handles(void)
{
	struct pv_privcmd_gnt_map m = { .domid = 0x7000, .ref = 1 };
	struct pv_privcmd_gnt_unmap u = { .handle = 42 };
	struct pv_privcmd_gnt_buffer gb = { .pages = 0 };

	EXPECT(privcmd(PV_PRIVCMD_OP_EVTCHN_EVENTFD, NULL, 0), -PV_EINVAL); /* no handle */
	EXPECT(privcmd(PV_PRIVCMD_OP_EVTCHN_DOORBELL, NULL, 0), -PV_EINVAL);
	EXPECT(privcmd(PV_PRIVCMD_OP_GNT_MAP, &m, sizeof(m)), -PV_ESRCH);
	m.flags = 0x80;
	EXPECT(privcmd(PV_PRIVCMD_OP_GNT_MAP, &m, sizeof(m)), -PV_EINVAL);
	m = (struct pv_privcmd_gnt_map){ .domid = built, .ref = 1 };
	EXPECT(privcmd(PV_PRIVCMD_OP_GNT_MAP, &m, sizeof(m)), -PV_EPERM); /* not granted */
	EXPECT(privcmd(PV_PRIVCMD_OP_GNT_UNMAP, &u, sizeof(u)), -PV_ENOENT);
	EXPECT(privcmd(PV_PRIVCMD_OP_GNT_BUFFER, &gb, sizeof(gb)), -PV_EINVAL);
	gb.pages = 1;
	EXPECT(privcmd(PV_PRIVCMD_OP_GNT_BUFFER, &gb, sizeof(gb)), 0);
	EXPECT(privcmd(PV_PRIVCMD_OP_GNT_BUFFER, &gb, sizeof(gb)), -PV_EBUSY);
}

static void test_privcmd_quiesce(void)
{
	struct pv_privcmd_wait q = { .domid = 0x7000, .timeout_ms = 100 };
	struct pv_privcmd_domid r = { .domid = 0x7000 };

	EXPECT(privcmd(PV_PRIVCMD_OP_QUIESCE, &q, sizeof(q)), -PV_ESRCH);
	EXPECT(privcmd(PV_PRIVCMD_OP_RESUME, &r, sizeof(r)), -PV_ESRCH);
	r.domid = built;
	EXPECT(privcmd(PV_PRIVCMD_OP_RESUME, &r, sizeof(r)), -PV_EINVAL); /* not quiesced */
	q.domid = built;
	EXPECT(privcmd(PV_PRIVCMD_OP_QUIESCE, &q, sizeof(q)), 0); /* never ran: at once */
	EXPECT(privcmd(PV_PRIVCMD_OP_QUIESCE, &q, sizeof(q)), -PV_EBUSY);
	EXPECT(privcmd(PV_PRIVCMD_OP_RESUME, &r, sizeof(r)), 0);
}

/* The dirty log: only a started domain has one, one at a time. */
static void test_privcmd_dirty_log(void)
{
	struct pv_privcmd_dirty_log l = { .domid = 0x7000, .cmd = PV_PRIVCMD_DIRTY_START };

	EXPECT(privcmd(PV_PRIVCMD_OP_DIRTY_LOG, &l, sizeof(l)), -PV_ESRCH);
	l.domid = built;
	EXPECT(privcmd(PV_PRIVCMD_OP_DIRTY_LOG, &l, sizeof(l)), -PV_EINVAL); /* never ran */
	l.cmd = PV_PRIVCMD_DIRTY_COLLECT;
	EXPECT(privcmd(PV_PRIVCMD_OP_DIRTY_LOG, &l, sizeof(l)), -PV_EINVAL); /* not on */
	l.cmd = PV_PRIVCMD_DIRTY_STOP;
	EXPECT(privcmd(PV_PRIVCMD_OP_DIRTY_LOG, &l, sizeof(l)), -PV_EINVAL);
	l.cmd = 9;
	EXPECT(privcmd(PV_PRIVCMD_OP_DIRTY_LOG, &l, sizeof(l)), -PV_EINVAL);
}

/* A host failure inside a request comes out as its PV errno: dup() with no
 * descriptor left is EMFILE. */
static void test_privcmd_host_error(void)
{
	struct pv_privcmd_domid b = { .domid = built };
	struct rlimit old, none;

	getrlimit(RLIMIT_NOFILE, &old);
	none = old;
	none.rlim_cur = 3;
	CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_NOFILE, &none), 0);
	EXPECT(privcmd(PV_PRIVCMD_OP_MAP_FOREIGN, &b, sizeof(b)), -PV_EMFILE);
	setrlimit(RLIMIT_NOFILE, &old);
	EXPECT(privcmd(PV_PRIVCMD_OP_MAP_FOREIGN, &b, sizeof(b)), 0);
}

int main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("errno", setup, teardown);
	CU_add_test(s, "PV and host errno convert both ways", test_conversion);
	CU_add_test(s, "domctl createdomain errors", test_domctl_create);
	CU_add_test(s, "domctl errors on a domain", test_domctl_domain);
	CU_add_test(s, "domctl and sysctl callers", test_domctl_caller);
	CU_add_test(s, "sysctl errors", test_sysctl);
	CU_add_test(s, "privcmd: bad sizes and ops", test_privcmd_sizes);
	CU_add_test(s, "privcmd: domains", test_privcmd_domains);
	CU_add_test(s, "privcmd: DOMEXT_GET and DOMAIN_STATES", test_privcmd_lookups);
	CU_add_test(s, "privcmd: event-channel and grant handles", test_privcmd_handles);
	CU_add_test(s, "privcmd: quiesce and resume", test_privcmd_quiesce);
	CU_add_test(s, "privcmd: the dirty log", test_privcmd_dirty_log);
	CU_add_test(s, "privcmd: a host error", test_privcmd_host_error);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	{
		unsigned failed = CU_get_number_of_failures();

		CU_cleanup_registry();
		return failed ? 1 : 0;
	}
}
