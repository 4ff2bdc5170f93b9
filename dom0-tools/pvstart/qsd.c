/* Disk images through qemu-storage-daemon's vhost-user-blk export (pvstart.h,
 * diskserve.c): one daemon per disk, listening on <rundir>/vhost/<domid>-<devid>.sock
 * with BLK_MAX_QUEUES virtqueues (blkback's rings), its pid in .pid. blkback
 * connects as the vhost-user front end and hands it the guest's memory, so the
 * daemon reads and writes the guest's granted pages in place.
 *
 * Its block graph: a file node (the image; O_DIRECT with direct-io-safe, else the
 * host page cache as Xen's qdisk; io_uring where the host has it) under a format
 * node (qcow2, vmdk, ...: its backing chain is opened by QEMU as the image names
 * it), read-only for access=ro, discard=unmap when discard is allowed. The export
 * keeps a write cache (writethrough=off; blkback also turns the device's WCE on):
 * the guest's flushes reach the image as flushes. --daemonize returns once the
 * socket listens, so blkback finds it ready. QEMU's image locking stays on, as
 * with qemu-nbd. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libpvx/diskspec.h"
#include "pvstart/pvstart.h"
#include "pvstart/pvstart_priv.h"

#define QSD_QUEUES   "4"   /* blkback's BLK_MAX_QUEUES */
#define QSD_START_MS 30000 /* opening a long chain on a busy host */

/* QEMU's option syntax: a comma inside a value is written twice. */
static void qsd_escape(char *dst, size_t len, const char *src)
{
	size_t n = 0;

	for (; *src && n + 2 < len; src++) {
		if (*src == ',')
			dst[n++] = ',';
		dst[n++] = *src;
	}
	dst[n] = '\0';
}

/* The three option strings (file node, format node, export). */
static void qsd_opts(const struct pvx_disk_serve *s, const char *sock, int uring, char file[2200],
		     char fmt[256], char exp[512])
{
	char path[2100], esock[300];
	const char *cache = s->direct ? "on" : "off";
	const char *ro = s->readonly ? "on" : "off";
	const char *discard = !s->readonly && s->discard ? "unmap" : "ignore";

	qsd_escape(path, sizeof(path), s->path);
	qsd_escape(esock, sizeof(esock), sock);
	snprintf(file, 2200,
		 "driver=file,node-name=file0,filename=%s,cache.direct=%s,"
		 "read-only=%s,discard=%s,aio=%s",
		 path, cache, ro, discard,
		 uring       ? "io_uring"
		 : s->direct ? "native"
			     : "threads");
	snprintf(fmt, 256,
		 "driver=%s,node-name=disk0,file=file0,cache.direct=%s,read-only=%s,"
		 "discard=%s",
		 s->format, cache, ro, discard);
	snprintf(exp, 512,
		 "type=vhost-user-blk,id=exp0,node-name=disk0,addr.type=unix,"
		 "addr.path=%s,writable=%s,num-queues=" QSD_QUEUES ",writethrough=off",
		 esock, s->readonly ? "off" : "on");
}

static int qsd_spawn(const struct pvx_disk_serve *s, const char *sock, const char *pid, int uring,
		     struct pvstart_output *o)
{
	char file[2200], fmt[256], exp[512];
	char *const argv[] = { PVSTART_QSD_PROG, "--daemonize", "--pidfile",  (char *)pid,
			       "--blockdev",     file,          "--blockdev", fmt,
			       "--export",       exp,           NULL };

	qsd_opts(s, sock, uring, file, fmt, exp);
	return pvstart_run(argv, NULL, QSD_START_MS, o);
}

int pvstart_qsd_start(const struct pvx_disk_serve *s, char *addr, size_t len, struct pvx_err *err)
{
	char sock[512], pid[512];
	struct pvstart_output o;
	int rc;

	if ((rc = pvstart_serve_files(PVSTART_VHOST_DIR, s, sock, pid, err)) < 0 ||
	    (rc = pvstart_image_check(s, err)) < 0)
		return rc;
	rc = qsd_spawn(s, sock, pid, 1, &o);
	if (rc == 0 && o.status != 0 && o.err && strstr(o.err, "io_uring")) {
		pvstart_output_free(&o); /* a host that refuses io_uring */
		rc = qsd_spawn(s, sock, pid, 0, &o);
	}
	if (rc == -ENOENT)
		rc = pvx_fail(err, rc,
			      PVSTART_QSD_PROG " is not installed (Debian: apt-get "
					       "install qemu-system-common)");
	else if (rc < 0)
		rc = pvx_fail(err, rc, PVSTART_QSD_PROG " for %s: %s", s->path, strerror(-rc));
	else if (o.status != 0)
		rc = pvx_fail(err, -EIO, "%s", pvstart_first_line(o.err));
	pvstart_output_free(&o);
	if (rc == 0 && snprintf(addr, len, "%s", sock) >= (int)len) {
		pvstart_serve_stop(s->domid, s->devid);
		rc = pvx_fail(err, -ENAMETOOLONG, "socket path too long");
	}
	return rc;
}
