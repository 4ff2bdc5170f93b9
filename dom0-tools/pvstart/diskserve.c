/* The disk server hooks (pvstart.h) and what both kinds of server share. An image
 * blkback cannot read itself is served by QEMU's block layer, one process per
 * disk, in one of two ways:
 *   vhost-user  qemu-storage-daemon exports it as a vhost-user-blk device on
 *               <rundir>/vhost/<domid>-<devid>.sock (qsd.c); blkback hands it the
 *               guest's granted pages and it reads and writes them in place;
 *   nbd         qemu-nbd on <rundir>/nbd/<domid>-<devid>.sock (nbd.c); every byte
 *               crosses the socket twice.
 * The disk spec's server= picks one; by default (auto) vhost-user where
 * qemu-storage-daemon is installed (Debian: qemu-system-common), else NBD. Each
 * server records its pid in <name>.pid beside its socket, which is how it is found
 * again to be stopped (disk detached, domain destroyed or gone, daemons stopped). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

#define SERVE_STOP_MS 5000 /* SIGTERM, then SIGKILL */

static const struct {
	const char *dir, *prog;
} kinds[] = { { PVSTART_VHOST_DIR, PVSTART_QSD_PROG }, { PVSTART_NBD_DIR, PVSTART_NBD_PROG } };

const char *pvstart_first_line(char *text)
{
	if (!text || !*text)
		return "no message";
	text[strcspn(text, "\n")] = '\0';
	return text;
}

int pvstart_serve_files(const char *dir, const struct pvx_disk_serve *s, char sock[512],
			char pid[512], struct pvx_err *err)
{
	char name[64];
	int rc = rundir_ensure();

	if (rc < 0)
		return pvx_fail(err, rc, "%s", rundir_problem(rc));
	/* a link or someone else's folder there is refused, never followed */
	if ((rc = rundir_mkdir(dir)) < 0)
		return pvx_fail(err, rc, "cannot create %s/%s: %s", rundir_path(), dir,
				strerror(-rc));
	snprintf(name, sizeof(name), "%s/%u-%u.sock", dir, s->domid, s->devid);
	if (rundir_file(sock, 512, name) < 0 ||
	    strlen(sock) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return pvx_fail(err, -ENAMETOOLONG,
				"the run directory %s is too long a path for a Unix socket in it",
				rundir_path());
	snprintf(name, sizeof(name), "%s/%u-%u.pid", dir, s->domid, s->devid);
	if (rundir_file(pid, 512, name) < 0)
		return pvx_fail(err, -ENAMETOOLONG, "run directory path too long");
	unlink(sock); /* a server that died without cleaning up */
	return 0;
}

/* The image is what the config says, and no running guest writes to a file it
 * is built on. */
int pvstart_image_check(const struct pvx_disk_serve *s, struct pvx_err *err)
{
	struct pvx_image_info info;
	int rc = pvstart_image_info(s->path, &info, err);

	if (rc == 0 && strcmp(info.layers[0].format, s->format))
		rc = pvx_fail(err, -EINVAL,
			      "%s is a %s image, not %s: fix format= in the disk spec", s->path,
			      info.layers[0].format, s->format);
	if (rc == 0)
		rc = pvx_image_check_backing(s->xs, &info, 1, err);
	pvx_image_info_free(&info);
	return rc;
}

/* The pid in a pid file, if that process is still prog serving sock (a pid file
 * can outlive its server and the pid be reused). 0 otherwise. */
static pid_t serve_pid(const char *pidfile, const char *prog, const char *sock)
{
	char buf[4096];
	ssize_t n;
	pid_t pid;
	int fd = open(pidfile, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, 31);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if ((pid = (pid_t)atoi(buf)) <= 0 ||
	    (n = pvstart_proc_read(pid, "cmdline", buf, sizeof(buf))) < 0)
		return 0;
	for (ssize_t i = 0; i < n; i++) /* arguments are NUL-separated */
		if (buf[i] == '\0')
			buf[i] = ' ';
	return strstr(buf, prog) && strstr(buf, sock) ? pid : 0;
}

/* SIGTERM (the server then closes the image cleanly), SIGKILL after SERVE_STOP_MS. */
static void serve_kill(pid_t pid)
{
	struct timespec ms = { 0, 5000000 };

	if (kill(pid, SIGTERM) < 0)
		return;
	for (int i = 0; i < SERVE_STOP_MS / 5; i++) {
		if (!pvstart_process_alive(pid))
			return;
		nanosleep(&ms, NULL);
	}
	kill(pid, SIGKILL);
}

/* Stop the server whose files are <rundir>/<dir>/<base>.{pid,sock}. */
static void serve_stop_files(const char *dir, const char *prog, const char *base)
{
	char pid_path[512], sock[512], name[300];
	pid_t pid;

	snprintf(name, sizeof(name), "%s/%s.pid", dir, base);
	if (rundir_file(pid_path, sizeof(pid_path), name) < 0)
		return;
	snprintf(name, sizeof(name), "%s/%s.sock", dir, base);
	if (rundir_file(sock, sizeof(sock), name) < 0)
		return;
	if ((pid = serve_pid(pid_path, prog, sock)) > 0)
		serve_kill(pid);
	unlink(pid_path);
	unlink(sock);
}

/* Every server (of either kind) whose name starts with prefix ("" for all). */
static void serve_stop_matching(const char *prefix)
{
	char dir[512];
	struct dirent *e;
	DIR *d;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		if (rundir_file(dir, sizeof(dir), kinds[k].dir) < 0 || !(d = opendir(dir)))
			continue;
		while ((e = readdir(d))) {
			size_t len = strlen(e->d_name);

			if (len > 4 && !strcmp(e->d_name + len - 4, ".pid") &&
			    !strncmp(e->d_name, prefix, strlen(prefix))) {
				e->d_name[len - 4] = '\0';
				serve_stop_files(kinds[k].dir, kinds[k].prog, e->d_name);
			}
		}
		closedir(d);
	}
}

void pvstart_serve_stop(pv_domid_t domid, unsigned devid)
{
	char base[32];

	snprintf(base, sizeof(base), "%u-%u", domid, devid);
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		serve_stop_files(kinds[k].dir, kinds[k].prog, base);
}

static void serve_stop_domain(pv_domid_t domid)
{
	char prefix[16];

	snprintf(prefix, sizeof(prefix), "%u-", domid);
	serve_stop_matching(prefix);
}

void pvstart_serve_stop_all(void)
{
	serve_stop_matching("");
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

/* The disk's server=, or for auto the environment's PVISOR_DISK_SERVER (vhost-user
 * or nbd: a host-wide choice, and how the tests run one suite on both paths). */
static const char *serve_kind(const char *server)
{
	const char *e = getenv("PVISOR_DISK_SERVER");

	if (server[0] || !e)
		return server;
	return !strcmp(e, "vhost-user") || !strcmp(e, "nbd") ? e : "";
}

int pvstart_disks_servable(const struct domcfg *dc, struct pvx_err *err)
{
	int qsd = pvstart_tool_installed(PVSTART_QSD_PROG);
	int nbd = pvstart_tool_installed(PVSTART_NBD_PROG);

	for (size_t i = 0; i < dc->n_disks; i++) {
		const struct disk_spec *d = &dc->disks[i];
		const char *kind = serve_kind(d->server);

		if (!diskspec_qemu_format(d->format) || !d->target[0] ||
		    diskspec_target_is_uri(d->target))
			continue;
		if (!strcmp(kind, "vhost-user") && !qsd)
			return pvx_fail(err, -ENOENT,
					"disk %s: server=vhost-user, but " PVSTART_QSD_PROG
					" is not installed (Debian: apt-get "
					"install qemu-system-common)",
					d->vdev);
		if ((!strcmp(kind, "nbd") || (!kind[0] && !qsd)) && !nbd)
			return pvx_fail(err, -ENOENT,
					"disk %s: format %s is served by " PVSTART_NBD_PROG
					", which is not installed (Debian: apt-get "
					"install qemu-utils)%s",
					d->vdev, d->format,
					kind[0] ? ""
						: ", nor is " PVSTART_QSD_PROG
						  " (qemu-system-common)");
	}
	return 0;
}

/* vhost-user unless the disk says nbd, or auto and qemu-storage-daemon is missing. */
static int serve_start(const struct pvx_disk_serve *s, const char **key, char *addr, size_t len,
		       struct pvx_err *err)
{
	const char *kind = serve_kind(s->server);
	int vhost = !strcmp(kind, "vhost-user") ||
		    (strcmp(kind, "nbd") && pvstart_tool_installed(PVSTART_QSD_PROG));

	if (vhost && !pvstart_tool_installed(PVSTART_QSD_PROG))
		return pvx_fail(err, -ENOENT,
				PVSTART_QSD_PROG
				" is not installed (Debian: apt-get "
				"install qemu-system-common), and the disk says server=vhost-user");
	*key = vhost ? "vhost-user" : "nbd-uri";
	return vhost ? pvstart_qsd_start(s, addr, len, err)
		     : pvstart_nbd_start(s, addr, len, err);
}

const struct pvx_disk_server pvstart_disk_server = {
	.start = serve_start,
	.stop = pvstart_serve_stop,
	.stop_domain = serve_stop_domain,
};
