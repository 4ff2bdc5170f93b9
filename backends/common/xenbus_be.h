/* xenbus_be: the dom0 half of the xenbus device handshake, for any device type
 * (blkback, netback). It watches /local/domain/0/backend/<type> in the store, finds
 * the <domid>/<devid> directories the toolstack creates, follows the frontend's
 * state, drives the backend state and calls the device type's ops at each step:
 *
 *   toolstack writes both dirs (state 1, online 1)
 *     -> ops->probe (open the device, publish features)      -> we write InitWait (2)
 *   frontend Initialised (3) or Connected (4)
 *     -> ops->connect (read ring-ref/event-channel, map, bind) -> we write Connected (4)
 *   frontend Closing (5) / Closed (6), online = 0, backend state 5 written by the
 *   toolstack (xl's detach), connect failure, or the domain gone (@releaseDomain)
 *     -> ops->disconnect                                     -> Closing (5) / Closed (6)
 *   directory removed or domain gone -> ops->remove, the device is freed.
 *
 * Live migration hands a device's storage to another host while the frontend stays
 * connected (it is suspended): the toolstack writes the backend key `handover` =
 * "close", and the type lets go of what it serves from (blkback: no new requests,
 * the running ones answered, the image flushed and closed) and writes
 * `handover-state` = "closed"; "open" (a failed migration) takes it back and writes
 * "open". pvisor's own keys (docs/NOTES-migrate.md); types without ops->handover
 * have nothing to hand over.
 *
 * One process serves one device type with one loop (xbe_run): epoll over the store
 * connection, one event-channel handle shared by all devices (a fired port is
 * dispatched to ops->event of the device that bound it) and any descriptors the
 * type adds (xbe_fd_add, e.g. an io_uring's eventfd). Everything runs on that one
 * thread; ops must not block for long.
 *
 * Everything in the store is written by the toolstack or the guest and may be
 * garbage: reads are checked, failures are logged (rate-limited) and answered by
 * closing that device, never by exiting. */
#ifndef PV_BACKENDS_XENBUS_BE_H
#define PV_BACKENDS_XENBUS_BE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "libpvctrl/pvctrl.h"
#include "pvisor/io/xenbus.h"

struct xs_handle;
struct xbe;

#define XBE_PATH_MAX  128
#define XBE_MAX_PORTS 8 /* event channels one device may bind */

struct xbe_device {
	struct xbe *be;
	unsigned domid;             /* the frontend's domain (from the path) */
	unsigned devid;             /* the device id (from the path) */
	unsigned fe_domid;          /* frontend-id as the toolstack wrote it */
	char bpath[XBE_PATH_MAX];   /* /local/domain/0/backend/<type>/<domid>/<devid> */
	char fpath[XBE_PATH_MAX];   /* the backend's `frontend` key */
	char name[48];              /* "<type>/<domid>/<devid>", for log lines */
	enum pv_xenbus_state state; /* the backend state we last wrote */
	int probed, connected;
	int failed; /* probe failed: left Closed until the toolstack removes it */
	/* A backend before us served it (we were restarted) and the frontend's rings
	 * are that one's: no connect until the frontend starts over (Initialising). */
	int stale_fe;
	int handover; /* the toolstack's `handover` as last passed to ops->handover */
	uint32_t ports[XBE_MAX_PORTS]; /* local ports bound through xbe_evtchn_bind */
	unsigned nr_ports;
	void *priv; /* the type's own state (set by probe, freed by remove) */
	struct xbe_device *next;
};

/* What a device type provides. Every op gets the device; int ops return 0 or a
 * negative errno (a failure closes that device only: its backend state goes to
 * Closing with `hotplug-error` = the message in d->be's error buffer, see
 * xbe_device_error). */
struct xbe_ops {
	const char *type; /* "vbd", "vif": the store directory name */
	/* Open the device named by the backend keys and publish its features
	 * (xbe_printf). Called once, before InitWait. */
	int (*probe)(struct xbe_device *d);
	/* The frontend published its rings: map them, bind its event channels
	 * (xbe_evtchn_bind), publish the device properties. Before Connected. */
	int (*connect)(struct xbe_device *d);
	/* Undo connect (may be called after a failed connect: check what is set).
	 * The library unbinds the ports afterwards. */
	void (*disconnect)(struct xbe_device *d);
	/* Undo probe; free d->priv. */
	void (*remove)(struct xbe_device *d);
	/* A port of this device fired (it stays masked until this returns). */
	void (*event)(struct xbe_device *d, uint32_t port);
	/* Migration (above): close 1: let go of the storage, and write handover-state
	 * "closed" once it has (now or later); 0: take it back and write "open". On
	 * failure write "error" (and return -errno). Called once per change, only for
	 * a probed device. Optional. */
	int (*handover)(struct xbe_device *d, int close);
};

/* Open the store and the hypervisor (a privcmd connection and one event-channel
 * handle), watch /local/domain/0/backend/<ops->type> and @releaseDomain. 0 or
 * -errno; on failure *out is NULL and err says what is missing. */
int xbe_create(const struct xbe_ops *ops, struct xbe **out, char *err, size_t errlen);
/* Remove every device (disconnect + remove, backend state Closed) and free. */
void xbe_destroy(struct xbe *be);
/* Serve until xbe_stop or a fatal error of the store connection (-EPIPE). Returns
 * 0 after xbe_stop, else -errno. */
int xbe_run(struct xbe *be);
/* Make xbe_run return (safe from a signal handler). */
void xbe_stop(struct xbe *be);

/* Handles shared by every device (owned by be). */
struct xs_handle *xbe_xs(struct xbe *be);
struct pvctrl *xbe_pvctrl(struct xbe *be);

/* The devices being served (follow ->next), e.g. for a status socket. */
struct xbe_device *xbe_devices(struct xbe *be);

/* Also poll fd (EPOLLIN); cb runs on the loop when it is readable. 0 or -errno. */
int xbe_fd_add(struct xbe *be, int fd, void (*cb)(int fd, void *arg), void *arg);
/* Poll fd for `events` (EPOLLIN, EPOLLOUT); cb gets what happened (EPOLLHUP and
 * EPOLLERR included). 0 or -errno. */
int xbe_fd_add_events(struct xbe *be, int fd, uint32_t events,
		      void (*cb)(int fd, uint32_t revents, void *arg), void *arg);
/* Change what fd is polled for (0: nothing, it stays registered). 0 or -errno. */
int xbe_fd_set_events(struct xbe *be, int fd, uint32_t events);
/* Stop polling fd. Safe from any callback, for any descriptor: an fd deleted while
 * the loop still holds events for it gets no further callback. */
int xbe_fd_del(struct xbe *be, int fd);

/* Store helpers. key is relative to the backend (be_) or frontend (fe_) directory.
 * read_str: malloc'ed NUL-terminated value (caller frees) or NULL with *rc = -errno
 * (rc may be NULL). read_u64: 0, -ENOENT, or -EINVAL (not a number <= max). */
char *xbe_be_read_str(struct xbe_device *d, const char *key, int *rc);
char *xbe_fe_read_str(struct xbe_device *d, const char *key, int *rc);
int xbe_be_read_u64(struct xbe_device *d, const char *key, uint64_t max, uint64_t *out);
int xbe_fe_read_u64(struct xbe_device *d, const char *key, uint64_t max, uint64_t *out);
/* Write a formatted value under the backend directory. 0 or -errno. */
int xbe_printf(struct xbe_device *d, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Bind the frontend's unbound port remote_port; the local port is returned (>= 0)
 * and its events go to ops->event. -errno on failure. */
int xbe_evtchn_bind(struct xbe_device *d, uint32_t remote_port);
/* Notify the frontend through local port (libpvctrl's doorbell: no round trip).
 * 0 or -errno. */
int xbe_evtchn_notify(struct xbe_device *d, uint32_t port);

/* Map the page the frontend granted under its key `key` (a decimal ref, e.g.
 * "ring-ref" or "queue-0/tx-ring-ref"), writable. *addr is one page; release it
 * with xbe_ring_unmap. 0, -ENOENT (key missing), -EINVAL (not a ref), or the
 * map's -errno (-EPERM: not granted to dom0). */
int xbe_ring_map(struct xbe_device *d, const char *key, void **addr, uint32_t *handle);
void xbe_ring_unmap(struct xbe_device *d, void *addr, uint32_t handle);

/* Record why the device failed (shown as backend `hotplug-error`, and logged);
 * ops call it before returning an error. */
void xbe_device_error(struct xbe_device *d, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Rate-limited warning about a device ("<role>/<type>/<domid>/<devid>: ..."): for
 * anything a frontend can trigger. */
void xbe_warnx(struct xbe_device *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parse "<domid>/<devid>[/...]" after the type's backend directory out of a watch
 * path; 0 and the two numbers, or -EINVAL. Exposed for tests. */
int xbe_parse_path(const char *type, const char *path, unsigned *domid, unsigned *devid);

#endif
