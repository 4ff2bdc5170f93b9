/* The PV console ring driver: output into and input out of the console page
 * start_info names (console.domU.mfn, .evtchn), with Xen's layout. */
#ifndef KERNEL_CONSOLE_RING_H
#define KERNEL_CONSOLE_RING_H

#include <stddef.h>
#include <stdint.h>

#include <pvisor/xen.h>

/* Take the ring start_info names (page below nr_pages, a port): 0, or -PV_ENODEV
 * when there is none (the console stays on console_io). Needs no upcalls. */
int console_ring_init(const struct pv_start_info *si);
/* Stop using the ring (output goes to console_io again; getc says -PV_ENODEV). */
void console_ring_release(void);
/* Bind the port's event handler (after evtchn_init_cpu). */
void console_ring_bind(void);
/* After a restore: the ring is where it was, its port is the one start_info names
 * now (the toolstack gave the new domain a new one). */
void console_ring_resume(const struct pv_start_info *si);
/* 1 while output goes to the ring. */
int console_ring_active(void);

/*
 * Write all of buf: what does not fit waits for room (SCHEDOP_poll on the port,
 * upcalls may be masked), nothing is dropped. 0, or -PV_EIO when the page's
 * indices turned impossible: the ring is then abandoned and the caller falls
 * back to console_io for the rest (*done says how much went into the ring).
 */
int console_ring_write(const char *buf, size_t len, size_t *done);

/* Wait up to timeout_ns until the backend has read all output: 0 or -PV_ETIMEDOUT. */
int console_ring_drain(uint64_t timeout_ns);

/* One input byte (0..255), waiting up to timeout_ns: -PV_ETIMEDOUT, or -PV_ENODEV
 * without a ring. Thread context, one reader at a time. */
int console_ring_getc(uint64_t timeout_ns);

/* Events taken on the port and bytes read, for the shell's info. */
struct console_ring_stats {
	uint64_t events, in_bytes, out_bytes, waits;
};
void console_ring_get_stats(struct console_ring_stats *st);

#endif
