/* The apps that end the domain on purpose, each a different way, so tests can check
 * how pvisor reports it: fault (SIGSEGV), badsys (forbidden system call), ud
 * (SIGILL), crash and reboot (SCHEDOP_shutdown with that reason). */
#include <pvisor/sched.h>

#include "apps/app.h"
#include "arch/x86_64/cpu.h"
#include "kernel/printk.h"
#include "kernel/sched.h"

#define DIE_FAULT_ADDR 0x1000UL
#define DIE_SYS_GETPID 39

int app_fault_run(const struct app_env *env)
{
	(void)env;
	printk("fault: writing to unmapped address 0x%lx\n", DIE_FAULT_ADDR);
	printk_flush();
	*(volatile unsigned char *)DIE_FAULT_ADDR = 1;
	printk("fault: the write did not fault: the sandbox maps low memory\n");
	return PV_SHUTDOWN_crash;
}

int app_badsys_run(const struct app_env *env)
{
	long rax = DIE_SYS_GETPID;

	(void)env;
	printk("badsys: making a forbidden system call (getpid)\n");
	printk_flush();
	__asm__ volatile("syscall" : "+a"(rax) : : "rcx", "r11", "memory");
	printk("badsys: getpid returned %ld: the sandbox let it through\n", rax);
	return PV_SHUTDOWN_crash;
}

int app_ud_run(const struct app_env *env)
{
	(void)env;
	printk("ud: executing ud2 (invalid opcode)\n");
	printk_flush();
	cpu_ud2();
}

static int die_shutdown(const char *app, unsigned int reason)
{
	int rc;

	printk("%s: calling SCHEDOP_shutdown(%s)\n", app, sched_reason_name(reason));
	rc = sched_shutdown(reason);
	printk("%s: SCHEDOP_shutdown(%s) returned %d\n", app, sched_reason_name(reason), rc);
	return (int)reason;
}

int app_crash_run(const struct app_env *env)
{
	(void)env;
	return die_shutdown("crash", PV_SHUTDOWN_crash);
}

int app_reboot_run(const struct app_env *env)
{
	(void)env;
	return die_shutdown("reboot", PV_SHUTDOWN_reboot);
}
