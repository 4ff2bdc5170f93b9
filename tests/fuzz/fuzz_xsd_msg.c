/* libFuzzer harness for the store's message handling: the input is a byte stream fed
 * in varying chunks to a privileged connection and to an unprivileged domain's, through
 * framing, every handler, transactions and watches. Any crash, leak or sanitizer report
 * is a bug; the core must also pass its own consistency check afterwards. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "log.h"
#include "xsd/core.h"
#include "xsd/domain.h"

static void fuzz_drain(struct xsd_conn *c)
{
	const void *buf;
	size_t len = xsd_conn_out_peek(c, &buf);

	if (len)
		xsd_conn_out_consume(c, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xsd_core *core;
	struct xsd_conn *conns[2];
	size_t off = 1;
	static int quiet;

	if (!quiet) {
		log_init("fuzz", 0);
		quiet = 1;
	}
	if (size < 1)
		return 0;
	core = xsd_core_create(NULL);
	if (!core)
		return 0;
	core->quota.out_max = 1 << 16;
	conns[0] = xsd_conn_create(core, NULL, NULL, 0, true);
	xsd_domain_introduce(core, 5, 1, 1);
	conns[1] = xsd_domain_find(core, 5)->conn;
	while (off < size) {
		size_t chunk = 1 + (data[off - 1] % 64);
		struct xsd_domain *d = xsd_domain_find(core, 5);
		struct xsd_conn *c;

		if (!d)
			break; /* released: its connection is gone */
		conns[1] = d->conn;
		c = conns[data[off - 1] >> 7];
		if (chunk > size - off)
			chunk = size - off;
		if (!c->dead)
			xsd_conn_input(c, data + off, chunk);
		fuzz_drain(conns[0]);
		if (xsd_domain_find(core, 5) && xsd_domain_find(core, 5)->conn == conns[1])
			fuzz_drain(conns[1]);
		off += chunk;
	}
	xsd_core_destroy(core);
	return 0;
}
