/* kmain: the reference kernel's life -- take in start_info, start the clock, parse
 * the command line, print the banner (on console_io), take the console ring and
 * replay the banner there, run one app, shut down. */
#include <pvisor/errno.h>
#include <pvisor/sched.h>

#include "apps/app.h"
#include "console.h"
#include "console_ring.h"
#include "ctl.h"
#include "evtchn.h"
#include "kernel.h"
#include "lib/kstring.h"
#include "net/net.h"
#include "printk.h"
#include "sched.h"
#include "smp.h"
#include "suspend.h"
#include "time.h"
#include "timer.h"
#include "xenbus.h"

#define KMAIN_DEFAULT_APP "hello"
#define PAGE_UP(x)        (((x) + PV_PAGE_SIZE - 1) & ~(PV_PAGE_SIZE - 1))

struct boot_info boot;

static struct cmdline kmain_cmdline;

static uint64_t kmain_max(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* The builder puts start_info, the store and console pages and the bootstrap stack
 * after the image; memory past the last of them is free for the apps. */
static uint64_t kmain_free_start(const struct pv_start_info *si)
{
	uint64_t end = PAGE_UP(VIRT_TO_PHYS(_end));

	end = kmain_max(end, PAGE_UP(VIRT_TO_PHYS(si) + sizeof(*si)));
	end = kmain_max(end, PAGE_UP(VIRT_TO_PHYS(boot_rsp)));
	if (si->store_mfn && si->store_mfn < si->nr_pages)
		end = kmain_max(end, (si->store_mfn + 1) << PV_PAGE_SHIFT);
	if (si->console.domU.mfn && si->console.domU.mfn < si->nr_pages)
		end = kmain_max(end, (si->console.domU.mfn + 1) << PV_PAGE_SHIFT);
	if (si->mod_start && si->mod_len && !(si->flags & PV_SIF_MOD_START_PFN))
		end = kmain_max(end, PAGE_UP(VIRT_TO_PHYS(si->mod_start) + si->mod_len));
	return end;
}

static void kmain_boot_init(const struct pv_start_info *si)
{
	boot.start_info = si;
	boot.nr_pages = si->nr_pages;
	boot.boot_rsp = boot_rsp;
	boot.free_start = kmain_free_start(si);
	boot.shared_info = NULL;
	if (si->shared_info && !(si->shared_info & (PV_PAGE_SIZE - 1)))
		boot.shared_info = PHYS_TO_VIRT(si->shared_info);
}

static void kmain_banner(const struct pv_start_info *si)
{
	size_t len = strnlen((const char *)si->cmd_line, sizeof(si->cmd_line));

	printk("%s %s: %llu MiB memory, cmdline \"%.*s\"\n", KERNEL_NAME, KERNEL_VERSION,
	       (unsigned long long)(si->nr_pages >> (20 - PV_PAGE_SHIFT)), (int)len,
	       (const char *)si->cmd_line);
	if (strncmp(si->magic, PV_START_INFO_MAGIC, sizeof(si->magic)) != 0)
		printk("%s: warning: start_info magic is \"%.32s\", expected \"%s\"\n",
		       KERNEL_NAME, si->magic, PV_START_INFO_MAGIC);
	if (!boot.shared_info)
		printk("%s: warning: no usable shared_info address (0x%llx): clock is stopped\n",
		       KERNEL_NAME, (unsigned long long)si->shared_info);
}

static int kmain_run_app(const struct cmdline *cl)
{
	const char *name = cmdline_get(cl, "app");
	struct app_env env = { .cmdline = cl, .boot = &boot };
	const struct app *app;
	char names[256];

	if (!name)
		name = KMAIN_DEFAULT_APP;
	app = app_find(name);
	if (!app) {
		app_list_names(names, sizeof(names));
		printk("%s: unknown app '%s' (apps: %s)\n", KERNEL_NAME, name, names);
		return PV_SHUTDOWN_crash;
	}
	return app->run(&env);
}

/* Second half of boot, on vCPU 0's per-vCPU stack: events, timer, the app. */
static __attribute__((noreturn)) void kmain_cont(void)
{
	int reason;

	evtchn_init_cpu();
	console_ring_bind();
	if (timer_init_cpu() < 0)
		printk("%s: warning: no timer interrupt (VIRQ_TIMER bind failed)\n", KERNEL_NAME);
	if (cmdline_get(&kmain_cmdline, "suspend") &&
	    strcmp(cmdline_get(&kmain_cmdline, "suspend"), "0") == 0)
		suspend_set_enabled(0);
	if (xenbus_init() < 0)
		printk("%s: no store ring in start_info: xenbus is off\n", KERNEL_NAME);
	ctl_init(&kmain_cmdline);
	if (xenbus_ready() && cmdline_get(&kmain_cmdline, "ip"))
		net_init(&kmain_cmdline); /* prints why when it fails */
	reason = kmain_run_app(&kmain_cmdline);
	printk("%s: shutting down (%s)\n", KERNEL_NAME, sched_reason_name((unsigned int)reason));
	sched_halt((unsigned int)reason);
}

/* Output moves to the console ring unless console=io keeps it on console_io;
 * whatever came before this went to console_io and is replayed into the ring. */
static void kmain_console_init(const struct pv_start_info *si, const struct cmdline *cl)
{
	const char *want = cmdline_get(cl, "console");
	int rc = -PV_ENODEV;

	if (!want || strcmp(want, "io") != 0)
		rc = console_ring_init(si);
	else
		console_announce_io(si);
	console_early_replay();
	if (rc < 0 && want && strcmp(want, "ring") == 0)
		printk("%s: warning: console=ring but start_info names no console ring\n",
		       KERNEL_NAME);
}

void kmain(const struct pv_start_info *si)
{
	int cut;

	kmain_boot_init(si);
	time_init(boot.shared_info);
	cut = cmdline_parse(&kmain_cmdline, (const char *)si->cmd_line, sizeof(si->cmd_line));
	/* The banner checks start_info before its console page is trusted: these lines
	 * go out on console_io and reach the ring by replay (kmain_console_init). */
	kmain_banner(si);
	if (cut < 0)
		printk("%s: warning: command line cut: %u arguments past %d ignored\n",
		       KERNEL_NAME, kmain_cmdline.dropped, CMDLINE_MAX_ARGS);
	kmain_console_init(si, &kmain_cmdline);
	if (!boot.shared_info)
		kmain_cont(); /* no events without shared_info: stay on the boot stack */
	smp_boot(kmain_cont);
}
