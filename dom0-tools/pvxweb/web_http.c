/* The JSON API over HTTP: take one request (method, path, at most API_BODY_MAX
 * bytes of body), check the token, run the route's handler and answer with its
 * JSON, or with {"error": ...} and the status the handler chose. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "log.h"
#include "pvxweb.h"

struct http_pss {
	int method; /* enum api_method, or -1: one the API does not take */
	char path[256];
	int path_too_long;
	char *body;
	size_t len, cap, expect;
	int too_big;
	unsigned char *reply; /* LWS_PRE headroom, then the JSON */
	size_t reply_len;
	int status;
	int answered;    /* a reply is made: the body (if any) is only drained */
	int close_after; /* the body was refused: do not read it as a request */
};

const size_t web_http_pss_size = sizeof(struct http_pss);

static void pss_free(struct http_pss *ps)
{
	free(ps->body);
	free(ps->reply);
	ps->body = NULL;
	ps->reply = NULL;
	ps->len = ps->cap = ps->reply_len = 0;
}

static void reply_set(struct http_pss *ps, int status, yajl_gen g)
{
	const unsigned char *buf;
	size_t len;

	yajl_gen_get_buf(g, &buf, &len);
	free(ps->reply);
	ps->reply = malloc(LWS_PRE + len + 1);
	ps->reply_len = ps->reply ? len + 1 : 0;
	if (ps->reply) {
		memcpy(ps->reply + LWS_PRE, buf, len);
		ps->reply[LWS_PRE + len] = '\n';
	}
	ps->status = status;
}

static void reply_error(struct http_pss *ps, const struct api_call *c)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (!g)
		return;
	api_error_json(c, g);
	reply_set(ps, c->status, g);
	yajl_gen_free(g);
}

static void http_dispatch(struct web *w, struct http_pss *ps)
{
	struct api_call *c = calloc(1, sizeof(*c));
	const struct api_route *r = NULL;

	if (!c)
		return;
	c->w = w;
	c->status = 200;
	c->method = ps->method == API_POST ? API_POST : API_GET;
	c->g = yajl_gen_alloc(NULL);
	if (ps->method < 0)
		api_fail(c, 405, "method-not-allowed", "pvx: the API takes GET and POST only");
	else if (ps->path_too_long || strncmp(ps->path, "/v1/", 4) != 0)
		api_fail(c, 404, "no-such-route",
			 "pvx: no such API route; the API lives under " API_PREFIX
			 " (docs/API.md)");
	else if (api_path_split(c, ps->path + 4) == 0 && (r = api_route_find(c, api_routes)) &&
		 api_body_parse(c, ps->body, ps->len, &c->body) == 0)
		r->fn(c);
	if (!c->g)
		api_fail(c, 500, "no-memory", "pvx: out of memory");
	if (c->failed)
		reply_error(ps, c);
	else
		reply_set(ps, c->status, c->g);
	if (c->failed && c->status >= 500 && c->status != 501)
		log_warnx("%s /api%s: %s", c->method == API_POST ? "POST" : "GET", ps->path,
			  c->msg);
	if (c->g)
		yajl_gen_free(c->g);
	if (c->body)
		yajl_tree_free(c->body);
	free(c);
}

static int http_respond(struct lws *wsi, struct http_pss *ps)
{
	unsigned char hb[LWS_PRE + 1024], *p = hb + LWS_PRE, *end = hb + sizeof(hb) - 1;
	static const char nostore[] = "no-store";

	ps->answered = 1;
	if (!ps->reply)
		return -1; /* out of memory: drop the connection */
	if (lws_add_http_common_headers(wsi, (unsigned)ps->status, "application/json",
					ps->reply_len, &p, end) ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
					 (const unsigned char *)nostore, sizeof(nostore) - 1, &p,
					 end) ||
	    (ps->close_after &&
	     lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION,
					  (const unsigned char *)"close", 5, &p, end)) ||
	    lws_finalize_write_http_header(wsi, hb + LWS_PRE, &p, end))
		return -1;
	lws_callback_on_writable(wsi);
	return 0;
}

static int http_method(struct lws *wsi)
{
	if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI))
		return API_GET;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI))
		return API_POST;
	return -1;
}

/* The request line and headers are in: answer now, or wait for the body. */
static int http_begin(struct lws *wsi, struct http_pss *ps, const char *in)
{
	struct web *w = web_of(wsi);
	int have_cl = 0;
	char cl[24];

	pss_free(ps);
	memset(ps, 0, sizeof(*ps));
	ps->method = http_method(wsi);
	ps->path_too_long = strlen(in) >= sizeof(ps->path);
	snprintf(ps->path, sizeof(ps->path), "%s", in);
	if (!web_authorized(w, wsi)) {
		struct api_call c = { .status = 401 };

		api_fail(&c, 401, "bad-token",
			 "pvx: missing or wrong access token; open the URL "
			 "that 'pvx web' prints, or send 'Authorization: Bearer TOKEN'");
		ps->close_after = ps->method == API_POST;
		reply_error(ps, &c);
		return http_respond(wsi, ps);
	}
	if (ps->method == API_POST &&
	    lws_hdr_copy(wsi, cl, sizeof(cl), WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0) {
		have_cl = 1;
		ps->expect = strtoull(cl, NULL, 10);
	}
	if (ps->expect > API_BODY_MAX) {
		struct api_call c = { .status = 413 };

		api_fail(&c, 413, "body-too-large",
			 "pvx: the request body has %zu bytes; at most "
			 "%d are taken",
			 ps->expect, API_BODY_MAX);
		ps->close_after = 1;
		reply_error(ps, &c);
		return http_respond(wsi, ps);
	}
	if (have_cl)
		return 0; /* lws calls BODY_COMPLETION, even for "Content-Length: 0" */
	http_dispatch(w, ps);
	return http_respond(wsi, ps);
}

static int http_body(struct http_pss *ps, const void *in, size_t len)
{
	if (ps->answered)
		return 0; /* refused before its body came: the request is never run */
	if (ps->too_big || ps->len + len > API_BODY_MAX) {
		ps->too_big = 1;
		return 0;
	}
	if (ps->len + len + 1 > ps->cap) {
		size_t cap = (ps->len + len + 1) * 2;
		char *nb = realloc(ps->body, cap);

		if (!nb)
			return -1;
		ps->body = nb;
		ps->cap = cap;
	}
	memcpy(ps->body + ps->len, in, len);
	ps->len += len;
	return 0;
}

static int http_body_done(struct lws *wsi, struct http_pss *ps)
{
	if (ps->answered)
		return 0;
	if (ps->too_big) {
		struct api_call c = { .status = 413 };

		api_fail(&c, 413, "body-too-large",
			 "pvx: the request body is larger than %d "
			 "bytes",
			 API_BODY_MAX);
		reply_error(ps, &c);
		return http_respond(wsi, ps);
	}
	http_dispatch(web_of(wsi), ps);
	return http_respond(wsi, ps);
}

static int http_writeable(struct lws *wsi, struct http_pss *ps)
{
	int close_after = ps->close_after;

	if (!ps->reply)
		return 0;
	if (lws_write(wsi, ps->reply + LWS_PRE, ps->reply_len, LWS_WRITE_HTTP_FINAL) <
	    (int)ps->reply_len)
		return -1;
	pss_free(ps);
	if (close_after)
		return -1;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

int web_http_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		size_t len)
{
	struct http_pss *ps = user;

	switch (reason) {
	case LWS_CALLBACK_HTTP:
		return http_begin(wsi, ps, in ? (const char *)in : "");
	case LWS_CALLBACK_HTTP_BODY:
		return http_body(ps, in, len);
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		return http_body_done(wsi, ps);
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return http_writeable(wsi, ps);
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
	case LWS_CALLBACK_CLOSED_HTTP:
		if (ps)
			pss_free(ps);
		return 0;
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}
