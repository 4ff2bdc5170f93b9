/* xl.cfg parser: statements, values and lists on top of cfg_lex, the key store
 * (later assignments replace earlier ones, += appends), command-line overrides. */
#include "libpvx/cfg.h"
#include "libpvx/cfg_lex.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void value_fini(struct cfg_value *v)
{
	size_t i;

	for (i = 0; i < v->n_items; i++)
		value_fini(&v->items[i]);
	free(v->items);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

static int is_value_start(enum cfg_tok tok)
{
	return tok == CFG_TOK_NUMBER || tok == CFG_TOK_STRING || tok == CFG_TOK_LBRACKET;
}

static int skip_newlines(struct cfg_lex *lx)
{
	int rc = 0;

	while (!rc && lx->tok == CFG_TOK_NEWLINE)
		rc = cfg_lex_next(lx);
	return rc;
}

static int parse_value(struct cfg_lex *lx, struct cfg_value *v, int depth);

static int list_add(struct cfg_lex *lx, struct cfg_value *list, size_t *cap, int depth,
		    int open_line)
{
	struct cfg_value *items;

	if (list->n_items >= CFG_MAX_ITEMS)
		return cfg_lex_error(lx, open_line, "list has more than %d items", CFG_MAX_ITEMS);
	if (list->n_items == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;

		items = realloc(list->items, ncap * sizeof(*items));
		if (!items)
			return -ENOMEM;
		list->items = items;
		*cap = ncap;
	}
	memset(&list->items[list->n_items], 0, sizeof(list->items[0]));
	list->n_items++;
	return parse_value(lx, &list->items[list->n_items - 1], depth + 1);
}

/* After an item: ',' (then maybe ']' for a trailing comma), or ']'. Returns 1
 * when the list is closed (']' consumed), 0 to read another item. */
static int list_after_item(struct cfg_lex *lx, int open_line)
{
	char got[80];
	int rc = skip_newlines(lx);

	if (rc)
		return rc;
	if (lx->tok == CFG_TOK_RBRACKET)
		return 1;
	if (lx->tok == CFG_TOK_EOF)
		return cfg_lex_error(lx, open_line, "unterminated list");
	if (lx->tok != CFG_TOK_COMMA) {
		cfg_lex_describe(lx, got, sizeof(got));
		return cfg_lex_error(
			lx, lx->tok_line,
			"expected ',' or ']' after a list item (list opened on line %d), got %s",
			open_line, got);
	}
	rc = cfg_lex_next(lx);
	if (!rc)
		rc = skip_newlines(lx);
	if (rc)
		return rc;
	return lx->tok == CFG_TOK_RBRACKET;
}

static int parse_list(struct cfg_lex *lx, struct cfg_value *v, int depth)
{
	int open_line = lx->tok_line, rc;
	size_t cap = 0;
	char got[80];

	v->type = CFG_LIST;
	if (depth >= CFG_MAX_DEPTH)
		return cfg_lex_error(lx, open_line, "lists nested more than %d deep",
				     CFG_MAX_DEPTH);
	rc = cfg_lex_next(lx);
	if (!rc)
		rc = skip_newlines(lx);
	while (!rc && lx->tok != CFG_TOK_RBRACKET) {
		if (lx->tok == CFG_TOK_EOF)
			return cfg_lex_error(lx, open_line, "unterminated list");
		if (!is_value_start(lx->tok)) {
			cfg_lex_describe(lx, got, sizeof(got));
			return cfg_lex_error(lx, lx->tok_line,
					     "expected a value or ']' in list, got %s", got);
		}
		rc = list_add(lx, v, &cap, depth, open_line);
		if (!rc)
			rc = list_after_item(lx, open_line);
		if (rc == 1)
			break;
	}
	return rc < 0 ? rc : cfg_lex_next(lx);
}

/* Parse the value starting at the current token; leaves the token after it. */
static int parse_value(struct cfg_lex *lx, struct cfg_value *v, int depth)
{
	v->line = lx->tok_line;
	if (lx->tok == CFG_TOK_LBRACKET)
		return parse_list(lx, v, depth);
	v->type = lx->tok == CFG_TOK_NUMBER ? CFG_NUMBER : CFG_STRING;
	v->num = lx->num;
	v->str = cfg_lex_take(lx);
	return cfg_lex_next(lx);
}

static struct cfg_entry *find_entry(const struct cfg_file *cf, const char *key)
{
	size_t i;

	for (i = 0; i < cf->n_entries; i++)
		if (!strcmp(cf->entries[i].key, key))
			return &cf->entries[i];
	return NULL;
}

static int entry_add(struct cfg_lex *lx, struct cfg_file *cf, char *key, struct cfg_value *v)
{
	struct cfg_entry *e;

	if (cf->n_entries >= CFG_MAX_KEYS)
		return cfg_lex_error(lx, v->line, "more than %d keys", CFG_MAX_KEYS);
	if (cf->n_entries == cf->cap_entries) {
		size_t ncap = cf->cap_entries ? cf->cap_entries * 2 : 16;

		e = realloc(cf->entries, ncap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		cf->entries = e;
		cf->cap_entries = ncap;
	}
	e = &cf->entries[cf->n_entries++];
	e->key = key;
	e->value = *v;
	return 0;
}

/* Move add's items after old's into add (add keeps the combined list). */
static int list_concat(struct cfg_lex *lx, const char *key, struct cfg_value *old,
		       struct cfg_value *add)
{
	struct cfg_value *items;

	if (old->n_items + add->n_items > CFG_MAX_ITEMS)
		return cfg_lex_error(lx, add->line, "%s: list has more than %d items", key,
				     CFG_MAX_ITEMS);
	items = realloc(old->items, (old->n_items + add->n_items + 1) * sizeof(*items));
	if (!items)
		return -ENOMEM;
	if (add->n_items) /* `disk += []` has no items array: memcpy from NULL is undefined */
		memcpy(items + old->n_items, add->items, add->n_items * sizeof(*items));
	free(add->items);
	add->items = items;
	add->n_items += old->n_items;
	old->items = NULL;
	old->n_items = 0;
	return 0;
}

/* `old += add`: strings concatenate, lists append (as xl); add is consumed. */
static int value_append(struct cfg_lex *lx, const char *key, struct cfg_value *old,
			struct cfg_value *add)
{
	char *s;
	int rc;

	if (old->type == CFG_STRING && add->type == CFG_STRING) {
		if (asprintf(&s, "%s%s", old->str, add->str) < 0)
			return -ENOMEM;
		free(add->str);
		add->str = s;
	} else if (old->type == CFG_LIST && add->type == CFG_LIST) {
		rc = list_concat(lx, key, old, add);
		if (rc)
			return rc;
	} else {
		return cfg_lex_error(
			lx, add->line,
			"%s: += needs two strings or two lists (a number cannot be appended to)",
			key);
	}
	value_fini(old);
	*old = *add;
	memset(add, 0, sizeof(*add));
	return 0;
}

/* Store key = v into cf; both are consumed, even on failure. */
static int entry_store(struct cfg_lex *lx, struct cfg_file *cf, char *key, int append,
		       struct cfg_value *v)
{
	struct cfg_entry *e = find_entry(cf, key);
	int rc;

	if (!e) {
		rc = entry_add(lx, cf, key, v);
		if (!rc)
			return 0;
		free(key);
		value_fini(v);
		return rc;
	}
	free(key);
	if (!append) {
		value_fini(&e->value);
		e->value = *v;
		return 0;
	}
	rc = value_append(lx, e->key, &e->value, v);
	if (rc)
		value_fini(v);
	return rc;
}

/* After `key =`: the current token must start a value. */
static int expect_value(struct cfg_lex *lx, const char *key, int append)
{
	char got[80];

	if (is_value_start(lx->tok))
		return 0;
	cfg_lex_describe(lx, got, sizeof(got));
	return cfg_lex_error(lx, lx->tok_line, "expected a value after '%s %s'%s, got %s", key,
			     append ? "+=" : "=",
			     lx->tok == CFG_TOK_IDENT ? " (strings need quotes)" : "", got);
}

/* After the value: end of line, ';' or end of file. */
static int expect_statement_end(struct cfg_lex *lx, const char *key)
{
	char got[80];

	if (lx->tok == CFG_TOK_NEWLINE || lx->tok == CFG_TOK_SEMI || lx->tok == CFG_TOK_EOF)
		return 0;
	cfg_lex_describe(lx, got, sizeof(got));
	return cfg_lex_error(lx, lx->tok_line,
			     "expected end of line or ';' after the value of '%s', got %s", key,
			     got);
}

/* The current token is the key; parse `key = value` or `key += value` and the
 * end of statement after it. */
static int parse_assignment(struct cfg_lex *lx, struct cfg_file *cf)
{
	struct cfg_value v = { 0 };
	int line = lx->tok_line, append = 0, rc;
	char *key = cfg_lex_take(lx);

	if (!key)
		return -ENOMEM;
	rc = cfg_lex_next(lx);
	if (!rc && lx->tok != CFG_TOK_EQ && lx->tok != CFG_TOK_PLUSEQ)
		rc = cfg_lex_error(lx, line, "expected '=' after '%s'", key);
	append = lx->tok == CFG_TOK_PLUSEQ;
	if (!rc)
		rc = cfg_lex_next(lx);
	if (!rc)
		rc = expect_value(lx, key, append);
	if (!rc)
		rc = parse_value(lx, &v, 0);
	if (!rc)
		rc = expect_statement_end(lx, key);
	if (!rc)
		return entry_store(lx, cf, key, append, &v);
	value_fini(&v);
	free(key);
	return rc;
}

static int parse_statements(struct cfg_lex *lx, struct cfg_file *cf)
{
	char got[80];
	int rc = cfg_lex_next(lx);

	while (!rc && lx->tok != CFG_TOK_EOF) {
		if (lx->tok == CFG_TOK_NEWLINE || lx->tok == CFG_TOK_SEMI) {
			rc = cfg_lex_next(lx);
		} else if (lx->tok == CFG_TOK_IDENT) {
			rc = parse_assignment(lx, cf);
		} else {
			cfg_lex_describe(lx, got, sizeof(got));
			rc = cfg_lex_error(lx, lx->tok_line,
					   "expected a key (a name such as memory), got %s", got);
		}
	}
	return rc;
}

static struct cfg_file *file_new(const char *name)
{
	struct cfg_file *cf = calloc(1, sizeof(*cf));

	if (cf && !(cf->name = strdup(name))) {
		free(cf);
		cf = NULL;
	}
	return cf;
}

int cfg_parse_buffer(const char *name, const char *buf, size_t len, struct cfg_file **out,
		     struct pvx_err *err)
{
	struct cfg_lex lx;
	struct cfg_file *cf;
	int rc;

	*out = NULL;
	cfg_lex_init(&lx, name, buf, len, err);
	if (len > CFG_MAX_FILE_SIZE)
		return pvx_fail(err, -EFBIG, "%s: file is larger than %d bytes", name,
				CFG_MAX_FILE_SIZE);
	cf = file_new(name);
	if (!cf)
		return pvx_fail(err, -ENOMEM, "%s: out of memory", name);
	rc = parse_statements(&lx, cf);
	cfg_lex_fini(&lx);
	if (rc == -ENOMEM)
		pvx_fail(err, rc, "%s: out of memory", name);
	if (rc) {
		cfg_free(cf);
		return rc;
	}
	*out = cf;
	return 0;
}

/* Read at most CFG_MAX_FILE_SIZE + 1 bytes so that a bigger file is noticed. */
static int read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	int rc = 0;

	if (!f)
		return -errno;
	b = malloc(CFG_MAX_FILE_SIZE + 1);
	if (!b) {
		fclose(f);
		return -ENOMEM;
	}
	*len = fread(b, 1, CFG_MAX_FILE_SIZE + 1, f);
	if (ferror(f))
		rc = errno ? -errno : -EIO;
	fclose(f);
	if (rc)
		free(b);
	else
		*buf = b;
	return rc;
}

int cfg_parse_file(const char *path, struct cfg_file **out, struct pvx_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	errno = 0;
	rc = read_file(path, &buf, &len);
	if (rc)
		return pvx_fail(err, rc, "%s: cannot read config file: %s", path, strerror(-rc));
	rc = cfg_parse_buffer(path, buf, len, out, err);
	free(buf);
	return rc;
}

static void value_set_override(struct cfg_value *v)
{
	size_t i;

	v->line = CFG_LINE_OVERRIDE;
	for (i = 0; i < v->n_items; i++)
		value_set_override(&v->items[i]);
}

/* The value part of an override, at lx->pos: quoted or list values use the file
 * grammar; otherwise a whole number is a number and anything else a string. */
static int override_value(struct cfg_lex *lx, struct cfg_value *v)
{
	const char *rest = lx->buf + lx->pos;
	char got[80];
	int rc;

	if (*rest == '"' || *rest == '\'' || *rest == '[') {
		rc = cfg_lex_next(lx);
		if (!rc)
			rc = parse_value(lx, v, 0);
		if (!rc && lx->tok != CFG_TOK_EOF) {
			cfg_lex_describe(lx, got, sizeof(got));
			rc = cfg_lex_error(lx, 0, "unexpected %s after the value", got);
		}
		return rc;
	}
	rc = cfg_number_parse(rest, strlen(rest), &v->num);
	if (rc == -ERANGE)
		return cfg_lex_error(lx, 0, "number is out of range");
	v->type = rc ? CFG_STRING : CFG_NUMBER;
	v->str = strdup(rest);
	return v->str ? 0 : -ENOMEM;
}

static int override_parse(struct cfg_lex *lx, struct cfg_file *cf)
{
	struct cfg_value v = { 0 };
	char *key = NULL, got[80];
	int append, rc = cfg_lex_next(lx);

	if (!rc && lx->tok != CFG_TOK_IDENT) {
		cfg_lex_describe(lx, got, sizeof(got));
		return cfg_lex_error(lx, 0, "expected key=value, got %s first", got);
	}
	if (!rc)
		key = cfg_lex_take(lx);
	if (!rc)
		rc = cfg_lex_next(lx);
	if (!rc && lx->tok != CFG_TOK_EQ && lx->tok != CFG_TOK_PLUSEQ)
		rc = cfg_lex_error(lx, 0, "expected '=' after '%s'", key);
	if (rc) {
		free(key);
		return rc;
	}
	append = lx->tok == CFG_TOK_PLUSEQ;
	while (lx->buf[lx->pos] == ' ' || lx->buf[lx->pos] == '\t')
		lx->pos++;
	rc = override_value(lx, &v);
	if (rc) {
		value_fini(&v);
		free(key);
		return rc;
	}
	value_set_override(&v);
	return entry_store(lx, cf, key, append, &v);
}

int cfg_apply_override(struct cfg_file *cf, const char *key_eq_value, struct pvx_err *err)
{
	char quoted[96], prefix[128];
	struct cfg_lex lx;
	int rc;

	cfg_quote(key_eq_value, quoted, sizeof(quoted));
	snprintf(prefix, sizeof(prefix), "command line: %s", quoted);
	cfg_lex_init(&lx, "command line", key_eq_value, strlen(key_eq_value), err);
	lx.prefix = prefix;
	rc = override_parse(&lx, cf);
	cfg_lex_fini(&lx);
	if (rc == -ENOMEM)
		pvx_fail(err, rc, "%s: out of memory", prefix);
	return rc;
}

const struct cfg_value *cfg_get(const struct cfg_file *cf, const char *key)
{
	const struct cfg_entry *e = find_entry(cf, key);

	return e ? &e->value : NULL;
}

void cfg_where(const struct cfg_file *cf, int line, char *buf, size_t len)
{
	if (line == CFG_LINE_OVERRIDE)
		snprintf(buf, len, "command line");
	else
		snprintf(buf, len, "%s:%d", cf->name, line);
}

void cfg_free(struct cfg_file *cf)
{
	size_t i;

	if (!cf)
		return;
	for (i = 0; i < cf->n_entries; i++) {
		free(cf->entries[i].key);
		value_fini(&cf->entries[i].value);
	}
	free(cf->entries);
	free(cf->name);
	free(cf);
}
