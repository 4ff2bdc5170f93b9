/* JSON output of pvx verbs (--json, list -l): one yajl generator, pretty-printed
 * with 4-space indents as xl prints its JSON, and short-hands for key/value pairs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvx_cli.h"

yajl_gen cli_json_open(void)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (!g) {
		cli_fail("out of memory for the JSON output");
		exit(1);
	}
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "    ");
	return g;
}

int cli_json_close(yajl_gen g)
{
	const unsigned char *out;
	size_t len;
	int rc = 0;

	if (yajl_gen_get_buf(g, &out, &len) != yajl_gen_status_ok)
		rc = cli_fail("cannot produce the JSON output");
	else if (fwrite(out, 1, len, stdout) != len || fputc('\n', stdout) == EOF)
		rc = 1;
	yajl_gen_free(g);
	return rc;
}

void cli_json_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

void cli_json_kstr(yajl_gen g, const char *key, const char *value)
{
	cli_json_str(g, key);
	if (value)
		cli_json_str(g, value);
	else
		yajl_gen_null(g);
}

void cli_json_kint(yajl_gen g, const char *key, long long value)
{
	cli_json_str(g, key);
	yajl_gen_integer(g, value);
}

void cli_json_kdouble(yajl_gen g, const char *key, double value)
{
	char num[48];
	int len = snprintf(num, sizeof(num), "%.3f", value);

	cli_json_str(g, key);
	yajl_gen_number(g, num, (size_t)len);
}

void cli_json_kbool(yajl_gen g, const char *key, int value)
{
	cli_json_str(g, key);
	yajl_gen_bool(g, value);
}
