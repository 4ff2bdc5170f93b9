/* Unit tests of ballooning (memory_op decrease_reservation / populate_physmap and
 * balloon.c) on a real domain from the domain table, with no process started: the
 * argument checks, the counts of partial progress, the maximum reservation, and
 * that a frame given back really leaves the memory fd. */
#include <CUnit/Basic.h>
#include <string.h>
#include <sys/stat.h>

#include "hypercall/hypercall.h"
#include "evtchn/evtchn.h"
#include "gnttab/gnttab.h"
#include "pvisor/domctl.h"
#include "pvisor/errno.h"
#include "pvisor/memory.h"

#define RAM_PAGES 2048         /* 8 MiB */
#define LIST_OFF  PV_PAGE_SIZE /* the extent list lives in page 1, the struct in page 0 */

static struct domain *dom;
static struct hc_ctx guest;

static int setup(void)
{
	pv_domid_t id;

	if (domain_create(0, 1, NULL, &id) || !(dom = domain_get(id)))
		return 1;
	if (domain_set_max_mem(dom, RAM_PAGES * 4))
		return 1;
	memset(&guest, 0, sizeof(guest));
	guest.d = dom;
	guest.v = &dom->vcpus[0];
	return 0;
}

static int teardown(void)
{
	domain_destroy(dom);
	domain_put(dom);
	return 0;
}

/* memory_op(cmd | start << 6) from the guest over the extents in list[]. */
static long guest_op(unsigned cmd, uint64_t start, const uint64_t *list, unsigned n,
		     unsigned order, pv_domid_t domid)
{
	struct pv_memory_reservation r = { .extent_start = PV_PHYSMAP_BASE + LIST_OFF,
					   .nr_extents = n,
					   .extent_order = order,
					   .domid = domid };
	uint64_t a[5] = { cmd | start << 6, PV_PHYSMAP_BASE };

	memcpy(dom->mem, &r, sizeof(r));
	memcpy(dom->mem + LIST_OFF, list, n * sizeof(*list));
	return hypercall_dispatch(&guest, PV_HYPERCALL_memory_op, a);
}

static long self_op(unsigned cmd, const uint64_t *list, unsigned n, unsigned order)
{
	return guest_op(cmd, 0, list, n, order, PV_DOMID_SELF);
}

static long reservation(void)
{
	pv_domid_t self = PV_DOMID_SELF;
	uint64_t a[5] = { PV_XENMEM_current_reservation, PV_PHYSMAP_BASE + 3 * PV_PAGE_SIZE };

	memcpy(dom->mem + 3 * PV_PAGE_SIZE, &self, sizeof(self));
	return hypercall_dispatch(&guest, PV_HYPERCALL_memory_op, a);
}

/* Bytes of host memory the domain's memory fd holds. */
static uint64_t fd_bytes(void)
{
	struct stat st;

	return fstat(dom->mem_fd, &st) == 0 ? (uint64_t)st.st_blocks * 512 : 0;
}

static void test_release_frees_host_memory(void)
{
	uint64_t list[1] = { 512 }, before, after;

	for (uint64_t p = 512; p < 1024; p++)
		dom->mem[p * PV_PAGE_SIZE + 7] = 0xab;
	dom->mem[0] = dom->mem[LIST_OFF] = 1; /* where the call's arguments go */
	before = fd_bytes();
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_decrease_reservation, list, 1, 9), 1);
	after = fd_bytes();
	CU_ASSERT(before >= after + 512 * PV_PAGE_SIZE);
	CU_ASSERT_EQUAL(reservation(), RAM_PAGES - 512);
	CU_ASSERT_EQUAL(dom->mem[600 * PV_PAGE_SIZE + 7], 0); /* a hole reads zeros */
	/* back in: the frames are the guest's again and still zero */
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_populate_physmap, list, 1, 9), 1);
	CU_ASSERT_EQUAL(reservation(), RAM_PAGES);
	CU_ASSERT_EQUAL(dom->mem[1023 * PV_PAGE_SIZE + 7], 0);
}

static void test_bad_gpfn(void)
{
	uint64_t list[3];

	list[0] = RAM_PAGES; /* the shared_info page, not RAM */
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_decrease_reservation, list, 1, 0), 0);
	list[0] = RAM_PAGES - 1; /* an extent running past the end of RAM */
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_decrease_reservation, list, 1, 1), 0);
	list[0] = UINT64_MAX - 1; /* wraps */
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_decrease_reservation, list, 1, 9), 0);
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_populate_physmap, list, 1, 9), 0);
	CU_ASSERT_EQUAL(reservation(), RAM_PAGES);
	/* a list outside guest memory: nothing read, so no count to report */
	{
		struct pv_memory_reservation r = { .extent_start = 16,
						   .nr_extents = 1,
						   .domid = PV_DOMID_SELF };
		uint64_t a[5] = { PV_XENMEM_decrease_reservation, PV_PHYSMAP_BASE };

		memcpy(dom->mem, &r, sizeof(r));
		CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_memory_op, a),
				-PV_EFAULT);
		a[1] = 8; /* nor the argument itself */
		CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_memory_op, a),
				-PV_EFAULT);
	}
}

static void test_order_too_large(void)
{
	uint64_t list[1] = { 0 };

	CU_ASSERT_EQUAL(self_op(PV_XENMEM_decrease_reservation, list, 1, 10), -PV_EINVAL);
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_populate_physmap, list, 1, 63), -PV_EINVAL);
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_decrease_reservation, list, 1, 64), -PV_EINVAL);
	CU_ASSERT_EQUAL(reservation(), RAM_PAGES);
}

static void test_double_decrease(void)
{
	uint64_t list[2] = { 40, 40 };

	CU_ASSERT_EQUAL(self_op(PV_XENMEM_decrease_reservation, list, 1, 0), 1);
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_decrease_reservation, list, 1, 0), 0);
	CU_ASSERT_EQUAL(reservation(), RAM_PAGES - 1);
	/* an extent overlapping a frame that is out is refused whole */
	list[0] = 40 & ~1ull;
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_decrease_reservation, list, 1, 1), 0);
	CU_ASSERT_EQUAL(reservation(), RAM_PAGES - 1);
	/* populate twice: the second finds the frame in */
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_populate_physmap, list + 1, 1, 0), 1);
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_populate_physmap, list + 1, 1, 0), 0);
	/* the same frame twice in one list: one done */
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_decrease_reservation, list, 2, 0), 1);
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_populate_physmap, list, 2, 0), 1);
	CU_ASSERT_EQUAL(reservation(), RAM_PAGES);
}

static void test_partial_progress(void)
{
	uint64_t list[5] = { 100, 101, RAM_PAGES + 5, 102, 103 };

	CU_ASSERT_EQUAL(self_op(PV_XENMEM_decrease_reservation, list, 5, 0), 2);
	CU_ASSERT_EQUAL(reservation(), RAM_PAGES - 2);
	/* the continuation bits start at extent 3: 3 counted as done, two more done */
	CU_ASSERT_EQUAL(guest_op(PV_XENMEM_decrease_reservation, 3, list, 5, 0, PV_DOMID_SELF),
			5);
	CU_ASSERT_EQUAL(reservation(), RAM_PAGES - 4);
	CU_ASSERT_EQUAL(guest_op(PV_XENMEM_decrease_reservation, 9, list, 5, 0, PV_DOMID_SELF),
			9);
	/* populate stops at the bad frame too, and an unaligned extent is refused */
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_populate_physmap, list, 5, 0), 2);
	list[0] = 103;
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_populate_physmap, list, 1, 1), 0);
	list[0] = 102;
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_populate_physmap, list, 1, 1), 1);
	CU_ASSERT_EQUAL(reservation(), RAM_PAGES);
}

static void test_max_reservation(void)
{
	uint64_t list[4] = { 200, 201, 202, 203 };
	uint64_t q[5] = { PV_XENMEM_maximum_reservation, PV_PHYSMAP_BASE + 3 * PV_PAGE_SIZE };

	CU_ASSERT_EQUAL(self_op(PV_XENMEM_decrease_reservation, list, 4, 0), 4);
	/* max_mem on a running domain moves the maximum reservation only */
	pthread_mutex_lock(&hv_lock);
	dom->started = 1;
	CU_ASSERT_EQUAL(domain_set_max_mem(dom, (RAM_PAGES - 2) * 4), 0);
	CU_ASSERT_EQUAL(domain_set_max_mem(dom, (RAM_PAGES + 1) * 4), -EBUSY);
	dom->started = 0;
	pthread_mutex_unlock(&hv_lock);
	CU_ASSERT_EQUAL(reservation(), RAM_PAGES - 4);
	reservation(); /* puts DOMID_SELF where q[1] points */
	CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_memory_op, q), RAM_PAGES - 2);
	/* two fit under the maximum, the third does not */
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_populate_physmap, list, 4, 0), 2);
	CU_ASSERT_EQUAL(reservation(), RAM_PAGES - 2);
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_populate_physmap, list + 2, 2, 0), 0);
	dom->mem_limit = RAM_PAGES;
	CU_ASSERT_EQUAL(self_op(PV_XENMEM_populate_physmap, list + 2, 2, 0), 2);
	CU_ASSERT_EQUAL(reservation(), RAM_PAGES);
}

static void test_other_domain(void)
{
	uint64_t list[1] = { 300 };
	struct pv_memory_reservation r = { .extent_start = PV_PRIVCMD_BUF_ADDR,
					   .nr_extents = 1,
					   .domid = dom->domid };
	struct pv_domctl dc = { .cmd = PV_DOMCTL_getdomaininfo,
				.domain = dom->domid,
				.interface_version = PV_DOMCTL_INTERFACE_VERSION };
	struct hc_ctx d0 = { .privileged = 1,
			     .arg = (uint8_t *)&r,
			     .arg_len = sizeof(r),
			     .buf = (uint8_t *)list,
			     .buf_len = sizeof(list) };
	uint64_t a[5] = { PV_XENMEM_decrease_reservation, PV_PRIVCMD_ARG_ADDR };
	uint64_t dctl[5] = { PV_PRIVCMD_ARG_ADDR };

	/* a guest may name itself by id, never another domain */
	CU_ASSERT_EQUAL(guest_op(PV_XENMEM_decrease_reservation, 0, list, 1, 0, dom->domid + 1),
			-PV_EPERM);
	CU_ASSERT_EQUAL(guest_op(PV_XENMEM_populate_physmap, 0, list, 1, 0, 0), -PV_EPERM);
	CU_ASSERT_EQUAL(reservation(), RAM_PAGES);
	CU_ASSERT_EQUAL(guest_op(PV_XENMEM_decrease_reservation, 0, list, 1, 0, dom->domid), 1);
	CU_ASSERT_EQUAL(guest_op(PV_XENMEM_populate_physmap, 0, list, 1, 0, dom->domid), 1);
	/* dom0 may, and getdomaininfo shows the lower reservation */
	CU_ASSERT_EQUAL(hypercall_dispatch(&d0, PV_HYPERCALL_memory_op, a), 1);
	CU_ASSERT_EQUAL(reservation(), RAM_PAGES - 1);
	d0.arg = (uint8_t *)&dc;
	d0.arg_len = sizeof(dc);
	CU_ASSERT_EQUAL(hypercall_dispatch(&d0, PV_HYPERCALL_domctl, dctl), 0);
	CU_ASSERT_EQUAL(dc.u.getdomaininfo.tot_pages, RAM_PAGES - 1);
	CU_ASSERT_EQUAL(dc.u.getdomaininfo.max_pages, RAM_PAGES);
	/* and back, then a domain that does not exist */
	d0.arg = (uint8_t *)&r;
	d0.arg_len = sizeof(r);
	a[0] = PV_XENMEM_populate_physmap;
	CU_ASSERT_EQUAL(hypercall_dispatch(&d0, PV_HYPERCALL_memory_op, a), 1);
	r.domid = 0x7000;
	CU_ASSERT_EQUAL(hypercall_dispatch(&d0, PV_HYPERCALL_memory_op, a), -PV_ESRCH);
	CU_ASSERT_EQUAL(reservation(), RAM_PAGES);
}

int main(void)
{
	CU_pSuite s;
	int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("memory", setup, teardown);
	CU_add_test(s, "released frames leave the memory fd", test_release_frees_host_memory);
	CU_add_test(s, "bad gpfn", test_bad_gpfn);
	CU_add_test(s, "extent order too large", test_order_too_large);
	CU_add_test(s, "double decrease", test_double_decrease);
	CU_add_test(s, "partial progress counts", test_partial_progress);
	CU_add_test(s, "maximum reservation", test_max_reservation);
	CU_add_test(s, "another domain", test_other_domain);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = (int)CU_get_number_of_failures() + (int)CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
