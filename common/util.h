/* Small host-side helpers: strict number parsing, full reads and writes. */
#ifndef PV_COMMON_UTIL_H
#define PV_COMMON_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Parse a whole string as an unsigned number (decimal, 0x hex, 0 octal) no larger
 * than max. 0 or -EINVAL / -ERANGE; *out untouched on failure. */
int util_parse_u64(const char *s, uint64_t max, uint64_t *out);
/* write()/read() until done or error; read_full returns bytes read (short on EOF). */
int util_write_full(int fd, const void *buf, size_t len);
ssize_t util_read_full(int fd, void *buf, size_t len);
/* Block sigs[0..n) and return a signalfd (close-on-exec) that reads them; SIGPIPE
 * is ignored too (daemons see EPIPE instead). The descriptor, or -errno. */
int util_signalfd(const int *sigs, size_t n);
/* Create path for writing as a new file (O_EXCL, O_NOFOLLOW): a temporary that
 * will be renamed into place. A stale file, or a link someone put there, is removed
 * first, never followed. The descriptor (close-on-exec), or -errno. */
int util_create_tmp(const char *path);
/* Raise this process's soft limit on open descriptors to the hard limit: a daemon
 * holds a few per guest (a thousand guests outgrow the usual 1024). 0 or -errno. */
int util_raise_nofile(void);
/* Monotonic clock in nanoseconds. */
uint64_t util_now_ns(void);
/* CLOCK_REALTIME now plus ms: a deadline for pthread_cond_timedwait. */
struct timespec;
void util_deadline_after(struct timespec *ts, uint32_t ms);

#endif
