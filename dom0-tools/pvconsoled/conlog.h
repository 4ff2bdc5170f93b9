/* A domain's console log: an append-only file in the run directory
 * (console/<name>.log), rotated to <name>.log.1 at a size limit, with a token
 * bucket that limits how fast one domain may write to it. */
#ifndef PVCONSOLED_CONLOG_H
#define PVCONSOLED_CONLOG_H

#include <stddef.h>
#include <stdint.h>

struct conlog_limits {
	uint64_t max_bytes; /* rotate when the file reaches this (0: never) */
	uint64_t rate;      /* bytes per second a domain may log (0: unlimited) */
	uint64_t burst;     /* bucket size */
};

struct conlog {
	int fd;
	uint64_t bytes;     /* size of the current file */
	double tokens;      /* bytes that may be written now */
	uint64_t refill_ns; /* when tokens was last topped up */
	char path[512];
	const struct conlog_limits *lim;
};

/* No file yet (fd -1), the rate limit set: what conlog_open does first, and all a
 * domain whose log cannot be opened gets (its output is still rate limited). */
void conlog_init(struct conlog *l, const struct conlog_limits *lim, uint64_t now_ns);
/* conlog_init, then open (append) path, continuing its size count. 0 or -errno
 * (l->fd = -1 then, and writes do nothing). */
int conlog_open(struct conlog *l, const char *path, const struct conlog_limits *lim,
		uint64_t now_ns);
void conlog_close(struct conlog *l);

/* How many bytes the rate limit lets through now (refills the bucket first). */
size_t conlog_allowance(struct conlog *l, uint64_t now_ns);
/* Nanoseconds until at least want bytes are allowed (0: now). */
uint64_t conlog_wait_ns(const struct conlog *l, size_t want);

/* Append all of buf (rotating at the first line end past the size limit), charging the
 * bucket. 0 or -errno (a write error: the caller logs it). */
int conlog_write(struct conlog *l, const char *buf, size_t len);

#endif
