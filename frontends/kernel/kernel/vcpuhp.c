/* vCPU hot-plug (vcpuhp.h). */
#include <pvisor/errno.h>
#include <pvisor/vcpu.h>

#include "arch/x86_64/hypercall.h"
#include "kernel/evtchn.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/vcpuhp.h"
#include "kernel/xenbus.h"
#include "lib/format.h"
#include "lib/kstring.h"

#define VCPUHP_DOWN_WAIT_NS (2ull * 1000000000ull)

enum vcpuhp_state { VCPUHP_NEVER, VCPUHP_UP, VCPUHP_DOWN };

static enum vcpuhp_state vcpuhp_state[SMP_MAX_VCPUS];
static volatile int vcpuhp_down_req[SMP_MAX_VCPUS];
static uint32_t vcpuhp_ipi[SMP_MAX_VCPUS]; /* raised on vCPU n: "look at your flag" */

static void vcpuhp_on_ipi(uint32_t port, void *data)
{
	(void)port;
	(void)data; /* the upcall itself ends the vCPU's SCHEDOP_block */
}

/* What a hot-plugged vCPU runs: idle until asked to go offline, then go down; a
 * VCPUOP_up makes smp_down_self return and the loop wait again. */
static void vcpuhp_loop(unsigned id)
{
	printk("vcpu %u: online\n", id);
	for (;;) {
		evtchn_wait_flag(&vcpuhp_down_req[id]);
		printk("vcpu %u: offline\n", id);
		printk_flush();
		smp_down_self();
		printk("vcpu %u: online\n", id);
	}
}

static int vcpuhp_is_down(void *arg)
{
	return HYPERVISOR_vcpu_op(PV_VCPUOP_is_up, (unsigned)(uintptr_t)arg, 0) == 0;
}

static void vcpuhp_up(unsigned id)
{
	int rc, port;

	if (vcpuhp_state[id] == VCPUHP_DOWN) {
		/* it must have stopped before VCPUOP_up can restart it */
		sched_wait_until(vcpuhp_is_down, (void *)(uintptr_t)id, VCPUHP_DOWN_WAIT_NS);
		vcpuhp_down_req[id] = 0;
		rc = HYPERVISOR_vcpu_op(PV_VCPUOP_up, id, 0);
	} else {
		port = evtchn_bind_ipi(id);
		if (port < 0) {
			printk("vcpu %u: no IPI port (%d): left offline\n", id, port);
			return;
		}
		vcpuhp_ipi[id] = (uint32_t)port;
		evtchn_bind_handler(vcpuhp_ipi[id], vcpuhp_on_ipi, 0);
		rc = smp_start(id, vcpuhp_loop);
	}
	if (rc < 0)
		printk("vcpu %u: cannot bring it up (%d)\n", id, rc);
	else
		vcpuhp_state[id] = VCPUHP_UP;
}

static void vcpuhp_down(unsigned id)
{
	vcpuhp_down_req[id] = 1;
	evtchn_send(vcpuhp_ipi[id]);
	vcpuhp_state[id] = VCPUHP_DOWN;
}

void vcpuhp_sync(void)
{
	unsigned nr = smp_nr_vcpus();
	char path[32], v[16];

	for (unsigned id = 0; id < nr; id++) {
		int online;

		ksnprintf(path, sizeof(path), "cpu/%u/availability", id);
		if (xenbus_read(XBT_NIL, path, v, sizeof(v)) < 0)
			continue;
		online = strcmp(v, "online") == 0;
		if (id == 0) {
			if (!online)
				printk("vcpu 0: stays online (the kernel runs on it)\n");
		} else if (online && vcpuhp_state[id] != VCPUHP_UP) {
			vcpuhp_up(id);
		} else if (!online && vcpuhp_state[id] == VCPUHP_UP) {
			vcpuhp_down(id);
		}
	}
}

int vcpuhp_online(unsigned id)
{
	return id < SMP_MAX_VCPUS && vcpuhp_state[id] == VCPUHP_UP;
}
