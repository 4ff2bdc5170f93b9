/* Unit-test helpers for the store core: in-memory connections, one-call requests with
 * the reply rendered as text (NULs shown as '|'), and the watch events each connection
 * received. */
#ifndef XSD_TESTLIB_H
#define XSD_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xsd/core.h"

/* A connection with no transport: output stays queued until tl_* reads it. */
struct xsd_conn *tl_conn(struct xsd_core *core, uint32_t domid, bool priv);
/* Send one request; returns the reply as "TYPE payload" text in a static buffer, e.g.
 * "READ val", "ERROR ENOENT|", "WRITE OK|". Events seen meanwhile are stashed. */
const char *tl_call(struct xsd_conn *c, uint32_t type, uint32_t tx, const char *payload,
		    size_t len);
/* Drain and return the events stashed or queued for c: "path|token|;..." (static). */
const char *tl_events(struct xsd_conn *c);
/* Start a transaction, returning its id (0 on failure). */
uint32_t tl_tx_start(struct xsd_conn *c);

/* Payload from a string literal that may contain \0 (its final NUL not included). */
#define TL(c, type, tx, lit) tl_call((c), (type), (tx), (lit), sizeof(lit) - 1)


/* Compare a rendered reply with what is expected, printing both on a mismatch. */
void tl_expect(const char *got, const char *want, const char *file, int line);
#define TL_EXPECT(got, want) tl_expect((got), (want), __FILE__, __LINE__)

struct tl_test {
	const char *name;
	void (*fn)(void);
};
/* Run a CUnit suite; returns the process exit status. */
int tl_run(const char *suite, const struct tl_test *tests, size_t n);
#endif
