/* The frame every backend daemon shares around xbe_run: SIGTERM / SIGINT end the
 * loop; $RUNDIR/<name>.sock answers each connection with the daemon's status lines
 * and closes it (pvx's daemon check connects there too); $RUNDIR/<name>.pid; both
 * removed on the way out. */
#ifndef BACKENDS_XBE_DAEMON_H
#define BACKENDS_XBE_DAEMON_H

#include "common/xenbus_be.h"

/* status(fd, arg) writes its lines to a non-blocking client socket: a client that
 * does not read loses lines instead of stalling the loop. Returns xbe_run's
 * result; start-up failures are fatal (logged with what to do). */
int xbe_daemon_run(struct xbe *be, const char *name, void (*status)(int fd, void *arg),
		   void *arg);

#endif
