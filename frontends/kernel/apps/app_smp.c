/* smp: work=N rounds=R -- start every vCPU the domain has, run a computation on
 * each, then exchange R IPI round trips between vCPU 0 and every other vCPU (each
 * answered from the other vCPU's own upcall), take them down and power off. */
#include <pvisor/errno.h>
#include <pvisor/sched.h>
#include <pvisor/vcpu.h>

#include "apps/app.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/hypercall.h"
#include "kernel/evtchn.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/time.h"

static uint64_t smp_work;
static uint32_t smp_ipi_port[SMP_MAX_VCPUS];  /* raised on vCPU i */
static uint32_t smp_back_port[SMP_MAX_VCPUS]; /* vCPU i answers on it, raised on 0 */
static volatile uint64_t smp_ipis_taken[SMP_MAX_VCPUS];
static volatile int smp_answered[SMP_MAX_VCPUS];
static volatile int smp_vready[SMP_MAX_VCPUS];
static volatile int smp_stop[SMP_MAX_VCPUS];
static volatile int smp_answer_seen;
static uint64_t smp_result[SMP_MAX_VCPUS];

/* A computation whose result depends on every step: xorshift mixing. */
static uint64_t smp_compute(unsigned id, uint64_t steps)
{
	uint64_t x = 0x9e3779b97f4a7c15ull * (id + 1);

	for (uint64_t i = 0; i < steps; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

/* On vCPU i: count the IPI and answer vCPU 0. */
static void smp_on_ipi(uint32_t port, void *data)
{
	unsigned id = (unsigned)(uintptr_t)data;

	(void)port;
	smp_ipis_taken[id]++;
	evtchn_send(smp_back_port[id]);
}

/* Events do not count: one port per answering vCPU, one answer in flight each. */
static void smp_on_answer(uint32_t port, void *data)
{
	(void)port;
	smp_answered[(uintptr_t)data] = 1;
	smp_answer_seen = 1;
}

static void smp_worker(unsigned id)
{
	uint64_t t0 = monotonic_ns();

	smp_result[id] = smp_compute(id, smp_work);
	printk("smp: vcpu %u: computed %016llx in %llu us\n", id,
	       (unsigned long long)smp_result[id],
	       (unsigned long long)((monotonic_ns() - t0) / 1000));
	smp_vready[id] = 1;
	evtchn_wait_flag(&smp_stop[id]);
}

static int smp_bind(unsigned nr)
{
	int port;

	for (unsigned v = 1; v < nr; v++) {
		port = evtchn_bind_ipi(0);
		if (port < 0)
			return port;
		smp_back_port[v] = (uint32_t)port;
		evtchn_bind_handler(smp_back_port[v], smp_on_answer, (void *)(uintptr_t)v);
		port = evtchn_bind_ipi(v);
		if (port < 0)
			return port;
		smp_ipi_port[v] = (uint32_t)port;
		evtchn_bind_handler(smp_ipi_port[v], smp_on_ipi, (void *)(uintptr_t)v);
	}
	return 0;
}

/* R rounds: vCPU 0 sends one IPI to each vCPU, then waits for all the answers. */
static int smp_pingpong(unsigned nr, uint64_t rounds)
{
	uint64_t t0 = monotonic_ns();

	for (uint64_t r = 0; r < rounds; r++) {
		uint64_t deadline = monotonic_ns() + 5000000000ull;
		unsigned missing;

		for (unsigned v = 1; v < nr; v++) {
			smp_answered[v] = 0;
			evtchn_send(smp_ipi_port[v]);
		}
		for (;;) {
			missing = 0;
			smp_answer_seen = 0;
			for (unsigned v = 1; v < nr; v++)
				missing += !smp_answered[v];
			if (!missing)
				break;
			if (monotonic_ns() > deadline) {
				printk("smp: round %llu: %u of %u vCPUs did not answer in 5 s\n",
				       (unsigned long long)r, missing, nr - 1);
				return -1;
			}
			evtchn_wait_flag(&smp_answer_seen);
		}
	}
	printk("smp: %llu IPI rounds to %u vCPUs in %llu us\n", (unsigned long long)rounds,
	       nr - 1, (unsigned long long)((monotonic_ns() - t0) / 1000));
	return 0;
}

static int smp_shutdown_vcpus(unsigned nr)
{
	uint64_t deadline = monotonic_ns() + 5000000000ull;

	for (unsigned v = 1; v < nr; v++) {
		smp_stop[v] = 1;
		evtchn_send(smp_ipi_port[v]); /* wake it: it then goes down */
	}
	for (unsigned v = 1; v < nr; v++)
		while (HYPERVISOR_vcpu_op(PV_VCPUOP_is_up, v, 0) == 1) {
			if (monotonic_ns() > deadline) {
				printk("smp: vcpu %u still up\n", v);
				return -1;
			}
			cpu_relax();
		}
	printk("smp: all secondary vCPUs down\n");
	return 0;
}

int app_smp_run(const struct app_env *env)
{
	unsigned nr = smp_nr_vcpus();
	uint64_t rounds;
	int rc;

	if (cmdline_get_u64(env->cmdline, "work", 20000000, &smp_work) < 0 ||
	    cmdline_get_u64(env->cmdline, "rounds", 1000, &rounds) < 0) {
		printk("smp: give work=STEPS and rounds=COUNT\n");
		return PV_SHUTDOWN_crash;
	}
	printk("smp: %u vCPUs\n", nr);
	if (nr < 2) {
		printk("smp: needs vcpus >= 2 in the domain config\n");
		return PV_SHUTDOWN_crash;
	}
	if ((rc = smp_bind(nr)) < 0) {
		printk("smp: binding IPIs failed: %d\n", rc);
		return PV_SHUTDOWN_crash;
	}
	for (unsigned v = 1; v < nr; v++)
		if ((rc = smp_start(v, smp_worker)) < 0) {
			printk("smp: starting vcpu %u failed: %d\n", v, rc);
			return PV_SHUTDOWN_crash;
		}
	smp_result[0] = smp_compute(0, smp_work);
	for (unsigned v = 1; v < nr; v++)
		while (!smp_vready[v])
			cpu_relax();
	if (smp_pingpong(nr, rounds) < 0)
		return PV_SHUTDOWN_crash;
	for (unsigned v = 1; v < nr; v++)
		printk("smp: vcpu %u: %llu IPIs, %llu upcalls\n", v,
		       (unsigned long long)smp_ipis_taken[v],
		       (unsigned long long)evtchn_upcalls(v));
	if (smp_shutdown_vcpus(nr) < 0)
		return PV_SHUTDOWN_crash;
	return PV_SHUTDOWN_poweroff;
}
