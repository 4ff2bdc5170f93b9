/* Request bodies (one JSON object, typed members, no unknown keys) and the JSON
 * helpers every reply is written with. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

int api_body_parse(struct api_call *c, const char *buf, size_t len, yajl_val *out)
{
	char err[256], *text;

	*out = NULL;
	if (len == 0)
		return 0;
	if (len > API_BODY_MAX) {
		api_fail(c, 413, "body-too-large",
			 "pvx: the request body has %zu bytes; at most "
			 "%d are taken",
			 len, API_BODY_MAX);
		return -EINVAL;
	}
	text = strndup(buf, len);
	if (!text || strlen(text) != len) {
		free(text);
		api_fail(c, 400, "bad-body",
			 "pvx: the request body holds a NUL byte; send JSON text");
		return -EINVAL;
	}
	err[0] = '\0';
	*out = yajl_tree_parse(text, err, sizeof(err));
	free(text);
	if (!*out) {
		err[strcspn(err, "\n")] = '\0';
		api_fail(c, 400, "bad-body", "pvx: the request body is not valid JSON: %s",
			 err[0] ? err : "parse error");
		return -EINVAL;
	}
	if (!YAJL_IS_OBJECT(*out)) {
		yajl_tree_free(*out);
		*out = NULL;
		api_fail(c, 400, "bad-body",
			 "pvx: the request body must be a JSON object ({...})");
		return -EINVAL;
	}
	return 0;
}

int api_body_keys(struct api_call *c, const char *const *allowed)
{
	char list[256] = "";

	if (!c->body)
		return 0;
	for (size_t i = 0; i < c->body->u.object.len; i++) {
		const char *k = c->body->u.object.keys[i];
		int ok = 0;

		for (size_t j = 0; allowed[j] && !ok; j++)
			ok = strcmp(allowed[j], k) == 0;
		if (ok)
			continue;
		for (size_t j = 0; allowed[j]; j++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 j ? ", " : "", allowed[j]);
		api_fail(c, 400, "bad-body",
			 "pvx: unknown key \"%.64s\" in the request body "
			 "(allowed: %s)",
			 k, list[0] ? list : "none");
		return -EINVAL;
	}
	return 0;
}

static yajl_val body_member(const struct api_call *c, const char *key)
{
	if (!c->body)
		return NULL;
	for (size_t i = 0; i < c->body->u.object.len; i++)
		if (strcmp(c->body->u.object.keys[i], key) == 0)
			return c->body->u.object.values[i];
	return NULL;
}

int api_body_bool(struct api_call *c, const char *key, int *out)
{
	yajl_val v = body_member(c, key);

	*out = 0;
	if (!v)
		return 0;
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v)) {
		api_fail(c, 400, "bad-body", "pvx: \"%s\" must be true or false", key);
		return -EINVAL;
	}
	*out = YAJL_IS_TRUE(v);
	return 0;
}

int api_body_string(struct api_call *c, const char *key, size_t max, const char **out)
{
	yajl_val v = body_member(c, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!YAJL_IS_STRING(v)) {
		api_fail(c, 400, "bad-body", "pvx: \"%s\" must be a string", key);
		return -EINVAL;
	}
	if (strlen(v->u.string) > max) {
		api_fail(c, 400, "bad-body", "pvx: \"%s\" is longer than %zu bytes", key, max);
		return -EINVAL;
	}
	*out = v->u.string;
	return 0;
}

int api_body_strings(struct api_call *c, const char *key, size_t max, size_t max_items,
		     const char ***out, size_t *n)
{
	yajl_val v = body_member(c, key);
	const char **items;

	*out = NULL;
	*n = 0;
	if (!v)
		return 0;
	if (!YAJL_IS_ARRAY(v) || v->u.array.len > max_items) {
		api_fail(c, 400, "bad-body",
			 "pvx: \"%s\" must be an array of at most %zu strings", key, max_items);
		return -EINVAL;
	}
	items = calloc(v->u.array.len + 1, sizeof(*items));
	if (!items) {
		api_fail(c, 500, "no-memory", "pvx: out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < v->u.array.len; i++) {
		yajl_val s = v->u.array.values[i];

		if (!YAJL_IS_STRING(s) || strlen(s->u.string) > max) {
			free(items);
			api_fail(c, 400, "bad-body",
				 "pvx: \"%s\"[%zu] must be a string of at most "
				 "%zu bytes",
				 key, i, max);
			return -EINVAL;
		}
		items[i] = s->u.string;
	}
	*out = items;
	*n = v->u.array.len;
	return 0;
}

void api_error_json(const struct api_call *c, yajl_gen g)
{
	yajl_gen_map_open(g);
	json_key(g, "error");
	yajl_gen_map_open(g);
	json_kint(g, "status", c->status);
	json_kstr(g, "code", c->code);
	json_kstr(g, "message", c->msg);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

void json_key(yajl_gen g, const char *key)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
}

void json_str(yajl_gen g, const char *s)
{
	/* yajl refuses invalid UTF-8 when told to validate; names and messages are ours */
	yajl_gen_string(g, (const unsigned char *)(s ? s : ""), s ? strlen(s) : 0);
}

void json_kstr(yajl_gen g, const char *key, const char *val)
{
	json_key(g, key);
	json_str(g, val);
}

void json_kint(yajl_gen g, const char *key, long long val)
{
	json_key(g, key);
	yajl_gen_integer(g, val);
}

void json_knum(yajl_gen g, const char *key, double val)
{
	char num[32];
	int n = snprintf(num, sizeof(num), "%.3f", val); /* ms and milli-units are plenty */

	json_key(g, key);
	if (val != val || n <= 0 || (size_t)n >= sizeof(num) || strchr(num, 'n') ||
	    strchr(num, 'i'))
		yajl_gen_null(g); /* NaN and infinities are not JSON */
	else
		yajl_gen_number(g, num, (size_t)n);
}

void json_kbool(yajl_gen g, const char *key, int val)
{
	json_key(g, key);
	yajl_gen_bool(g, val);
}

void json_knull(yajl_gen g, const char *key)
{
	json_key(g, key);
	yajl_gen_null(g);
}
