/* The JSON API over HTTP: take one request (method, path, at most API_BODY_MAX
 * bytes of body), check the token, run the route's handler and answer with its
 * JSON, or with {"error": ...} and the status the handler chose. A handler that
 * takes long (save, restore) checks the request here and leaves the rest to a job
 * on a thread of its own, so the loop (streams, consoles) goes on meanwhile; its
 * answer is sent when the job is done. */
#include <errno.h>
#include <pthread.h>
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
	int answered;        /* a reply is made: the body (if any) is only drained */
	int close_after;     /* the body was refused: do not read it as a request */
	struct web_job *job; /* the request's job runs: the answer comes when it is done */
};

/* A handler's job (api_call.job) and the connection waiting for it. */
struct web_job {
	struct web_job *next;
	struct api_call *c;
	struct lws *wsi; /* NULL once the client went away */
	struct http_pss *ps;
	int done;
};

static struct web_job *web_jobs;
static pthread_mutex_t web_jobs_lock = PTHREAD_MUTEX_INITIALIZER;

static int http_respond(struct lws *wsi, struct http_pss *ps);

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

static void call_free(struct api_call *c)
{
	if (c->g)
		yajl_gen_free(c->g);
	if (c->body)
		yajl_tree_free(c->body);
	free(c->job_arg);
	free(c);
}

/* The handler's answer (or its error) into ps. */
static void call_reply(struct http_pss *ps, struct api_call *c, const char *path)
{
	if (!c->g)
		api_fail(c, 500, "no-memory", "pvx: out of memory");
	if (c->failed)
		reply_error(ps, c);
	else
		reply_set(ps, c->status, c->g);
	if (c->failed && c->status >= 500)
		log_warnx("%s /api%s: %s", c->method == API_POST ? "POST" : "GET", path, c->msg);
}

static void *job_main(void *arg)
{
	struct web_job *j = arg;

	j->c->job(j->c);
	pthread_mutex_lock(&web_jobs_lock);
	j->done = 1;
	pthread_mutex_unlock(&web_jobs_lock);
	lws_cancel_service(j->c->w->ctx); /* web_http_jobs_pump answers it */
	return NULL;
}

/* Start c's job for the request on wsi; 0, or -1 with c failed. */
static int job_start(struct lws *wsi, struct http_pss *ps, struct api_call *c)
{
	struct web_job *j = calloc(1, sizeof(*j));
	pthread_attr_t attr;
	pthread_t t;
	int rc = -1;

	if (j) {
		j->c = c;
		j->wsi = wsi;
		j->ps = ps;
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		pthread_mutex_lock(&web_jobs_lock);
		rc = pthread_create(&t, &attr, job_main, j);
		if (rc == 0) {
			j->next = web_jobs;
			web_jobs = j;
			ps->job = j;
		}
		pthread_mutex_unlock(&web_jobs_lock);
		pthread_attr_destroy(&attr);
	}
	if (rc == 0) {
		lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0); /* a save may take a while */
		return 0;
	}
	free(j);
	c->job = NULL;
	api_fail(c, 503, "busy", "pvx: cannot start a thread for the request; try again");
	return -1;
}

/* Answer the requests whose jobs are done (loop thread); forget those whose
 * clients went away. */
static void web_http_jobs_pump(void)
{
	pthread_mutex_lock(&web_jobs_lock);
	for (struct web_job **pp = &web_jobs; *pp;) {
		struct web_job *j = *pp;

		if (!j->done) {
			pp = &j->next;
			continue;
		}
		*pp = j->next;
		if (j->wsi) {
			j->ps->job = NULL;
			call_reply(j->ps, j->c, j->ps->path);
			if (http_respond(j->wsi, j->ps) < 0)
				lws_set_timeout(j->wsi, PENDING_TIMEOUT_USER_OK,
						LWS_TO_KILL_ASYNC);
		}
		call_free(j->c);
		free(j);
	}
	pthread_mutex_unlock(&web_jobs_lock);
}

/* Run the request; 1 when its job answers later, 0 when ps holds the answer. */
static int http_dispatch(struct web *w, struct lws *wsi, struct http_pss *ps)
{
	struct api_call *c = calloc(1, sizeof(*c));
	const struct api_route *r = NULL;

	if (!c)
		return 0;
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
	if (!c->failed && c->job && job_start(wsi, ps, c) == 0)
		return 1;
	call_reply(ps, c, ps->path);
	call_free(c);
	return 0;
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
	return http_dispatch(w, wsi, ps) ? 0 : http_respond(wsi, ps);
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
	if (len) /* lws may pass an empty chunk with no buffer at all */
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
	return http_dispatch(web_of(wsi), wsi, ps) ? 0 : http_respond(wsi, ps);
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
		if (ps && ps->job) { /* the job finishes on its own; nobody hears it */
			pthread_mutex_lock(&web_jobs_lock);
			ps->job->wsi = NULL;
			ps->job = NULL;
			pthread_mutex_unlock(&web_jobs_lock);
		}
		if (ps)
			pss_free(ps);
		return 0;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		web_http_jobs_pump();
		return 0;
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}
