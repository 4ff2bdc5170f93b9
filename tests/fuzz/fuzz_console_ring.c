/* libFuzzer harness for the console ring: the page is shared with the other side,
 * so the input rewrites any index or byte of it between operations of pvconsoled's
 * half (take output, give input) and of the guest's half (the reference kernel
 * trusts dom0 but still checks). Neither may read or write outside the page, and
 * what a side reports must stay within the ring's size. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../frontends/kernel/lib/consring.h"
#include "pvconsoled/cring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_poke(struct pv_xencons_interface *page, const uint8_t *p)
{
	pv_xencons_ring_idx_t v;
	pv_xencons_ring_idx_t *idx[] = { &page->in_cons, &page->in_prod, &page->out_cons,
					 &page->out_prod };

	memcpy(&v, p + 1, sizeof(v));
	*idx[p[0] % 4] = v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pv_xencons_interface page;
	char buf[4096];
	size_t off = 0;

	memset(&page, 0, sizeof(page));
	while (off + 6 <= size) { /* an op byte and up to 5 operand bytes */
		uint8_t op = data[off++];
		size_t n = data[off] * 17u;
		int r;

		switch (op % 6) {
		case 0:
			fuzz_poke(&page, data + off);
			off += 5;
			continue;
		case 1: /* pvconsoled takes output */
			r = cring_out_peek(&page, buf, n < sizeof(buf) ? n : sizeof(buf));
			if (r > (int)sizeof(page.out))
				abort();
			if (r > 0)
				cring_out_consume(&page, (size_t)r);
			break;
		case 2: /* pvconsoled gives input */
			r = cring_in_put(&page, (const char *)data, n < size ? n : size);
			if (r > (int)sizeof(page.in))
				abort();
			break;
		case 3: /* the guest writes output */
			r = consring_put(&page, (const char *)data, n < size ? n : size);
			if (r > (int)sizeof(page.out))
				abort();
			break;
		case 4: /* the guest reads input */
			r = consring_get(&page, buf, n < sizeof(buf) ? n : sizeof(buf));
			if (r > (int)sizeof(page.in))
				abort();
			break;
		default: /* the sizes both sides compute */
			if (cring_out_avail(&page) > (int)sizeof(page.out) ||
			    cring_in_room(&page) > (int)sizeof(page.in) ||
			    consring_out_room(&page) > (int)sizeof(page.out))
				abort();
			break;
		}
		off++;
	}
	return 0;
}
