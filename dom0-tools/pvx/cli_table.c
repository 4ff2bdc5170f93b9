/* pvx: the one command table -- each verb, its flags, its usage and its help --
 * and what reads it: lookup by unambiguous prefix, usage lines, `pvx help`. */
#include <stdio.h>
#include <string.h>

#include "pvx_cli.h"
#include "rundir.h"
#include "util.h"

static int cmd_help(int argc, char **argv);

static const struct pvx_cmd commands[] = {
	{ "create", cmd_create, CLI_DRYRUN,
	  "[-c] [-p] [-q] [-n|--dry-run|--dryrun] CFG [KEY=VALUE...]",
	  "Create a domain from an xl.cfg file",
	  "Build and start a domain (-c: follow its console, -p: leave it paused, -q: quiet, "
	  "-n / --dry-run / --dryrun or the global -N: only check the config and print it as JSON)" },
	{ "config-update", cmd_config_update, CLI_DRYRUN, "[-d] DOMAIN CFG [KEY=VALUE...]",
	  "Replace a domain's saved config (used when it restarts)",
	  "Check CFG as create does and make it the config the domain is rebuilt from on its "
	  "next reboot or restart action; the domain keeps its uuid unless CFG sets one (-d "
	  "or the global -N: print it as JSON; -N saves nothing)" },
	{ "list", cmd_list, 0, "[-l|--long|--json] [-v] [-Z] [-c] [-n] [DOMAIN...]",
	  "List domains",
	  "xl's table: Name ID Mem VCPUs State Time(s); -v adds the UUID, the shutdown "
	  "reason code and the security label, -Z the label, -c the CPU pool, -n the NUMA "
	  "node affinity; -l / --long / --json: the configs as JSON, as xl list -l" },
	{ "destroy", cmd_destroy, 0, "[-f] DOMAIN", "Terminate a domain immediately",
	  "Kill a domain at once and free everything it holds (-f: as xl, needed to name "
	  "domain 0, which pvisor still refuses: it is the host)" },
	{ "shutdown", cmd_shutdown, 0, "[-a] [-w] [-F] [DOMAIN]", "Ask a domain to power off",
	  "Write control/shutdown = poweroff, as libxl does for every PV guest (-a: every "
	  "domain that runs; -w: wait until each has stopped; -F: when a guest has not taken "
	  "the request in 10 s, or 60 s if it wrote control/feature-poweroff, the hypervisor "
	  "stops it)" },
	{ "reboot", cmd_reboot, 0, "[-a] [-w] [-F] [DOMAIN]", "Ask a domain to reboot",
	  "Write control/shutdown = reboot, as libxl does for every PV guest (-a: every "
	  "domain that runs; -w: wait until each has stopped; -F: when a guest has not taken "
	  "the request in 10 s, or 60 s if it wrote control/feature-reboot, the hypervisor "
	  "reboots it)" },
	{ "pause", cmd_pause, 0, "DOMAIN", "Pause a domain", "Stop scheduling a domain's vCPUs" },
	{ "unpause", cmd_unpause, 0, "DOMAIN", "Unpause a paused domain",
	  "Resume a paused domain" },
	{ "save", cmd_save, 0, "[-c] [-p] [-z] [--json] [--timeout S] DOMAIN FILE [CFG]",
	  "Save a domain to a file",
	  "Suspend the domain (Xen's PV protocol), write it to FILE and destroy it, as xl "
	  "save (-c: it runs on; -p: it stays, paused; -z: deflate its memory; CFG: put this "
	  "config in the image; --json: the phases and their times; --timeout: seconds the "
	  "guest has to suspend, 30); a progress bar on a terminal" },
	{ "restore", cmd_restore, 0, "[-p] [-e] [--lazy] [--json] [CFG] FILE [KEY=VALUE...]",
	  "Restore a domain from a saved image",
	  "Start a domain from a save image, as xl restore (-p: leave it paused; -e: accepted "
	  "as xl's; pvx never waits for the domain, the run directory's monitor (pvmon) "
	  "carries out its restart actions; CFG replaces the image's "
	  "config; KEY=VALUE overrides it, name=NEW starting another domain from the same "
	  "image; --lazy: its pages come from the image on first touch; --json: the phases)" },
	{ "migrate", cmd_migrate, 0, "[-s SSHCOMMAND] [-C CFG] [-e] [-p] [--debug] DOMAIN HOST",
	  "Migrate a domain to another host",
	  "Move a running domain to HOST live, as xl migrate: runs 'SSHCOMMAND HOST pvx "
	  "migrate-receive' through the shell (ssh; an empty SSHCOMMAND runs HOST itself) and "
	  "streams the domain over it, memory first while it runs (-C: send this config "
	  "instead; -p: leave it paused there; -e: accepted as xl's; --debug: the receiver "
	  "checks every page); a bar per round on a terminal, the rounds, bytes, total time "
	  "and downtime at the end" },
	{ "migrate-receive", cmd_migrate_receive, 0, "[-e] [-p] [--debug]",
	  "Receive a migrating domain (run by pvx migrate)",
	  "The receiving end of pvx migrate, which runs it on this host through ssh: the "
	  "domain comes on stdin, the answers go to stdout, what happens to stderr (-p: leave "
	  "the domain paused; -e: accepted as xl's)" },
	{ "dump-core", cmd_dump_core, 0, "DOMAIN FILE", "Write a domain's core file",
	  "Write a domain's memory and vCPU registers as an ELF core file, as xl dump-core "
	  "(gdb KERNEL FILE reads it with the kernel's symbols); the domain runs on" },
	{ "console", cmd_console, 0, "[-t pv|serial|vuart] [-n NUM] [-w SECONDS] DOMAIN",
	  "Attach to a domain's console",
	  "Attach to a domain's PV console (-t pv -n 0, the one console pvisor serves: it "
	  "emulates no serial port or vuart); Ctrl-] detaches; waits up to -w seconds, 30, "
	  "for a domain that does not exist yet or is still starting; over a pipe, stdin "
	  "goes to the guest" },
	{ "mem-set", cmd_mem_set, 0, "DOMAIN SIZE", "Set a domain's balloon target",
	  "Set the memory the guest's balloon driver should hold (memory/target), as xl "
	  "mem-set: SIZE is MiB, or a number with b, k, m, g or t; at most the domain's "
	  "maximum (mem-max)" },
	{ "mem-max", cmd_mem_max, 0, "DOMAIN SIZE", "Set a domain's maximum memory",
	  "Set the most memory the domain may hold (memory/static-max and the hypervisor's "
	  "limit), as xl mem-max; not above what the domain was built with" },
	{ "vcpu-list", cmd_vcpu_list, 0, "[--json] [DOMAIN...]", "List the vCPUs of domains",
	  "xl's columns: Name ID VCPU CPU State Time(s) Affinity (Hard / Soft); Domain-0's "
	  "vCPUs are the host's CPUs; --json: one object per vCPU" },
	{ "vcpu-pin", cmd_vcpu_pin, CLI_DRYRUN, "[-f] [-i] DOMAIN VCPU|all HARD [SOFT]",
	  "Set which host CPUs a vCPU may use",
	  "Pin a vCPU (or all) to host CPUs (HARD: the vCPU thread's affinity; SOFT: kept and "
	  "shown, the host scheduler has no preference); CPU lists as in cpus=, \"-\" leaves "
	  "one as it is; the global -N prints the maps only" },
	{ "vcpu-set", cmd_vcpu_set, 0, "[-i|--ignore-host] DOMAIN N", "Set the vCPUs online",
	  "Bring the domain's vCPUs 0..N-1 online and the rest offline (cpu/<n>/availability; "
	  "the guest does it); more than the host's CPUs only with -i, as xl" },
	{ "sched-credit", cmd_sched_credit, 0, "[-d DOMAIN [-w WEIGHT] [-c CAP]] [-p POOL] [-s]",
	  "Get/set credit scheduler parameters",
	  "A domain's weight (1..65535, 256 = the host's default share) and cap (percent of "
	  "one CPU, 0 = none), carried out by the host's cgroup CPU controller (pvx info "
	  "sched_cgroup); without -d: every domain; -s: the pool's line" },
	{ "info", cmd_info, 0, "[-n|--numa] [--json] [FIELD]", "Facts about the host and pvisor",
	  "xl's \"key : value\" lines about the host and the hypervisor (-n: the CPU "
	  "topology and NUMA nodes too; FIELD: only the values of the keys it begins; --json: "
	  "one JSON object)" },
	{ "top", cmd_top, 0, "[-b] [-i N] [-d SECONDS] [-f] [--json] [DOMAIN...]",
	  "Monitor domains in real time",
	  "xentop's columns, redrawn every -d seconds (3) on a terminal (q quits, s sorts, "
	  "d/D change the delay); -b: batch output, -i N samples; -f: full names; --json: "
	  "one JSON object per sample per line" },
	{ "uptime", cmd_uptime, 0, "[-s] [--json] [DOMAIN...]", "How long domains have run",
	  "xl's Name ID Uptime table from each domain's first run (Domain-0: the host's "
	  "uptime); -s: one line each as uptime(1) prints it; --json: [{name, domid, "
	  "uptime (seconds)}]" },
	{ "dmesg", cmd_dmesg, 0, "[-c]", "The hypervisor's log",
	  "The hypervisor's messages and what guests write with console_io, as "
	  "\"(dN) line\" (-c: clear it too)" },
	{ "rename", cmd_rename, 0, "DOMAIN NEWNAME", "Rename a domain",
	  "Rename a live domain: in the hypervisor, the store and its saved config (a "
	  "restart keeps the new name)" },
	{ "sysrq", cmd_sysrq, 0, "DOMAIN KEY", "Send a SysRq key to a domain",
	  "Write KEY to control/sysrq; the guest acts on it (the reference kernel: h help, "
	  "m memory, t vCPUs, o power off, b reboot, c crash)" },
	{ "domid", cmd_domid, 0, "NAME", "The id of a domain",
	  "The id of the domain called NAME" },
	{ "domname", cmd_domname, 0, "ID", "The name of a domain", "The name of domain ID" },
	{ "daemons", cmd_daemons, 0, "start|stop|status", "Manage this run directory's daemons",
	  "Start, stop or show the daemons of this run directory (pvisor, xsd, ...)" },
	{ "block-attach", cmd_block_attach, 0, "DOMAIN DISK-SPEC...", "Hot-plug a virtual disk",
	  "Hot-plug a virtual disk (xl disk spec, e.g. /img.raw,raw,xvdb,rw)" },
	{ "block-detach", cmd_block_detach, 0, "[-f] DOMAIN VDEV", "Unplug a virtual disk",
	  "Unplug a virtual disk (-f: without waiting for the guest)" },
	{ "block-list", cmd_block_list, 0, "DOMAIN...", "List a domain's virtual disks",
	  "List a domain's virtual disks (xl's columns)" },
	{ "image", cmd_image, 0, "clone TEMPLATE NEW | info [--json] FILE", "Disk images",
	  "clone makes NEW a qcow2 overlay on TEMPLATE (a linked clone); info shows format, "
	  "sizes and the backing chain" },
	{ "network-attach", cmd_network_attach, 0, "DOMAIN [KEY=VALUE...]", "Add a vif",
	  "Add a vif to a running domain (xl's vif spec: mac=, bridge=, rate=, ...)" },
	{ "network-detach", cmd_network_detach, 0, "DOMAIN DEVID|MAC", "Unplug a vif",
	  "Unplug a vif" },
	{ "network-list", cmd_network_list, 0, "DOMAIN...", "List a domain's vifs",
	  "List a domain's vifs (xl's columns)" },
	{ "trace", cmd_trace, 0,
	  "record [-d DOMAIN] [-t SECONDS] [-s SLOTS] FILE | report [--png OUT.png|--no-png] FILE",
	  "Trace hypercalls and events (xentrace), or summarise a trace",
	  "record: the hypervisor's records of hypercalls and events with timestamps, of one "
	  "domain or all, until the time is up, the domain stops or Ctrl-C (-s: records "
	  "buffered, a power of two); report: per domain the counts, per hypercall the count "
	  "and p50/p90/p99 of the hypervisor's time, events by port, and a PNG histogram "
	  "(FILE.png, or --png)" },
	{ "web", cmd_web, 0, "[--listen ADDR:PORT] [--allow-remote] | --stop",
	  "Start the browser console and JSON API and print its URL",
	  "Enable and start pvxweb in this run directory and print the URL that opens the "
	  "page, access token included; it listens on loopback only unless --allow-remote; "
	  "pvx daemons starts it from then on; --stop stops and disables it (docs/API.md)" },
	{ "help", cmd_help, 0, "[COMMAND]", "This list, or one command's help",
	  "Without COMMAND: every command with one line each; with it: its usage and help" },
};

const struct pvx_cmd *cli_find(const char *name, int *ambiguous)
{
	const struct pvx_cmd *found = NULL;
	size_t len = strlen(name);

	*ambiguous = 0;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
		if (strncmp(commands[i].name, name, len) == 0) {
			*ambiguous = found != NULL;
			found = &commands[i];
		}
	}
	return *ambiguous ? NULL : found;
}

/* Usage and help of c on f. */
static void cli_describe(FILE *f, const struct pvx_cmd *c)
{
	fprintf(f, "usage: pvx %s %s\n  %s\n", c->name, c->args, c->help);
}

int cli_usage(const char *cmd)
{
	int amb;
	const struct pvx_cmd *c = cli_find(cmd, &amb);

	if (c)
		cli_describe(stderr, c);
	return 2;
}

static int cli_help_all(void);

int cli_help_of(const char *cmd)
{
	int amb;
	const struct pvx_cmd *c;

	if (!cmd)
		return cli_help_all();
	c = cli_find(cmd, &amb);
	if (!c)
		return cli_fail("'%s' is %s command; 'pvx help' lists them", cmd,
				amb ? "an ambiguous" : "not a");
	cli_describe(stdout, c);
	return 0;
}

static int cmd_help(int argc, char **argv)
{
	if (argc > 2)
		return cli_usage("help");
	return cli_help_of(argc == 2 ? argv[1] : NULL);
}

static int cli_help_all(void)
{
	printf("usage: pvx [-v] [-f] [-N] COMMAND [ARGS]   (run directory: %s)\n\n",
	       rundir_path());
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		printf("  %-16s %s\n", commands[i].name, commands[i].summary);
	printf("\nGlobal options: -v more messages, -f force (xl's; nothing to override "
	       "here), -N dry run (commands that take it)\n"
	       "A command may be shortened to any unambiguous prefix; 'pvx help COMMAND' "
	       "or 'pvx COMMAND -h' shows its options.\n");
	return 0;
}
