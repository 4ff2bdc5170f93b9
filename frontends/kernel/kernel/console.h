/* The kernel's console byte sink: the PV console ring once console_ring_init took
 * it (console_ring.h), else the hypervisor console (console_io CONSOLEIO_write,
 * which dom0 reads in the hypervisor log, `pvx dmesg`): what early boot and
 * kernels booted with console=io use. Early output is also kept and replayed into
 * the ring once it is up, so the console shows a boot from its first line. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Write len bytes: into the console ring when it is active (waiting for room,
 * never dropping), else to the hypervisor console in chunks of at most
 * CONSOLE_CHUNK bytes, looping on short writes. Returns 0, or the hypervisor's
 * negative PV_E* error for the first console_io chunk it refused (the rest is
 * dropped: there is nowhere else to report it).
 */
#define CONSOLE_CHUNK 1024
int console_write(const char *buf, size_t len);

/* Write to the hypervisor console only (console_io), whatever the ring does. */
int console_io_write(const char *buf, size_t len);

/*
 * Call once, right after console_ring_init (whether it found a ring or not),
 * before other vCPUs run: writes the output kept since boot (at most 1536 bytes;
 * a note says how much more there was) into the ring, and stops keeping any.
 * Without a ring (console=io, none in start_info) it only stops keeping.
 */
void console_early_replay(void);

/* console=io: one line into the console ring start_info names (if any) saying that
 * the output is in the hypervisor log, so whoever attaches to the console knows;
 * the ring is then left alone. */
struct pv_start_info;
void console_announce_io(const struct pv_start_info *si);

/* Before shutdown: give the ring's backend up to CONSOLE_DRAIN_NS to read what is
 * left, so the last lines reach the log. */
#define CONSOLE_DRAIN_NS 2000000000ull
void console_drain(void);

/*
 * Read one line of input from the console ring into buf (NUL-terminated, at most
 * len - 1 characters; more are refused with a bell), echoing what is typed and
 * handling backspace/DEL, Ctrl-U (erase line) and Ctrl-C (drop the line, returns
 * 0 with an empty buf). CR, LF or CR LF end a line. idle (may be NULL) runs
 * about every poll_ns while no input arrives. Returns the line's length, or
 * -PV_ENODEV when there is no console ring to read.
 */
int console_readline(char *buf, size_t len, void (*idle)(void), uint64_t poll_ns);

#endif
