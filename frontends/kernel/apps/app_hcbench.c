/* hcbench: the cost of a round trip into the hypervisor. Times n cheap hypercalls
 * as a whole with the PV clock, and the first HCBENCH_SAMPLES one by one with the
 * TSC for the median and the 99th percentile. op=version (xen_version, the
 * default), op=send (EVTCHNOP_send on a port nobody bound: the notify path without
 * a delivery) or op=ipi (a send to an IPI port of this vCPU: every call also takes
 * an upcall on its way back). */
#include <pvisor/sched.h>
#include <pvisor/version.h>

#include "apps/app.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/hypercall.h"
#include "kernel/evtchn.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "lib/kstring.h"
#include "lib/sort.h"

#define HCBENCH_DEFAULT_N 200000
#define HCBENCH_SAMPLES   10000

static uint64_t hcbench_ticks[HCBENCH_SAMPLES];
static int hcbench_port = -1; /* op=send / op=ipi: the port sent to */
static volatile uint64_t hcbench_upcalls;

static void hcbench_on_ipi(uint32_t port, void *data)
{
	(void)port;
	(void)data;
	hcbench_upcalls++;
}

static int hcbench_call(void)
{
	if (hcbench_port < 0)
		return HYPERVISOR_xen_version(PV_XENVER_version, NULL);
	return evtchn_send((uint32_t)hcbench_port);
}

/* op=: pick the call; 0 or a negative error. */
static int hcbench_setup(const char *op)
{
	if (!op || strcmp(op, "version") == 0)
		return 0;
	if (strcmp(op, "send") == 0) {
		hcbench_port = evtchn_alloc_unbound(0);
		return hcbench_port < 0 ? hcbench_port : 0;
	}
	if (strcmp(op, "ipi") == 0) {
		hcbench_port = evtchn_bind_ipi(0);
		if (hcbench_port >= 0)
			evtchn_bind_handler((uint32_t)hcbench_port, hcbench_on_ipi, 0);
		return hcbench_port < 0 ? hcbench_port : 0;
	}
	return -1;
}

/* Run n calls; the first ones are timed individually. Returns the first error. */
static int hcbench_loop(uint64_t n, size_t nsamples)
{
	int err = 0;

	for (uint64_t i = 0; i < n; i++) {
		uint64_t t0 = 0;
		int rc;

		if (i < nsamples)
			t0 = cpu_rdtsc();
		rc = hcbench_call();
		if (i < nsamples)
			hcbench_ticks[i] = cpu_rdtsc() - t0;
		if (rc < 0 && !err)
			err = rc;
	}
	return err;
}

static void hcbench_report(uint64_t n, uint64_t total_ns, size_t nsamples)
{
	uint64_t median, p99;

	sort_u64(hcbench_ticks, nsamples);
	median = time_tsc_to_ns(sort_percentile_u64(hcbench_ticks, nsamples, 50));
	p99 = time_tsc_to_ns(sort_percentile_u64(hcbench_ticks, nsamples, 99));
	printk("hcbench: n=%llu total_ns=%llu avg_ns=%llu median_ns=%llu p99_ns=%llu",
	       (unsigned long long)n, (unsigned long long)total_ns,
	       (unsigned long long)(total_ns / n), (unsigned long long)median,
	       (unsigned long long)p99);
	/* the port sent to, so a trace's count per port can be checked against n */
	if (hcbench_port >= 0)
		printk(" port=%d", hcbench_port);
	printk("\n");
}

int app_hcbench_run(const struct app_env *env)
{
	uint64_t n, t0, total;
	size_t nsamples;
	int rc = cmdline_get_u64(env->cmdline, "n", HCBENCH_DEFAULT_N, &n);

	if (rc < 0 || n == 0) {
		printk("hcbench: n must be a count of at least 1 (got '%s'); boot with n=COUNT\n",
		       cmdline_get(env->cmdline, "n"));
		return PV_SHUTDOWN_crash;
	}
	if (hcbench_setup(cmdline_get(env->cmdline, "op")) < 0) {
		printk("hcbench: op must be version, send or ipi\n");
		return PV_SHUTDOWN_crash;
	}
	nsamples = n < HCBENCH_SAMPLES ? (size_t)n : HCBENCH_SAMPLES;
	t0 = monotonic_ns();
	rc = hcbench_loop(n, nsamples);
	total = monotonic_ns() - t0;
	if (rc < 0) {
		printk("hcbench: the hypercall failed: error %d\n", rc);
		return PV_SHUTDOWN_crash;
	}
	hcbench_report(n, total, nsamples);
	if (hcbench_upcalls)
		printk("hcbench: %llu upcalls\n", (unsigned long long)hcbench_upcalls);
	return PV_SHUTDOWN_poweroff;
}
