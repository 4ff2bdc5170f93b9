/* Powering off or rebooting on the toolstack's request, the way a Linux guest does:
 * the frontends close their devices (the backends see a clean Closed), then the
 * domain shuts down. Drivers register what closes them. */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

/* Run fn at power_off, before the shutdown (newest first). At most POWER_HOOKS;
 * adding the same fn twice adds it once. */
#define POWER_HOOKS 8
void power_hook_add(void (*fn)(void));

/* Close the devices (each hook once), then SCHEDOP_shutdown(reason). */
__attribute__((noreturn)) void power_off(unsigned reason);

#endif
