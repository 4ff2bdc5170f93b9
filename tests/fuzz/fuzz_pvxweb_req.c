/* libFuzzer harness for what pvxweb takes from a client before any handler runs
 * (a request's path and body) and from a backend (status lines): the first byte
 * picks the method, the input up to the first NUL is the path, the rest the body.
 * Any input is refused with a status and a "pvx: " message, or routed with
 * checked segments and a body that is one JSON object. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/bkstat.h"
#include "pvxweb/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void h_any(struct api_call *c)
{
	static const char *const keys[] = { "force", "file", "overrides", NULL };
	const char **items, *s;
	size_t n;
	int b;

	if (api_body_keys(c, keys) == 0 && api_body_bool(c, "force", &b) == 0 &&
	    api_body_string(c, "file", 64, &s) == 0 &&
	    api_body_strings(c, "overrides", 64, 8, &items, &n) == 0)
		free(items);
}

static const struct api_route table[] = {
	{ API_GET, "domains", h_any },
	{ API_POST, "domains", h_any },
	{ API_GET, "domains/:dom", h_any },
	{ API_POST, "domains/:dom/pause", h_any },
	{ API_GET, NULL, NULL },
};

static void check_call(const struct api_call *c)
{
	if (c->failed && (c->status < 400 || c->status > 599 || strncmp(c->msg, "pvx: ", 5)))
		abort();
	for (int i = 0; i < c->nseg; i++)
		if (!c->segs[i][0] || strlen(c->segs[i]) > API_SEG_MAX ||
		    strpbrk(c->segs[i], "/ %"))
			abort();
}

static void fuzz_request(const uint8_t *data, size_t size)
{
	struct api_call c;
	const struct api_route *r;
	const uint8_t *nul = memchr(data + 1, 0, size - 1);
	size_t plen = nul ? (size_t)(nul - data - 1) : size - 1;
	char *path = strndup((const char *)data + 1, plen);

	memset(&c, 0, sizeof(c));
	c.method = data[0] & 1 ? API_POST : API_GET;
	c.status = 200;
	if (path && api_path_split(&c, path) == 0 && (r = api_route_find(&c, table)) &&
	    api_body_parse(&c, nul ? (const char *)nul + 1 : "", nul ? size - plen - 2 : 0,
			   &c.body) == 0) {
		if (c.body && !YAJL_IS_OBJECT(c.body))
			abort();
		r->fn(&c);
	}
	check_call(&c);
	if (c.body)
		yajl_tree_free(c.body);
	free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bk_dev d;
	char *line;

	if (size < 1)
		return 0;
	fuzz_request(data, size);
	line = strndup((const char *)data, size);
	if (line && bkstat_parse_line(line, &d) == 0 && (d.have >> BK_NR_COUNTERS))
		abort();
	free(line);
	return 0;
}
