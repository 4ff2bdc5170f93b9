/* Tokenizer for the xl.cfg syntax: see cfg_lex.h and docs/NOTES-config.md. */
#include "libpvx/cfg_lex.h"
#include "libpvx/cfg.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cfg_lex_init(struct cfg_lex *lx, const char *name, const char *buf, size_t len,
		  struct pvx_err *err)
{
	memset(lx, 0, sizeof(*lx));
	lx->buf = buf;
	lx->len = len;
	lx->line = 1;
	lx->name = name;
	lx->err = err;
	lx->tok = CFG_TOK_EOF;
}

void cfg_lex_fini(struct cfg_lex *lx)
{
	free(lx->text);
	lx->text = NULL;
}

char *cfg_lex_take(struct cfg_lex *lx)
{
	char *t = lx->text;

	lx->text = NULL;
	return t;
}

int cfg_lex_error(struct cfg_lex *lx, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (lx->prefix)
		return pvx_fail(lx->err, -EINVAL, "%s: %s", lx->prefix, msg);
	return pvx_fail(lx->err, -EINVAL, "%s:%d: %s", lx->name, line, msg);
}

static int is_ident_start(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_ident_char(int c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9') || c == '.';
}

static int digit_value(int c, int base)
{
	int v = -1;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	return v < base ? v : -1;
}

int cfg_number_parse(const char *s, size_t n, long long *out)
{
	unsigned long long v = 0;
	size_t i = 0;
	int neg = 0, base = 10;

	if (i < n && s[i] == '-') {
		neg = 1;
		i++;
	}
	if (i >= n || s[i] < '0' || s[i] > '9')
		return -EINVAL;
	if (n - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		base = 16;
		i += 2;
	} else if (s[i] == '0') {
		base = 8;
	}
	for (; i < n; i++) {
		int d = digit_value((unsigned char)s[i], base);

		if (d < 0)
			return -EINVAL;
		if (v > ((unsigned long long)LLONG_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*out = neg ? -(long long)v : (long long)v;
	return 0;
}

/* Copy `text` into lx->text as the current token. */
static int lex_set_text(struct cfg_lex *lx, const char *text, size_t n)
{
	free(lx->text);
	lx->text = strndup(text, n);
	return lx->text ? 0 : -ENOMEM;
}

static int lex_ident(struct cfg_lex *lx)
{
	size_t start = lx->pos;

	while (lx->pos < lx->len && is_ident_char((unsigned char)lx->buf[lx->pos]))
		lx->pos++;
	if (lx->pos - start > CFG_MAX_KEY_LEN)
		return cfg_lex_error(lx, lx->line, "key '%.20s...' is longer than %d characters",
				     lx->buf + start, CFG_MAX_KEY_LEN);
	lx->tok = CFG_TOK_IDENT;
	return lex_set_text(lx, lx->buf + start, lx->pos - start);
}

/* A number runs on over letters and dots so that "12abc" is one bad token. */
static int lex_number(struct cfg_lex *lx)
{
	size_t start = lx->pos, n;
	int rc;

	lx->pos++;
	while (lx->pos < lx->len && is_ident_char((unsigned char)lx->buf[lx->pos]))
		lx->pos++;
	n = lx->pos - start;
	rc = cfg_number_parse(lx->buf + start, n, &lx->num);
	if (rc == -ERANGE)
		return cfg_lex_error(lx, lx->line, "number '%.*s' is out of range",
				     (int)(n > 40 ? 40 : n), lx->buf + start);
	if (rc)
		return cfg_lex_error(lx, lx->line,
				     "bad number '%.*s' (use decimal, 0x hex or 0 octal)",
				     (int)(n > 40 ? 40 : n), lx->buf + start);
	lx->tok = CFG_TOK_NUMBER;
	return lex_set_text(lx, lx->buf + start, n);
}

/* Find the closing quote of the string starting at lx->pos; strings never span
 * lines. Returns the index of the closing quote or -EINVAL. */
static long lex_string_end(struct cfg_lex *lx)
{
	char quote = lx->buf[lx->pos];
	size_t i;

	for (i = lx->pos + 1; i < lx->len; i++) {
		char c = lx->buf[i];

		if (c == quote)
			return (long)i;
		if (c == '\n')
			break;
		if (c == '\0')
			return cfg_lex_error(lx, lx->line, "NUL byte in string");
		if (c == '\\') {
			if (i + 1 >= lx->len || lx->buf[i + 1] == '\n')
				break;
			i++;
		}
	}
	return cfg_lex_error(lx, lx->line, "unterminated string");
}

/* Decode a numeric escape: \xHH (exactly two hex digits) or \o, \oo, \ooo. */
static int lex_escape_number(struct cfg_lex *lx, const char **pp, const char *end, int c)
{
	const char *p = *pp;
	int v = 0, n = 0, base = c == 'x' ? 16 : 8, max = c == 'x' ? 2 : 3;

	if (c != 'x')
		p--; /* the first octal digit is part of the number */
	while (n < max && p < end && digit_value((unsigned char)*p, base) >= 0) {
		v = v * base + digit_value((unsigned char)*p, base);
		p++;
		n++;
	}
	if (c == 'x' && n != 2)
		return cfg_lex_error(lx, lx->line,
				     "bad escape in string: \\x needs two hex digits");
	if (v > 255)
		return cfg_lex_error(lx, lx->line,
				     "bad escape in string: octal value above \\377");
	if (v == 0)
		return cfg_lex_error(lx, lx->line, "bad escape in string: NUL character");
	*pp = p;
	return v;
}

static int lex_escape(struct cfg_lex *lx, const char **pp, const char *end)
{
	static const char simple[] = "\"\"''\\\\a\ab\bf\fn\nr\rt\tv\v";
	int c = (unsigned char)*(*pp)++;
	size_t i;

	for (i = 0; i + 1 < sizeof(simple); i += 2)
		if (simple[i] == c)
			return (unsigned char)simple[i + 1];
	if (c == 'x' || (c >= '0' && c <= '7'))
		return lex_escape_number(lx, pp, end, c);
	if (c > ' ' && c < 127)
		return cfg_lex_error(lx, lx->line, "bad escape '\\%c' in string", c);
	return cfg_lex_error(lx, lx->line, "bad escape in string: '\\' before byte 0x%02x", c);
}

static int lex_string(struct cfg_lex *lx)
{
	long close = lex_string_end(lx);
	const char *p, *end;
	char *out;
	size_t n = 0;

	if (close < 0)
		return (int)close;
	out = malloc((size_t)close - lx->pos);
	if (!out)
		return -ENOMEM;
	p = lx->buf + lx->pos + 1;
	end = lx->buf + close;
	while (p < end) {
		int c = (unsigned char)*p++;

		if (c == '\\')
			c = lex_escape(lx, &p, end);
		if (c < 0) {
			free(out);
			return c;
		}
		out[n++] = (char)c;
	}
	out[n] = '\0';
	free(lx->text);
	lx->text = out;
	lx->tok = CFG_TOK_STRING;
	lx->pos = (size_t)close + 1;
	return 0;
}

static void lex_skip_blanks(struct cfg_lex *lx)
{
	while (lx->pos < lx->len) {
		char c = lx->buf[lx->pos];

		if (c == '#') {
			while (lx->pos < lx->len && lx->buf[lx->pos] != '\n')
				lx->pos++;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			lx->pos++;
		} else {
			break;
		}
	}
}

static int lex_punct(struct cfg_lex *lx, char c)
{
	static const struct {
		char c;
		enum cfg_tok tok;
	} table[] = {
		{ '=', CFG_TOK_EQ },       { ';', CFG_TOK_SEMI },     { ',', CFG_TOK_COMMA },
		{ '[', CFG_TOK_LBRACKET }, { ']', CFG_TOK_RBRACKET }, { '\n', CFG_TOK_NEWLINE },
	};
	size_t i;

	if (c == '+' && lx->pos + 1 < lx->len && lx->buf[lx->pos + 1] == '=') {
		lx->pos += 2;
		lx->tok = CFG_TOK_PLUSEQ;
		return 0;
	}
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].c == c) {
			lx->pos++;
			lx->tok = table[i].tok;
			if (c == '\n')
				lx->line++;
			return 0;
		}
	}
	if (c > ' ' && c < 127)
		return cfg_lex_error(lx, lx->line, "unexpected character '%c'", c);
	return cfg_lex_error(lx, lx->line, "unexpected byte 0x%02x", (unsigned char)c);
}

int cfg_lex_next(struct cfg_lex *lx)
{
	char c;

	free(lx->text);
	lx->text = NULL;
	lex_skip_blanks(lx);
	lx->tok_line = lx->line;
	if (lx->pos >= lx->len) {
		lx->tok = CFG_TOK_EOF;
		return 0;
	}
	c = lx->buf[lx->pos];
	if (is_ident_start((unsigned char)c))
		return lex_ident(lx);
	if ((c >= '0' && c <= '9') ||
	    (c == '-' && lx->pos + 1 < lx->len && lx->buf[lx->pos + 1] >= '0' &&
	     lx->buf[lx->pos + 1] <= '9'))
		return lex_number(lx);
	if (c == '"' || c == '\'')
		return lex_string(lx);
	return lex_punct(lx, c);
}

void cfg_lex_describe(const struct cfg_lex *lx, char *buf, size_t len)
{
	static const char *const names[] = {
		[CFG_TOK_EOF] = "end of file", [CFG_TOK_NEWLINE] = "end of line",
		[CFG_TOK_EQ] = "'='",          [CFG_TOK_PLUSEQ] = "'+='",
		[CFG_TOK_SEMI] = "';'",        [CFG_TOK_COMMA] = "','",
		[CFG_TOK_LBRACKET] = "'['",    [CFG_TOK_RBRACKET] = "']'",
	};
	char q[64];

	switch (lx->tok) {
	case CFG_TOK_IDENT:
	case CFG_TOK_NUMBER:
		snprintf(buf, len, "'%s'", lx->text ? lx->text : "");
		break;
	case CFG_TOK_STRING:
		cfg_quote(lx->text ? lx->text : "", q, sizeof(q));
		snprintf(buf, len, "string %s", q);
		break;
	default:
		snprintf(buf, len, "%s", names[lx->tok]);
		break;
	}
}

size_t cfg_lex_quote_char(unsigned char c, char *buf)
{
	if (c == '"' || c == '\\')
		return (size_t)sprintf(buf, "\\%c", c);
	if (c == '\n')
		return (size_t)sprintf(buf, "\\n");
	if (c == '\t')
		return (size_t)sprintf(buf, "\\t");
	if (c < ' ' || c == 127)
		return (size_t)sprintf(buf, "\\x%02x", c);
	buf[0] = (char)c;
	return 1;
}

void cfg_quote(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	if (len < 8) {
		if (len)
			buf[0] = '\0';
		return;
	}
	buf[n++] = '"';
	for (; *s; s++) {
		char one[8];
		size_t k = cfg_lex_quote_char((unsigned char)*s, one);

		if (n + k + 5 > len) { /* room for ...", NUL */
			memcpy(buf + n, "...", 3);
			n += 3;
			break;
		}
		memcpy(buf + n, one, k);
		n += k;
	}
	buf[n++] = '"';
	buf[n] = '\0';
}
