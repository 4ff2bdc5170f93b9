/* hello: the smoke-test app -- greet, then print what the hypervisor tells a guest
 * about itself (version, capabilities, memory, vCPUs, clock), then power off. */
#include <pvisor/memory.h>
#include <pvisor/sched.h>
#include <pvisor/vcpu.h>
#include <pvisor/version.h>

#include "apps/app.h"
#include "arch/x86_64/hypercall.h"
#include "kernel/printk.h"
#include "kernel/time.h"

static void hello_version(void)
{
	char extra[PV_EXTRAVERSION_LEN + 1] = { 0 };
	int v = HYPERVISOR_xen_version(PV_XENVER_version, NULL);
	int rc = HYPERVISOR_xen_version(PV_XENVER_extraversion, extra);

	if (v < 0) {
		printk("hello: xen_version failed: error %d\n", v);
		return;
	}
	extra[PV_EXTRAVERSION_LEN] = '\0';
	printk("hello: xen_version %d.%d%s%s\n", v >> 16, v & 0xffff,
	       rc < 0 ? " (no extraversion)" : "", rc < 0 ? "" : extra);
}

static void hello_capabilities(void)
{
	static char caps[PV_CAPABILITIES_INFO_LEN + 1];
	int rc = HYPERVISOR_xen_version(PV_XENVER_capabilities, caps);

	caps[PV_CAPABILITIES_INFO_LEN] = '\0';
	if (rc < 0)
		printk("hello: capabilities failed: error %d\n", rc);
	else
		printk("hello: capabilities \"%s\"\n", caps);
}

static void hello_reservation(const char *what, unsigned int cmd)
{
	pv_domid_t self = PV_DOMID_SELF;
	long pages = HYPERVISOR_memory_op(cmd, &self);

	if (pages < 0)
		printk("hello: %s failed: error %ld\n", what, pages);
	else
		printk("hello: %s %ld pages (%ld MiB)\n", what, pages,
		       pages >> (20 - PV_PAGE_SHIFT));
}

static void hello_vcpus(void)
{
	for (unsigned int vcpu = 0; vcpu < 2; vcpu++) {
		int rc = HYPERVISOR_vcpu_op(PV_VCPUOP_is_up, vcpu, NULL);

		if (rc < 0)
			printk("hello: vcpu %u is_up failed: error %d\n", vcpu, rc);
		else
			printk("hello: vcpu %u is_up=%d\n", vcpu, rc);
	}
}

static void hello_clock(void)
{
	struct pvclock_params p;
	uint64_t tsc;
	int rc = time_read_params(&p, &tsc);

	if (rc < 0) {
		printk("hello: clock unavailable: error %d\n", rc);
		return;
	}
	printk("hello: system time %llu ns, tsc %llu kHz\n", (unsigned long long)monotonic_ns(),
	       (unsigned long long)pvclock_tsc_khz(&p));
}

int app_hello_run(const struct app_env *env)
{
	printk("hello: Hello from the pvisor reference kernel\n");
	printk("hello: %llu pages of RAM, free from 0x%llx\n",
	       (unsigned long long)env->boot->nr_pages,
	       (unsigned long long)env->boot->free_start);
	hello_version();
	hello_capabilities();
	hello_reservation("current_reservation", PV_XENMEM_current_reservation);
	hello_reservation("maximum_reservation", PV_XENMEM_maximum_reservation);
	hello_vcpus();
	hello_clock();
	printk("hello: done\n");
	return PV_SHUTDOWN_poweroff;
}
