/* xsd: the Unix-socket transport for dom0 clients and the daemon's epoll loop. */
#ifndef XSD_SOCK_H
#define XSD_SOCK_H

#include "xsd/core.h"
#include "xsd/journal.h"

struct xsd_sock_server;

/* Listen on `path` (a stale socket file is replaced; a live one is -EADDRINUSE).
 * Clients are accepted only if their uid is ours or 0. 0 or -errno. */
int xsd_sock_create(struct xsd_sock_server **out, struct xsd_core *core, struct xsd_journal *j,
		    const char *path);
/* Serve until SIGTERM or SIGINT (blocked by the caller and passed in as a signalfd;
 * SIGHUP, if in the set, is ignored).
 * 0, or -errno on an event-loop failure. */
int xsd_sock_run(struct xsd_sock_server *s, int sigfd);
/* Run fn(opaque) in the loop whenever fd is readable (e.g. the event-channel handle
 * that says a guest's ring moved). 0 or -errno. */
int xsd_sock_watch_fd(struct xsd_sock_server *s, int fd, void (*fn)(void *opaque), void *opaque);
void xsd_sock_unwatch_fd(struct xsd_sock_server *s, int fd);
/* Run fn(c) at the end of this loop turn, once however often it is asked (e.g.
 * xsd_ringconn_pump for a domain that got output: use it as struct xsd_ringconn's
 * defer). Whoever destroys c first calls xsd_sock_undefer. 0 or -ENOMEM. */
int xsd_sock_defer(struct xsd_sock_server *s, struct xsd_conn *c, void (*fn)(struct xsd_conn *c));
/* Forget c's deferred pump (c is about to be destroyed or loses its transport). */
void xsd_sock_undefer(struct xsd_sock_server *s, struct xsd_conn *c);
/* Close every client and the listener, unlink the socket. */
void xsd_sock_destroy(struct xsd_sock_server *s);

#endif
