/* libpvx's error convention: a function returns 0 (or a count) on success and a
 * negative errno on failure, and explains the failure in a caller-supplied
 * struct pvx_err. The library never prints; the caller decides whether and
 * where the text goes (pvx prints "pvx: <what>: <why>", the monitor logs it). */
#ifndef PV_LIBPVX_ERR_H
#define PV_LIBPVX_ERR_H

#define PVX_ERR_MAX 1024

struct pvx_err {
	int code;              /* the negative errno last returned with a message */
	char msg[PVX_ERR_MAX]; /* what failed and why, no trailing newline */
};

/* Format the message into err (which may be NULL: the text is dropped) and
 * return code, so that a failure reads `return pvx_fail(err, -EINVAL, ...)`. */
int pvx_fail(struct pvx_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The text to show for a failure rc: err's message, or strerror(-rc) when the
 * function that failed left none (declare err as `struct pvx_err err = { 0 }`). */
const char *pvx_err_text(const struct pvx_err *err, int rc);

#endif
