/* xenbus_be internals shared by xenbus_be.c (loop, helpers) and xenbus_be_dev.c
 * (the per-device state machine). */
#ifndef PV_BACKENDS_XENBUS_BE_PRIV_H
#define PV_BACKENDS_XENBUS_BE_PRIV_H

#include "common/xenbus_be.h"

#define XBE_TOKEN_BACKEND  "be"
#define XBE_TOKEN_RELEASE  "rel"
#define XBE_TOKEN_FRONTEND "fe:" /* followed by <domid>/<devid> */

struct xbe_fd {
	int fd;
	void (*cb)(int fd, void *arg);                      /* xbe_fd_add */
	void (*cb_ev)(int fd, uint32_t revents, void *arg); /* xbe_fd_add_events */
	void *arg;
	int dead; /* deleted: freed once the loop is done with its current events */
	struct xbe_fd *next;
};

struct xbe {
	const struct xbe_ops *ops;
	struct xs_handle *xs;
	struct pvctrl *pc;
	struct pvctrl_evtchn *evh;
	int epfd;
	volatile int stop;
	char root[64]; /* /local/domain/0/backend/<type> */
	struct xbe_device *devices;
	struct xbe_fd *fds;
	struct xbe_fd *fds_dead; /* deleted while epoll_wait's results may still name them */
	struct xbe_device *port_owner[PV_EVTCHN_HANDLE_PORTS];
	unsigned rl_count;
	long rl_window;
};

/* A watch event of this backend's tokens. */
void xbe_dev_watch_event(struct xbe *be, const char *path, const char *token);
/* Disconnect, remove, write Closed if the directory still exists, unlink, free. */
void xbe_dev_free(struct xbe_device *d);
/* Unbind every port the device bound. */
void xbe_dev_unbind_all(struct xbe_device *d);

#endif
