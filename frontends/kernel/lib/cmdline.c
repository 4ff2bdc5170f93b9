/* Kernel command-line parser (see cmdline.h): copies the line once, splits it in
 * place into words, and separates `key=value` at the first '='. */
#include <pvisor/errno.h>

#include "cmdline.h"
#include "kstring.h"

static int cmdline_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void cmdline_add(struct cmdline *cl, char *word)
{
	char *eq = strchr(word, '=');
	struct cmdline_arg *a;

	if (cl->nargs == CMDLINE_MAX_ARGS) {
		cl->dropped++;
		return;
	}
	a = &cl->args[cl->nargs++];
	a->key = word;
	a->value = NULL;
	if (eq && eq != word) {
		*eq = '\0';
		a->value = eq + 1;
	}
}

int cmdline_parse(struct cmdline *cl, const char *src, size_t srclen)
{
	size_t max = srclen < CMDLINE_MAX_LEN - 1 ? srclen : CMDLINE_MAX_LEN - 1;
	size_t len = strnlen(src, max);
	char *p = cl->buf;

	memcpy(cl->buf, src, len);
	cl->buf[len] = '\0';
	cl->nargs = cl->dropped = 0;
	cl->truncated = len == max && len < srclen && src[len] != '\0';
	while (*p) {
		char *start;

		while (cmdline_is_space(*p))
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && !cmdline_is_space(*p))
			p++;
		if (*p)
			*p++ = '\0';
		cmdline_add(cl, start);
	}
	return cl->truncated || cl->dropped ? -PV_E2BIG : 0;
}

const char *cmdline_get(const struct cmdline *cl, const char *key)
{
	const char *v = NULL;

	for (unsigned int i = 0; i < cl->nargs; i++) {
		if (cl->args[i].value && strcmp(cl->args[i].key, key) == 0)
			v = cl->args[i].value;
	}
	return v;
}

int cmdline_has_word(const struct cmdline *cl, const char *word)
{
	for (unsigned int i = 0; i < cl->nargs; i++) {
		if (!cl->args[i].value && strcmp(cl->args[i].key, word) == 0)
			return 1;
	}
	return 0;
}

static int cmdline_digit(char c, unsigned int base)
{
	int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return -1;
	return (unsigned int)d < base ? d : -1;
}

int cmdline_parse_u64(const char *s, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -PV_EINVAL;
	for (; *s; s++) {
		int d = cmdline_digit(*s, base);

		if (d < 0)
			return -PV_EINVAL;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -PV_ERANGE;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return 0;
}

int cmdline_get_u64(const struct cmdline *cl, const char *key, uint64_t def, uint64_t *out)
{
	const char *v = cmdline_get(cl, key);
	int rc;

	*out = def;
	if (!v)
		return 0;
	rc = cmdline_parse_u64(v, out);
	if (rc < 0)
		*out = def;
	return rc;
}
