/* libxs: client library for the pvisor store (xsd) and any xenstore daemon speaking
 * Xen's wire protocol on a Unix socket. One handle per thread; every call returns 0 or a
 * negative errno (the daemon's error names mapped back, e.g. "ENOENT" -> -ENOENT).
 * Watch events that arrive while a call waits for its reply are queued for
 * xs_read_watch; xs_fileno gives a descriptor that polls readable while events are
 * queued or bytes are waiting on the socket. */
#ifndef PV_LIBXS_XS_H
#define PV_LIBXS_XS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xs_handle;

#define XS_PERM_NONE  0u
#define XS_PERM_READ  1u
#define XS_PERM_WRITE 2u
#define XS_PERM_BOTH  3u

struct xs_perm {
	uint16_t domid;
	uint8_t access; /* XS_PERM_* */
};

/* A watch event; one allocation: free(ev) frees the strings too. */
struct xs_watch_event {
	char *path;
	char *token;
};

/* Connect to $XENSTORED_PATH, else $PVISOR_RUNDIR/xenstored.sock (see rundir.h). */
int xs_open(struct xs_handle **out);
/* Connect to the socket at path. */
int xs_open_path(struct xs_handle **out, const char *path);
/* Close and free (queued events are dropped). NULL is fine. */
void xs_close(struct xs_handle *h);
/* Pollable descriptor: readable when xs_read_watch would not block. Owned by h. */
int xs_fileno(struct xs_handle *h);

/* tx is 0 outside a transaction. Strings returned through char ** are malloc'd and
 * NUL-terminated; the caller frees them. */
int xs_read(struct xs_handle *h, uint32_t tx, const char *path, char **value, size_t *len);
int xs_write(struct xs_handle *h, uint32_t tx, const char *path, const void *value, size_t len);
int xs_mkdir(struct xs_handle *h, uint32_t tx, const char *path);
int xs_rm(struct xs_handle *h, uint32_t tx, const char *path);
/* *names is one allocation (array + strings): free(*names) only. */
int xs_directory(struct xs_handle *h, uint32_t tx, const char *path, char ***names,
		 unsigned *count);
/* *perms is malloc'd; the first entry is the owner and the default access. */
int xs_get_perms(struct xs_handle *h, uint32_t tx, const char *path, struct xs_perm **perms,
		 unsigned *count);
int xs_set_perms(struct xs_handle *h, uint32_t tx, const char *path, const struct xs_perm *perms,
		 unsigned count);
/* "b0", "r5", "w3", "n0" <-> struct xs_perm. parse: 0 or -EINVAL; format: 0 or
 * -ENOSPC (buf too small). */
int xs_perm_parse(const char *s, struct xs_perm *out);
int xs_perm_format(const struct xs_perm *p, char *buf, size_t len);

int xs_watch(struct xs_handle *h, const char *path, const char *token);
int xs_unwatch(struct xs_handle *h, const char *path, const char *token);
/* Next watch event: timeout_ms -1 blocks, 0 polls. 0, -ETIMEDOUT, -EPIPE (daemon gone). */
int xs_read_watch(struct xs_handle *h, struct xs_watch_event **ev, int timeout_ms);
/* Cork the handle: from now on a request whose reply is only a status (write,
 * mkdir, rm, set_perms, ...) is queued and returns 0 at once; xs_uncork sends the
 * queue in one write, reads every reply and returns the first error (0 if none),
 * so a batch of writes costs one round trip. A call that wants a reply while
 * corked sends the queue first (its errors are kept for xs_uncork). */
void xs_cork(struct xs_handle *h);
int xs_uncork(struct xs_handle *h);

int xs_transaction_start(struct xs_handle *h, uint32_t *tx);
/* commit false aborts. A commit that conflicts returns -EAGAIN: start again. */
int xs_transaction_end(struct xs_handle *h, uint32_t tx, bool commit);

int xs_introduce(struct xs_handle *h, uint32_t domid, uint64_t gfn, uint32_t evtchn);
int xs_release(struct xs_handle *h, uint32_t domid);
int xs_resume(struct xs_handle *h, uint32_t domid);
int xs_get_domain_path(struct xs_handle *h, uint32_t domid, char **path);
int xs_is_domain_introduced(struct xs_handle *h, uint32_t domid, bool *yes);
int xs_set_target(struct xs_handle *h, uint32_t domid, uint32_t target);
int xs_reset_watches(struct xs_handle *h);
/* CONTROL cmd [arg]; *reply (may be NULL) gets the reply text. */
int xs_control(struct xs_handle *h, const char *cmd, const char *arg, char **reply);
/* Send any message (type from pvisor/io/xs_wire.h) and return the raw reply payload. */
int xs_raw(struct xs_handle *h, uint32_t type, uint32_t tx, const void *payload, size_t len,
	   char **reply, size_t *rlen);

/* Error name <-> errno (positive). Unknown names map to EINVAL, unknown numbers to
 * "EINVAL" as xenstored does. */
int xs_errno_from_name(const char *name);
const char *xs_errno_name(int err);

#endif
