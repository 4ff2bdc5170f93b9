/* shell: an interactive command line on the console ring. Reads a line, splits
 * it into words, runs the SHELL_COMMAND of that name; while waiting for input it
 * runs queued xenbus watch callbacks (so control/shutdown is seen). */
#include <pvisor/errno.h>
#include <pvisor/sched.h>

#include "apps/app.h"
#include "apps/shell_cmd.h"
#include "kernel/console.h"
#include "kernel/printk.h"
#include "kernel/xenbus.h"
#include "lib/kstring.h"

#define SHELL_LINE    256
#define SHELL_MAXARGS 16
#define SHELL_POLL_NS 50000000ull /* how often watches are looked at while idle */

static int shell_exit_reason = -1;

void shell_exit(unsigned reason)
{
	shell_exit_reason = (int)reason;
}

static void shell_idle(void)
{
	if (xenbus_ready())
		xenbus_dispatch_watches();
}

/* Split line in place at blanks; returns argc. Words past SHELL_MAXARGS - 1 are
 * refused (-1) rather than silently dropped. */
static int shell_split(char *line, char **argv)
{
	int argc = 0;

	for (char *p = line; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (argc == SHELL_MAXARGS - 1)
			return -1;
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	argv[argc] = NULL;
	return argc;
}

static const struct shell_cmd *shell_find(const char *name)
{
	for (const struct shell_cmd *c = __shell_cmds_start; c < __shell_cmds_end; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void shell_run_line(char *line)
{
	char *argv[SHELL_MAXARGS];
	int argc = shell_split(line, argv), rc;
	const struct shell_cmd *cmd;

	if (argc < 0) {
		printk("shell: too many words (at most %d)\n", SHELL_MAXARGS - 1);
		return;
	}
	if (argc == 0)
		return;
	cmd = shell_find(argv[0]);
	if (!cmd) {
		printk("shell: %s: unknown command (try help)\n", argv[0]);
		return;
	}
	rc = cmd->run(argc, argv);
	if (rc != 0)
		printk("%s: failed (%d)\n", argv[0], rc);
}

int app_shell_run(const struct app_env *env)
{
	const char *prompt = cmdline_get(env->cmdline, "prompt");
	char line[SHELL_LINE];

	if (!prompt)
		prompt = "pvk>";
	printk("shell: ready; type help\n");
	while (shell_exit_reason < 0) {
		int n;

		printk("%s ", prompt);
		printk_flush();
		n = console_readline(line, sizeof(line), shell_idle, SHELL_POLL_NS);
		if (n == -PV_ENODEV) {
			printk("shell: no console ring to read from (console=io, or no console "
			       "page in start_info)\n");
			return PV_SHUTDOWN_crash;
		}
		if (n < 0) {
			printk("shell: console input failed (%d)\n", n);
			return PV_SHUTDOWN_crash;
		}
		shell_run_line(line);
	}
	return shell_exit_reason;
}
