/* printf-style formatting engine of the kernel (see format.h): parses one conversion
 * spec at a time and emits padded numbers and strings into a character sink. */
#include <stdint.h>

#include "format.h"

struct fmt_out {
	fmt_put_fn *put;
	void *ctx;
	int count;
};

struct fmt_spec {
	int left; /* '-' */
	int zero; /* '0' */
	int width;
	int prec; /* -1: none */
	int len;  /* 'H' hh, 'h', 'l', 'L' ll, 'z' */
	char conv;
};

/* The argument list travels by pointer; a struct keeps it portable (va_list may be
 * an array type). */
struct fmt_args {
	va_list ap;
};

static void fmt_emit(struct fmt_out *o, char c)
{
	o->put(o->ctx, c);
	o->count++;
}

static void fmt_pad(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		fmt_emit(o, c);
}

static int fmt_parse_num(const char **p, struct fmt_args *a)
{
	int n = 0;

	if (**p == '*') {
		(*p)++;
		return va_arg(a->ap, int);
	}
	while (**p >= '0' && **p <= '9') {
		if (n < 10000)
			n = n * 10 + (**p - '0');
		(*p)++;
	}
	return n;
}

static void fmt_parse_len(const char **p, struct fmt_spec *s)
{
	s->len = 0;
	if (**p == 'h' || **p == 'l') {
		s->len = **p;
		(*p)++;
		if (**p == s->len) {
			s->len = s->len == 'h' ? 'H' : 'L';
			(*p)++;
		}
	} else if (**p == 'z') {
		s->len = 'z';
		(*p)++;
	}
}

/* *p points after '%'; on return it points after the conversion character. */
static void fmt_parse_spec(const char **p, struct fmt_args *a, struct fmt_spec *s)
{
	s->left = s->zero = 0;
	for (;; (*p)++) {
		if (**p == '-')
			s->left = 1;
		else if (**p == '0')
			s->zero = 1;
		else
			break;
	}
	s->width = fmt_parse_num(p, a);
	if (s->width < 0) {
		s->left = 1;
		s->width = -s->width;
	}
	s->prec = -1;
	if (**p == '.') {
		(*p)++;
		s->prec = fmt_parse_num(p, a);
	}
	fmt_parse_len(p, s);
	s->conv = **p;
	if (**p)
		(*p)++;
}

static uint64_t fmt_get_unsigned(struct fmt_args *a, int len)
{
	switch (len) {
	case 'H':
		return (unsigned char)va_arg(a->ap, unsigned int);
	case 'h':
		return (unsigned short)va_arg(a->ap, unsigned int);
	case 'l':
		return va_arg(a->ap, unsigned long);
	case 'L':
		return va_arg(a->ap, unsigned long long);
	case 'z':
		return va_arg(a->ap, size_t);
	default:
		return va_arg(a->ap, unsigned int);
	}
}

static int64_t fmt_get_signed(struct fmt_args *a, int len)
{
	switch (len) {
	case 'H':
		return (signed char)va_arg(a->ap, int);
	case 'h':
		return (short)va_arg(a->ap, int);
	case 'l':
		return va_arg(a->ap, long);
	case 'L':
		return va_arg(a->ap, long long);
	case 'z':
		return (int64_t)va_arg(a->ap, size_t);
	default:
		return va_arg(a->ap, int);
	}
}

/* Digits of v in base, least significant first; returns how many. */
static int fmt_digits(char *buf, uint64_t v, unsigned base, int upper)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		buf[n++] = dig[v % base];
		v /= base;
	} while (v);
	return n;
}

static void fmt_number(struct fmt_out *o, const struct fmt_spec *s, uint64_t v, int neg,
		       unsigned base, const char *prefix)
{
	char buf[24];
	int nd = fmt_digits(buf, v, base, s->conv == 'X');
	int plen = neg ? 1 : 0;
	int zeros = 0, body;

	for (const char *q = prefix; *q; q++)
		plen++;
	if (s->prec == 0 && v == 0)
		nd = 0;
	if (s->prec > nd)
		zeros = s->prec - nd;
	else if (s->zero && !s->left && s->prec < 0 && s->width > plen + nd)
		zeros = s->width - plen - nd;
	body = plen + zeros + nd;
	if (!s->left)
		fmt_pad(o, ' ', s->width - body);
	if (neg)
		fmt_emit(o, '-');
	for (; *prefix; prefix++)
		fmt_emit(o, *prefix);
	fmt_pad(o, '0', zeros);
	while (nd > 0)
		fmt_emit(o, buf[--nd]);
	if (s->left)
		fmt_pad(o, ' ', s->width - body);
}

static void fmt_string(struct fmt_out *o, const struct fmt_spec *s, const char *str)
{
	int n = 0;

	if (!str)
		str = "(null)";
	while (str[n] && (s->prec < 0 || n < s->prec))
		n++;
	if (!s->left)
		fmt_pad(o, ' ', s->width - n);
	for (int i = 0; i < n; i++)
		fmt_emit(o, str[i]);
	if (s->left)
		fmt_pad(o, ' ', s->width - n);
}

static void fmt_signed(struct fmt_out *o, const struct fmt_spec *s, int64_t v)
{
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	fmt_number(o, s, mag, v < 0, 10, "");
}

static void fmt_conversion(struct fmt_out *o, struct fmt_spec *s, struct fmt_args *a)
{
	char c[2] = { 0, 0 };

	switch (s->conv) {
	case 'd':
	case 'i':
		fmt_signed(o, s, fmt_get_signed(a, s->len));
		break;
	case 'u':
		fmt_number(o, s, fmt_get_unsigned(a, s->len), 0, 10, "");
		break;
	case 'x':
	case 'X':
		fmt_number(o, s, fmt_get_unsigned(a, s->len), 0, 16, "");
		break;
	case 'o':
		fmt_number(o, s, fmt_get_unsigned(a, s->len), 0, 8, "");
		break;
	case 'p':
		fmt_number(o, s, (uintptr_t)va_arg(a->ap, void *), 0, 16, "0x");
		break;
	case 's':
		fmt_string(o, s, va_arg(a->ap, const char *));
		break;
	case 'c':
		c[0] = (char)va_arg(a->ap, int);
		s->prec = -1;
		fmt_string(o, s, c);
		break;
	case '%':
	case '\0':
		fmt_emit(o, '%');
		break; /* "%%", or a lone '%' at the end */
	default:
		fmt_emit(o, '%');
		fmt_emit(o, s->conv);
		break;
	}
}

int fmt_vformat(fmt_put_fn *put, void *ctx, const char *fmt, va_list ap)
{
	struct fmt_out o = { put, ctx, 0 };
	struct fmt_args a;
	struct fmt_spec s;

	va_copy(a.ap, ap);
	while (*fmt) {
		if (*fmt != '%') {
			fmt_emit(&o, *fmt++);
			continue;
		}
		fmt++;
		fmt_parse_spec(&fmt, &a, &s);
		fmt_conversion(&o, &s, &a);
	}
	va_end(a.ap);
	return o.count;
}

struct fmt_buf {
	char *buf;
	size_t size;
	size_t pos;
};

static void fmt_buf_put(void *ctx, char c)
{
	struct fmt_buf *b = ctx;

	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_buf b = { buf, size, 0 };
	int n = fmt_vformat(fmt_buf_put, &b, fmt, ap);

	if (size > 0)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
