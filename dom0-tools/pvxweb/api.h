/* pvxweb's JSON API: one call's request and reply, the route table, and the checks
 * every request goes through before a handler sees it (path segments, bodies).
 * The pure parts (api_route.c, api_json.c) know nothing of HTTP or the toolstack,
 * so unit tests drive them directly. */
#ifndef PVXWEB_API_H
#define PVXWEB_API_H

#include <stddef.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#define API_PREFIX   "/api/v1/"
#define API_MAX_SEGS 6
#define API_SEG_MAX  63           /* bytes in one path segment (a domain name's limit) */
#define API_BODY_MAX (256 * 1024) /* a config file and its overrides fit easily */

struct web;

enum api_method { API_GET, API_POST };

/* One API call. The handler writes its reply object into g (opened by the caller
 * as nothing: the handler writes one complete JSON value) or fails through
 * api_fail, which records status, code and message instead. */
struct api_call {
	struct web *w;
	enum api_method method;
	char segs[API_MAX_SEGS][API_SEG_MAX + 1];
	int nseg;
	const char *param; /* the segment matched by ":dom" (or NULL) */
	yajl_val body;     /* parsed body (an object), or NULL when none was sent */
	yajl_gen g;
	int status; /* 200 unless a handler says otherwise */
	int failed;
	char code[32]; /* machine-readable error code, e.g. "no-such-domain" */
	/* A handler whose work takes long checks the request, then sets job (and
	 * job_arg, malloc'ed, freed with the call): job runs on a thread of its own,
	 * answering through g / api_fail as a handler does, with its own connections
	 * (c->w's belong to the loop thread). */
	void (*job)(struct api_call *c);
	void *job_arg;
	char msg[1024]; /* the CLI's wording: "pvx: ..." */
};

typedef void (*api_handler)(struct api_call *c);

struct api_route {
	enum api_method method;
	const char *pattern; /* "domains/:dom/pause": ':' segments match any checked segment */
	api_handler fn;
};

/* Split path (after API_PREFIX, no query) into c->segs. Every segment must be
 * 1..API_SEG_MAX of [A-Za-z0-9._-] and not "." or "..": what a domain name,
 * a number or a route word can be. 0, or -EINVAL with c failed (400). */
int api_path_split(struct api_call *c, const char *path);

/* Find the route for c's method and segments in table (NULL-fn terminated).
 * Returns the route, or NULL with c failed: 404 (no such route) or 405 (the path
 * exists for another method). Sets c->param. */
const struct api_route *api_route_find(struct api_call *c, const struct api_route *table);

/* Record a failure: HTTP status, a short code and the message (printf). Returns
 * nothing; the handler returns after it. A later call does not overwrite the first. */
void api_fail(struct api_call *c, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Parse a request body: it must be one JSON object of at most API_BODY_MAX bytes
 * (len 0 means no body: *out = NULL). 0, or -EINVAL with c failed (400 "bad-body",
 * naming the position of the syntax error). */
int api_body_parse(struct api_call *c, const char *buf, size_t len, yajl_val *out);

/* The body may only hold these keys (NULL-terminated): -EINVAL with c failed
 * (400 "bad-body", naming the unknown key and the allowed ones) otherwise. */
int api_body_keys(struct api_call *c, const char *const *allowed);
/* Typed members of the body. Absent: the default (0 / NULL) and 0; present with
 * the wrong type or out of range: -EINVAL with c failed (400 naming the key). */
int api_body_bool(struct api_call *c, const char *key, int *out);
int api_body_string(struct api_call *c, const char *key, size_t max, const char **out);
/* An array of strings, each at most max bytes, at most max_items of them. *out
 * points into the body (valid while it lives); *n the count. */
int api_body_strings(struct api_call *c, const char *key, size_t max, size_t max_items,
		     const char ***out, size_t *n);

/* Write the error object {"error": {"status", "code", "message"}} for c into g. */
void api_error_json(const struct api_call *c, yajl_gen g);

/* yajl helpers that keep handlers short. */
void json_key(yajl_gen g, const char *key);
void json_str(yajl_gen g, const char *s);
void json_kstr(yajl_gen g, const char *key, const char *val);
void json_kint(yajl_gen g, const char *key, long long val);
void json_knum(yajl_gen g, const char *key, double val);
void json_kbool(yajl_gen g, const char *key, int val);
void json_knull(yajl_gen g, const char *key);

/* The API's routes (api_table.c) and the handlers behind them. */
extern const struct api_route api_routes[];
void api_host_get(struct api_call *c);
void api_templates_get(struct api_call *c);
void api_domains_list(struct api_call *c);
void api_domain_get(struct api_call *c);
void api_domain_devices(struct api_call *c);
void api_domain_counters(struct api_call *c);
void api_domain_create(struct api_call *c);
void api_domain_pause(struct api_call *c);
void api_domain_unpause(struct api_call *c);
void api_domain_destroy(struct api_call *c);
void api_domain_shutdown(struct api_call *c);
void api_domain_reboot(struct api_call *c);
void api_domain_save(struct api_call *c);
void api_domain_restore(struct api_call *c);
void api_domain_migrate(struct api_call *c);

#endif
