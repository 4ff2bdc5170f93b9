/* A parsed config written back as xl.cfg text that cfg_parse_buffer reads as the
 * same settings: the snapshot of a domain's config that the toolstack keeps
 * (overrides included, in the file grammar). */
#include "libpvx/cfg.h"
#include "libpvx/cfg_lex.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static void format_string(FILE *f, const char *s)
{
	char one[8];

	fputc('"', f);
	for (; *s; s++) {
		size_t n = cfg_lex_quote_char((unsigned char)*s, one);

		fwrite(one, 1, n, f);
	}
	fputc('"', f);
}

static void format_value(FILE *f, const struct cfg_value *v)
{
	switch (v->type) {
	case CFG_STRING:
		format_string(f, v->str);
		break;
	case CFG_NUMBER:
		fputs(v->str, f); /* as written: 0x40 stays 0x40 */
		break;
	case CFG_LIST:
		fputc('[', f);
		for (size_t i = 0; i < v->n_items; i++) {
			fputs(i ? ", " : " ", f);
			format_value(f, &v->items[i]);
		}
		fputs(v->n_items ? " ]" : "]", f);
		break;
	}
}

/* Close a memory stream opened on *out: 0, or -ENOMEM with *out freed. */
static int format_close(FILE *f, char **out)
{
	if (ferror(f) | fclose(f)) {
		free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

int cfg_format(const struct cfg_file *cf, char **out)
{
	size_t len = 0;
	FILE *f = open_memstream(out, &len);

	if (!f) {
		*out = NULL;
		return -ENOMEM;
	}
	for (size_t i = 0; i < cf->n_entries; i++) {
		fprintf(f, "%s = ", cf->entries[i].key);
		format_value(f, &cf->entries[i].value);
		fputc('\n', f);
	}
	return format_close(f, out);
}

int cfg_format_string(const char *s, char **out)
{
	size_t len = 0;
	FILE *f = open_memstream(out, &len);

	if (!f) {
		*out = NULL;
		return -ENOMEM;
	}
	format_string(f, s);
	return format_close(f, out);
}
