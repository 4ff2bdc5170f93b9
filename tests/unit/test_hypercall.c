/* Unit tests of the hypervisor's hypercall layer: address resolution for guest and
 * dom0 callers, dispatch, privilege checks and argument validation, on a real
 * domain from the domain table (no process is started). */
#include <CUnit/Basic.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "hypercall/hypercall.h"
#include "evtchn/evtchn.h"
#include "gnttab/gnttab.h"
#include "pvisor/domctl.h"
#include "pvisor/errno.h"
#include "pvisor/memory.h"
#include "pvisor/sched.h"
#include "pvisor/vcpu.h"
#include "pvisor/version.h"

static struct domain *dom;
static struct hc_ctx guest;

static int setup(void)
{
	pv_domid_t id;

	hvlog_init(); /* the hypervisor's own messages go to its log, as in pvisor */
	if (domain_create(0, 2, NULL, &id) || !(dom = domain_get(id)))
		return 1;
	if (domain_set_max_mem(dom, 1024)) /* 256 pages */
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

static void test_guest_addresses(void)
{
	uint8_t b[16];
	uint64_t base = PV_PHYSMAP_BASE, ram = dom->special_off;

	CU_ASSERT_EQUAL(hc_copy_from(&guest, base, b, 16), 0);
	CU_ASSERT_EQUAL(hc_copy_from(&guest, base + ram - 16, b, 16), 0);
	/* the shared_info page is reachable, the launcher's context pages are not */
	CU_ASSERT_EQUAL(hc_copy_from(&guest, base + ram + 4096 - 16, b, 16), 0);
	CU_ASSERT_EQUAL(hc_copy_from(&guest, base + ram + 4096, b, 1), -PV_EFAULT);
	CU_ASSERT_EQUAL(hc_copy_from(&guest, base + ram + 4096 - 8, b, 16), -PV_EFAULT);
	CU_ASSERT_EQUAL(hc_copy_from(&guest, base - 1, b, 1), -PV_EFAULT);
	CU_ASSERT_EQUAL(hc_copy_from(&guest, 0, b, 1), -PV_EFAULT);
	CU_ASSERT_EQUAL(hc_copy_from(&guest, UINT64_MAX - 4, b, 16), -PV_EFAULT);
	CU_ASSERT_EQUAL(hc_copy_to(&guest, base + 8, "abc", 3), 0);
	CU_ASSERT_EQUAL(memcmp(dom->mem + 8, "abc", 3), 0);
}

/* dom0 processes get the memory fd; none may resize it under the hypervisor. */
static void test_memfd_sealed(void)
{
	CU_ASSERT_EQUAL(ftruncate(dom->mem_fd, 0), -1);
	CU_ASSERT_EQUAL(errno, EPERM);
	CU_ASSERT_EQUAL(ftruncate(dom->mem_fd, (off_t)dom->mem_size * 2), -1);
	CU_ASSERT_EQUAL(errno, EPERM);
}

static void test_dom0_addresses(void)
{
	uint8_t arg[32] = { 1 }, buf[8] = { 2 }, b[32];
	struct hc_ctx d0 = { .privileged = 1,
			     .arg = arg,
			     .arg_len = 32,
			     .buf = buf,
			     .buf_len = 8 };

	CU_ASSERT_EQUAL(hc_copy_from(&d0, PV_PRIVCMD_ARG_ADDR, b, 32), 0);
	CU_ASSERT_EQUAL(b[0], 1);
	CU_ASSERT_EQUAL(hc_copy_from(&d0, PV_PRIVCMD_ARG_ADDR + 1, b, 32), -PV_EFAULT);
	CU_ASSERT_EQUAL(hc_copy_from(&d0, PV_PRIVCMD_BUF_ADDR, b, 8), 0);
	CU_ASSERT_EQUAL(b[0], 2);
	CU_ASSERT_EQUAL(hc_copy_from(&d0, PV_PRIVCMD_BUF_ADDR + 8, b, 1), -PV_EFAULT);
	CU_ASSERT_EQUAL(hc_copy_from(&d0, PV_PHYSMAP_BASE, b, 1), -PV_EFAULT);
}

static void test_dispatch(void)
{
	uint64_t a[5] = { 0 };
	struct hc_ctx stranger = { .d = dom }; /* a thread that never registered */

	CU_ASSERT_EQUAL(hypercall_dispatch(&guest, 127, a), -PV_ENOSYS);
	CU_ASSERT_EQUAL(hypercall_dispatch(&guest, 9999, a), -PV_ENOSYS);
	CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_mmu_update, a), -PV_ENOSYS);
	CU_ASSERT_EQUAL(hypercall_dispatch(&stranger, PV_HYPERCALL_xen_version, a), -PV_EPERM);
	a[0] = PV_XENVER_version;
	CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_xen_version, a), (4 << 16) | 17);
}

static void test_privilege(void)
{
	struct pv_domctl dc = { .cmd = PV_DOMCTL_pausedomain,
				.interface_version = PV_DOMCTL_INTERFACE_VERSION };
	uint64_t a[5] = { PV_PHYSMAP_BASE };

	memcpy(dom->mem, &dc, sizeof(dc));
	CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_domctl, a), -PV_EPERM);
	CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_sysctl, a), -PV_EPERM);
	/* a guest may ask about itself, not about another domain */
	{
		pv_domid_t other = dom->domid + 1, self = PV_DOMID_SELF;
		uint64_t q[5] = { PV_XENMEM_current_reservation, PV_PHYSMAP_BASE };

		memcpy(dom->mem, &other, 2);
		CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_memory_op, q), -PV_EPERM);
		memcpy(dom->mem, &self, 2);
		CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_memory_op, q), 256);
		q[0] = PV_XENMEM_maximum_reservation;
		CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_memory_op, q), 256);
		/* continuation bits above Xen's 6-bit command are refused for queries */
		q[0] = PV_XENMEM_maximum_reservation | (5u << 6);
		CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_memory_op, q),
				-PV_EINVAL);
	}
}

static void test_domctl_version(void)
{
	struct pv_domctl dc = { .cmd = PV_DOMCTL_getdomaininfo,
				.interface_version = 1,
				.domain = 0 };
	struct hc_ctx d0 = { .privileged = 1, .arg = (uint8_t *)&dc, .arg_len = sizeof(dc) };
	uint64_t a[5] = { PV_PRIVCMD_ARG_ADDR };

	dc.domain = dom->domid;
	CU_ASSERT_EQUAL(hypercall_dispatch(&d0, PV_HYPERCALL_domctl, a), -PV_EACCES);
	dc.interface_version = PV_DOMCTL_INTERFACE_VERSION;
	CU_ASSERT_EQUAL(hypercall_dispatch(&d0, PV_HYPERCALL_domctl, a), 0);
	CU_ASSERT_EQUAL(dc.u.getdomaininfo.domain, dom->domid);
	CU_ASSERT_EQUAL(dc.u.getdomaininfo.max_pages, 256);
	CU_ASSERT(dc.u.getdomaininfo.flags & PV_DOMINF_paused);
	dc.domain = 0x7000;
	CU_ASSERT_EQUAL(hypercall_dispatch(&d0, PV_HYPERCALL_domctl, a), -PV_ESRCH);
	/* settimeoffset moves the guest's wallclock by that many seconds */
	{
		struct pv_shared_info *si = (void *)(dom->mem + dom->special_off);
		uint32_t before;

		timeinfo_update(dom);
		before = si->wc_sec;
		dc.domain = dom->domid;
		dc.cmd = PV_DOMCTL_settimeoffset;
		dc.u.settimeoffset.time_offset_seconds = 3600;
		CU_ASSERT_EQUAL(hypercall_dispatch(&d0, PV_HYPERCALL_domctl, a), 0);
		CU_ASSERT(si->wc_sec >= before + 3599 && si->wc_sec <= before + 3602);
		dc.cmd = PV_DOMCTL_getdomaininfo;
	}
	d0.arg_len = sizeof(dc) - 1; /* truncated argument */
	CU_ASSERT_EQUAL(hypercall_dispatch(&d0, PV_HYPERCALL_domctl, a), -PV_EFAULT);
}

static void test_args(void)
{
	struct pv_sched_shutdown sd = { .reason = PV_SHUTDOWN_MAX + 1 };
	uint64_t a[5] = { PV_SCHEDOP_shutdown, PV_PHYSMAP_BASE };
	uint64_t v[5] = { PV_VCPUOP_is_up, 2 };

	memcpy(dom->mem, &sd, sizeof(sd));
	CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_sched_op, a), -PV_EINVAL);
	a[1] = 0;
	CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_sched_op, a), -PV_EFAULT);
	CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_vcpu_op, v), -PV_ENOENT);
	v[1] = 1;
	CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_vcpu_op, v), 0);
	CU_ASSERT_EQUAL(dom->state, PV_DOMSTATE_CREATED); /* nothing above shut it down */
}

/* What the hypervisor log gained since offset *from (NUL-terminated in out). */
static size_t hvlog_since(uint64_t *from, char *out, size_t max)
{
	uint64_t first, head;
	size_t n = hvlog_read(*from, out, max - 1, &first, &head);

	out[n] = '\0';
	*from = first + n;
	return n;
}

static void test_console(void)
{
	uint64_t a[5] = { PV_CONSOLEIO_write, 3, PV_PHYSMAP_BASE + 100 };
	uint64_t from = hvlog_head();
	char out[512], want[64];

	memcpy(dom->mem + 100, "hello\r\n\x1b[1mbold\a\n", 18);
	CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_console_io, a), 3);
	CU_ASSERT_EQUAL(hvlog_since(&from, out, sizeof(out)), 0); /* a partial line waits */
	a[1] = 15;
	a[2] += 3;
	CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_console_io, a), 15);
	hvlog_since(&from, out, sizeof(out));
	/* one line per newline, prefixed; CR, ESC and BEL are not passed on */
	snprintf(want, sizeof(want), "(d%u) hello\n(d%u) [1mbold\n", dom->domid, dom->domid);
	CU_ASSERT_STRING_EQUAL(out, want);
	a[2] = PV_PHYSMAP_BASE - 3; /* starts outside guest memory */
	CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_console_io, a), -PV_EFAULT);
	a[0] = 77;
	CU_ASSERT_EQUAL(hypercall_dispatch(&guest, PV_HYPERCALL_console_io, a), -PV_ENOSYS);
}

/* A line longer than CONSOLE_LINE_MAX is cut into pieces; what is left when the
 * domain goes is logged then. */
static void test_console_long_line(void)
{
	static char buf[CONSOLE_LINE_MAX + 10], out[2048];
	struct domain *d;
	uint64_t from;
	pv_domid_t id;
	char want[32];

	memset(buf, 'x', sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(domain_create(0, 1, NULL, &id), 0);
	d = domain_get(id);
	from = hvlog_head();
	snprintf(want, sizeof(want), "(d%u) ", id);
	CU_ASSERT_EQUAL(console_write(d, buf, sizeof(buf)), 1);
	CU_ASSERT_EQUAL(hvlog_since(&from, out, sizeof(out)),
			strlen(want) + CONSOLE_LINE_MAX + 1);
	CU_ASSERT_EQUAL(strncmp(out, want, strlen(want)), 0);
	domain_destroy(d); /* never started: removed at once, its partial line flushed */
	domain_put(d);
	hvlog_since(&from, out, sizeof(out));
	snprintf(want, sizeof(want), "\n(d%u) xxxxxxxxxx\n", id);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
}

/* A guest writing flat out gets its burst into the log, then is cut off, and the
 * log says how many lines it lost. */
static void test_console_rate_limit(void)
{
	static char out[HV_CONSOLE_BYTES];
	char line[81], prefix[16];
	struct domain *d;
	uint64_t from = hvlog_head();
	unsigned logged = 0, sent = 1000;
	pv_domid_t id;

	memset(line, 'r', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	CU_ASSERT_EQUAL_FATAL(domain_create(0, 1, NULL, &id), 0);
	d = domain_get(id);
	for (unsigned i = 0; i < sent; i++)
		console_write(d, line, sizeof(line));
	hvlog_since(&from, out, sizeof(out));
	snprintf(prefix, sizeof(prefix), "(d%u) r", id);
	for (char *p = out; (p = strstr(p, prefix)); p++)
		logged++;
	/* 16 KiB burst of 87-byte lines, plus what 1 KiB/s refills meanwhile */
	CU_ASSERT(logged >= 150 && logged < 250);
	snprintf(prefix, sizeof(prefix), "d%u: ", id);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, prefix));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "console_io line dropped: over the rate limit"));
	CU_ASSERT_EQUAL(d->console.lines + d->console.dropped_total, sent);
	domain_destroy(d);
	domain_put(d);
}

/* The log keeps the newest HV_CONSOLE_BYTES; an old offset is clipped; a clear
 * forgets what is there but offsets keep counting (incremental readers). */
static void test_hvlog_wrap(void)
{
	static uint8_t big[HV_CONSOLE_BYTES + 100], out[64];
	uint64_t first, head, base = hvlog_head();

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	hvlog_put(big, sizeof(big));
	CU_ASSERT_EQUAL(hvlog_read(base, out, sizeof(out), &first, &head), sizeof(out));
	CU_ASSERT_EQUAL(first, base + 100);
	CU_ASSERT_EQUAL(out[0], (uint8_t)100);
	CU_ASSERT_EQUAL(head, base + sizeof(big));
	CU_ASSERT_EQUAL(hvlog_read(head + 5, out, sizeof(out), &first, &head), 0);
	hvlog_clear();
	CU_ASSERT_EQUAL(hvlog_read(0, out, sizeof(out), &first, &head), 0);
	CU_ASSERT_EQUAL(first, base + sizeof(big));
	hvlog_put("ab", 2);
	CU_ASSERT_EQUAL(hvlog_read(0, out, sizeof(out), &first, &head), 2);
	CU_ASSERT_EQUAL(first, base + sizeof(big));
}

static void test_domain_names(void)
{
	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_EQUAL(domain_set_name(dom, "../escape"), -EINVAL);
	CU_ASSERT_EQUAL(domain_set_name(dom, "a/b"), -EINVAL);
	CU_ASSERT_EQUAL(domain_set_name(dom, ".hidden"), -EINVAL);
	CU_ASSERT_EQUAL(domain_set_name(dom, ""), -EINVAL);
	CU_ASSERT_EQUAL(domain_set_name(dom, "web 1"), -EINVAL);
	CU_ASSERT_EQUAL(domain_set_name(dom, "web-1_a.b"), 0);
	CU_ASSERT_STRING_EQUAL(dom->name, "web-1_a.b");
	pthread_mutex_unlock(&hv_lock);
}

int main(void)
{
	CU_pSuite s;
	int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("hypercall", setup, teardown);
	CU_add_test(s, "guest addresses", test_guest_addresses);
	CU_add_test(s, "dom0 addresses", test_dom0_addresses);
	CU_add_test(s, "memory fd sealed", test_memfd_sealed);
	CU_add_test(s, "dispatch", test_dispatch);
	CU_add_test(s, "privilege", test_privilege);
	CU_add_test(s, "domctl version and lookup", test_domctl_version);
	CU_add_test(s, "argument validation", test_args);
	CU_add_test(s, "console_io", test_console);
	CU_add_test(s, "console_io: long lines, flush at destroy", test_console_long_line);
	CU_add_test(s, "console_io: rate limit", test_console_rate_limit);
	CU_add_test(s, "hypervisor log wrap and clear", test_hvlog_wrap);
	CU_add_test(s, "domain names", test_domain_names);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = (int)CU_get_number_of_failures() + (int)CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
