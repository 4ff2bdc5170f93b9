/* Hypervisor console output (console_io CONSOLEIO_write): the byte sink under
 * printk until the console-ring driver arrives. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>

/*
 * Write len bytes to the hypervisor console, in chunks of at most
 * CONSOLE_CHUNK bytes, looping on short writes. Returns 0, or the hypervisor's negative PV_E* error
 * for the first chunk it refused (the rest is dropped: there is nowhere else to
 * report it).
 */
#define CONSOLE_CHUNK 1024
int console_write(const char *buf, size_t len);

#endif
