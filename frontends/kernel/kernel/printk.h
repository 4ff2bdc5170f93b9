/* printk: formatted kernel messages (format.h conversions), line-buffered onto the
 * console (console.h). vCPUs share it under a lock taken with upcalls masked. */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>

/* Format and buffer; the buffer goes out at each '\n' and when it fills. */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char *fmt, va_list ap);

/* Write out a partial line now (before shutdown, or before spinning forever). */
void printk_flush(void);

/*
 * printk, and the same text to the hypervisor log (console_io) when printk goes to
 * the console ring, as Mini-OS prints: the line shows once on the console and once
 * in `pvx dmesg` (where dom0 tools read what a guest announces). At most
 * PRINTK_HV_MAX bytes of formatted text.
 */
#define PRINTK_HV_MAX 256
void printk_hv(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
