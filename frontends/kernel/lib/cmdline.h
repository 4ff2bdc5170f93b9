/* Kernel command line: split start_info.cmd_line into `key=value` arguments and bare
 * words (whitespace-separated, no quoting), and read typed values from it. */
#ifndef KERNEL_LIB_CMDLINE_H
#define KERNEL_LIB_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#define CMDLINE_MAX_LEN  1024 /* start_info.cmd_line size, NUL included */
#define CMDLINE_MAX_ARGS 32

struct cmdline_arg {
	const char *key;   /* the word itself for a bare word */
	const char *value; /* NULL for a bare word; "" for `key=` */
};

struct cmdline {
	char buf[CMDLINE_MAX_LEN]; /* private copy, split in place */
	struct cmdline_arg args[CMDLINE_MAX_ARGS];
	unsigned int nargs;
	unsigned int dropped; /* arguments past CMDLINE_MAX_ARGS, ignored */
	int truncated;        /* the source had no NUL within the limit */
};

/*
 * Parse src, reading at most srclen bytes (it need not be NUL-terminated: the guest's
 * copy of start_info is trusted no further than its size). cl keeps its own copy.
 * Always fills cl; returns 0, or -PV_E2BIG when the line was cut (too long, or more
 * than CMDLINE_MAX_ARGS arguments: see cl->truncated and cl->dropped).
 */
int cmdline_parse(struct cmdline *cl, const char *src, size_t srclen);

/* Value of the last `key=value` for key, or NULL if there is none. */
const char *cmdline_get(const struct cmdline *cl, const char *key);

/* 1 if the bare word appears on the line, else 0. */
int cmdline_has_word(const struct cmdline *cl, const char *word);

/*
 * Parse a decimal or 0x-prefixed hexadecimal number with nothing after it.
 * Returns 0, or -PV_EINVAL (empty, bad digit) or -PV_ERANGE (over 64 bits).
 */
int cmdline_parse_u64(const char *s, uint64_t *out);

/*
 * *out = number given as key=N, or def when key is absent. Returns 0, or the error
 * of cmdline_parse_u64 (and leaves *out = def) when the value is malformed.
 */
int cmdline_get_u64(const struct cmdline *cl, const char *key, uint64_t def, uint64_t *out);

#endif
