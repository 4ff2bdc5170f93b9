/* The toolstack's control keys in the reference kernel (ctl.h). */
#include <pvisor/errno.h>
#include <pvisor/sched.h>
#include <pvisor/vcpu.h>

#include "arch/x86_64/hypercall.h"
#include "kernel/balloon.h"
#include "kernel/ctl.h"
#include "kernel/evtchn.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/suspend.h"
#include "kernel/vcpuhp.h"
#include "kernel/xenbus.h"
#include "lib/kstring.h"

#define CTL_KIB_PER_PAGE (PV_PAGE_SIZE / 1024)

static int ctl_up;
static uint64_t ctl_target_kb; /* memory/target last acted on (at boot: as built) */

/* ---- sysrq ---- */

static void ctl_show_memory(void)
{
	uint64_t out = balloon_pages_out();

	printk("sysrq: memory: %llu KiB of RAM, %llu KiB free, %llu KiB given back "
	       "(reservation %ld KiB)\n",
	       (unsigned long long)(boot.nr_pages * CTL_KIB_PER_PAGE),
	       (unsigned long long)(mm_free_pages() * CTL_KIB_PER_PAGE),
	       (unsigned long long)(out * CTL_KIB_PER_PAGE),
	       balloon_reservation() * (long)CTL_KIB_PER_PAGE);
}

static void ctl_show_vcpus(void)
{
	unsigned nr = smp_nr_vcpus();

	for (unsigned id = 0; id < nr; id++)
		printk("sysrq: vcpu %u: %s\n", id,
		       HYPERVISOR_vcpu_op(PV_VCPUOP_is_up, id, 0) > 0 ? "up" : "down");
}

void ctl_sysrq(char key)
{
	switch (key) {
	case 'h':
		printk("sysrq: HELP: reboot(b) crash(c) help(h) show-memory(m) poweroff(o) "
		       "show-vcpus(t)\n");
		break;
	case 'm':
		ctl_show_memory();
		break;
	case 't':
		ctl_show_vcpus();
		break;
	case 'o':
		printk("sysrq: power off\n");
		power_off(PV_SHUTDOWN_poweroff);
	case 'b': /* as Linux: at once, nothing closed */
		printk("sysrq: resetting\n");
		sched_halt(PV_SHUTDOWN_reboot);
	case 'c':
		printk("sysrq: trigger a crash\n");
		sched_halt(PV_SHUTDOWN_crash);
	default:
		printk("sysrq: unknown key '%c' (h for help)\n", key);
	}
}

/* ---- control/shutdown and control/sysrq (any context) ---- */

static void ctl_request(const char *key, const char *value)
{
	if (strcmp(key, "sysrq") == 0) {
		ctl_sysrq(value[0]);
	} else if (strcmp(value, "poweroff") == 0 || strcmp(value, "halt") == 0) {
		printk("xenbus: control/shutdown asks for %s\n", value);
		power_off(PV_SHUTDOWN_poweroff);
	} else if (strcmp(value, "reboot") == 0) {
		printk("xenbus: control/shutdown asks for a reboot\n");
		power_off(PV_SHUTDOWN_reboot);
	} else if (strcmp(value, "suspend") == 0) {
		suspend_request();
	} else {
		printk("xenbus: control/shutdown \"%s\" is not supported by this kernel\n",
		       value);
	}
}

/* ---- memory/target and cpu/ (thread context, from ctl_idle) ---- */

/* Balloon to memory/target when the toolstack changes it (the watch also fires
 * once when set, and an app may balloon on its own: neither is a request). The
 * kernel's size is its RAM less what it gave back. */
static void ctl_balloon(const char *path, const char *token, void *arg)
{
	uint64_t kb, target, have = boot.nr_pages - balloon_pages_out();
	long moved = 0;

	(void)path;
	(void)token;
	(void)arg;
	if (xenbus_read_u64(XBT_NIL, "memory/target", &kb) < 0 || kb == ctl_target_kb)
		return;
	ctl_target_kb = kb;
	target = kb / CTL_KIB_PER_PAGE;
	if (target > boot.nr_pages)
		target = boot.nr_pages; /* this kernel cannot use memory it did not boot with */
	if (target == have)
		return;
	moved = have > target ? balloon_out(have - target) : balloon_in(target - have);
	printk("balloon: target %llu KiB: %s %ld KiB, now %llu KiB\n", (unsigned long long)kb,
	       have > target ? "gave back" : "took back", moved * (long)CTL_KIB_PER_PAGE,
	       (unsigned long long)((boot.nr_pages - balloon_pages_out()) * CTL_KIB_PER_PAGE));
}

static void ctl_cpus(const char *path, const char *token, void *arg)
{
	(void)path;
	(void)token;
	(void)arg;
	vcpuhp_sync();
}

static const char *ctl_mode(const struct cmdline *cl)
{
	const char *m = cmdline_get(cl, "ctl");

	if (!m || strcmp(m, "on") == 0)
		return "on";
	if (strcmp(m, "nofeat") == 0 || strcmp(m, "off") == 0)
		return m;
	printk("ctl: ctl=%s is not on, nofeat or off: on\n", m);
	return "on";
}

void ctl_init(const struct cmdline *cl)
{
	const char *mode = ctl_mode(cl);
	int rc;

	if (!xenbus_ready() || strcmp(mode, "off") == 0) {
		if (xenbus_ready())
			printk("ctl: ctl=off: the toolstack's requests are ignored\n");
		return;
	}
	rc = xenbus_control_enable(ctl_request);
	if (rc < 0) {
		printk("xenbus: cannot watch control/shutdown (%d): pvx shutdown will not "
		       "reach this guest\n",
		       rc);
		return;
	}
	if (strcmp(mode, "on") == 0) {
		xenbus_write(XBT_NIL, "control/feature-poweroff", "1");
		xenbus_write(XBT_NIL, "control/feature-reboot", "1");
	}
	if (xenbus_read_u64(XBT_NIL, "memory/target", &ctl_target_kb) < 0)
		ctl_target_kb = 0;
	xenbus_watch("memory/target", "pvk:ctl:mem", ctl_balloon, 0);
	xenbus_watch("cpu", "pvk:ctl:cpu", ctl_cpus, 0);
	ctl_up = 1;
}

void ctl_idle(void)
{
	int was;

	if (ctl_up)
		xenbus_dispatch_watches();
	was = irq_save();
	if (xenbus_watch_pending())
		irq_restore(was);
	else if (sched_block() < 0)
		sched_yield();
}
