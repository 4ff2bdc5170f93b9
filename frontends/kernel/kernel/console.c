/* Hypervisor console output through console_io (see console.h). */
#include <pvisor/xen.h>

#include "arch/x86_64/hypercall.h"
#include "console.h"

int console_write(const char *buf, size_t len)
{
	while (len > 0) {
		size_t n = len < CONSOLE_CHUNK ? len : CONSOLE_CHUNK;
		/* console_io takes a non-const buffer; a write only reads it. */
		int rc = HYPERVISOR_console_io(PV_CONSOLEIO_write, (int)n, (char *)(uintptr_t)buf);

		if (rc < 0)
			return rc;
		/* Xen returns 0 for "all written"; pvisor returns the count, maybe short. */
		if (rc > 0 && (size_t)rc < n)
			n = (size_t)rc;
		buf += n;
		len -= n;
	}
	return 0;
}
