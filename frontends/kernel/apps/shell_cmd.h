/* Commands of the console shell (app=shell). Any file of the kernel adds one
 * with SHELL_COMMAND; the linker gathers them into the .shell_cmds section
 * (kernel.lds), so device drivers bring their own commands (lsblk, ifconfig)
 * without a central table. */
#ifndef KERNEL_APPS_SHELL_CMD_H
#define KERNEL_APPS_SHELL_CMD_H

struct shell_cmd {
	const char *name;
	/* argv[0] is the command name; output through printk. Returns 0 on
	 * success, else non-zero (the shell reports "NAME: failed (N)"). */
	int (*run)(int argc, char **argv);
	const char *usage; /* "NAME ARGS: what it does", shown by help */
};

#define SHELL_COMMAND(name_, fn_, usage_) \
	static const struct shell_cmd shell_cmd_##fn_ \
		__attribute__((used, section(".shell_cmds"), \
			       aligned(8))) = { .name = (name_), \
						.run = (fn_), \
						.usage = (usage_) }

extern const struct shell_cmd __shell_cmds_start[], __shell_cmds_end[];

/* Ask the shell to end after this command with reason (PV_SHUTDOWN_*): the app
 * returns it and the kernel shuts down (poweroff, reboot). */
void shell_exit(unsigned reason);

#endif
