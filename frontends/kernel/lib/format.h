/* printf-style formatting for the freestanding kernel: one engine that feeds any
 * character sink (the console line buffer, a string buffer). */
#ifndef KERNEL_LIB_FORMAT_H
#define KERNEL_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives each formatted character in order. */
typedef void fmt_put_fn(void *ctx, char c);

/*
 * Format fmt with ap into put(ctx, c). Conversions: %d %i %u %x %X %o %c %s %p %%,
 * length modifiers hh h l ll z, flags '-' and '0', width and (for %s and integers)
 * precision as numbers or '*'. %s of NULL prints "(null)"; %p prints 0x and hex.
 * An unknown conversion is printed as is. Returns the number of characters emitted.
 */
int fmt_vformat(fmt_put_fn *put, void *ctx, const char *fmt, va_list ap);

/*
 * Format into buf (size bytes, NUL-terminated when size > 0). Returns the length the
 * full output would have, like C's vsnprintf: a result >= size means truncation.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
