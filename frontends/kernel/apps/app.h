/* Kernel apps: what the kernel runs after boot, chosen with app=NAME on the command
 * line. An app returns the shutdown reason (PV_SHUTDOWN_*) the domain ends with;
 * some never return (spin, mem) or kill the domain on purpose (fault, badsys, ud). */
#ifndef KERNEL_APPS_APP_H
#define KERNEL_APPS_APP_H

#include <stddef.h>

#include "kernel/kernel.h"
#include "lib/cmdline.h"

/* What an app gets: the parsed command line and the boot facts. */
struct app_env {
	const struct cmdline *cmdline;
	const struct boot_info *boot;
};

struct app {
	const char *name;
	int (*run)(const struct app_env *env); /* returns PV_SHUTDOWN_* */
	const char *help;                      /* one line, with its key=value args */
};

/* app_mem.c's pattern, for the apps that use memory: every page of [first, first
 * + npages) gets a byte of its own; verify returns the first page that does not
 * read it back (0: all do). check_size reads mib= (0 when absent) and refuses more
 * than is free. */
void app_mem_touch(uint64_t first_pfn, uint64_t npages);
uint64_t app_mem_verify(uint64_t first_pfn, uint64_t npages);
int app_mem_check_size(const struct app_env *env, uint64_t *mib);

/* The app called name, or NULL. */
const struct app *app_find(const char *name);

/* Write the app names, space-separated, into buf (always NUL-terminated). */
void app_list_names(char *buf, size_t size);

/* The apps (apps/app_*.c). */
int app_help_run(const struct app_env *env);
int app_hello_run(const struct app_env *env);
int app_spin_run(const struct app_env *env);
int app_fault_run(const struct app_env *env);
int app_badsys_run(const struct app_env *env);
int app_forge_run(const struct app_env *env);
int app_ud_run(const struct app_env *env);
int app_crash_run(const struct app_env *env);
int app_reboot_run(const struct app_env *env);
int app_hcbench_run(const struct app_env *env);
int app_mem_run(const struct app_env *env);
int app_sleep_run(const struct app_env *env);
int app_smp_run(const struct app_env *env);
int app_evtping_run(const struct app_env *env);
int app_balloon_run(const struct app_env *env);
int app_grant_run(const struct app_env *env);
int app_gcopy_run(const struct app_env *env);
int app_ping_run(const struct app_env *env);
int app_pingall_run(const struct app_env *env);
int app_netserve_run(const struct app_env *env);
int app_udpsend_run(const struct app_env *env);
int app_udprecv_run(const struct app_env *env);
int app_udprtt_run(const struct app_env *env);
int app_netbad_run(const struct app_env *env);
int app_nethot_run(const struct app_env *env);
int app_shell_run(const struct app_env *env);
int app_flood_run(const struct app_env *env);
int app_dualcons_run(const struct app_env *env);
int app_xstest_run(const struct app_env *env);
int app_blkcheck_run(const struct app_env *env);
int app_blkhot_run(const struct app_env *env);
int app_cmds_run(const struct app_env *env);
int app_blkbench_run(const struct app_env *env);
int app_dirty_run(const struct app_env *env);
int app_count_run(const struct app_env *env);

#endif
