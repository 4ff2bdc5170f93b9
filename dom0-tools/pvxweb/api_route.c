/* The API's path checks and route matching: a request names a route only through
 * segments that pass the same test a domain name passes on the command line. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api.h"

static int seg_ok(const char *s, size_t len)
{
	if (len == 0 || len > API_SEG_MAX)
		return 0;
	if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
		return 0;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
			return 0;
	}
	return 1;
}

int api_path_split(struct api_call *c, const char *path)
{
	const char *p = path;

	c->nseg = 0;
	while (*p) {
		size_t len = strcspn(p, "/");

		if (!seg_ok(p, len) || c->nseg == API_MAX_SEGS) {
			api_fail(c, 400, "bad-path",
				 "pvx: %.*s: not a valid API path element "
				 "(1-%d of A-Z a-z 0-9 . _ -, at most %d elements)",
				 (int)(len > 80 ? 80 : len), p, API_SEG_MAX, API_MAX_SEGS);
			return -EINVAL;
		}
		memcpy(c->segs[c->nseg], p, len);
		c->segs[c->nseg++][len] = '\0';
		p += len;
		if (*p == '/' && p[1] == '\0')
			break; /* one trailing slash is fine */
		if (*p == '/')
			p++;
	}
	return 0;
}

/* 1 when the pattern's segments match c's; *param gets the ':' segment. */
static int route_match(const struct api_call *c, const char *pattern, const char **param)
{
	const char *p = pattern;
	int i = 0;

	*param = NULL;
	while (*p) {
		size_t len = strcspn(p, "/");

		if (i >= c->nseg)
			return 0;
		if (p[0] == ':')
			*param = c->segs[i];
		else if (strlen(c->segs[i]) != len || strncmp(c->segs[i], p, len) != 0)
			return 0;
		i++;
		p += len + (p[len] == '/');
	}
	return i == c->nseg;
}

static const char *method_name(enum api_method m)
{
	return m == API_GET ? "GET" : "POST";
}

const struct api_route *api_route_find(struct api_call *c, const struct api_route *table)
{
	const struct api_route *other = NULL;
	const char *param;

	for (const struct api_route *r = table; r->fn; r++) {
		if (!route_match(c, r->pattern, &param))
			continue;
		if (r->method == c->method) {
			c->param = param;
			return r;
		}
		other = r;
	}
	if (other)
		api_fail(c, 405, "method-not-allowed", "pvx: %s is not allowed here; use %s",
			 method_name(c->method), method_name(other->method));
	else
		api_fail(c, 404, "no-such-route",
			 "pvx: no such API route; docs/API.md lists "
			 "them (GET " API_PREFIX "host, " API_PREFIX "domains, ...)");
	return NULL;
}

void api_fail(struct api_call *c, int status, const char *code, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return;
	c->failed = 1;
	c->status = status;
	snprintf(c->code, sizeof(c->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
}
