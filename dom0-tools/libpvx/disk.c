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

	*path = cfg ? domcfg_path_resolve(cfg, d->target) : path_absolute(d->target);
	if (!*path)
		return pvx_fail(err, -ENOMEM, "out of memory");
	*type = d->backendtype[0] ? d->backendtype : "file";
	if (!d->target[0])
		return 0; /* an empty cdrom drive */
	if (stat(*path, &st) < 0)
		return pvx_fail(err, -errno, "disk %s: image %s: %s (create it, e.g. truncate -s 1G "
				"%s)", d->vdev, *path, strerror(errno), *path);
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return pvx_fail(err, -EINVAL, "disk %s: %s is neither a regular file nor a block "
				"device", d->vdev, *path);
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
		char *st = pvx_xs_read_str(xs, 0, "/local/domain/0/backend/vbd/%u/%u/hotplug-status",
					   domid, d->devid);
		int connected = st && !strcmp(st, "connected"), failed = st && !strcmp(st, "error");
		char *why;

		free(st);
		if (connected)
			return 0;
		if (failed) {
			why = pvx_xs_read_str(xs, 0, "/local/domain/0/backend/vbd/%u/%u/hotplug-error",
					      domid, d->devid);
			pvx_fail(err, -EIO, "disk %s: blkback: %s", d->vdev, why ? why : "failed");
			free(why);
			return -EIO;
		}
		nanosleep(&nap, NULL);
	}
	return pvx_fail(err, -ETIMEDOUT, "disk %s: blkback did not take the disk within %d s; is "
			"it running? (pvx daemons status, blkback.log in the run directory)",
			d->vdev, BACKEND_WAIT_MS / 1000);
}

int pvx_disk_add(struct xs_handle *xs, unsigned domid, const struct disk_spec *d,
		 const struct domcfg *cfg, struct pvx_err *err)
{
	const char *type = NULL, *devtype = d->cdrom ? "cdrom" : "disk";
	char devid[16], *path;
	int rc = disk_target(d, cfg, &path, &type, err);

	if (rc == 0) {
		snprintf(devid, sizeof(devid), "%u", d->devid);
		const char *const be[] = { "params", path, "type", type,
					   "mode", d->readonly ? "r" : "w", "format", d->format,
					   "device-type", devtype, "dev", d->vdev,
					   "removable", d->cdrom ? "1" : "0", "bootable", "1",
					   "discard-enable", d->discard ? "1" : "0",
					   "direct-io-safe", d->direct_io_safe ? "1" : "0", NULL };
		const char *const fe[] = { "virtual-device", devid, "device-type", devtype, NULL };

		rc = pvx_device_add(xs, (pv_domid_t)domid, "vbd", d->devid, be, fe, err);
		if (rc == -EEXIST)
			pvx_fail(err, rc, "disk %s: domain %u already has a disk %s", d->vdev,
				 domid, d->vdev);
		if (rc == 0 && (rc = disk_wait_backend(xs, domid, d, err)) < 0)
			pvx_device_remove(xs, (pv_domid_t)domid, "vbd", d->devid, 1, 0, NULL);
	}
	free(path);
	return rc;
}

int pvx_disks_add(struct xs_handle *xs, unsigned domid, const struct domcfg *cfg,
		  struct pvx_err *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < cfg->n_disks && rc == 0; i++)
		rc = pvx_disk_add(xs, domid, &cfg->disks[i], cfg, err);
	for (size_t j = 0; rc < 0 && j + 1 < i; j++) /* the failed one removed itself */
		pvx_device_remove(xs, (pv_domid_t)domid, "vbd", cfg->disks[j].devid, 1, 0, NULL);
	return rc;
}
