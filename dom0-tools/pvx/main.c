/* pvx: the xl-style command line of pvisor -- the command table and dispatch. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/diskspec.h"
#include "pvx_cli.h"
#include "rundir.h"

static int cmd_help(int argc, char **argv);

static const struct pvx_cmd commands[] = {
	{ "create", cmd_create, "[-c] [-p] [-q] [-n|--dry-run] CFG [KEY=VALUE...]",
	  "Create and start a domain from an xl.cfg file (-c: follow its console, -p: leave "
	  "it paused, -n: only check and print the config as JSON)" },
	{ "console", cmd_console, "[-w SECONDS] DOMAIN",
	  "Attach to a domain's console (Ctrl-] detaches; waits up to -w seconds, 30, for "
	  "a domain that does not exist yet or is still starting); over a pipe, stdin goes "
	  "to the guest" },
	{ "list", cmd_list, "[-l] [DOMAIN...]", "List domains (-l: JSON, as xl list -l)" },
	{ "destroy", cmd_destroy, "DOMAIN", "Kill a domain at once and free its resources" },
	{ "shutdown", cmd_shutdown, "[-w] [-F] DOMAIN",
	  "Ask a domain to power off (-w: wait; -F: force when it has no PV control)" },
	{ "reboot", cmd_reboot, "[-w] [-F] DOMAIN",
	  "Ask a domain to reboot (-w: wait; -F: force when it has no PV control)" },
	{ "pause", cmd_pause, "DOMAIN", "Stop scheduling a domain's vCPUs" },
	{ "unpause", cmd_unpause, "DOMAIN", "Resume a paused domain" },
	{ "info", cmd_info, "", "Facts about the host and the hypervisor" },
	{ "dmesg", cmd_dmesg, "[-c]",
	  "The hypervisor's log: its messages and what guests write with console_io, as "
	  "\"(dN) line\" (-c: clear it too)" },
	{ "domid", cmd_domid, "NAME", "The id of the domain called NAME" },
	{ "domname", cmd_domname, "ID", "The name of domain ID" },
	{ "daemons", cmd_daemons, "start|stop|status",
	  "Manage this run directory's daemons (pvisor, xsd, ...)" },
	{ "block-attach", cmd_block_attach, "DOMAIN DISK-SPEC...",
	  "Hot-plug a virtual disk (xl disk spec, e.g. /img.raw,raw,xvdb,rw)" },
	{ "block-detach", cmd_block_detach, "[-f] DOMAIN VDEV",
	  "Unplug a virtual disk (-f: without waiting for the guest)" },
	{ "block-list", cmd_block_list, "DOMAIN...", "List a domain's virtual disks" },
	{ "image", cmd_image, "clone TEMPLATE NEW | info [--json] FILE",
	  "Disk images: clone makes NEW a qcow2 overlay on TEMPLATE (a linked clone); info "
	  "shows format, sizes and the backing chain" },
	{ "network-attach", cmd_network_attach, "DOMAIN [KEY=VALUE...]",
	  "Add a vif to a running domain (xl's vif spec: mac=, bridge=, rate=, ...)" },
	{ "network-detach", cmd_network_detach, "DOMAIN DEVID|MAC", "Unplug a vif" },
	{ "network-list", cmd_network_list, "DOMAIN...", "List a domain's vifs (xl's columns)" },
	{ "help", cmd_help, "[COMMAND]", "This text, or one command's" },
};

static const struct pvx_cmd *cmd_find(const char *name, int *ambiguous)
{
	const struct pvx_cmd *found = NULL;
	size_t len = strlen(name);

	*ambiguous = 0;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
		if (strncmp(commands[i].name, name, len) == 0) {
			*ambiguous = found != NULL;
			found = &commands[i];
		}
	}
	return *ambiguous ? NULL : found;
}

int cli_usage(const char *cmd)
{
	int amb;
	const struct pvx_cmd *c = cmd_find(cmd, &amb);

	if (c)
		fprintf(stderr, "usage: pvx %s %s\n  %s\n", c->name, c->args, c->help);
	return 2;
}

static int cmd_help(int argc, char **argv)
{
	if (argc > 1)
		return cli_usage(argv[1]) == 2 ? 0 : 1;
	printf("usage: pvx COMMAND [ARGS]   (run directory: %s)\n\n", rundir_path());
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		printf("  %-10s %s\n", commands[i].name, commands[i].help);
	printf("\nA command may be shortened to any unambiguous prefix.\n");
	return 0;
}

int cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("pvx: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

struct pvctrl *cli_connect(void)
{
	struct pvx_err err = { 0 };
	struct pvctrl *h;
	int rc = pvstart_connect(&h, &err);

	if (rc < 0)
		exit(cli_fail("%s", pvx_err_text(&err, rc)));
	return h;
}

struct xs_handle *cli_store(void)
{
	struct pvx_err err = { 0 };
	struct xs_handle *xs;
	int rc = pvstart_store_open(&xs, &err);

	if (rc < 0)
		exit(cli_fail("%s", pvx_err_text(&err, rc)));
	return xs;
}

pv_domid_t cli_domain(struct pvctrl *h, const char *spec)
{
	pv_domid_t id;
	int rc = pvx_domain_resolve(h, spec, &id);

	if (rc == -ESRCH)
		exit(cli_fail("%s: no such domain; 'pvx list' shows the domains", spec));
	if (rc < 0)
		exit(cli_fail("%s: cannot look up the domain: %s", spec, strerror(-rc)));
	return id;
}

int main(int argc, char **argv)
{
	const struct pvx_cmd *c;
	int amb;

	if (argc < 2)
		return cmd_help(1, argv) ? 1 : 2;
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return cmd_help(1, argv);
	c = cmd_find(argv[1], &amb);
	if (!c)
		return cli_fail("'%s' is %s command; 'pvx help' lists them", argv[1],
				amb ? "an ambiguous" : "not a");
	pvx_disk_server_set(&pvstart_disk_server); /* qemu-nbd for qcow2 & co */
	return c->fn(argc - 1, argv + 1);
}
