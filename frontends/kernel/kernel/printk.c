/* printk (see printk.h): the format engine feeds a line buffer that is written to
 * the console at each newline, so a message leaves in one console write. */
#include <stddef.h>

#include "console.h"
#include "console_ring.h"
#include "kernel/evtchn.h"
#include "lib/format.h"
#include "printk.h"

#define PRINTK_LINE 512

static char printk_line[PRINTK_LINE];
static size_t printk_len;

static void printk_flush_locked(void)
{
	if (printk_len == 0)
		return;
	console_write(printk_line, printk_len);
	printk_len = 0;
}

static void printk_put(void *ctx, char c)
{
	(void)ctx;
	printk_line[printk_len++] = c;
	if (c == '\n' || printk_len == PRINTK_LINE)
		printk_flush_locked();
}

/* vCPUs share the line buffer: a spinlock, taken with upcalls masked so an event
 * handler that prints cannot spin on its own vCPU's lock. */
static volatile int printk_lock;

static int printk_lock_take(void)
{
	int was = irq_save();

	while (__atomic_exchange_n(&printk_lock, 1, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
	return was;
}

static void printk_lock_drop(int was)
{
	__atomic_store_n(&printk_lock, 0, __ATOMIC_RELEASE);
	irq_restore(was);
}

void printk_flush(void)
{
	int was = printk_lock_take();

	printk_flush_locked();
	printk_lock_drop(was);
}

void vprintk(const char *fmt, va_list ap)
{
	int was = printk_lock_take();

	fmt_vformat(printk_put, NULL, fmt, ap);
	printk_lock_drop(was);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

void printk_hv(const char *fmt, ...)
{
	char line[PRINTK_HV_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	/* Without the ring printk itself goes to console_io: once is enough there. */
	if (console_ring_active())
		console_io_write(line, (size_t)n);
	printk("%s", line);
}
