/* xenbus in the reference kernel: the store client on the start_info store ring
 * (requests and replies, watches, transactions) and the frontend half of the
 * device handshake.
 *
 * Calls are synchronous: the caller sleeps (SCHEDOP_block) until its reply
 * arrives; one request is in flight at a time (a lock serialises vCPUs). Call
 * them from thread context, never from an event handler. Watch events are
 * queued by the ring's event handler and dispatched by xenbus_dispatch_watches()
 * (or consumed by xenbus_wait_watch), so callbacks run in thread context too.
 *
 * Paths not starting with '/' are relative to the domain's home
 * (/local/domain/<domid>), as with Xen's xenbus. Errors are negative PV_E*
 * numbers mapped from the store's error strings (ENOENT, EACCES, EAGAIN,
 * ENOSPC, E2BIG, EINVAL, ...). */
#ifndef KERNEL_XENBUS_H
#define KERNEL_XENBUS_H

#include <stddef.h>
#include <stdint.h>

#include <pvisor/io/xenbus.h>

typedef uint32_t xbt_t; /* transaction id; XBT_NIL outside transactions */
#define XBT_NIL 0u

/* Connect to the store ring named by start_info (store_mfn, store_evtchn).
 * 0, or -PV_ENODEV when the toolstack gave no store. */
int xenbus_init(void);
/* The toolstack's control requests: watch control/shutdown and control/sysrq and
 * call fn(key, value) for each one ("shutdown", "poweroff"; "sysrq", "h") after
 * clearing the key (the acknowledgement the toolstack waits for). fn runs from
 * whatever context next drops the store lock -- an event handler too -- with
 * upcalls masked and the lock not held; a shutdown need not return. 0 or -errno. */
typedef void (*xenbus_control_fn)(const char *key, const char *value);
int xenbus_control_enable(xenbus_control_fn fn);
/* 1 once xenbus_init succeeded. */
int xenbus_ready(void);
/* This domain's id as the store says (read from "domid"), or -errno. */
int xenbus_domid(void);

/* READ: the value into buf (NUL-terminated, cut to len - 1); returns its full
 * length or -errno. */
int xenbus_read(xbt_t t, const char *path, char *buf, size_t len);
/* READ and parse as an unsigned decimal (or 0x hex) number. 0 or -errno
 * (-PV_EINVAL when the value is not a number). */
int xenbus_read_u64(xbt_t t, const char *path, uint64_t *out);
/* WRITE value (a C string). 0 or -errno. */
int xenbus_write(xbt_t t, const char *path, const char *value);
/* WRITE a formatted value (the kernel's printk formats). 0 or -errno. */
int xenbus_printf(xbt_t t, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int xenbus_mkdir(xbt_t t, const char *path);
int xenbus_rm(xbt_t t, const char *path);
/* DIRECTORY: the children's names, NUL-separated, into buf; returns the number
 * of names or -errno (-PV_E2BIG when buf is too small). */
int xenbus_directory(xbt_t t, const char *path, char *buf, size_t len);

/* TRANSACTION_START / _END. end with abort = 0 commits: -PV_EAGAIN means a
 * conflict, start again. */
int xenbus_transaction_start(xbt_t *t);
int xenbus_transaction_end(xbt_t t, int abort);

/* Watches. The store fires each watch once when it is set. */
typedef void (*xenbus_watch_fn)(const char *path, const char *token, void *arg);
/* WATCH path with token (both C strings, token unique in this kernel); cb may
 * be NULL for watches consumed with xenbus_wait_watch. 0 or -errno. */
int xenbus_watch(const char *path, const char *token, xenbus_watch_fn cb, void *arg);
int xenbus_unwatch(const char *path, const char *token);
/* Run the callbacks of queued events; returns how many ran. */
int xenbus_dispatch_watches(void);
/* Sleep until an event for token arrives (it is consumed; its path copied into
 * path_out when non-NULL) or timeout_ns pass: 0 or -PV_ETIMEDOUT. Events of
 * other tokens stay queued. */
int xenbus_wait_watch(const char *token, char *path_out, size_t len, uint64_t timeout_ns);
/* 1 when watch events are queued (for main loops that also wait on other
 * events). */
int xenbus_watch_pending(void);

/* Frontend handshake helpers. `node` is a frontend device directory relative to
 * the home ("device/vbd/51712"). */
/* Write node/state. 0 or -errno. */
int xenbus_switch_state(const char *node, enum pv_xenbus_state state);
/* The backend's directory (node/backend) into buf; its domain id into
 * *backend_id (node/backend-id). 0 or -errno. */
int xenbus_backend_of(const char *node, char *buf, size_t len, unsigned *backend_id);
/* Read the state at path/state (XenbusStateUnknown when absent or garbage). */
enum pv_xenbus_state xenbus_read_state(const char *path);
/* Wait (a watch on path/state) until the state at path is one of want (a bit
 * mask of 1u << state) or timeout_ns pass; returns that state, or -PV_ETIMEDOUT. */
int xenbus_wait_state(const char *path, uint32_t want, uint64_t timeout_ns);
/* Wait (up to timeout_ns) until the node at path does not exist: 0 or -PV_ETIMEDOUT. */
int xenbus_wait_gone(const char *path, uint64_t timeout_ns);
/* A backend that was restarted asks its frontend to start over (docs/NOTES-
 * restart.md): go Initialising and wait until it saw that (its `resync` key goes),
 * before publishing the rings again. 0, or -PV_ETIMEDOUT. */
int xenbus_frontend_restart(const char *node, const char *backend, uint64_t timeout_ns);

/* Suspend (suspend.c): begin takes the store lock -- no request in flight while
 * the domain is saved, as Linux's xs_suspend; end, after the suspend call, in a
 * restored domain (restored = 1) binds the store's new port from start_info and
 * sets every watch again, then drops the lock. */
void xenbus_suspend_begin(void);
void xenbus_suspend_end(int restored);

/* Counters for statistics and tests. */
struct xenbus_stats {
	uint64_t requests, replies, events, errors;
};
void xenbus_get_stats(struct xenbus_stats *st);

#endif
