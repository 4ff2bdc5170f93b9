/* pvstart's internals shared between its files. */
#ifndef PV_PVSTART_PRIV_H
#define PV_PVSTART_PRIV_H

#include <spawn.h>
#include <sys/types.h>

/* Spawn attributes for a process of our own: a session of its own (no terminal's
 * signals), default signal dispositions, nothing blocked. 0 or -errno; destroy
 * with posix_spawnattr_destroy. */
int pvstart_spawn_attrs(posix_spawnattr_t *a);
/* Still running (a zombie has exited)? */
int pvstart_process_alive(pid_t pid);
/* /proc/PID/FILE as a NUL-terminated string in buf: its length, or -1. */
ssize_t pvstart_proc_read(pid_t pid, const char *file, char *buf, size_t len);

#endif
