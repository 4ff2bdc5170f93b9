/* spin: burn CPU forever (tests of CPU accounting, caps, pause and destroy). */
#include "apps/app.h"
#include "arch/x86_64/cpu.h"
#include "kernel/printk.h"

int app_spin_run(const struct app_env *env)
{
	(void)env;
	printk("spin: spinning\n");
	for (;;)
		cpu_relax();
}
