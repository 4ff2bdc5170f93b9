/* Unit tests for pvxweb's pure parts: the path rules and route matching
 * (api_route.c), request bodies (api_json.c), the token compare (web_auth.c)
 * and the backends' status lines (bkstat.c). */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvxweb/api.h"
#include "libpvx/bkstat.h"
#include "pvxweb/pvxweb.h"

static int called;
static void h_list(struct api_call *c)
{
	(void)c;
	called = 1;
}
static void h_get(struct api_call *c)
{
	(void)c;
	called = 2;
}
static void h_pause(struct api_call *c)
{
	(void)c;
	called = 3;
}
static void h_restore(struct api_call *c)
{
	(void)c;
	called = 4;
}

static const struct api_route table[] = {
	{ API_GET, "domains", h_list },
	{ API_POST, "domains/restore", h_restore },
	{ API_GET, "domains/:dom", h_get },
	{ API_POST, "domains/:dom/pause", h_pause },
	{ API_GET, NULL, NULL },
};

/* Route path for method; returns the handler number called (0: none) and the
 * status left in the call. */
static int route(enum api_method m, const char *path, int *status, char *param, size_t plen)
{
	struct api_call c;
	const struct api_route *r;

	memset(&c, 0, sizeof(c));
	c.method = m;
	c.status = 200;
	called = 0;
	if (api_path_split(&c, path) == 0 && (r = api_route_find(&c, table)))
		r->fn(&c);
	*status = c.status;
	if (param)
		snprintf(param, plen, "%s", c.param ? c.param : "");
	return called;
}

static void test_routes(void)
{
	char p[64];
	int st;

	CU_ASSERT_EQUAL(route(API_GET, "domains", &st, p, sizeof(p)), 1);
	CU_ASSERT_EQUAL(route(API_GET, "domains/", &st, p, sizeof(p)), 1);
	CU_ASSERT_EQUAL(route(API_GET, "domains/web-1.a_b", &st, p, sizeof(p)), 2);
	CU_ASSERT_STRING_EQUAL(p, "web-1.a_b");
	CU_ASSERT_EQUAL(route(API_POST, "domains/7/pause", &st, p, sizeof(p)), 3);
	CU_ASSERT_STRING_EQUAL(p, "7");
	CU_ASSERT_EQUAL(route(API_POST, "domains/restore", &st, p, sizeof(p)), 4);
	/* a domain called "restore" is still reachable by GET */
	CU_ASSERT_EQUAL(route(API_GET, "domains/restore", &st, p, sizeof(p)), 2);
	CU_ASSERT_EQUAL(route(API_GET, "domains/7/pause", &st, NULL, 0), 0);
	CU_ASSERT_EQUAL(st, 405);
	CU_ASSERT_EQUAL(route(API_POST, "domains", &st, NULL, 0), 0);
	CU_ASSERT_EQUAL(st, 405);
	CU_ASSERT_EQUAL(route(API_GET, "domains/7/pause/now", &st, NULL, 0), 0);
	CU_ASSERT_EQUAL(st, 404);
	CU_ASSERT_EQUAL(route(API_GET, "", &st, NULL, 0), 0);
	CU_ASSERT_EQUAL(st, 404);
}

static void test_bad_paths(void)
{
	static const char *const bad[] = {
		"domains/a b",
		"domains/..",
		"domains/.",
		"domains//x",
		"domains/a%2f",
		"domains/\xc3\xa9",
		"domains/a;b",
		"a/b/c/d/e/f/g",
		"domains/0123456789012345678901234567890123456789012345678901234567890123",
	};
	int st;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(route(API_GET, bad[i], &st, NULL, 0), 0);
		CU_ASSERT_EQUAL(st, 400);
	}
	/* 63 characters are a name's limit, and fine */
	CU_ASSERT_EQUAL(
		route(API_GET,
		      "domains/012345678901234567890123456789012345678901234567890123456789012",
		      &st, NULL, 0),
		2);
}

static int body(struct api_call *c, const char *text)
{
	memset(c, 0, sizeof(*c));
	c->status = 200;
	return api_body_parse(c, text, strlen(text), &c->body);
}

static void test_bodies(void)
{
	static const char *const keys[] = { "force", "file", "list", NULL };
	const char **items, *s;
	struct api_call c;
	size_t n;
	int v;

	CU_ASSERT_EQUAL(body(&c, ""), 0);
	CU_ASSERT_PTR_NULL(c.body);
	CU_ASSERT_EQUAL(api_body_bool(&c, "force", &v), 0);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(body(&c, "{\"force\": true, \"file\": \"/x\", \"list\": [\"a\", \"b\"]}"),
			0);
	CU_ASSERT_EQUAL(api_body_keys(&c, keys), 0);
	CU_ASSERT_EQUAL(api_body_bool(&c, "force", &v), 0);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(api_body_string(&c, "file", 10, &s), 0);
	CU_ASSERT_STRING_EQUAL(s, "/x");
	CU_ASSERT_EQUAL(api_body_strings(&c, "list", 10, 4, &items, &n), 0);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_STRING_EQUAL(items[1], "b");
	free(items);
	CU_ASSERT_EQUAL(api_body_string(&c, "file", 1, &s), -EINVAL); /* too long */
	CU_ASSERT_EQUAL(c.status, 400);
	yajl_tree_free(c.body);

	CU_ASSERT_EQUAL(body(&c, "{\"force\": 1}"), 0);
	CU_ASSERT_EQUAL(api_body_bool(&c, "force", &v), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.msg, "\"force\" must be true or false"));
	yajl_tree_free(c.body);
	CU_ASSERT_EQUAL(body(&c, "{\"other\": 1}"), 0);
	CU_ASSERT_EQUAL(api_body_keys(&c, keys), -EINVAL);
	CU_ASSERT_STRING_EQUAL(c.msg, "pvx: unknown key \"other\" in the request body (allowed: "
				      "force, file, list)");
	yajl_tree_free(c.body);
	CU_ASSERT_EQUAL(body(&c, "{\"list\": [\"a\", 2]}"), 0);
	CU_ASSERT_EQUAL(api_body_strings(&c, "list", 10, 4, &items, &n), -EINVAL);
	yajl_tree_free(c.body);

	CU_ASSERT_EQUAL(body(&c, "[]"), -EINVAL);
	CU_ASSERT_STRING_EQUAL(c.code, "bad-body");
	CU_ASSERT_EQUAL(body(&c, "{\"a\":"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.msg, "not valid JSON"));
	CU_ASSERT_EQUAL(body(&c, "{} {}"), -EINVAL);
}

static void test_body_limits(void)
{
	struct api_call c;
	char *big = malloc(API_BODY_MAX + 2);

	memset(big, ' ', API_BODY_MAX + 1);
	big[0] = '{';
	big[API_BODY_MAX] = '}';
	big[API_BODY_MAX + 1] = '\0';
	memset(&c, 0, sizeof(c));
	CU_ASSERT_EQUAL(api_body_parse(&c, big, API_BODY_MAX + 1, &c.body), -EINVAL);
	CU_ASSERT_EQUAL(c.status, 413);
	big[API_BODY_MAX - 1] = '}';
	memset(&c, 0, sizeof(c));
	CU_ASSERT_EQUAL(api_body_parse(&c, big, API_BODY_MAX, &c.body), 0);
	yajl_tree_free(c.body);
	memset(&c, 0, sizeof(c));
	CU_ASSERT_EQUAL(api_body_parse(&c, "{\"a\":\"\0\"}", 9, &c.body), -EINVAL);
	free(big);
}

static void test_first_failure_wins(void)
{
	struct api_call c;

	memset(&c, 0, sizeof(c));
	api_fail(&c, 404, "no-such-domain", "pvx: %s: no such domain", "x");
	api_fail(&c, 500, "failed", "later");
	CU_ASSERT_EQUAL(c.status, 404);
	CU_ASSERT_STRING_EQUAL(c.msg, "pvx: x: no such domain");
}

static void test_token(void)
{
	CU_ASSERT_TRUE(web_token_equal("0123abcd", "0123abcd"));
	CU_ASSERT_FALSE(web_token_equal("0123abcd", "0123abce"));
	CU_ASSERT_FALSE(web_token_equal("0123abcd", "0123abc"));
	CU_ASSERT_FALSE(web_token_equal("0123abcd", "0123abcdd"));
	CU_ASSERT_FALSE(web_token_equal("0123abcd", ""));
	CU_ASSERT_STRING_EQUAL(web_auth_bearer("Bearer abc"), "abc");
	CU_ASSERT_STRING_EQUAL(web_auth_bearer("bearer   abc"), "abc");
	CU_ASSERT_PTR_NULL(web_auth_bearer("Basic abc"));
	CU_ASSERT_PTR_NULL(web_auth_bearer("Bearerabc"));
}

static void test_bkstat(void)
{
	struct bk_dev d;
	struct bk_totals t;

	CU_ASSERT_EQUAL(
		bkstat_parse_line("vbd/3/51712 state 4 /img with -- spaces.raw 2048 sectors "
				  "1 queues 9 requests 0 errors -- rd_reqs=7 rd_bytes=28672 "
				  "wr_reqs=2 wr_bytes=8192 other_reqs=0 errors=0 future=5",
				  &d),
		0);
	CU_ASSERT_STRING_EQUAL(d.type, "vbd");
	CU_ASSERT_EQUAL(d.domid, 3);
	CU_ASSERT_EQUAL(d.devid, 51712);
	CU_ASSERT_EQUAL(d.state, 4);
	CU_ASSERT_EQUAL(d.c[BK_RD_REQS], 7);
	CU_ASSERT_EQUAL(d.c[BK_WR_BYTES], 8192);
	CU_ASSERT_TRUE(d.have & (1u << BK_ERRORS));
	CU_ASSERT_FALSE(d.have & (1u << BK_TX_BYTES));
	memset(&t, 0, sizeof(t));
	bkstat_add(&t, &d);
	bkstat_add(&t, &d);
	CU_ASSERT_EQUAL(t.c[BK_RD_BYTES], 2 * 28672);
	CU_ASSERT_EQUAL(t.nr_vbd, 2);

	CU_ASSERT_EQUAL(bkstat_parse_line("vif/5/0 state 4 sw0 - tx 1 pkts 60 bytes 0 errors rx 0 "
					  "pkts 0 bytes 0 drops",
					  &d),
			0);
	CU_ASSERT_EQUAL(d.have, 0); /* an old backend: no counters section */
	CU_ASSERT_EQUAL(
		bkstat_parse_line("vif/5/0 state 4 -- tx_bytes=x rx_bytes=18446744073709551615 "
				  "rx_pkts=18446744073709551616 =3 tx_reqs=",
				  &d),
		0);
	CU_ASSERT_EQUAL(d.have, 1u << BK_RX_BYTES);
	CU_ASSERT_EQUAL(d.c[BK_RX_BYTES], UINT64_MAX);
	CU_ASSERT_EQUAL(bkstat_parse_line("hello", &d), -EINVAL);
	CU_ASSERT_EQUAL(bkstat_parse_line("vbd/x/1 state 4", &d), -EINVAL);
	CU_ASSERT_EQUAL(bkstat_parse_line("", &d), -EINVAL);
}

int main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("pvxweb", NULL, NULL);
	CU_add_test(s, "routes", test_routes);
	CU_add_test(s, "bad paths", test_bad_paths);
	CU_add_test(s, "bodies", test_bodies);
	CU_add_test(s, "body limits", test_body_limits);
	CU_add_test(s, "first failure wins", test_first_failure_wins);
	CU_add_test(s, "token", test_token);
	CU_add_test(s, "backend status lines", test_bkstat);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	{
		unsigned fails = CU_get_number_of_failures();

		CU_cleanup_registry();
		return fails ? 1 : 0;
	}
}
