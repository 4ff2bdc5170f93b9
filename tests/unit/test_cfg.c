/* Unit tests for the xl.cfg parser (libpvx cfg.c, cfg_lex.c): every grammar
 * case, every error message with its line, overrides and limits. */
#include "libpvx/cfg.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct pvx_err perr;

static struct cfg_file *parse(const char *text)
{
	struct cfg_file *cf = NULL;
	int rc;

	perr.msg[0] = '\0';
	rc = cfg_parse_buffer("t.cfg", text, strlen(text), &cf, &perr);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "unexpected error: %s\n", perr.msg);
	return cf;
}

/* Parse must fail with exactly `msg`. */
static void parse_fails(const char *text, const char *msg)
{
	struct cfg_file *cf = (struct cfg_file *)1;
	int rc = cfg_parse_buffer("t.cfg", text, strlen(text), &cf, &perr);

	CU_ASSERT_EQUAL(rc, -EINVAL);
	CU_ASSERT_PTR_NULL(cf);
	CU_ASSERT_STRING_EQUAL(perr.msg, msg);
	if (strcmp(perr.msg, msg))
		fprintf(stderr, "\n  input %s\n  want  %s\n  got   %s\n", text, msg, perr.msg);
}

static const struct cfg_value *get(const struct cfg_file *cf, const char *key, enum cfg_type t)
{
	const struct cfg_value *v = cf ? cfg_get(cf, key) : NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->type, t);
	return v;
}

static void test_strings(void)
{
	struct cfg_file *cf = parse("a = \"dq\"\nb='sq'\nc = \"has # hash\" # comment\n"
				    "d = 'it\\'s'\ne = \"\"\n");

	CU_ASSERT_STRING_EQUAL(get(cf, "a", CFG_STRING)->str, "dq");
	CU_ASSERT_STRING_EQUAL(get(cf, "b", CFG_STRING)->str, "sq");
	CU_ASSERT_STRING_EQUAL(get(cf, "c", CFG_STRING)->str, "has # hash");
	CU_ASSERT_STRING_EQUAL(get(cf, "d", CFG_STRING)->str, "it's");
	CU_ASSERT_STRING_EQUAL(get(cf, "e", CFG_STRING)->str, "");
	CU_ASSERT_EQUAL(get(cf, "a", CFG_STRING)->line, 1);
	CU_ASSERT_EQUAL(get(cf, "e", CFG_STRING)->line, 5);
	CU_ASSERT_PTR_NULL(cfg_get(cf, "f"));
	cfg_free(cf);
}

static void test_escapes(void)
{
	struct cfg_file *cf = parse("a = \"\\\"\\'\\\\\\a\\b\\f\\n\\r\\t\\v\"\n"
				    "b = '\\x41\\x7a\\101\\7\\60x'\n");

	CU_ASSERT_STRING_EQUAL(get(cf, "a", CFG_STRING)->str, "\"'\\\a\b\f\n\r\t\v");
	CU_ASSERT_STRING_EQUAL(get(cf, "b", CFG_STRING)->str, "Az"
							      "A"
							      "\a"
							      "0x");
	cfg_free(cf);
	parse_fails("a = \"x\\q\"", "t.cfg:1: bad escape '\\q' in string");
	parse_fails("\na = '\\x4'", "t.cfg:2: bad escape in string: \\x needs two hex digits");
	parse_fails("a = '\\x00'", "t.cfg:1: bad escape in string: NUL character");
	parse_fails("a = '\\0'", "t.cfg:1: bad escape in string: NUL character");
	parse_fails("a = '\\400'", "t.cfg:1: bad escape in string: octal value above \\377");
}

static void test_numbers(void)
{
	struct cfg_file *cf = parse("a = 42\nb = 0x1F\nc = 017\nd = -5\ne = 0\nf = -0x10\n"
				    "g = 9223372036854775807\n");

	CU_ASSERT_EQUAL(get(cf, "a", CFG_NUMBER)->num, 42);
	CU_ASSERT_EQUAL(get(cf, "b", CFG_NUMBER)->num, 31);
	CU_ASSERT_STRING_EQUAL(get(cf, "b", CFG_NUMBER)->str, "0x1F");
	CU_ASSERT_EQUAL(get(cf, "c", CFG_NUMBER)->num, 15);
	CU_ASSERT_EQUAL(get(cf, "d", CFG_NUMBER)->num, -5);
	CU_ASSERT_EQUAL(get(cf, "e", CFG_NUMBER)->num, 0);
	CU_ASSERT_EQUAL(get(cf, "f", CFG_NUMBER)->num, -16);
	CU_ASSERT_EQUAL(get(cf, "g", CFG_NUMBER)->num, LLONG_MAX);
	cfg_free(cf);
	parse_fails("a = 08", "t.cfg:1: bad number '08' (use decimal, 0x hex or 0 octal)");
	parse_fails("a = 12abc", "t.cfg:1: bad number '12abc' (use decimal, 0x hex or 0 octal)");
	parse_fails("a = 0x", "t.cfg:1: bad number '0x' (use decimal, 0x hex or 0 octal)");
	parse_fails("a = 1.5", "t.cfg:1: bad number '1.5' (use decimal, 0x hex or 0 octal)");
	parse_fails("a = 9223372036854775808",
		    "t.cfg:1: number '9223372036854775808' is out of range");
	parse_fails("a = - 5", "t.cfg:1: unexpected character '-'");
}

static void test_number_parse(void)
{
	long long v = 7;

	CU_ASSERT_EQUAL(cfg_number_parse("0x10", 4, &v), 0);
	CU_ASSERT_EQUAL(v, 16);
	CU_ASSERT_EQUAL(cfg_number_parse("010", 3, &v), 0);
	CU_ASSERT_EQUAL(v, 8);
	CU_ASSERT_EQUAL(cfg_number_parse("", 0, &v), -EINVAL);
	CU_ASSERT_EQUAL(cfg_number_parse("-", 1, &v), -EINVAL);
	CU_ASSERT_EQUAL(cfg_number_parse(" 1", 2, &v), -EINVAL);
	CU_ASSERT_EQUAL(cfg_number_parse("1 ", 2, &v), -EINVAL);
	CU_ASSERT_EQUAL(cfg_number_parse("64MB", 4, &v), -EINVAL);
	CU_ASSERT_EQUAL(cfg_number_parse("99999999999999999999", 20, &v), -ERANGE);
	CU_ASSERT_EQUAL(v, 8);
}

static void test_statements(void)
{
	struct cfg_file *cf = parse("a=1;b=2 ; c = 3;\n;;\n\n   # only a comment\r\nd = 4\r\n"
				    "e.f_g = 5\n_h = 6");

	CU_ASSERT_EQUAL(get(cf, "a", CFG_NUMBER)->num, 1);
	CU_ASSERT_EQUAL(get(cf, "b", CFG_NUMBER)->num, 2);
	CU_ASSERT_EQUAL(get(cf, "c", CFG_NUMBER)->line, 1);
	CU_ASSERT_EQUAL(get(cf, "d", CFG_NUMBER)->line, 5);
	CU_ASSERT_EQUAL(get(cf, "e.f_g", CFG_NUMBER)->num, 5);
	CU_ASSERT_EQUAL(get(cf, "_h", CFG_NUMBER)->line, 7);
	CU_ASSERT_EQUAL(cf->n_entries, 6);
	cfg_free(cf);
	cf = parse("");
	CU_ASSERT_EQUAL(cf->n_entries, 0);
	cfg_free(cf);
}

static void test_lists(void)
{
	struct cfg_file *cf = parse(
		"a = []\nb = [ 1, 'two', [3, [ ]], ]\nc = [\n  'x', # first\n\n"
		"  'y'\n  ,'z'\n]\n");
	const struct cfg_value *v;

	CU_ASSERT_EQUAL(get(cf, "a", CFG_LIST)->n_items, 0);
	v = get(cf, "b", CFG_LIST);
	CU_ASSERT_EQUAL_FATAL(v->n_items, 3);
	CU_ASSERT_EQUAL(v->items[0].num, 1);
	CU_ASSERT_STRING_EQUAL(v->items[1].str, "two");
	CU_ASSERT_EQUAL_FATAL(v->items[2].type, CFG_LIST);
	CU_ASSERT_EQUAL_FATAL(v->items[2].n_items, 2);
	CU_ASSERT_EQUAL(v->items[2].items[1].type, CFG_LIST);
	CU_ASSERT_EQUAL(v->items[2].items[1].n_items, 0);
	v = get(cf, "c", CFG_LIST);
	CU_ASSERT_EQUAL_FATAL(v->n_items, 3);
	CU_ASSERT_EQUAL(v->line, 3);
	CU_ASSERT_EQUAL(v->items[0].line, 4);
	CU_ASSERT_EQUAL(v->items[1].line, 6);
	CU_ASSERT_STRING_EQUAL(v->items[2].str, "z");
	CU_ASSERT_EQUAL(v->items[2].line, 7);
	cfg_free(cf);
}

static void test_list_errors(void)
{
	parse_fails("a = 1\ndisk = [ 'x',\n 'y'\n", "t.cfg:2: unterminated list");
	parse_fails(
		"disk = [ 'x' 'y' ]",
		"t.cfg:1: expected ',' or ']' after a list item (list opened on line 1), got string \"y\"");
	parse_fails(
		"disk = [ 'x'\nmemory = 5\n",
		"t.cfg:2: expected ',' or ']' after a list item (list opened on line 1), got 'memory'");
	parse_fails("a = [,]", "t.cfg:1: expected a value or ']' in list, got ','");
	parse_fails("a = [1,,2]", "t.cfg:1: expected a value or ']' in list, got ','");
	parse_fails("a = [ = ]", "t.cfg:1: expected a value or ']' in list, got '='");
	parse_fails("a = [[[[[[[[[1]]]]]]]]]", "t.cfg:1: lists nested more than 8 deep");
	parse_fails("a = ]", "t.cfg:1: expected a value after 'a =', got ']'");
}

static void test_list_limits(void)
{
	size_t n = CFG_MAX_ITEMS + 1, i;
	char *text = malloc(n * 2 + 16);
	struct cfg_file *cf;
	char *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	if (!text)
		return;
	memcpy(text, "a = [", 5);
	p = text + 5;
	for (i = 0; i < n - 1; i++, p += 2)
		memcpy(p, "1,", 2);
	strcpy(p, "]");
	cf = parse(text);
	CU_ASSERT_EQUAL(get(cf, "a", CFG_LIST)->n_items, CFG_MAX_ITEMS);
	cfg_free(cf);
	strcpy(p, "1]");
	parse_fails(text, "t.cfg:1: list has more than 1024 items");
	free(text);
	parse_fails("a = [[[[[[[[1]]]]]]]]\nb = [[[[[[[[[1]]]]]]]]]",
		    "t.cfg:2: lists nested more than 8 deep");
}

static void test_statement_errors(void)
{
	parse_fails("name = \"hello\"\n\nmemory 64\n", "t.cfg:3: expected '=' after 'memory'");
	parse_fails("memory\n= 64", "t.cfg:1: expected '=' after 'memory'");
	parse_fails("memory =\n64",
		    "t.cfg:1: expected a value after 'memory =', got end of line");
	parse_fails("memory =", "t.cfg:1: expected a value after 'memory =', got end of file");
	parse_fails("name = hello",
		    "t.cfg:1: expected a value after 'name =' (strings need quotes), got 'hello'");
	parse_fails("extra += ;", "t.cfg:1: expected a value after 'extra +=', got ';'");
	parse_fails("memory = 64 128",
		    "t.cfg:1: expected end of line or ';' after the value of 'memory', got '128'");
	parse_fails(
		"a = 'x' 'y'",
		"t.cfg:1: expected end of line or ';' after the value of 'a', got string \"y\"");
	parse_fails("64 = memory", "t.cfg:1: expected a key (a name such as memory), got '64'");
	parse_fails("= 5", "t.cfg:1: expected a key (a name such as memory), got '='");
	parse_fails("a = 1\n  @b = 2", "t.cfg:2: unexpected character '@'");
	parse_fails("a = 1 + 2", "t.cfg:1: unexpected character '+'");
	parse_fails("a = \"\x01\" \x01", "t.cfg:1: unexpected byte 0x01");
}

static void test_string_errors(void)
{
	parse_fails("a = 1\nb = 2\nc = \"open\n", "t.cfg:3: unterminated string");
	parse_fails("a = 'open", "t.cfg:1: unterminated string");
	parse_fails("a = 'ends in backslash\\", "t.cfg:1: unterminated string");
	parse_fails("a = 'spans\\\nlines'", "t.cfg:1: unterminated string");
	parse_fails("a = \"mixed'", "t.cfg:1: unterminated string");
}

static void test_nul_bytes(void)
{
	static const char text[] = "a = 'x\0y'\n";
	static const char text2[] = "a = 1\n\0";
	struct cfg_file *cf;
	int rc;

	rc = cfg_parse_buffer("t.cfg", text, sizeof(text) - 1, &cf, &perr);
	CU_ASSERT_EQUAL(rc, -EINVAL);
	CU_ASSERT_STRING_EQUAL(perr.msg, "t.cfg:1: NUL byte in string");
	rc = cfg_parse_buffer("t.cfg", text2, sizeof(text2) - 1, &cf, &perr);
	CU_ASSERT_EQUAL(rc, -EINVAL);
	CU_ASSERT_STRING_EQUAL(perr.msg, "t.cfg:2: unexpected byte 0x00");
}

static void test_replace_and_append(void)
{
	struct cfg_file *cf = parse("memory = 64\nname = 'a'\nmemory = 128\n"
				    "extra = 'one'\nextra += ' two'\n"
				    "disk = ['a']\ndisk += ['b', 'c']\nnew += 'x'\n");
	const struct cfg_value *v;

	CU_ASSERT_EQUAL(cf->n_entries, 5);
	CU_ASSERT_EQUAL(get(cf, "memory", CFG_NUMBER)->num, 128);
	CU_ASSERT_EQUAL(get(cf, "memory", CFG_NUMBER)->line, 3);
	CU_ASSERT_STRING_EQUAL(cf->entries[0].key, "memory");
	CU_ASSERT_STRING_EQUAL(get(cf, "extra", CFG_STRING)->str, "one two");
	CU_ASSERT_EQUAL(get(cf, "extra", CFG_STRING)->line, 5);
	v = get(cf, "disk", CFG_LIST);
	CU_ASSERT_EQUAL_FATAL(v->n_items, 3);
	CU_ASSERT_STRING_EQUAL(v->items[0].str, "a");
	CU_ASSERT_STRING_EQUAL(v->items[2].str, "c");
	CU_ASSERT_STRING_EQUAL(get(cf, "new", CFG_STRING)->str, "x");
	cfg_free(cf);
	/* an empty list appended: no items to copy (once a memcpy from NULL, which
	 * UndefinedBehaviorSanitizer reports under make test-asan) */
	cf = parse("disk = ['a']\ndisk += []\nvif = []\nvif += []\n");
	CU_ASSERT_EQUAL(get(cf, "disk", CFG_LIST)->n_items, 1);
	CU_ASSERT_EQUAL(get(cf, "vif", CFG_LIST)->n_items, 0);
	cfg_free(cf);
	parse_fails(
		"extra = 'x'\nextra += ['y']",
		"t.cfg:2: extra: += needs two strings or two lists (a number cannot be appended to)");
	parse_fails(
		"memory = 6\nmemory += 4",
		"t.cfg:2: memory: += needs two strings or two lists (a number cannot be appended to)");
}

static void test_limits(void)
{
	char key[CFG_MAX_KEY_LEN + 8], *big;
	struct cfg_file *cf;
	size_t i;
	int rc;

	memset(key, 'k', CFG_MAX_KEY_LEN + 1);
	strcpy(key + CFG_MAX_KEY_LEN + 1, " = 1");
	parse_fails(key, "t.cfg:1: key 'kkkkkkkkkkkkkkkkkkkk...' is longer than 64 characters");
	big = malloc(CFG_MAX_KEYS * 16 + 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	big[0] = '\0';
	for (i = 0; i <= CFG_MAX_KEYS; i++)
		sprintf(big + strlen(big), "k%zu=1\n", i);
	parse_fails(big, "t.cfg:1025: more than 1024 keys");
	free(big);
	big = calloc(1, CFG_MAX_FILE_SIZE + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, '\n', CFG_MAX_FILE_SIZE + 1);
	rc = cfg_parse_buffer("t.cfg", big, CFG_MAX_FILE_SIZE, &cf, &perr);
	CU_ASSERT_EQUAL(rc, 0);
	cfg_free(cf);
	rc = cfg_parse_buffer("t.cfg", big, CFG_MAX_FILE_SIZE + 1, &cf, &perr);
	CU_ASSERT_EQUAL(rc, -EFBIG);
	CU_ASSERT_STRING_EQUAL(perr.msg, "t.cfg: file is larger than 1048576 bytes");
	free(big);
}

static void override_fails(const char *ov, const char *msg)
{
	struct cfg_file *cf = parse("memory = 64\nextra = 'x'\n");
	int rc = cfg_apply_override(cf, ov, &perr);

	CU_ASSERT_EQUAL(rc, -EINVAL);
	CU_ASSERT_STRING_EQUAL(perr.msg, msg);
	if (strcmp(perr.msg, msg))
		fprintf(stderr, "\n  override %s\n  want  %s\n  got   %s\n", ov, msg, perr.msg);
	cfg_free(cf);
}

static void apply(struct cfg_file *cf, const char *ov)
{
	int rc = cfg_apply_override(cf, ov, &perr);

	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "override %s: %s\n", ov, perr.msg);
}

static void test_overrides(void)
{
	struct cfg_file *cf = parse("memory = 64\nextra = 'x'\nname = 'a'\n");
	const struct cfg_value *v;
	char where[64];

	apply(cf, "memory=128");
	apply(cf, "name=web1");
	apply(cf, "cmdline= console=hvc0 quiet");
	apply(cf, "extra+=' y'");
	apply(cf, "disk=['a,raw,xvda', \"b\",]");
	apply(cf, "vcpus = 0x2");
	apply(cf, "size=64MB");
	apply(cf, "neg=-3");
	apply(cf, "empty=");
	v = get(cf, "memory", CFG_NUMBER);
	CU_ASSERT_EQUAL(v->num, 128);
	CU_ASSERT_EQUAL(v->line, CFG_LINE_OVERRIDE);
	CU_ASSERT_STRING_EQUAL(get(cf, "name", CFG_STRING)->str, "web1");
	CU_ASSERT_STRING_EQUAL(get(cf, "cmdline", CFG_STRING)->str, "console=hvc0 quiet");
	CU_ASSERT_STRING_EQUAL(get(cf, "extra", CFG_STRING)->str, "x y");
	v = get(cf, "disk", CFG_LIST);
	CU_ASSERT_EQUAL_FATAL(v->n_items, 2);
	CU_ASSERT_EQUAL(v->items[1].line, CFG_LINE_OVERRIDE);
	CU_ASSERT_EQUAL(get(cf, "vcpus", CFG_NUMBER)->num, 2);
	CU_ASSERT_STRING_EQUAL(get(cf, "size", CFG_STRING)->str, "64MB");
	CU_ASSERT_EQUAL(get(cf, "neg", CFG_NUMBER)->num, -3);
	CU_ASSERT_STRING_EQUAL(get(cf, "empty", CFG_STRING)->str, "");
	cfg_where(cf, 0, where, sizeof(where));
	CU_ASSERT_STRING_EQUAL(where, "command line");
	cfg_where(cf, 3, where, sizeof(where));
	CU_ASSERT_STRING_EQUAL(where, "t.cfg:3");
	cfg_free(cf);
}

static void test_override_errors(void)
{
	override_fails("=5", "command line: \"=5\": expected key=value, got '=' first");
	override_fails("memory", "command line: \"memory\": expected '=' after 'memory'");
	override_fails("memory 64", "command line: \"memory 64\": expected '=' after 'memory'");
	override_fails("disk=[1,", "command line: \"disk=[1,\": unterminated list");
	override_fails("name='a", "command line: \"name='a\": unterminated string");
	override_fails("name='a' b",
		       "command line: \"name='a' b\": unexpected 'b' after the value");
	override_fails("memory=99999999999999999999",
		       "command line: \"memory=99999999999999999999\": number is out of range");
	override_fails("extra+=[1]",
		       "command line: \"extra+=[1]\": extra: += needs two strings or two lists "
		       "(a number cannot be appended to)");
	override_fails("9=1", "command line: \"9=1\": expected key=value, got '9' first");
}

static void test_parse_file(void)
{
	char path[] = "/tmp/test_cfg_XXXXXX", msg[600];
	struct cfg_file *cf = NULL;
	int fd = mkstemp(path), rc;

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, "name = 'f'\nmemory = ", 20), 20);
	close(fd);
	rc = cfg_parse_file(path, &cf, &perr);
	CU_ASSERT_EQUAL(rc, -EINVAL);
	snprintf(msg, sizeof(msg), "%s:2: expected a value after 'memory =', got end of file",
		 path);
	CU_ASSERT_STRING_EQUAL(perr.msg, msg);
	fd = open(path, O_WRONLY | O_APPEND);
	CU_ASSERT_EQUAL(write(fd, "64\n", 3), 3);
	close(fd);
	rc = cfg_parse_file(path, &cf, &perr);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(cf->name, path);
	CU_ASSERT_EQUAL(get(cf, "memory", CFG_NUMBER)->num, 64);
	cfg_free(cf);
	unlink(path);
	rc = cfg_parse_file(path, &cf, &perr);
	CU_ASSERT_EQUAL(rc, -ENOENT);
	snprintf(msg, sizeof(msg), "%s: cannot read config file: No such file or directory",
		 path);
	CU_ASSERT_STRING_EQUAL(perr.msg, msg);
	rc = cfg_parse_file("/tmp", &cf, &perr);
	CU_ASSERT_EQUAL(rc, -EISDIR);
}

static void test_quote(void)
{
	char buf[32];

	cfg_quote("lots", buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "\"lots\"");
	cfg_quote("a\"b\\c\n\x01", buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "\"a\\\"b\\\\c\\n\\x01\"");
	cfg_quote("abcdefghijklmnopqrstuvwxyz0123456789", buf, 16);
	CU_ASSERT_STRING_EQUAL(buf, "\"abcdefghij...\"");
	CU_ASSERT_EQUAL(strlen(buf), 16 - 1);
}

/* Two values hold the same settings (types, text, items). */
static int value_same(const struct cfg_value *a, const struct cfg_value *b)
{
	if (a->type != b->type)
		return 0;
	if (a->type != CFG_LIST)
		return strcmp(a->str, b->str) == 0 && (a->type != CFG_NUMBER || a->num == b->num);
	if (a->n_items != b->n_items)
		return 0;
	for (size_t i = 0; i < a->n_items; i++)
		if (!value_same(&a->items[i], &b->items[i]))
			return 0;
	return 1;
}

/* cfg_format's text parses back to the same settings, overrides included. */
static void test_format(void)
{
	struct cfg_file *cf = parse("name = 'a'\nmemory = 0x40\nvif = [ 'bridge=sw0', '' ]\n"
				    "extra = \"q\\\"s\\\\b\\n\\t\\x01\\xe9\"\n"
				    "disk = [ [ 'x' ], [] ]\nneg = -3\n");
	struct cfg_file *back = NULL;
	char *text = NULL;

	apply(cf, "name=web1"); /* verbatim: must come back quoted, not as a bare word */
	apply(cf, "cmdline=app=shell x=1");
	apply(cf, "disk+=[]"); /* an empty list appended (memcpy of nothing) */
	apply(cf, "vcpus=2");
	CU_ASSERT_EQUAL(cfg_format(cf, &text), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "name = \"web1\"\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "memory = 0x40\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "vif = [ \"bridge=sw0\", \"\" ]\n"));
	CU_ASSERT_EQUAL(cfg_parse_buffer("saved", text, strlen(text), &back, &perr), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(back);
	CU_ASSERT_EQUAL(back->n_entries, cf->n_entries);
	for (size_t i = 0; i < cf->n_entries && i < back->n_entries; i++) {
		CU_ASSERT_STRING_EQUAL(back->entries[i].key, cf->entries[i].key);
		CU_ASSERT_TRUE(value_same(&back->entries[i].value, &cf->entries[i].value));
	}
	free(text);
	cfg_free(back);
	cfg_free(cf);
	CU_ASSERT_EQUAL(cfg_format_string("a\"b\\c\n", &text), 0);
	CU_ASSERT_STRING_EQUAL(text, "\"a\\\"b\\\\c\\n\"");
	free(text);
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "strings", test_strings },
		{ "escapes", test_escapes },
		{ "numbers", test_numbers },
		{ "number_parse", test_number_parse },
		{ "statements", test_statements },
		{ "lists", test_lists },
		{ "list errors", test_list_errors },
		{ "list limits", test_list_limits },
		{ "statement errors", test_statement_errors },
		{ "string errors", test_string_errors },
		{ "NUL bytes", test_nul_bytes },
		{ "replace and +=", test_replace_and_append },
		{ "limits", test_limits },
		{ "overrides", test_overrides },
		{ "override errors", test_override_errors },
		{ "parse file", test_parse_file },
		{ "quote", test_quote },
		{ "format", test_format },
	};
	CU_pSuite suite;
	unsigned failed;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	suite = CU_add_suite("cfg", NULL, NULL);
	for (i = 0; suite && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(suite, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
