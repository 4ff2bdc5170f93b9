/* libFuzzer harness for the store's guest-ring transport: the guest owns the page,
 * so the input rewrites any of it (request bytes, all four indices, the connection
 * and error words) between pumps, as a hostile guest racing the daemon would. The
 * daemon must never read or write outside the page, and the core must survive. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "log.h"
#include "xsd/core.h"
#include "xsd/domain.h"
#include "xsd/ringconn.h"

static unsigned notified;

static void fuzz_notify(void *opaque, uint32_t evtchn)
{
	(void)opaque;
	(void)evtchn;
	notified++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pv_xenstore_domain_interface page;
	static int quiet;
	struct xsd_ringconn rc = { .intf = &page, .notify = fuzz_notify };
	struct xsd_core *core;
	struct xsd_domain *d;
	size_t off = 0;

	if (!quiet) {
		log_init("fuzz", 0);
		quiet = 1;
	}
	memset(&page, 0, sizeof(page));
	core = xsd_core_create(NULL);
	if (!core)
		return 0;
	xsd_domain_introduce(core, 7, 1, 1);
	d = xsd_domain_find(core, 7);
	xsd_ringconn_attach(d->conn, &rc);
	/* records: op byte, then its operands */
	while (off + 1 < size) {
		uint8_t op = data[off++];
		size_t n;

		switch (op % 4) {
		case 0: /* bytes into the request ring at req_prod, then publish */
			n = data[off++] % 200;
			if (n > size - off)
				n = size - off;
			for (size_t i = 0; i < n; i++)
				page.req[(page.req_prod + i) % PV_XENSTORE_RING_SIZE] = (char)
					data[off + i];
			page.req_prod += (uint32_t)n;
			off += n;
			break;
		case 1: /* overwrite one index or control word with 4 bytes */
			if (size - off < 5)
				goto out;
			{
				uint32_t v, *words[] = { &page.req_cons,   &page.req_prod,
							 &page.rsp_cons,   &page.rsp_prod,
							 &page.connection, &page.error };

				memcpy(&v, data + off + 1, 4);
				*words[data[off] % 6] = v;
				off += 5;
			}
			break;
		case 2: /* the guest consumes replies */
			page.rsp_cons = page.rsp_prod;
			break;
		default:
			break;
		}
		xsd_ringconn_pump(d->conn); /* errors are fine: the page stays its own */
	}
out:
	xsd_core_destroy(core);
	return 0;
}
