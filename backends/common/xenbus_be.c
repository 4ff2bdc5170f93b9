/* xenbus_be: the backend process's loop (epoll over the store, the event-channel
 * handle and added descriptors), store and event-channel helpers for device types.
 * The per-device state machine is in xenbus_be_dev.c. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "common/xenbus_be_priv.h"
#include "libxs/xs.h"
#include "log.h"
#include "util.h"

#define XBE_TX_TRIES 16 /* a transaction that keeps conflicting gives up */

struct xs_handle *xbe_xs(struct xbe *be)
{
	return be->xs;
}

struct pvctrl *xbe_pvctrl(struct xbe *be)
{
	return be->pc;
}

struct xbe_device *xbe_devices(struct xbe *be)
{
	return be->devices;
}

static int epoll_add(struct xbe *be, int fd, uint32_t events, void *tag)
{
	struct epoll_event ev = { .events = events, .data.ptr = tag };

	return epoll_ctl(be->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static int fd_new(struct xbe *be, int fd, uint32_t events, void *arg, struct xbe_fd **out)
{
	struct xbe_fd *f = calloc(1, sizeof(*f));
	int rc;

	if (!f)
		return -ENOMEM;
	f->fd = fd;
	f->arg = arg;
	if ((rc = epoll_add(be, fd, events, f)) < 0) {
		free(f);
		return rc;
	}
	f->next = be->fds;
	be->fds = f;
	*out = f;
	return 0;
}

int xbe_fd_add(struct xbe *be, int fd, void (*cb)(int fd, void *arg), void *arg)
{
	struct xbe_fd *f;
	int rc = fd_new(be, fd, EPOLLIN, arg, &f);

	if (rc == 0)
		f->cb = cb;
	return rc;
}

int xbe_fd_add_events(struct xbe *be, int fd, uint32_t events,
		      void (*cb)(int fd, uint32_t revents, void *arg), void *arg)
{
	struct xbe_fd *f;
	int rc = fd_new(be, fd, events, arg, &f);

	if (rc == 0)
		f->cb_ev = cb;
	return rc;
}

static struct xbe_fd *fd_find(struct xbe *be, int fd)
{
	for (struct xbe_fd *f = be->fds; f; f = f->next)
		if (f->fd == fd)
			return f;
	return NULL;
}

int xbe_fd_set_events(struct xbe *be, int fd, uint32_t events)
{
	struct xbe_fd *f = fd_find(be, fd);
	struct epoll_event ev = { .events = events, .data.ptr = f };

	if (!f)
		return -ENOENT;
	return epoll_ctl(be->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

int xbe_fd_del(struct xbe *be, int fd)
{
	for (struct xbe_fd **p = &be->fds; *p; p = &(*p)->next) {
		struct xbe_fd *f = *p;

		if (f->fd != fd)
			continue;
		epoll_ctl(be->epfd, EPOLL_CTL_DEL, fd, NULL);
		*p = f->next;
		f->dead = 1;
		f->next = be->fds_dead;
		be->fds_dead = f;
		return 0;
	}
	return -ENOENT;
}

static void fds_reap(struct xbe *be)
{
	while (be->fds_dead) {
		struct xbe_fd *f = be->fds_dead;

		be->fds_dead = f->next;
		free(f);
	}
}

static int watch_setup(struct xbe *be)
{
	int rc;

	snprintf(be->root, sizeof(be->root), "/local/domain/0/backend/%s", be->ops->type);
	rc = xs_watch(be->xs, be->root, XBE_TOKEN_BACKEND);
	if (rc == 0)
		rc = xs_watch(be->xs, "@releaseDomain", XBE_TOKEN_RELEASE);
	return rc;
}

int xbe_create(const struct xbe_ops *ops, struct xbe **out, char *err, size_t errlen)
{
	struct xbe *be = calloc(1, sizeof(*be));
	int rc;

	*out = NULL;
	if (!be)
		return -ENOMEM;
	be->ops = ops;
	be->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (be->epfd < 0) {
		rc = -errno;
		snprintf(err, errlen, "epoll_create1: %s", strerror(-rc));
		goto fail;
	}
	if ((rc = xs_open(&be->xs)) < 0) {
		snprintf(err, errlen,
			 "cannot reach the store (xsd): %s; start it with pvx daemons",
			 strerror(-rc));
		goto fail;
	}
	if ((rc = pvctrl_open(&be->pc)) < 0 || (rc = pvctrl_evtchn_open(&be->evh)) < 0) {
		snprintf(err, errlen, "cannot reach the hypervisor: %s; is pvisor running?",
			 strerror(-rc));
		goto fail;
	}
	if ((rc = epoll_add(be, xs_fileno(be->xs), EPOLLIN, &be->xs)) < 0 ||
	    (rc = epoll_add(be, pvctrl_evtchn_fd(be->evh), EPOLLIN, &be->evh)) < 0 ||
	    (rc = watch_setup(be)) < 0) {
		snprintf(err, errlen, "setting up the loop and watches: %s", strerror(-rc));
		goto fail;
	}
	*out = be;
	return 0;
fail:
	xbe_destroy(be);
	return rc;
}

void xbe_destroy(struct xbe *be)
{
	if (!be)
		return;
	while (be->devices)
		xbe_dev_free(be->devices);
	while (be->fds)
		xbe_fd_del(be, be->fds->fd);
	fds_reap(be);
	if (be->evh)
		pvctrl_evtchn_close(be->evh);
	if (be->pc)
		pvctrl_close(be->pc);
	xs_close(be->xs);
	if (be->epfd >= 0)
		close(be->epfd);
	free(be);
}

void xbe_stop(struct xbe *be)
{
	be->stop = 1;
}

static void evtchn_dispatch(struct xbe *be)
{
	int port;

	while ((port = pvctrl_evtchn_pending(be->evh)) >= 0) {
		struct xbe_device *d = be->port_owner[port];

		if (d && be->ops->event)
			be->ops->event(d, (uint32_t)port);
		pvctrl_evtchn_unmask(be->evh, (uint32_t)port);
	}
}

/* Drain queued watch events. -EPIPE when the store went away. */
static int store_dispatch(struct xbe *be)
{
	struct xs_watch_event *ev;
	int rc;

	while ((rc = xs_read_watch(be->xs, &ev, 0)) == 0) {
		xbe_dev_watch_event(be, ev->path, ev->token);
		free(ev);
	}
	return rc == -ETIMEDOUT ? 0 : rc;
}

static void fd_dispatch(struct xbe_fd *f, uint32_t revents)
{
	if (f->dead)
		return;
	if (f->cb_ev)
		f->cb_ev(f->fd, revents, f->arg);
	else
		f->cb(f->fd, f->arg);
}

int xbe_run(struct xbe *be)
{
	struct epoll_event evs[16];
	int n, rc;

	while (!be->stop) {
		n = epoll_wait(be->epfd, evs, ARRAY_SIZE(evs), -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < n; i++) {
			void *tag = evs[i].data.ptr;

			if (tag == &be->evh) {
				evtchn_dispatch(be);
			} else if (tag == &be->xs) {
				if ((rc = store_dispatch(be)) < 0)
					return rc;
			} else {
				fd_dispatch(tag, evs[i].events);
			}
		}
		fds_reap(be);
	}
	return 0;
}

int xbe_evtchn_bind(struct xbe_device *d, uint32_t remote_port)
{
	struct xbe *be = d->be;
	int port;

	if (d->nr_ports >= XBE_MAX_PORTS)
		return -ENOSPC;
	port = pvctrl_evtchn_bind_interdomain(be->evh, (pv_domid_t)d->fe_domid, remote_port);
	if (port < 0)
		return port;
	if ((unsigned)port >= PV_EVTCHN_HANDLE_PORTS) {
		pvctrl_evtchn_unbind(be->evh, (uint32_t)port);
		return -ERANGE;
	}
	be->port_owner[port] = d;
	d->ports[d->nr_ports++] = (uint32_t)port;
	return port;
}

int xbe_evtchn_notify(struct xbe_device *d, uint32_t port)
{
	return pvctrl_evtchn_notify(d->be->evh, port);
}

void xbe_dev_unbind_all(struct xbe_device *d)
{
	for (unsigned i = 0; i < d->nr_ports; i++) {
		d->be->port_owner[d->ports[i]] = NULL;
		pvctrl_evtchn_unbind(d->be->evh, d->ports[i]);
	}
	d->nr_ports = 0;
}

static char *read_str(struct xbe_device *d, const char *dir, const char *key, int *rc)
{
	char path[XBE_PATH_MAX * 2];
	char *v = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	r = xs_read(d->be->xs, 0, path, &v, NULL);
	if (rc)
		*rc = r;
	return r < 0 ? NULL : v;
}

static int read_u64(struct xbe_device *d, const char *dir, const char *key, uint64_t max,
		    uint64_t *out)
{
	int rc;
	char *v = read_str(d, dir, key, &rc);

	if (!v)
		return rc;
	rc = util_parse_u64(v, max, out);
	free(v);
	return rc < 0 ? -EINVAL : 0;
}

char *xbe_be_read_str(struct xbe_device *d, const char *key, int *rc)
{
	return read_str(d, d->bpath, key, rc);
}

char *xbe_fe_read_str(struct xbe_device *d, const char *key, int *rc)
{
	return read_str(d, d->fpath, key, rc);
}

int xbe_be_read_u64(struct xbe_device *d, const char *key, uint64_t max, uint64_t *out)
{
	return read_u64(d, d->bpath, key, max, out);
}

int xbe_fe_read_u64(struct xbe_device *d, const char *key, uint64_t max, uint64_t *out)
{
	return read_u64(d, d->fpath, key, max, out);
}

/* Write a key of a device's backend directory only while the directory is there.
 * The toolstack removes it when the device or its domain goes, and a plain write
 * (a closing state, say) would make it again, since a store write creates the
 * missing parents: the check and the write go in one transaction. */
static int be_write_present(struct xs_handle *xs, const char *dir, const char *path,
			    const char *val, size_t n)
{
	int rc = -EAGAIN;

	for (int tries = 0; tries < XBE_TX_TRIES && rc == -EAGAIN; tries++) {
		char *cur = NULL;
		size_t len;
		uint32_t t;

		rc = xs_transaction_start(xs, &t);
		if (rc < 0)
			return rc;
		rc = xs_read(xs, t, dir, &cur, &len);
		free(cur);
		if (rc == 0)
			rc = xs_write(xs, t, path, val, n);
		if (rc < 0) {
			xs_transaction_end(xs, t, false);
			return rc;
		}
		rc = xs_transaction_end(xs, t, true);
	}
	return rc;
}

int xbe_printf(struct xbe_device *d, const char *key, const char *fmt, ...)
{
	char path[XBE_PATH_MAX * 2], val[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(val))
		return -ENOSPC;
	snprintf(path, sizeof(path), "%s/%s", d->bpath, key);
	return be_write_present(d->be->xs, d->bpath, path, val, (size_t)n);
}

int xbe_ring_map(struct xbe_device *d, const char *key, void **addr, uint32_t *handle)
{
	uint64_t ref;
	int rc = xbe_fe_read_u64(d, key, UINT32_MAX, &ref);

	if (rc < 0)
		return rc;
	return pvctrl_gnttab_map(d->be->pc, (pv_domid_t)d->fe_domid, (pv_grant_ref_t)ref, 0, addr,
				 handle);
}

void xbe_ring_unmap(struct xbe_device *d, void *addr, uint32_t handle)
{
	pvctrl_gnttab_unmap(d->be->pc, addr, handle);
}

void xbe_device_error(struct xbe_device *d, int err, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("%s: %s%s%s", d->name, msg, err ? ": " : "", err ? strerror(-err) : "");
	xbe_printf(d, "hotplug-error", "%s%s%s", msg, err ? ": " : "", err ? strerror(-err) : "");
}

void xbe_warnx(struct xbe_device *d, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	if (!log_ratelimit(&d->be->rl_count, &d->be->rl_window, 20))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("%s: %s", d->name, msg);
}
