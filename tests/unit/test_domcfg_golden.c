/* The tests/config golden files run through libpvx directly, the way
 * `pvx create --dry-run FILE [key=value...]` runs them (stdout = JSON, stderr =
 * "pvx: <warning>" lines then "pvx: <error>", exit 1 on error), so the library
 * is checked against them even where pvx is not built. With
 * PVISOR_GOLDEN_UPDATE=1 it rewrites the expected files instead (review the
 * diff before committing). */
#include "libpvx/domcfg.h"

#include <CUnit/Basic.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_OUT  (64 * 1024)
#define MAX_ARGS 16

struct run {
	char out[MAX_OUT]; /* what pvx would print on stdout */
	char err[MAX_OUT]; /* ... and on stderr */
	int status;
};

static void append(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(char *buf, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + n, MAX_OUT - n, fmt, ap);
	va_end(ap);
}

static void warn_cb(void *ctx, const char *msg)
{
	append(((struct run *)ctx)->err, "pvx: %s\n", msg);
}

/* Read a whole small file into a malloc'd string; NULL if it does not exist. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = calloc(1, MAX_OUT + 1);
	n = buf ? fread(buf, 1, MAX_OUT, f) : 0;
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

/* <case>.args holds extra key=value arguments, one per line. */
static int read_args(const char *base, char *store, char **argv)
{
	char path[300], *line, *save = NULL, *text;
	int n = 0;

	snprintf(path, sizeof(path), "%s.args", base);
	text = slurp(path);
	if (!text)
		return 0;
	snprintf(store, MAX_OUT, "%s", text);
	free(text);
	for (line = strtok_r(store, "\n", &save); line && n < MAX_ARGS;
	     line = strtok_r(NULL, "\n", &save))
		argv[n++] = line;
	return n;
}

static void dry_run(const char *cfgname, char **argv, int argc, struct run *r)
{
	struct cfg_file *cf = NULL;
	struct domcfg dc;
	struct pvx_err msg = { 0 };
	char *js = NULL;
	int i, rc;

	memset(r, 0, sizeof(*r));
	rc = cfg_parse_file(cfgname, &cf, &msg);
	for (i = 0; !rc && i < argc; i++)
		rc = cfg_apply_override(cf, argv[i], &msg);
	if (!rc)
		rc = domcfg_from_cfg(cf, &dc, warn_cb, r, &msg);
	if (rc) {
		append(r->err, "pvx: %s\n", pvx_err_text(&msg, rc));
		r->status = 1;
	} else {
		CU_ASSERT_EQUAL(domcfg_to_json(&dc, -1, &js), 0);
		append(r->out, "%s", js ? js : "");
		free(js);
		domcfg_fini(&dc);
	}
	cfg_free(cf);
}

static void expect_file(const char *path, const char *got)
{
	char *want = slurp(path);

	if (getenv("PVISOR_GOLDEN_UPDATE")) {
		FILE *f = fopen(path, "w");

		if (*got || strstr(path, ".json") || !strncmp(path, "fail-", 5)) {
			CU_ASSERT_PTR_NOT_NULL_FATAL(f);
			fputs(got, f);
			fclose(f);
		} else {
			if (f)
				fclose(f);
			unlink(path);
		}
	} else {
		CU_ASSERT_STRING_EQUAL(want ? want : "", got);
		if (strcmp(want ? want : "", got))
			fprintf(stderr, "\n%s differs:\n--- want\n%s--- got\n%s", path,
				want ? want : "", got);
	}
	free(want);
}

/* One golden case; returns 1 for pass-*, 2 for fail-*. */
static int run_case(const char *cfgname)
{
	static struct run r;
	static char store[MAX_OUT];
	char base[256], path[300], *argv[MAX_ARGS];
	int argc, fail = !strncmp(cfgname, "fail-", 5);

	snprintf(base, sizeof(base), "%.*s", (int)(strlen(cfgname) - 4), cfgname);
	argc = read_args(base, store, argv);
	dry_run(cfgname, argv, argc, &r);
	CU_ASSERT_EQUAL(r.status, fail);
	if (r.status != fail)
		fprintf(stderr, "\n%s: exit status %d, stderr:\n%s", cfgname, r.status, r.err);
	if (!fail) {
		snprintf(path, sizeof(path), "%s.json", base);
		expect_file(path, r.out);
	} else {
		CU_ASSERT_STRING_EQUAL(r.out, "");
	}
	snprintf(path, sizeof(path), "%s.err", base);
	expect_file(path, r.err);
	return fail ? 2 : 1;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_case(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && !strcmp(d->d_name + n - 4, ".cfg") &&
	       (!strncmp(d->d_name, "pass-", 5) || !strncmp(d->d_name, "fail-", 5));
}

static void test_golden(void)
{
	const char *top = getenv("PVISOR_TOP");
	char dir[4096];
	struct dirent **names;
	int i, n, kind, counts[3] = { 0 }, back = open(".", O_RDONLY | O_DIRECTORY);

	snprintf(dir, sizeof(dir), "%s/tests/config", top ? top : ".");
	CU_ASSERT_EQUAL_FATAL(chdir(dir), 0);
	n = scandir(".", &names, is_case, by_name);
	CU_ASSERT_FATAL(n > 0);
	for (i = 0; i < n; i++) {
		kind = run_case(names[i]->d_name);
		counts[kind]++;
		free(names[i]);
	}
	free(names);
	CU_ASSERT(counts[1] >= 8);
	CU_ASSERT(counts[2] >= 12);
	CU_ASSERT_EQUAL(fchdir(back), 0);
	close(back);
}

int main(void)
{
	CU_pSuite suite;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	suite = CU_add_suite("domcfg golden files", NULL, NULL);
	if (suite)
		CU_add_test(suite, "tests/config", test_golden);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
