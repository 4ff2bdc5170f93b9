/* Disk images through QEMU's block layer (pvstart.h): qemu-img info for the
 * backing chain, and qemu-nbd for a served disk (the NBD kind of diskserve.c), as
 * Xen's toolstack starts QEMU for its qdisk backend. A server listens on
 * <rundir>/nbd/<domid>-<devid>.sock (blkback connects with
 * nbd+unix:///?socket=...), forks once it listens (--fork: we wait for that, so
 * blkback finds it ready) and records its pid in <rundir>/nbd/<domid>-<devid>.pid.
 *
 * Its options follow the disk: --read-only for access=ro; --discard=unmap when
 * discard is allowed; the host page cache (--cache=writeback, what Xen's qdisk
 * uses) unless the disk says direct-io-safe (--cache=none: O_DIRECT, as blkback's
 * raw path); --aio=io_uring, which costs qemu-nbd less CPU per request than its
 * thread pool (buffered) or Linux AIO (O_DIRECT) -- where the host refuses
 * io_uring the server is started again without it; --shared for blkback's
 * connections (which also makes qemu-nbd advertise multi-conn); --persistent so
 * that a blkback restart can connect again. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libpvx/diskspec.h"
#include "libpvx/image.h"
#include "pvstart/pvstart.h"
#include "pvstart/pvstart_priv.h"

#define NBD_SHARED   "16"  /* connections: blkback uses up to 8 per disk */
#define NBD_START_MS 30000 /* qemu-nbd opening a long chain on a busy host */
#define IMG_INFO_MS  30000

int pvstart_image_info(const char *path, struct pvx_image_info *info, struct pvx_err *err)
{
	char *const argv[] = { "qemu-img",        "info",       "-U", "--output=json",
			       "--backing-chain", (char *)path, NULL };
	struct pvstart_output o;
	int rc = pvstart_run(argv, NULL, IMG_INFO_MS, &o);

	memset(info, 0, sizeof(*info));
	if (rc == -ENOENT)
		rc = pvx_fail(err, rc,
			      "qemu-img is not installed (Debian: apt-get install "
			      "qemu-utils)");
	else if (rc < 0)
		rc = pvx_fail(err, rc, "qemu-img info %s: %s", path, strerror(-rc));
	else if (o.status != 0)
		rc = pvx_fail(err, -EINVAL, "%s", pvstart_first_line(o.err));
	else
		rc = pvx_image_info_parse(o.out ? o.out : "", info, err);
	pvstart_output_free(&o);
	return rc;
}

static void nbd_argv(const struct pvx_disk_serve *s, const char *sock, const char *pid, int uring,
		     char *opt[4], char **argv)
{
	size_t n = 0;

	snprintf(opt[0], 600, "--socket=%s", sock);
	snprintf(opt[1], 600, "--pid-file=%s", pid);
	snprintf(opt[2], 64, "--format=%s", s->format);
	argv[n++] = PVSTART_NBD_PROG;
	argv[n++] = "--fork";
	argv[n++] = "--persistent";
	argv[n++] = "--shared=" NBD_SHARED;
	argv[n++] = opt[0];
	argv[n++] = opt[1];
	argv[n++] = opt[2];
	if (s->readonly)
		argv[n++] = "--read-only";
	else if (s->discard)
		argv[n++] = "--discard=unmap";
	argv[n++] = s->direct ? "--cache=none" : "--cache=writeback";
	if (uring)
		argv[n++] = "--aio=io_uring";
	else if (s->direct)
		argv[n++] = "--aio=native";
	argv[n++] = (char *)s->path;
	argv[n] = NULL;
}

/* qemu-nbd allocates a buffer per request; glibc serves those of 128 KiB and up
 * with a fresh mmap each (about 257 page faults and a 1 MiB clear per 1 MiB
 * request, measured) unless its mmap threshold is above them and freed memory is
 * kept. That halved qemu-nbd's CPU per 1 MiB request here. */
static const char *const nbd_env[] = {
	"GLIBC_TUNABLES=glibc.malloc.mmap_threshold=4194304:glibc.malloc.trim_threshold=33554432",
	NULL
};

static int nbd_spawn(const struct pvx_disk_serve *s, const char *sock, const char *pid,
		     struct pvx_err *err)
{
	char o0[600], o1[600], o2[64], *opt[4] = { o0, o1, o2, NULL }, *argv[16];
	struct pvstart_output o;
	int rc;

	nbd_argv(s, sock, pid, 1, opt, argv);
	rc = pvstart_run(argv, nbd_env, NBD_START_MS, &o);
	if (rc == 0 && o.status != 0 && o.err && strstr(o.err, "io_uring")) {
		pvstart_output_free(&o);
		nbd_argv(s, sock, pid, 0, opt, argv);
		rc = pvstart_run(argv, nbd_env, NBD_START_MS, &o);
	}
	if (rc == -ENOENT)
		rc = pvx_fail(err, rc,
			      "qemu-nbd is not installed (Debian: apt-get install "
			      "qemu-utils)");
	else if (rc < 0)
		rc = pvx_fail(err, rc, "qemu-nbd for %s: %s", s->path, strerror(-rc));
	else if (o.status != 0)
		rc = pvx_fail(err, -EIO, "%s", pvstart_first_line(o.err));
	pvstart_output_free(&o);
	return rc;
}

int pvstart_nbd_start(const struct pvx_disk_serve *s, char *uri, size_t urilen,
		      struct pvx_err *err)
{
	char sock[512], pid[512];
	int rc;

	if ((rc = pvstart_serve_files(PVSTART_NBD_DIR, s, sock, pid, err)) < 0 ||
	    (rc = pvstart_image_check(s, err)) < 0 || (rc = nbd_spawn(s, sock, pid, err)) < 0)
		return rc;
	if (snprintf(uri, urilen, "nbd+unix:///?socket=%s", sock) >= (int)urilen) {
		pvstart_serve_stop(s->domid, s->devid);
		return pvx_fail(err, -ENAMETOOLONG, "NBD URI too long");
	}
	return 0;
}
