/* Filling a struct pvx_err (see pvx_err.h). */
#include "libpvx/pvx_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int pvx_fail(struct pvx_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->code = code;
	return code;
}

const char *pvx_err_text(const struct pvx_err *err, int rc)
{
	if (err && err->msg[0])
		return err->msg;
	return strerror(rc < 0 ? -rc : rc);
}
