/* The hvm engine with a real VM, driven through the core as the toolstack would
 * (domctl): a few instructions at CPL 3 that keep incrementing two counters in guest
 * memory run natively; pause stops them; KVM's dirty log names exactly the pages the
 * guest writes; quiesce stops the vCPU inside its loop; destroy ends the VM. Skipped
 * (exit 77) where /dev/kvm is not usable. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engines/engine.h"
#include "engines/hvm/hvm_engine.h"
#include "hypercall/hypercall.h"
#include "pvisor/domctl.h"
#include "pvisor/errno.h"

#define CODE  0x1000u  /* guest-physical: the loop */
#define CNT_A 0x10000u /* the two pages it writes */
#define CNT_B 0x20000u
#define QUIET 0x30000u /* one it never writes */

static struct domain *dom;

static long domctl(struct pv_domctl *dc, void *buf, size_t len)
{
	struct hc_ctx d0 = { .privileged = 1,
			     .arg = (uint8_t *)dc,
			     .arg_len = sizeof(*dc),
			     .buf = buf,
			     .buf_len = len };
	uint64_t a[5] = { PV_PRIVCMD_ARG_ADDR };

	dc->interface_version = PV_DOMCTL_INTERFACE_VERSION;
	return hypercall_dispatch(&d0, PV_HYPERCALL_domctl, a);
}

static long domctl_simple(unsigned cmd)
{
	struct pv_domctl dc = { .cmd = cmd, .domain = dom->domid };

	return domctl(&dc, NULL, 0);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	nanosleep(&ts, NULL);
}

static uint64_t counter(uint32_t gpa)
{
	return __atomic_load_n((uint64_t *)(dom->mem + gpa), __ATOMIC_SEQ_CST);
}

/* movabs $A, %rax; movabs $B, %rbx; 1: incq (%rax); incq (%rbx); jmp 1b */
static void load_guest(void)
{
	uint64_t a = PV_PHYSMAP_BASE + CNT_A, b = PV_PHYSMAP_BASE + CNT_B;
	uint8_t code[] = {
		0x48, 0xb8, 0, 0, 0, 0, 0,    0,    0,    0,    0x48, 0xbb, 0,    0,
		0,    0,    0, 0, 0, 0, 0x48, 0xff, 0x00, 0x48, 0xff, 0x03, 0xeb, 0xf8
	};

	memcpy(code + 2, &a, 8);
	memcpy(code + 12, &b, 8);
	memcpy(dom->mem + CODE, code, sizeof(code));
}

static int start_guest(void)
{
	struct pv_vcpu_guest_context g;
	struct pv_domctl dc = { .cmd = PV_DOMCTL_setvcpucontext, .domain = dom->domid };

	memset(&g, 0, sizeof(g));
	g.user_regs.rip = PV_PHYSMAP_BASE + CODE;
	g.user_regs.rsp = PV_PHYSMAP_BASE + 0x8000;
	g.user_regs.rflags = 0x202;
	g.user_regs.cs = PV_FLAT_KERNEL_CS;
	dc.u.vcpucontext.vcpu = 0;
	dc.u.vcpucontext.ctxt = PV_PRIVCMD_BUF_ADDR;
	if (domctl(&dc, &g, sizeof(g)))
		return 1;
	return domctl_simple(PV_DOMCTL_unpausedomain) != 0;
}

static int setup(void)
{
	pv_domid_t id;

	if (!engine_hvm.init || engine_hvm.init() != 0)
		return 77;
	if (engine_register(&engine_hvm) || domain_create(PV_DOMCTL_CDF_hvm, 1, NULL, &id) ||
	    !(dom = domain_get(id)) || domain_set_max_mem(dom, 4096))
		return 1;
	load_guest();
	return start_guest();
}

static int wait_counter(uint32_t gpa, uint64_t above)
{
	for (int i = 0; i < 500; i++) {
		if (counter(gpa) > above)
			return 1;
		sleep_ms(10);
	}
	return 0;
}

static void test_runs_and_pauses(void)
{
	uint64_t a;

	CU_ASSERT_FATAL(wait_counter(CNT_A, 1000));
	CU_ASSERT_EQUAL(domctl_simple(PV_DOMCTL_pausedomain), 0);
	a = counter(CNT_A);
	sleep_ms(50);
	CU_ASSERT_EQUAL(counter(CNT_A), a);
	CU_ASSERT_EQUAL(domctl_simple(PV_DOMCTL_unpausedomain), 0);
	CU_ASSERT(wait_counter(CNT_A, a));
}

/* The bits of the pages the loop writes, and of no page it does not. */
static void test_dirty_log(void)
{
	uint64_t bits[(4096 * 1024 / PV_PAGE_SIZE + 64 * 64) / 64] = { 0 }; /* RAM + specials */
	int rc;

	CU_ASSERT_FATAL(dom->mem_size / PV_PAGE_SIZE <= 64 * (sizeof(bits) / 8));
	pthread_mutex_lock(&hv_lock);
	rc = dom->engine->dirty_log_start(dom);
	pthread_mutex_unlock(&hv_lock);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	sleep_ms(50);
	pthread_mutex_lock(&hv_lock);
	rc = dom->engine->dirty_log_collect(dom, bits);
	pthread_mutex_unlock(&hv_lock);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT(bits[CNT_A / PV_PAGE_SIZE / 64] >> (CNT_A / PV_PAGE_SIZE % 64) & 1);
	CU_ASSERT(bits[CNT_B / PV_PAGE_SIZE / 64] >> (CNT_B / PV_PAGE_SIZE % 64) & 1);
	CU_ASSERT(!(bits[QUIET / PV_PAGE_SIZE / 64] >> (QUIET / PV_PAGE_SIZE % 64) & 1));
	CU_ASSERT(!(bits[CODE / PV_PAGE_SIZE / 64] >> (CODE / PV_PAGE_SIZE % 64) & 1));
	/* Paused, it writes nothing: once the log is cleared, it stays empty. */
	CU_ASSERT_EQUAL(domctl_simple(PV_DOMCTL_pausedomain), 0);
	pthread_mutex_lock(&hv_lock);
	dom->engine->dirty_log_collect(dom, bits);
	rc = dom->engine->dirty_log_collect(dom, bits);
	dom->engine->dirty_log_stop(dom);
	pthread_mutex_unlock(&hv_lock);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(bits[CNT_A / PV_PAGE_SIZE / 64], 0);
	CU_ASSERT_EQUAL(domctl_simple(PV_DOMCTL_unpausedomain), 0);
}

/* Stopped at a consistent point: rip inside the loop, rax/rbx its pointers. */
static void test_quiesce(void)
{
	struct vcpu_state st;
	int rc;

	CU_ASSERT_EQUAL_FATAL(domain_quiesce(dom, 5000), 0);
	pthread_mutex_lock(&hv_lock);
	rc = dom->engine->get_vcpu(dom, &dom->vcpus[0], &st);
	pthread_mutex_unlock(&hv_lock);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT(st.rip >= PV_PHYSMAP_BASE + CODE + 20 && st.rip < PV_PHYSMAP_BASE + CODE + 28);
	CU_ASSERT_EQUAL(st.rax, PV_PHYSMAP_BASE + CNT_A);
	CU_ASSERT_EQUAL(st.rbx, PV_PHYSMAP_BASE + CNT_B);
	CU_ASSERT_EQUAL(st.ring0, 0);
	CU_ASSERT_EQUAL(domain_resume(dom), 0);
}

static void test_destroy(void)
{
	CU_ASSERT_EQUAL(domain_destroy(dom), 0);
	CU_ASSERT(dom->reaped);
	domain_put(dom);
	dom = NULL;
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;
	int rc = setup();

	if (rc == 77) {
		printf("skipped: no usable /dev/kvm\n");
		return 77;
	}
	if (rc || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("hvm engine, a real VM", NULL, NULL);
	CU_add_test(s, "runs natively, pause stops it", test_runs_and_pauses);
	CU_add_test(s, "dirty log: the pages it writes, no others", test_dirty_log);
	CU_add_test(s, "quiesce: stopped inside its loop", test_quiesce);
	CU_add_test(s, "destroy ends the VM", test_destroy);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
