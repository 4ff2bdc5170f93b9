/* Wait for a guest's console_io line in the hypervisor log (`pvx dmesg`), the way a
 * dom0 tool learns what a guest announced with console_io: incremental
 * readconsole, woken by VIRQ_CON_RING (polling every 10 ms when another process
 * of this host holds that VIRQ). Used by evtchn_peer and bench_create. */
#ifndef TESTS_TOOLS_DMESG_WAIT_H
#define TESTS_TOOLS_DMESG_WAIT_H

#include <stddef.h>

#include "libpvctrl/pvctrl.h"

/*
 * Wait up to timeout_ms for a line "(d<domid>) ..." of the hypervisor log that
 * contains needle (lines already in the log count). On success copies the text
 * after the "(d<domid>) " prefix into line (NUL-terminated, cut to len - 1) and
 * returns 0; -ETIMEDOUT, or another -errno from the hypervisor.
 */
int dmesg_wait_line(struct pvctrl *h, pv_domid_t domid, const char *needle, int timeout_ms,
		    char *line, size_t len);

#endif
