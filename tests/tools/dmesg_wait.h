/* Wait for a guest's console_io line in the hypervisor log (`pvx dmesg`), the way a
 * dom0 tool learns what a guest announced with console_io: incremental
 * readconsole, woken by VIRQ_CON_RING (polling every 10 ms when another process
 * of this host holds that VIRQ). Used by evtchn_peer and bench_create. */
#ifndef TESTS_TOOLS_DMESG_WAIT_H
#define TESTS_TOOLS_DMESG_WAIT_H

#include <stddef.h>

#include "libpvctrl/pvctrl.h"

/* The readconsole index of the end of the hypervisor log now (lines added later
 * are past it): 0 or -errno. */
int dmesg_mark(struct pvctrl *h, uint32_t *index);

/*
 * Wait up to timeout_ms for a line "(d<domid>) ..." of the hypervisor log that
 * contains needle, looking from index `from` on (0: everything the log still
 * holds; a dmesg_mark() taken before the domain was created: only its lines, read
 * quicker). On success copies the text after the "(d<domid>) " prefix into line
 * (NUL-terminated, cut to len - 1) and returns 0; -ETIMEDOUT, or another -errno
 * from the hypervisor.
 */
int dmesg_wait_line(struct pvctrl *h, pv_domid_t domid, const char *needle, uint32_t from,
		    int timeout_ms, char *line, size_t len);

#endif
