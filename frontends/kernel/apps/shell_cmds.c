/* The shell's own commands: help, info, uptime, echo, poweroff, reboot. Device
 * drivers add theirs with SHELL_COMMAND next to their code. */
#include <pvisor/sched.h>
#include <pvisor/version.h>

#include "apps/shell_cmd.h"
#include "arch/x86_64/hypercall.h"
#include "kernel/console_ring.h"
#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "lib/kstring.h"

/* The command after prev in name order (NULL: the first), or NULL at the end:
 * the section is in link order, help lists by name. */
static const struct shell_cmd *shell_next_by_name(const struct shell_cmd *prev)
{
	const struct shell_cmd *best = NULL;

	for (const struct shell_cmd *c = __shell_cmds_start; c < __shell_cmds_end; c++) {
		if (prev && strcmp(c->name, prev->name) <= 0)
			continue;
		if (!best || strcmp(c->name, best->name) < 0)
			best = c;
	}
	return best;
}

static int shell_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printk("commands:\n");
	for (const struct shell_cmd *c = shell_next_by_name(NULL); c; c = shell_next_by_name(c))
		printk("  %s\n", c->usage);
	return 0;
}
SHELL_COMMAND("help", shell_help, "help: list the commands");

static int shell_info(int argc, char **argv)
{
	const struct pv_start_info *si = boot.start_info;
	size_t cl = strnlen((const char *)si->cmd_line, sizeof(si->cmd_line));
	struct console_ring_stats st;
	int v = HYPERVISOR_xen_version(PV_XENVER_version, NULL);

	(void)argc;
	(void)argv;
	console_ring_get_stats(&st);
	printk("kernel: %s %s on xen_version %d.%d\n", KERNEL_NAME, KERNEL_VERSION,
	       v < 0 ? 0 : v >> 16, v < 0 ? 0 : v & 0xffff);
	printk("memory: %llu MiB (%llu pages)\n",
	       (unsigned long long)(boot.nr_pages >> (20 - PV_PAGE_SHIFT)),
	       (unsigned long long)boot.nr_pages);
	printk("vcpus: %u\n", smp_nr_vcpus());
	printk("cmdline: %.*s\n", (int)cl, (const char *)si->cmd_line);
	printk("console: %s, port %u, %llu bytes out, %llu in, %llu waits for room\n",
	       console_ring_active() ? "ring" : "console_io", (unsigned)si->console.domU.evtchn,
	       (unsigned long long)st.out_bytes, (unsigned long long)st.in_bytes,
	       (unsigned long long)st.waits);
	return 0;
}
SHELL_COMMAND("info", shell_info, "info: kernel, memory, vCPUs, command line, console");

static int shell_uptime(int argc, char **argv)
{
	uint64_t ms = time_since_boot_ns() / 1000000;

	(void)argc;
	(void)argv;
	printk("up %llu.%03llu s\n", (unsigned long long)(ms / 1000),
	       (unsigned long long)(ms % 1000));
	return 0;
}
SHELL_COMMAND("uptime", shell_uptime, "uptime: seconds since boot");

static int shell_date(int argc, char **argv)
{
	uint64_t sec;
	uint32_t ns;

	(void)argc;
	(void)argv;
	if (time_wallclock(&sec, &ns) < 0) {
		printk("date: no wallclock (no shared_info)\n");
		return 1;
	}
	printk("date: %llu.%03u s since the epoch\n", (unsigned long long)sec, ns / 1000000);
	return 0;
}
SHELL_COMMAND("date", shell_date, "date: the wallclock (seconds since the epoch)");

static int shell_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printk("%s%s", argv[i], i + 1 < argc ? " " : "");
	printk("\n");
	return 0;
}
SHELL_COMMAND("echo", shell_echo, "echo WORDS...: print the words");

static int shell_poweroff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	shell_exit(PV_SHUTDOWN_poweroff);
	return 0;
}
SHELL_COMMAND("poweroff", shell_poweroff, "poweroff: shut the domain down");

static int shell_reboot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	shell_exit(PV_SHUTDOWN_reboot);
	return 0;
}
SHELL_COMMAND("reboot", shell_reboot, "reboot: shut down asking the toolstack to restart");
