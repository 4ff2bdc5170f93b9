/* pvstart's internals shared between its files. */
#ifndef PV_PVSTART_PRIV_H
#define PV_PVSTART_PRIV_H

#include <spawn.h>
#include <stddef.h>
#include <sys/types.h>

/* Spawn attributes for a process of our own: a session of its own (no terminal's
 * signals), default signal dispositions, nothing blocked. 0 or -errno; destroy
 * with posix_spawnattr_destroy. */
int pvstart_spawn_attrs(posix_spawnattr_t *a);
/* Still running (a zombie has exited)? */
int pvstart_process_alive(pid_t pid);
/* /proc/PID/FILE as a NUL-terminated string in buf: its length, or -1. */
ssize_t pvstart_proc_read(pid_t pid, const char *file, char *buf, size_t len);

/* ---- disk servers (diskserve.c, nbd.c, qsd.c) ---- */
struct pvx_disk_serve;
struct pvx_err;
#define PVSTART_NBD_DIR   "nbd"
#define PVSTART_NBD_PROG  "qemu-nbd"
#define PVSTART_VHOST_DIR "vhost"
#define PVSTART_QSD_PROG  "qemu-storage-daemon"
/* Make <rundir>/dir and name the server's socket and pid file there (a stale
 * socket is removed). 0 or -errno with err set. */
int pvstart_serve_files(const char *dir, const struct pvx_disk_serve *s, char sock[512],
			char pid[512], struct pvx_err *err);
/* qemu-img info: the image has the configured format, no running guest writes a
 * layer below it. 0 or -errno with err set. */
int pvstart_image_check(const struct pvx_disk_serve *s, struct pvx_err *err);
/* The first line of what a tool said ("no message" for nothing); cuts text. */
const char *pvstart_first_line(char *text);
/* Start the disk's server; addr gets what blkback connects to (nbd: the URI for
 * backend key nbd-uri; qsd: the socket for backend key vhost-user). 0 or -errno
 * with err set. */
int pvstart_nbd_start(const struct pvx_disk_serve *s, char *addr, size_t len,
		      struct pvx_err *err);
int pvstart_qsd_start(const struct pvx_disk_serve *s, char *addr, size_t len,
		      struct pvx_err *err);

#endif
