/* Unit-test helpers for the store core (see xsd_testlib.h). */
#include "xsd_testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *tl_types[] = { "CONTROL",
				  "DIRECTORY",
				  "READ",
				  "GET_PERMS",
				  "WATCH",
				  "UNWATCH",
				  "TRANSACTION_START",
				  "TRANSACTION_END",
				  "INTRODUCE",
				  "RELEASE",
				  "GET_DOMAIN_PATH",
				  "WRITE",
				  "MKDIR",
				  "RM",
				  "SET_PERMS",
				  "WATCH_EVENT",
				  "ERROR",
				  "IS_DOMAIN_INTRODUCED",
				  "RESUME",
				  "SET_TARGET",
				  "RESTRICT",
				  "RESET_WATCHES",
				  "DIRECTORY_PART" };

#define TL_MAX_CONNS 64
static struct {
	struct xsd_conn *c;
	char ev[16384];
} tl_stash[TL_MAX_CONNS];

struct xsd_conn *tl_conn(struct xsd_core *core, uint32_t domid, bool priv)
{
	struct xsd_conn *c = xsd_conn_create(core, NULL, NULL, domid, priv);

	if (c)
		snprintf(c->label, sizeof(c->label), "test%u", domid);
	return c;
}

static char *tl_stash_for(struct xsd_conn *c)
{
	for (int i = 0; i < TL_MAX_CONNS; i++)
		if (tl_stash[i].c == c)
			return tl_stash[i].ev;
	for (int i = 0; i < TL_MAX_CONNS; i++)
		if (!tl_stash[i].c) {
			tl_stash[i].c = c;
			tl_stash[i].ev[0] = '\0';
			return tl_stash[i].ev;
		}
	tl_stash[0].c = c;
	tl_stash[0].ev[0] = '\0';
	return tl_stash[0].ev;
}

static void tl_render(char *out, size_t outlen, const char *p, size_t len)
{
	size_t o = strlen(out);

	for (size_t i = 0; i < len && o + 1 < outlen; i++)
		out[o++] = p[i] ? p[i] : '|';
	out[o] = '\0';
}

/* Pop queued messages: events go to the stash; the first reply is rendered to out. */
static void tl_drain(struct xsd_conn *c, char *out, size_t outlen)
{
	const void *buf;
	size_t len;

	while ((len = xsd_conn_out_peek(c, &buf)) >= sizeof(struct pv_xsd_sockmsg)) {
		struct pv_xsd_sockmsg h;
		const char *p = buf;
		memcpy(&h, p, sizeof(h));
		if (h.type == PV_XS_WATCH_EVENT) {
			char *ev = tl_stash_for(c);
			tl_render(ev, sizeof(tl_stash[0].ev), p + sizeof(h), h.len);
			strncat(ev, ";", sizeof(tl_stash[0].ev) - strlen(ev) - 1);
		} else if (out && !out[0]) {
			snprintf(out, outlen, "%s ", h.type < 23 ? tl_types[h.type] : "?");
			tl_render(out, outlen, p + sizeof(h), h.len);
		} else if (out) {
			strncat(out, " +", outlen - strlen(out) - 1);
		}
		xsd_conn_out_consume(c, sizeof(h) + h.len);
	}
}

const char *tl_call(struct xsd_conn *c, uint32_t type, uint32_t tx, const char *payload,
		    size_t len)
{
	static char out[8192];
	struct pv_xsd_sockmsg h = { type, 7, tx, (uint32_t)len };

	out[0] = '\0';
	tl_drain(c, NULL, 0);
	if (xsd_conn_input(c, &h, sizeof(h)) < 0 || xsd_conn_input(c, payload, len) < 0)
		return "DEAD";
	tl_drain(c, out, sizeof(out));
	return out[0] ? out : "NOREPLY";
}

const char *tl_events(struct xsd_conn *c)
{
	static char copy[16384];
	char *ev;

	tl_drain(c, NULL, 0);
	ev = tl_stash_for(c);
	snprintf(copy, sizeof(copy), "%s", ev);
	ev[0] = '\0';
	return copy;
}

uint32_t tl_tx_start(struct xsd_conn *c)
{
	const char *r = tl_call(c, PV_XS_TRANSACTION_START, 0, "", 1);

	if (strncmp(r, "TRANSACTION_START ", 18) != 0)
		return 0;
	return (uint32_t)strtoul(r + 18, NULL, 10);
}

#include <CUnit/Basic.h>

void tl_expect(const char *got, const char *want, const char *file, int line)
{
	CU_ASSERT_STRING_EQUAL(got, want);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n  %s:%d\n    want %s\n    got  %s\n", file, line, want, got);
}

int tl_run(const char *suite, const struct tl_test *tests, size_t n)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite(suite, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
