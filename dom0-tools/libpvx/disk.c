/* Virtual disks of a domain: the vbd device directories (backend keys for
 * blkback, frontend keys for blkfront) from parsed disk specs. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libpvx/diskspec.h"
#include "libpvx/pvx.h"
#include "libpvx/pvx_store.h"

/* Relative to the current directory (block-attach), as the user meant it. */
static char *path_absolute(const char *p)
{
	char cwd[PATH_MAX], *out;

	if (p[0] == '/' || !p[0] || !getcwd(cwd, sizeof(cwd)))
		return strdup(p);
	if (asprintf(&out, "%s/%s", cwd, p) < 0)
		return NULL;
	return out;
}

static int disk_target(const struct disk_spec *d, const struct domcfg *cfg, char **path,
		       const char **type, struct pvx_err *err)
{
	struct stat st;

	if (diskspec_target_is_uri(d->target)) { /* blkback connects to it itself */
		*path = strdup(d->target);
		*type = "nbd";
		return *path ? 0 : pvx_fail(err, -ENOMEM, "out of memory");
	}
	*path = cfg ? domcfg_path_resolve(cfg, d->target) : path_absolute(d->target);
	if (!*path)
		return pvx_fail(err, -ENOMEM, "out of memory");
	*type = d->backendtype[0] ? d->backendtype : "file";
	if (!d->target[0])
		return 0; /* an empty cdrom drive */
	if (stat(*path, &st) < 0)
		return pvx_fail(err, -errno,
				"disk %s: image %s: %s (create it, e.g. truncate -s 1G "
				"%s)",
				d->vdev, *path, strerror(errno), *path);
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return pvx_fail(err, -EINVAL,
				"disk %s: %s is neither a regular file nor a block "
				"device",
				d->vdev, *path);
	if (!d->backendtype[0])
		*type = S_ISBLK(st.st_mode) ? "phy" : "file";
	return 0;
}

#define BACKEND_WAIT_MS 10000

/* As xl waits for the hotplug script: wait until blkback offers the disk
 * (InitWait or later) or says why it cannot (hotplug-status error). */
static int disk_wait_backend(struct xs_handle *xs, unsigned domid, const struct disk_spec *d,
			     struct pvx_err *err)
{
	struct timespec nap = { 0, 5000000 };

	for (int ms = 0; ms < BACKEND_WAIT_MS; ms += 5) {
		char *st = pvx_xs_read_str(xs, 0,
					   "/local/domain/0/backend/vbd/%u/%u/hotplug-status",
					   domid, d->devid);
		int connected = st && !strcmp(st, "connected"),
		    failed = st && !strcmp(st, "error");
		char *why;

		free(st);
		if (connected)
			return 0;
		if (failed) {
			why = pvx_xs_read_str(xs, 0,
					      "/local/domain/0/backend/vbd/%u/%u/hotplug-error",
					      domid, d->devid);
			pvx_fail(err, -EIO, "disk %s: blkback: %s", d->vdev,
				 why ? why : "failed");
			free(why);
			return -EIO;
		}
		nanosleep(&nap, NULL);
	}
	return pvx_fail(err, -ETIMEDOUT,
			"disk %s: blkback did not take the disk within %d s; is "
			"it running? (pvx daemons status, blkback.log in the run directory)",
			d->vdev, BACKEND_WAIT_MS / 1000);
}

static const struct pvx_disk_server *disk_server;

void pvx_disk_server_set(const struct pvx_disk_server *srv)
{
	disk_server = srv;
}

/* An image in a format QEMU serves: start its server; backend key *key = uri is
 * where blkback connects. */
static int disk_serve(struct xs_handle *xs, unsigned domid, const struct disk_spec *d,
		      const char *path, const char **key, char *uri, size_t len,
		      struct pvx_err *err)
{
	struct pvx_disk_serve s = { xs,
				    (pv_domid_t)domid,
				    d->devid,
				    path,
				    diskspec_qemu_format(d->format),
				    d->readonly,
				    d->discard,
				    d->direct_io_safe,
				    d->server };

	struct pvx_err why = { 0 };
	int rc;

	if (!disk_server)
		return pvx_fail(err, -EOPNOTSUPP,
				"disk %s: format %s is served by QEMU (qemu-nbd), which "
				"this program does not start",
				d->vdev, d->format);
	rc = disk_server->start(&s, key, uri, len, &why);
	return rc < 0 ? pvx_fail(err, rc, "disk %s: %s", d->vdev, pvx_err_text(&why, rc)) : 0;
}

/* The vbd device in the store; then blkback's word on it. */
static int disk_device_add(struct xs_handle *xs, unsigned domid, const struct disk_spec *d,
			   const char *path, const char *type, const char *key, const char *uri,
			   struct pvx_err *err)
{
	const char *devtype = d->cdrom ? "cdrom" : "disk";
	char devid[16];
	int rc;

	snprintf(devid, sizeof(devid), "%u", d->devid);
	const char *const be[] = { "params", path, "type", type, "mode", d->readonly ? "r" : "w",
				   "format", d->format, "device-type", devtype, "dev", d->vdev,
				   "removable", d->cdrom ? "1" : "0", "bootable", "1",
				   "discard-enable", d->discard ? "1" : "0", "direct-io-safe",
				   d->direct_io_safe ? "1" : "0",
				   /* last: absent (the list ends there) for a raw image */
				   uri ? key : NULL, uri, NULL };
	const char *const fe[] = { "virtual-device", devid, "device-type", devtype, NULL };

	rc = pvx_device_add(xs, (pv_domid_t)domid, "vbd", d->devid, be, fe, err);
	if (rc == -EEXIST)
		pvx_fail(err, rc, "disk %s: domain %u already has a disk %s", d->vdev, domid,
			 d->vdev);
	if (rc == 0 && (rc = disk_wait_backend(xs, domid, d, err)) < 0)
		pvx_device_remove(xs, (pv_domid_t)domid, "vbd", d->devid, 1, 0, NULL);
	return rc;
}

int pvx_disk_add(struct xs_handle *xs, unsigned domid, const struct disk_spec *d,
		 const struct domcfg *cfg, struct pvx_err *err)
{
	const char *type = NULL, *key = "nbd-uri";
	char *path, uri[256];
	int served = 0, rc = disk_target(d, cfg, &path, &type, err);

	if (rc == 0 && !strcmp(type, "nbd")) {
		rc = disk_device_add(xs, domid, d, path, type, key, path, err);
	} else if (rc == 0 && diskspec_qemu_format(d->format) && d->target[0]) {
		served = (rc = disk_serve(xs, domid, d, path, &key, uri, sizeof(uri), err)) == 0;
		if (rc == 0)
			rc = disk_device_add(xs, domid, d, path, type, key, uri, err);
	} else if (rc == 0) {
		rc = disk_device_add(xs, domid, d, path, type, NULL, NULL, err);
	}
	if (rc < 0 && served)
		disk_server->stop((pv_domid_t)domid, d->devid);
	free(path);
	return rc;
}

int pvx_disk_remove(struct xs_handle *xs, pv_domid_t domid, unsigned devid, int force,
		    unsigned timeout_ms, struct pvx_err *err)
{
	int rc = pvx_device_remove(xs, domid, "vbd", devid, force, timeout_ms, err);

	/* Once the device is gone from the store (blkback closed it, or -f) */
	if (rc == 0 && disk_server)
		disk_server->stop(domid, devid);
	return rc;
}

void pvx_disk_servers_stop(pv_domid_t domid)
{
	if (disk_server)
		disk_server->stop_domain(domid);
}

int pvx_disks_add(struct xs_handle *xs, unsigned domid, const struct domcfg *cfg,
		  struct pvx_err *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < cfg->n_disks && rc == 0; i++)
		rc = pvx_disk_add(xs, domid, &cfg->disks[i], cfg, err);
	for (size_t j = 0; rc < 0 && j + 1 < i; j++) /* the failed one removed itself */
		pvx_disk_remove(xs, (pv_domid_t)domid, cfg->disks[j].devid, 1, 0, NULL);
	return rc;
}
