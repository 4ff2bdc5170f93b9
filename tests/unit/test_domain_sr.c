/* The hypervisor's side of save/restore on a stand-in engine: a guest's
 * SCHEDOP_shutdown(suspend) shuts it down with reason suspend and quiesces it
 * instead of killing it; QUIESCE waits for that, RESUME refuses it, resumedomain
 * lets it run on; privcmd's SR_SAVE state (vCPUs, timers, event channels, grant
 * frames) loads into a fresh domain of the same engine with SR_RESTORE and is
 * refused by another engine, another vCPU count or a domain that ran. */
#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

#include "engines/engine.h"
#include "hypercall/hypercall.h"
#include "pvisor/domctl.h"
#include "pvisor/errno.h"
#include "pvisor/save.h"
#include "pvisor/sched.h"

#define NV 2
static int quiesced, resumed, killed, started;

/* The engine keeps each vCPU's registers in an array of its own. */
static int fk_create(struct domain *d)
{
	d->engine_priv = calloc(d->max_vcpus, sizeof(struct vcpu_state));
	return d->engine_priv ? 0 : -PV_ENOMEM;
}

static void fk_destroy(struct domain *d)
{
	free(d->engine_priv);
}

static int fk_start(struct domain *d)
{
	(void)d;
	started++;
	return 0;
}

static int fk_quiesce(struct domain *d)
{
	quiesced++;
	domain_quiesced_locked(d); /* our vCPUs stop at once */
	return 0;
}

static void fk_resume(struct domain *d)
{
	(void)d;
	resumed++;
}

/* The host context "ends": reported from another thread, as an engine's reaper. */
static void *fk_reap(void *arg)
{
	struct engine_exit ex = { .cpu_ns = 1 };

	domain_reaped(arg, &ex);
	return NULL;
}

static void fk_kill(struct domain *d)
{
	pthread_t t;

	killed++;
	pthread_create(&t, NULL, fk_reap, d);
	pthread_detach(t);
}

static void fk_release(struct domain *d)
{
	(void)d;
}

static int fk_get(struct domain *d, struct vcpu *v, struct vcpu_state *st)
{
	*st = ((struct vcpu_state *)d->engine_priv)[v->id];
	return 0;
}

static int fk_set(struct domain *d, struct vcpu *v, const struct vcpu_state *st)
{
	((struct vcpu_state *)d->engine_priv)[v->id] = *st;
	return 0;
}

static int fk_hcpage(struct domain *d, uint64_t gpfn)
{
	(void)d;
	(void)gpfn;
	return 0;
}

static int fk_nop(struct domain *d)
{
	(void)d;
	return 0;
}

static const struct engine_ops fake = {
	.name = "hvm",
	.create = fk_create,
	.destroy = fk_destroy,
	.start = fk_start,
	.pause = fk_nop,
	.unpause = fk_nop,
	.kill = fk_kill,
	.release = fk_release,
	.quiesce = fk_quiesce,
	.resume = fk_resume,
	.get_vcpu = fk_get,
	.set_vcpu = fk_set,
	.hypercall_page = fk_hcpage,
};

static long domctl(uint32_t cmd, pv_domid_t dom, struct pv_domctl *dc, void *buf, size_t len)
{
	struct hc_ctx d0 = { .privileged = 1,
			     .arg = (uint8_t *)dc,
			     .arg_len = sizeof(*dc),
			     .buf = buf,
			     .buf_len = len };
	uint64_t a[5] = { PV_PRIVCMD_ARG_ADDR };

	dc->cmd = cmd;
	dc->domain = dom;
	dc->interface_version = PV_DOMCTL_INTERFACE_VERSION;
	return hypercall_dispatch(&d0, PV_HYPERCALL_domctl, a);
}

/* A built domain of the stand-in engine (or pv), not started. */
static struct domain *make(int hvm, unsigned nv)
{
	struct pv_domctl dc = { 0 };
	struct pv_vcpu_guest_context g = { 0 };
	struct domain *d;

	dc.u.createdomain.max_vcpus = nv;
	dc.u.createdomain.flags = hvm ? PV_DOMCTL_CDF_hvm : 0;
	CU_ASSERT_FATAL(domctl(PV_DOMCTL_createdomain, 0, &dc, NULL, 0) == 0);
	d = domain_get(dc.domain);
	memset(&dc, 0, sizeof(dc));
	dc.u.max_mem.max_memkb = 1024;
	CU_ASSERT(domctl(PV_DOMCTL_max_mem, d->domid, &dc, NULL, 0) == 0);
	g.user_regs.rip = PV_KERNEL_LINK_ADDR;
	g.user_regs.rdx = 0x42; /* start_info's frame, as a suspending guest passes it */
	memset(&dc, 0, sizeof(dc));
	dc.u.vcpucontext.vcpu = 0;
	dc.u.vcpucontext.ctxt = PV_PRIVCMD_BUF_ADDR;
	CU_ASSERT(domctl(PV_DOMCTL_setvcpucontext, d->domid, &dc, &g, sizeof(g)) == 0);
	memset(&dc, 0, sizeof(dc));
	dc.u.hypercall_init.gmfn = 3;
	CU_ASSERT(domctl(PV_DOMCTL_hypercall_init, d->domid, &dc, NULL, 0) == 0);
	return d;
}

static void gone(struct domain *d)
{
	domain_destroy(d);
	domain_put(d);
}

static long suspend_call(struct domain *d)
{
	struct pv_sched_shutdown s = { .reason = PV_SHUTDOWN_suspend };
	struct hc_ctx g = { .d = d, .v = &d->vcpus[0] };
	uint64_t a[5] = { PV_SCHEDOP_shutdown, (uint64_t)(uintptr_t)&s };

	(void)g;
	/* a guest's call: the argument is in "guest memory", here the domain's own */
	memcpy(d->mem + 0x1000, &s, sizeof(s));
	a[1] = PV_PHYSMAP_BASE + 0x1000;
	return hypercall_dispatch(&g, PV_HYPERCALL_sched_op, a);
}

static void test_suspend_resume(void)
{
	struct domain *d = make(1, NV);
	struct pv_domctl dc = { 0 };

	CU_ASSERT_EQUAL(domctl(PV_DOMCTL_resumedomain, d->domid, &dc, NULL, 0), -PV_EINVAL);
	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_EQUAL(domain_unpause(d), 0);
	pthread_mutex_unlock(&hv_lock);
	CU_ASSERT_EQUAL(started, 1);
	CU_ASSERT_EQUAL(suspend_call(d), 0); /* answered: the vCPU stops as it returns */
	CU_ASSERT_EQUAL(d->state, PV_DOMSTATE_SHUTDOWN);
	CU_ASSERT_EQUAL(d->shutdown_reason, PV_SHUTDOWN_suspend);
	CU_ASSERT_EQUAL(killed, 0); /* kept, not killed */
	CU_ASSERT_EQUAL(quiesced, 1);
	CU_ASSERT_EQUAL(domain_quiesce(d, 100), 0); /* waits for the suspend's own */
	CU_ASSERT_EQUAL(domain_quiesce(d, 100), 0);
	CU_ASSERT_EQUAL(domain_resume(d), -PV_EINVAL); /* resumedomain, not RESUME */
	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_EQUAL(domain_pause(d), -PV_EINVAL);
	pthread_mutex_unlock(&hv_lock);
	CU_ASSERT_EQUAL(domctl(PV_DOMCTL_resumedomain, d->domid, &dc, NULL, 0), 0);
	CU_ASSERT_EQUAL(d->state, PV_DOMSTATE_RUNNING);
	CU_ASSERT_EQUAL(d->shutdown_reason, 0);
	CU_ASSERT_EQUAL(d->quiesce, DOMAIN_RUNS);
	CU_ASSERT_EQUAL(resumed, 1);
	CU_ASSERT_EQUAL(domctl(PV_DOMCTL_resumedomain, d->domid, &dc, NULL, 0), -PV_EINVAL);
	gone(d);
}

/* A checkpoint's resume: the suspend call returns 1; -p keeps it paused. */
static void test_resume_cancel(void)
{
	struct domain *d = make(1, NV);

	pthread_mutex_lock(&hv_lock);
	domain_unpause(d);
	pthread_mutex_unlock(&hv_lock);
	CU_ASSERT_EQUAL(suspend_call(d), 0);
	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_EQUAL(domain_resume_suspended_flags(d,
						      PV_SR_RESUME_CANCEL | PV_SR_RESUME_PAUSED),
			0);
	CU_ASSERT_EQUAL(((struct vcpu_state *)d->engine_priv)[0].rax, 1);
	CU_ASSERT_EQUAL(d->state, PV_DOMSTATE_PAUSED);
	CU_ASSERT_EQUAL(d->pause_count, 1);
	CU_ASSERT_EQUAL(domain_resume_suspended_flags(d, 0), -PV_EINVAL);
	CU_ASSERT_EQUAL(domain_unpause(d), 0);
	CU_ASSERT_EQUAL(d->state, PV_DOMSTATE_RUNNING);
	pthread_mutex_unlock(&hv_lock);
	gone(d);
}

/* SR_SAVE of a suspended domain, SR_RESTORE into a fresh one. */
static void test_state_roundtrip(void)
{
	struct domain *d = make(1, NV), *r;
	const struct pv_sr_hvstate *h;
	const struct pv_sr_vcpu *v0;
	const struct pv_sr_timer *t;
	uint8_t *buf = NULL;
	size_t len = 0;

	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_EQUAL(domain_sr_save_locked(d, &buf, &len), 0); /* never ran: readable */
	free(buf);
	domain_unpause(d);
	CU_ASSERT_EQUAL(domain_sr_save_locked(d, &buf, &len), -PV_EBUSY); /* it runs */
	d->vcpus[0].timer_deadline = timeinfo_system_ns() + 2000000000ull;
	d->vcpus[1].timer_period = 10000000;
	d->vcpus[1].timer_next_period = timeinfo_system_ns() + 5000000;
	pthread_mutex_unlock(&hv_lock);
	CU_ASSERT_EQUAL(suspend_call(d), 0);
	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_EQUAL_FATAL(domain_sr_save_locked(d, &buf, &len), 0);
	pthread_mutex_unlock(&hv_lock);
	h = (const void *)buf;
	CU_ASSERT_EQUAL(h->nr_vcpus, NV);
	CU_ASSERT_STRING_EQUAL(h->engine, "hvm");
	CU_ASSERT(h->flags & PV_SR_HV_SUSPENDED);
	CU_ASSERT_EQUAL(h->hcpage_gfn, 3);
	v0 = (const void *)(buf + sizeof(*h));
	CU_ASSERT_EQUAL(v0->rip, PV_KERNEL_LINK_ADDR);
	CU_ASSERT_EQUAL(v0->rdx, 0x42);
	CU_ASSERT(v0->flags & PV_SR_VCPU_UP);
	t = (const void *)(buf + sizeof(*h) + 2 * ((sizeof(*v0) + 7) & ~7ul));
	CU_ASSERT(t[0].flags == PV_SR_TIMER_SINGLESHOT && t[0].singleshot_ns > 1900000000);
	CU_ASSERT(t[1].flags == PV_SR_TIMER_PERIODIC && t[1].period_ns == 10000000);

	r = make(1, NV);
	((struct vcpu_state *)r->engine_priv)[0].rdx = 7; /* what restore must replace */
	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_EQUAL(domain_sr_restore_locked(r, buf, len), 0);
	CU_ASSERT_EQUAL(((struct vcpu_state *)r->engine_priv)[0].rdx, 0x42);
	CU_ASSERT(r->vcpus[0].up && !r->vcpus[1].up);
	CU_ASSERT(r->vcpus[0].timer_deadline > timeinfo_system_ns() + 1900000000ull);
	CU_ASSERT_EQUAL(r->vcpus[1].timer_period, 10000000);
	CU_ASSERT_EQUAL(r->hcpage_gfn, 3);
	domain_unpause(r);
	CU_ASSERT_EQUAL(domain_sr_restore_locked(r, buf, len), -PV_EBUSY); /* it ran */
	pthread_mutex_unlock(&hv_lock);
	gone(r);

	r = make(0, NV); /* the pv engine: another engine's registers */
	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_EQUAL(domain_sr_restore_locked(r, buf, len), -PV_EOPNOTSUPP);
	pthread_mutex_unlock(&hv_lock);
	gone(r);
	r = make(1, NV + 1);
	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_EQUAL(domain_sr_restore_locked(r, buf, len), -PV_EINVAL);
	CU_ASSERT_EQUAL(domain_sr_restore_locked(r, buf, sizeof(*h) - 1), -PV_EINVAL);
	pthread_mutex_unlock(&hv_lock);
	gone(r);
	free(buf);
	gone(d);
}

int main(void)
{
	CU_pSuite s;

	CU_initialize_registry();
	if (engine_register(&fake) != 0)
		return 1;
	s = CU_add_suite("domain_sr", NULL, NULL);
	CU_add_test(s, "suspend quiesces; resumedomain", test_suspend_resume);
	CU_add_test(s, "SR_RESUME: cancelled, paused", test_resume_cancel);
	CU_add_test(s, "SR_SAVE / SR_RESTORE", test_state_roundtrip);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	int failed = (int)CU_get_number_of_failures();

	CU_cleanup_registry();
	return failed ? 1 : 0;
}
