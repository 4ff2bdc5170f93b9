/* The apps that end the domain on purpose, each a different way, so tests can check
 * how pvisor reports it: fault (SIGSEGV), badsys (forbidden system call), ud
 * (SIGILL), forge (a made-up fault report), crash and reboot (SCHEDOP_shutdown with
 * that reason). */
#include <pvisor/pvisor.h>
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

/* A fault report made up by the guest: pvisor's private fault call, made straight
 * from guest code with a made-up signal, rip and address. pvisor shows those as the
 * guest's claim, beside where the call really came from. */
int app_forge_run(const struct app_env *env)
{
	long rax = PV_HCALL_SYSNR_BASE + PV_HYPERCALL_pvisor_fault;

	(void)env;
	printk("forge: reporting a fault that never happened\n");
	printk_flush();
	{
		/* set here: a call in between may clobber them */
		register long r10 __asm__("r10") = 0x5ca1ab1e; /* "rsp" */
		register long r8 __asm__("r8") = 0;

		__asm__ volatile("syscall"
				 : "+a"(rax)
				 : "D"(11L /* SIGSEGV */), "S"(0xbad0add7L), "d"(0xfeedfaceL),
				   "r"(r10), "r"(r8)
				 : "rcx", "r11", "memory");
	}
	printk("forge: the fault call returned %ld\n", rax);
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
