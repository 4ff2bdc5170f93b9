/* Inside domcfg: the context of one domcfg_from_cfg run and the helpers its key
 * handlers share (domcfg.c, domcfg_keys.c). */
#ifndef PVX_DOMCFG_PRIV_H
#define PVX_DOMCFG_PRIV_H

#include <stddef.h>

#include "libpvx/domcfg.h"

struct dc_ctx {
	const struct cfg_file *cf;
	struct domcfg *dc;
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
	struct pvx_err *err;
	const char *root, *extra; /* root= and extra=, folded into cmdline at the end */
};

struct key_handler {
	const char *key;
	int (*parse)(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v);
	size_t off;       /* the struct domcfg field the handler fills, when it needs one */
	const char *what; /* for numbers: what the value counts, for messages */
	long long min, max;
};

#define FIELD(c, h, type) ((type *)((char *)(c)->dc + (h)->off))

/* "<where>: <key>: <message>" into c->err (line < 0: no line); returns -EINVAL. */
int dc_error(struct dc_ctx *c, int line, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* "<where>: warning: <message>" through the caller's warn callback. */
void dc_warn(struct dc_ctx *c, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* How a value looks in a message: "lots", 64, or "a list". */
void dc_show_value(const struct cfg_value *v, char *buf, size_t len);
/* A string value (numbers count, as in xl). 0 or -EINVAL with the error set. */
int dc_get_string(struct dc_ctx *c, const char *key, const struct cfg_value *v, const char **out);
/* A number within h's bounds (strings holding one count). 0 or -EINVAL. */
int dc_get_number(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v,
		  long long *out);

/* Handlers in domcfg_keys.c. */
int key_affinity(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v);
int key_bootloader(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v);
int key_bootloader_args(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v);
int key_long(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v);
int key_bool(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v);
int key_tsc_mode(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v);
int key_pool(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v);
int key_limit(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v);

#endif
