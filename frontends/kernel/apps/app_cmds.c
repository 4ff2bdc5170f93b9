/* cmds: run shell commands given on the command line, without a console:
 * cmd1=lsblk cmd2=ls,xvdb cmd3=cat,xvdb,hello.txt (commas separate the words; up
 * to 9 commands, in order). Prints "cmds: NAME -> STATUS" after each and
 * "cmds: done" at the end. */
#include <pvisor/sched.h>

#include "apps/app.h"
#include "apps/shell_cmd.h"
#include "kernel/printk.h"
#include "lib/format.h"
#include "lib/kstring.h"

#define CMDS_MAX_WORDS 8

static const struct shell_cmd *cmds_find(const char *name)
{
	for (const struct shell_cmd *c = __shell_cmds_start; c < __shell_cmds_end; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static int cmds_run_one(const char *line)
{
	char buf[256], *argv[CMDS_MAX_WORDS + 1];
	const struct shell_cmd *c;
	int argc = 0, rc;

	kstrlcpy(buf, line, sizeof(buf));
	argv[argc++] = buf;
	for (char *p = buf; *p && argc < CMDS_MAX_WORDS; p++)
		if (*p == ',') {
			*p = '\0';
			argv[argc++] = p + 1;
		}
	argv[argc] = NULL;
	c = cmds_find(argv[0]);
	if (!c) {
		printk("cmds: %s: no such command\n", argv[0]);
		return -1;
	}
	rc = c->run(argc, argv);
	printk("cmds: %s -> %d\n", argv[0], rc);
	return rc;
}

int app_cmds_run(const struct app_env *env)
{
	char key[8];

	for (int i = 1; i <= 9; i++) {
		const char *v;

		ksnprintf(key, sizeof(key), "cmd%d", i);
		if ((v = cmdline_get(env->cmdline, key)))
			cmds_run_one(v);
	}
	printk("cmds: done\n");
	return PV_SHUTDOWN_poweroff;
}
