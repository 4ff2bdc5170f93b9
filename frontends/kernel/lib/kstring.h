/* Freestanding string and memory functions of the reference kernel. gcc emits calls
 * to memcpy/memset/memmove/memcmp on its own, so they keep their standard names and
 * signatures (the host unit tests link libc's instead). */
#ifndef KERNEL_LIB_KSTRING_H
#define KERNEL_LIB_KSTRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
/* Length of s, but at most max: safe on buffers that may lack a NUL. */
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/*
 * Copy at most size - 1 bytes of src into dst and NUL-terminate it (size > 0).
 * Returns strlen(src): a result >= size means dst was truncated.
 */
size_t kstrlcpy(char *dst, const char *src, size_t size);

#endif
