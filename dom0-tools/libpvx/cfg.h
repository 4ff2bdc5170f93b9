/* xl.cfg syntax: parse a config file (or a buffer) into typed key/value settings,
 * apply `key=value` overrides from the command line, look settings up. */
#ifndef PVX_CFG_H
#define PVX_CFG_H

#include <stddef.h>

#include "libpvx/pvx_err.h"

/* Bounds on untrusted input; exceeding one is a parse error naming the limit. */
#define CFG_MAX_FILE_SIZE (1024 * 1024) /* bytes in one config file */
#define CFG_MAX_DEPTH     8             /* nesting of [ lists ] */
#define CFG_MAX_ITEMS     1024          /* items in one list */
#define CFG_MAX_KEYS      1024          /* distinct keys in one file */
#define CFG_MAX_KEY_LEN   64            /* characters in a key */

/* Line number given to values that come from cfg_apply_override(). */
#define CFG_LINE_OVERRIDE 0

enum cfg_type {
	CFG_STRING, /* "text" or 'text', escapes already decoded */
	CFG_NUMBER, /* decimal, 0x hex or 0 octal, optionally negative */
	CFG_LIST,   /* [ value, ... ], possibly nested */
};

struct cfg_value {
	enum cfg_type type;
	/* CFG_STRING: the decoded text (no NUL inside). CFG_NUMBER: the number as
	 * written in the file ("0x40"), so that string keys accept numbers as xl
	 * does. NULL for CFG_LIST. */
	char *str;
	long long num;           /* CFG_NUMBER only */
	struct cfg_value *items; /* CFG_LIST only: n_items values */
	size_t n_items;
	int line; /* where the value starts; CFG_LINE_OVERRIDE for overrides */
};

struct cfg_entry {
	char *key;
	struct cfg_value value;
};

/* A parsed file. Read-only for callers; entries are in order of first
 * appearance, each holding the value of the key's last assignment. */
struct cfg_file {
	char *name; /* the path or label given to the parser, used in messages */
	struct cfg_entry *entries;
	size_t n_entries;
	size_t cap_entries;
};

/* Read and parse the config file at `path` (at most CFG_MAX_FILE_SIZE bytes).
 * On success *out is a new cfg_file (free with cfg_free) and 0 is returned. On
 * failure returns a negative errno (-EINVAL for syntax, -EFBIG, -ENOENT, ...)
 * explained in err as "<path>:<line>: <what>" or "<path>: <what>". */
int cfg_parse_file(const char *path, struct cfg_file **out, struct pvx_err *err);

/* Parse `len` bytes of config text; `name` labels messages. Same contract as
 * cfg_parse_file. The buffer need not be NUL-terminated. */
int cfg_parse_buffer(const char *name, const char *buf, size_t len, struct cfg_file **out,
		     struct pvx_err *err);

/* Apply one command-line override "key=value" or "key+=value" to cf, after the
 * file: the value uses the file grammar, except that a value not starting with a
 * quote or '[' that is not a plain number is taken verbatim as a string
 * (memory=64 is a number, name=web1 the string "web1"). Values get line
 * CFG_LINE_OVERRIDE. 0 or -EINVAL/-ENOMEM with the reason in err. */
int cfg_apply_override(struct cfg_file *cf, const char *key_eq_value, struct pvx_err *err);

/* cf as config text, one `key = value` line per entry in cf's order, strings
 * quoted and escaped, numbers as written: cfg_parse_buffer reads it back as the
 * same settings (overrides included). *out is malloc'ed. 0 or -ENOMEM. */
int cfg_format(const struct cfg_file *cf, char **out);
/* s as one double-quoted string value of the file grammar ("a\"b"). *out is
 * malloc'ed. 0 or -ENOMEM. */
int cfg_format_string(const char *s, char **out);

/* The value last assigned to `key`, or NULL. Valid until cfg_free. */
const struct cfg_value *cfg_get(const struct cfg_file *cf, const char *key);

/* Write where a value came from into buf: "<name>:<line>" or "command line". */
void cfg_where(const struct cfg_file *cf, int line, char *buf, size_t len);

/* Parse s[0..n) as a whole number, as the file grammar writes numbers: optional '-', then decimal, 0x hex or 0 octal.
 * 0, -EINVAL (not a number) or -ERANGE (does not fit a long long). */
int cfg_number_parse(const char *s, size_t n, long long *out);

/* Write s into buf as a double-quoted, escaped, possibly shortened ("...")
 * string for messages, e.g. "lots" or "a\x01b". len >= 8 for anything useful. */
void cfg_quote(const char *s, char *buf, size_t len);

/* Free a cfg_file and all its values; NULL is fine. */
void cfg_free(struct cfg_file *cf);

#endif
