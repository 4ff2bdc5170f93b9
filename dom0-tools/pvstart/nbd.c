/* Disk images through QEMU's block layer (pvstart.h): qemu-img info for the
 * backing chain, and one qemu-nbd per served disk, as Xen's toolstack starts QEMU
 * for its qdisk backend. A server listens on <rundir>/nbd/<domid>-<devid>.sock
 * (blkback connects with nbd+unix:///?socket=...), forks once it listens
 * (--fork: we wait for that, so blkback finds it ready) and records its pid in
 * <rundir>/nbd/<domid>-<devid>.pid, which is how it is found again to be stopped
 * (disk detached, domain destroyed or gone, daemons stopped).
 *
 * Its options follow the disk: --read-only for access=ro; --discard=unmap when
 * discard is allowed; the host page cache (--cache=writeback, what Xen's qdisk
 * uses) unless the disk says direct-io-safe (--cache=none: O_DIRECT, as blkback's
 * raw path); --aio=io_uring, which costs qemu-nbd less CPU per request than its
 * thread pool (buffered) or Linux AIO (O_DIRECT) -- where the host refuses
 * io_uring the server is started again without it; --shared for blkback's
 * connections (which also makes qemu-nbd advertise multi-conn); --persistent so
 * that a blkback restart can connect again. */
#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "libpvx/diskspec.h"
#include "libpvx/domcfg.h"
#include "libpvx/image.h"
#include "pvstart/pvstart.h"
#include "pvstart/pvstart_priv.h"
#include "rundir.h"

#define NBD_DIR      "nbd"
#define NBD_PROG     "qemu-nbd"
#define NBD_SHARED   "16"  /* connections: blkback uses up to 8 per disk */
#define NBD_START_MS 30000 /* qemu-nbd opening a long chain on a busy host */
#define NBD_STOP_MS  5000  /* SIGTERM, then SIGKILL */
#define IMG_INFO_MS  30000

/* "<rundir>/nbd/<domid>-<devid>.<ext>"; 0 or -ENAMETOOLONG. */
static int nbd_file(char *buf, size_t len, pv_domid_t domid, unsigned devid, const char *ext)
{
	char name[64];

	snprintf(name, sizeof(name), NBD_DIR "/%u-%u.%s", domid, devid, ext);
	return rundir_file(buf, len, name);
}

/* Show what a tool said, one line of it: qemu's messages are one or two lines. */
static const char *first_words(char *text)
{
	if (!text || !*text)
		return "no message";
	text[strcspn(text, "\n")] = '\0';
	return text;
}

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
		rc = pvx_fail(err, -EINVAL, "%s", first_words(o.err));
	else
		rc = pvx_image_info_parse(o.out ? o.out : "", info, err);
	pvstart_output_free(&o);
	return rc;
}

/* The image is what the config says, and no running guest writes to a file it
 * is built on. */
static int nbd_check_image(const struct pvx_disk_serve *s, struct pvx_err *err)
{
	struct pvx_image_info info;
	int rc = pvstart_image_info(s->path, &info, err);

	if (rc == 0 && strcmp(info.layers[0].format, s->format))
		rc = pvx_fail(err, -EINVAL,
			      "%s is a %s image, not %s: fix format= in the disk "
			      "spec",
			      s->path, info.layers[0].format, s->format);
	if (rc == 0)
		rc = pvx_image_check_backing(s->xs, &info, 1, err);
	pvx_image_info_free(&info);
	return rc;
}

static void nbd_argv(const struct pvx_disk_serve *s, const char *sock, const char *pid, int uring,
		     char *opt[4], char **argv)
{
	size_t n = 0;

	snprintf(opt[0], 600, "--socket=%s", sock);
	snprintf(opt[1], 600, "--pid-file=%s", pid);
	snprintf(opt[2], 64, "--format=%s", s->format);
	argv[n++] = NBD_PROG;
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
		rc = pvx_fail(err, -EIO, "%s", first_words(o.err));
	pvstart_output_free(&o);
	return rc;
}

static int nbd_start(const struct pvx_disk_serve *s, char *uri, size_t urilen,
		     struct pvx_err *err)
{
	char dir[512], sock[512], pid[512];
	int rc;

	if (rundir_ensure() < 0 || rundir_file(dir, sizeof(dir), NBD_DIR) < 0 ||
	    (mkdir(dir, 0700) < 0 && errno != EEXIST))
		return pvx_fail(err, -EACCES, "cannot create %s/" NBD_DIR, rundir_path());
	if (nbd_file(sock, sizeof(sock), s->domid, s->devid, "sock") < 0 ||
	    strlen(sock) >= sizeof(((struct sockaddr_un *)0)->sun_path) ||
	    nbd_file(pid, sizeof(pid), s->domid, s->devid, "pid") < 0)
		return pvx_fail(err, -ENAMETOOLONG,
				"the run directory %s is too long a path for "
				"a Unix socket in it",
				rundir_path());
	if ((rc = nbd_check_image(s, err)) < 0)
		return rc;
	unlink(sock); /* a server that died without cleaning up */
	if ((rc = nbd_spawn(s, sock, pid, err)) < 0)
		return rc;
	if (snprintf(uri, urilen, "nbd+unix:///?socket=%s", sock) >= (int)urilen) {
		pvstart_nbd_stop(s->domid, s->devid);
		return pvx_fail(err, -ENAMETOOLONG, "NBD URI too long");
	}
	return 0;
}

/* The pid in a pid file, if that process is still a qemu-nbd serving sock (a pid
 * file can outlive its server and the pid be reused). 0 otherwise. */
static pid_t nbd_server_pid(const char *pidfile, const char *sock)
{
	char buf[4096];
	ssize_t n;
	pid_t pid = 0;
	int fd = open(pidfile, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, 31);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if ((pid = (pid_t)atoi(buf)) <= 0)
		return 0;
	if ((n = pvstart_proc_read(pid, "cmdline", buf, sizeof(buf))) < 0)
		return 0;
	for (ssize_t i = 0; i < n; i++) /* arguments are NUL-separated */
		if (buf[i] == '\0')
			buf[i] = ' ';
	return strstr(buf, NBD_PROG) && strstr(buf, sock) ? pid : 0;
}

/* SIGTERM (qemu-nbd then closes the image cleanly), SIGKILL after NBD_STOP_MS. */
static void nbd_kill(pid_t pid)
{
	struct timespec ms = { 0, 5000000 };

	if (kill(pid, SIGTERM) < 0)
		return;
	for (int i = 0; i < NBD_STOP_MS / 5; i++) {
		if (!pvstart_process_alive(pid))
			return;
		nanosleep(&ms, NULL);
	}
	kill(pid, SIGKILL);
}

/* Stop the server whose files are <rundir>/nbd/<base>.{pid,sock}. */
static void nbd_stop_files(const char *base)
{
	char pid_path[512], sock[512], name[300];
	pid_t pid;

	snprintf(name, sizeof(name), NBD_DIR "/%s.pid", base);
	if (rundir_file(pid_path, sizeof(pid_path), name) < 0)
		return;
	snprintf(name, sizeof(name), NBD_DIR "/%s.sock", base);
	if (rundir_file(sock, sizeof(sock), name) < 0)
		return;
	if ((pid = nbd_server_pid(pid_path, sock)) > 0)
		nbd_kill(pid);
	unlink(pid_path);
	unlink(sock);
}

void pvstart_nbd_stop(pv_domid_t domid, unsigned devid)
{
	char base[32];

	snprintf(base, sizeof(base), "%u-%u", domid, devid);
	nbd_stop_files(base);
}

/* Every server whose name starts with prefix ("" for all). */
static void nbd_stop_matching(const char *prefix)
{
	char dir[512];
	struct dirent *e;
	DIR *d;

	if (rundir_file(dir, sizeof(dir), NBD_DIR) < 0 || !(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len > 4 && !strcmp(e->d_name + len - 4, ".pid") &&
		    !strncmp(e->d_name, prefix, strlen(prefix))) {
			e->d_name[len - 4] = '\0';
			nbd_stop_files(e->d_name);
		}
	}
	closedir(d);
}

static void nbd_stop_domain(pv_domid_t domid)
{
	char prefix[16];

	snprintf(prefix, sizeof(prefix), "%u-", domid);
	nbd_stop_matching(prefix);
}

void pvstart_nbd_stop_all(void)
{
	nbd_stop_matching("");
}

int pvstart_disks_servable(const struct domcfg *dc, struct pvx_err *err)
{
	for (size_t i = 0; i < dc->n_disks; i++) {
		const struct disk_spec *d = &dc->disks[i];

		if (diskspec_qemu_format(d->format) && d->target[0] &&
		    !diskspec_target_is_uri(d->target) && !pvstart_tool_installed("qemu-nbd"))
			return pvx_fail(
				err, -ENOENT,
				"disk %s: format %s is served by qemu-nbd, "
				"which is not installed (Debian: apt-get install qemu-utils)",
				d->vdev, d->format);
	}
	return 0;
}

int pvstart_tool_installed(const char *name)
{
	const char *path = getenv("PATH");
	char dir[PATH_MAX], file[PATH_MAX + 64];

	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");

		if (n && n < sizeof(dir)) {
			memcpy(dir, p, n);
			dir[n] = '\0';
			snprintf(file, sizeof(file), "%s/%s", dir, name);
			if (access(file, X_OK) == 0)
				return 1;
		}
		p += n + (p[n] == ':');
	}
	return 0;
}

const struct pvx_disk_server pvstart_disk_server = {
	.start = nbd_start,
	.stop = pvstart_nbd_stop,
	.stop_domain = nbd_stop_domain,
};
