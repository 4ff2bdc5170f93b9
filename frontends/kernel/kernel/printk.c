/* printk (see printk.h): the format engine feeds a line buffer that is written to
 * the console at each newline, so a message leaves in one console_io call. */
#include <stddef.h>

#include "console.h"
#include "lib/format.h"
#include "printk.h"

#define PRINTK_LINE 512

static char printk_line[PRINTK_LINE];
static size_t printk_len;

void printk_flush(void)
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
		printk_flush();
}

void vprintk(const char *fmt, va_list ap)
{
	fmt_vformat(printk_put, NULL, fmt, ap);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}
