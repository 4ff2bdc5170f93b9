/* Unit tests of the engine seam on domains that never start: the registry and the
 * choice by create flags, the pv engine's vCPU frames (what the launcher loads and
 * saves) through get_vcpu/set_vcpu and through Xen's vcpu_guest_context (domctl),
 * the callback area, the hypercall page, the quiesce of a domain that never ran,
 * and the rule that a vCPU running guest code cannot be read or written. */
#include <CUnit/Basic.h>
#include <stddef.h>
#include <string.h>
#include <sys/auxv.h>

#include "engines/engine.h"
#include "engines/pv/pv.h"
#include "engines/pv/pv_engine.h"
#include "hypercall/hypercall.h"
#include "pvisor/domctl.h"
#include "pvisor/errno.h"

static struct domain *dom;
static int hvm_created, hvm_destroyed;

static int hvm_create(struct domain *d)
{
	d->engine_priv = &hvm_created;
	hvm_created++;
	return 0;
}

static void hvm_destroy(struct domain *d)
{
	(void)d;
	hvm_destroyed++;
}

/* Stands in for the hvm engine, which this build does not have: only what the core
 * calls on a domain that is created and destroyed. */
static const struct engine_ops test_hvm = {
	.name = "hvm",
	.create = hvm_create,
	.destroy = hvm_destroy,
};

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

static int setup(void)
{
	pv_domid_t id;

	if (domain_create(0, 2, NULL, &id) || !(dom = domain_get(id)))
		return 1;
	return domain_set_max_mem(dom, 1024) != 0;
}

static int teardown(void)
{
	domain_destroy(dom);
	domain_put(dom);
	return 0;
}

static void test_registry(void)
{
	struct pv_domctl dc = { .cmd = PV_DOMCTL_createdomain };
	struct domain *d;

	CU_ASSERT_PTR_EQUAL(engine_find("pv"), &engine_pv);
	CU_ASSERT_PTR_EQUAL(dom->engine, &engine_pv);
	CU_ASSERT_PTR_NULL(engine_find("hvm"));
	dc.u.createdomain.max_vcpus = 1;
	dc.u.createdomain.flags = PV_DOMCTL_CDF_hvm;
	CU_ASSERT_EQUAL(domctl(&dc, NULL, 0), -PV_EOPNOTSUPP);
	CU_ASSERT_EQUAL(engine_register(&test_hvm), 0);
	CU_ASSERT_EQUAL(engine_register(&test_hvm), -PV_EEXIST);
	CU_ASSERT_EQUAL(engine_register(&engine_pv), -PV_EEXIST);
	dc.domain = 0;
	CU_ASSERT_EQUAL_FATAL(domctl(&dc, NULL, 0), 0);
	d = domain_get(dc.domain);
	CU_ASSERT_PTR_EQUAL(d->engine, &test_hvm);
	CU_ASSERT_PTR_EQUAL(d->engine_priv, &hvm_created);
	CU_ASSERT_EQUAL(hvm_created, 1);
	domain_destroy(d);
	domain_put(d);
	CU_ASSERT_EQUAL(hvm_destroyed, 1);
}

static void fill_state(struct vcpu_state *st)
{
	uint64_t *r = &st->rax;

	memset(st, 0, sizeof(*st));
	for (int i = 0; i < 16; i++) /* rax .. r15 */
		r[i] = 0x1111111111111111ull * (uint64_t)(i + 1);
	st->rip = PV_KERNEL_LINK_ADDR + 0x40;
	st->rflags = 0x3d7; /* CF PF AF ZF SF, and TF and IF, which are not the guest's */
	st->flags = VCPU_STATE_FPU;
	for (unsigned i = 0; i < sizeof(st->fpu); i++)
		st->fpu[i] = (uint8_t)i;
}

/* The frame as the launcher's assembly reads it: fixed offsets. */
static uint64_t frame_u64(unsigned vcpu, unsigned off)
{
	uint64_t v;

	memcpy(&v, (uint8_t *)pv_frame(dom, vcpu) + off, sizeof(v));
	return v;
}

static void test_pv_frame(void)
{
	struct vcpu_state in, out;
	struct vcpu *v = &dom->vcpus[1];
	uint8_t *fpu = (uint8_t *)pv_frame(dom, 1) + PV_FRAME_FPU_OFFSET;

	fill_state(&in);
	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_EQUAL(dom->engine->set_vcpu(dom, v, &in), 0);
	CU_ASSERT_EQUAL(dom->engine->get_vcpu(dom, v, &out), 0);
	pthread_mutex_unlock(&hv_lock);
	CU_ASSERT_EQUAL(frame_u64(1, 0x00), in.rip);
	CU_ASSERT_EQUAL(frame_u64(1, 0x08), in.rsp);
	CU_ASSERT_EQUAL(frame_u64(1, 0x10), 0x2d7); /* TF dropped, IF set (ring 3) */
	CU_ASSERT_EQUAL(frame_u64(1, 0x18), in.rax);
	CU_ASSERT_EQUAL(frame_u64(1, 0x88), in.r15);
	CU_ASSERT(frame_u64(1, 0xa8) & PV_FRAME_FPU);
	CU_ASSERT_EQUAL(fpu[24], 24);          /* MXCSR low half kept */
	CU_ASSERT_EQUAL(fpu[26] | fpu[27], 0); /* reserved high half cleared */
	CU_ASSERT_EQUAL(memcmp(&out.rax, &in.rax, 16 * sizeof(uint64_t)), 0);
	CU_ASSERT_EQUAL(out.rip, in.rip);
	CU_ASSERT_EQUAL(memcmp(out.fpu, in.fpu, 24), 0);
	CU_ASSERT(out.flags & VCPU_STATE_FPU);
	in.extra_len = 16;
	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_EQUAL(dom->engine->set_vcpu(dom, v, &in), -PV_EOPNOTSUPP);
	pthread_mutex_unlock(&hv_lock);
}

/* fs/gs base: carried where the host lets the guest have them, else refused. */
static void test_pv_segbase(void)
{
	struct vcpu_state in, out;
	int host = (getauxval(AT_HWCAP2) & 2) != 0;
	int rc;

	fill_state(&in);
	in.flags |= VCPU_STATE_SEGBASE;
	in.fs_base = 0x7000;
	in.gs_base = PV_PHYSMAP_BASE + 0x8000;
	pthread_mutex_lock(&hv_lock);
	rc = dom->engine->set_vcpu(dom, &dom->vcpus[1], &in);
	if (rc == 0)
		dom->engine->get_vcpu(dom, &dom->vcpus[1], &out);
	pthread_mutex_unlock(&hv_lock);
	if (!host) {
		CU_ASSERT_EQUAL(rc, -PV_EOPNOTSUPP);
		return;
	}
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT(out.flags & VCPU_STATE_SEGBASE);
	CU_ASSERT_EQUAL(out.fs_base, 0x7000);
	CU_ASSERT_EQUAL(out.gs_base, PV_PHYSMAP_BASE + 0x8000);
	CU_ASSERT_EQUAL(frame_u64(1, 0x90), 0x7000);
}

/* setvcpucontext / getvcpucontext: Xen's layout in and out, callbacks, online. */
static void test_domctl_context(void)
{
	struct pv_vcpu_guest_context g = { 0 }, back;
	struct pv_domctl dc = { .cmd = PV_DOMCTL_setvcpucontext, .domain = dom->domid };

	g.user_regs.rip = PV_KERNEL_LINK_ADDR;
	g.user_regs.rsp = PV_PHYSMAP_BASE + 0x9000;
	g.user_regs.r12 = 0x12;
	g.user_regs.rflags = 0x246;
	g.flags = PV_VGCF_i387_valid | PV_VGCF_online;
	g.fpu_ctxt.x[0] = 0x7f;
	g.event_callback_eip = PV_KERNEL_LINK_ADDR + 0x100;
	g.failsafe_callback_eip = PV_KERNEL_LINK_ADDR + 0x200;
	dc.u.vcpucontext.vcpu = 1;
	dc.u.vcpucontext.ctxt = PV_PRIVCMD_BUF_ADDR;
	CU_ASSERT_EQUAL_FATAL(domctl(&dc, &g, sizeof(g)), 0);
	CU_ASSERT(dom->vcpus[1].up && dom->vcpus[1].ctx_set);
	CU_ASSERT_EQUAL(pv_upcall_area(dom, 1)->entry, g.event_callback_eip);
	CU_ASSERT_EQUAL(pv_upcall_area(dom, 1)->failsafe, g.failsafe_callback_eip);
	dc.cmd = PV_DOMCTL_getvcpucontext;
	CU_ASSERT_EQUAL_FATAL(domctl(&dc, &back, sizeof(back)), 0);
	CU_ASSERT_EQUAL(back.user_regs.rip, g.user_regs.rip);
	CU_ASSERT_EQUAL(back.user_regs.rsp, g.user_regs.rsp);
	CU_ASSERT_EQUAL(back.user_regs.r12, 0x12);
	CU_ASSERT_EQUAL(back.user_regs.rflags & 0xcd5, 0x246 & 0xcd5);
	CU_ASSERT_EQUAL(back.fpu_ctxt.x[0], 0x7f);
	CU_ASSERT(back.flags & PV_VGCF_i387_valid);
	CU_ASSERT(back.flags & PV_VGCF_online);
	CU_ASSERT_EQUAL(back.event_callback_eip, g.event_callback_eip);
	CU_ASSERT_EQUAL(back.failsafe_callback_eip, g.failsafe_callback_eip);
}

/* Only a vCPU that runs no guest code may be read or written. */
static void test_running_vcpu(void)
{
	struct pv_vcpu *pv = pv_vcpu(dom, &dom->vcpus[0]);
	struct vcpu_state st;

	pthread_mutex_lock(&hv_lock);
	dom->started = 1;
	pv->tid = 4242; /* its thread entered the guest */
	CU_ASSERT_EQUAL(dom->engine->get_vcpu(dom, &dom->vcpus[0], &st), -PV_EBUSY);
	CU_ASSERT_EQUAL(dom->engine->set_vcpu(dom, &dom->vcpus[0], &st), -PV_EBUSY);
	pv->held = 1; /* waits in pvisor_vcpu_stop */
	CU_ASSERT_EQUAL(dom->engine->get_vcpu(dom, &dom->vcpus[0], &st), 0);
	pv->held = 0;
	pv->tid = 0;
	dom->started = 0;
	pthread_mutex_unlock(&hv_lock);
}

static void test_hypercall_page(void)
{
	struct pv_domctl dc = { .cmd = PV_DOMCTL_hypercall_init, .domain = dom->domid };
	uint8_t *page = dom->mem + 2 * PV_PAGE_SIZE;
	uint32_t nr;

	dc.u.hypercall_init.gmfn = 2;
	CU_ASSERT_EQUAL_FATAL(domctl(&dc, NULL, 0), 0);
	CU_ASSERT(pv_dom(dom)->hcpage_set);
	/* slot 29 (sched_op): push rcx; push r11; mov eax, BASE + 29; syscall; jmp */
	CU_ASSERT_EQUAL(page[29 * 32], 0x51);
	CU_ASSERT_EQUAL(page[29 * 32 + 3], 0xb8);
	memcpy(&nr, page + 29 * 32 + 4, 4);
	CU_ASSERT_EQUAL(nr, PV_HCALL_SYSNR_BASE + 29);
	CU_ASSERT_EQUAL(page[29 * 32 + 8], 0x0f);
	CU_ASSERT_EQUAL(page[29 * 32 + 10], 0xe9);
	CU_ASSERT_EQUAL(page[110 * 32], 0xcc); /* between the tail and the private slots */
	memcpy(&nr, page + PV_HYPERCALL_pvisor_vcpu_stop * 32 + 4, 4);
	CU_ASSERT_EQUAL(nr, PV_HCALL_SYSNR_BASE + PV_HYPERCALL_pvisor_vcpu_stop);
}

/* Nothing of a domain that never ran runs: it is quiesced as it is. */
static void test_quiesce_unstarted(void)
{
	CU_ASSERT_EQUAL(domain_resume(dom), -PV_EINVAL);
	CU_ASSERT_EQUAL(domain_quiesce(dom, 10), 0);
	CU_ASSERT_EQUAL(dom->quiesce, DOMAIN_QUIESCED);
	CU_ASSERT_EQUAL(domain_quiesce(dom, 10), -PV_EBUSY);
	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_EQUAL(domain_unpause(dom), -PV_EBUSY); /* would start it */
	CU_ASSERT_EQUAL(domain_cpu_time_locked(dom), 0);
	CU_ASSERT_EQUAL(vcpu_cpu_time_locked(dom, &dom->vcpus[0]), 0);
	CU_ASSERT_EQUAL(domain_host_pid_locked(dom), 0);
	pthread_mutex_unlock(&hv_lock);
	CU_ASSERT_EQUAL(domain_resume(dom), 0);
	CU_ASSERT_EQUAL(dom->quiesce, DOMAIN_RUNS);
}

int main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("engine", setup, teardown);
	CU_add_test(s, "registry, engine by create flags", test_registry);
	CU_add_test(s, "pv frame: set, get, layout", test_pv_frame);
	CU_add_test(s, "pv frame: fs/gs base", test_pv_segbase);
	CU_add_test(s, "domctl set/getvcpucontext", test_domctl_context);
	CU_add_test(s, "a running vCPU is not read", test_running_vcpu);
	CU_add_test(s, "pv hypercall page", test_hypercall_page);
	CU_add_test(s, "quiesce of a domain that never ran", test_quiesce_unstarted);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	{
		unsigned failed = CU_get_number_of_failures();

		CU_cleanup_registry();
		return failed ? 1 : 0;
	}
}
