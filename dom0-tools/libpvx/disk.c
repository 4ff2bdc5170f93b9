/* Virtual disks of a domain: the vbd device directories (backend keys for
 * blkback, frontend keys for blkfront) from parsed disk specs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "libpvx/diskspec.h"
#include "libpvx/pvx.h"

static int disk_target(const struct pvx_disk *d, const struct domcfg *cfg, char **path,
		       const char **type, char *err, size_t errlen)
{
	struct stat st;

	*path = cfg ? domcfg_path_resolve(cfg, d->target) : strdup(d->target);
	if (!*path)
		return snprintf(err, errlen, "out of memory"), -ENOMEM;
	*type = d->backendtype[0] ? d->backendtype : "file";
	if (!d->target[0])
		return 0; /* an empty cdrom drive */
	if (stat(*path, &st) < 0) {
		int rc = -errno;

		snprintf(err, errlen, "disk %s: image %s: %s (create it, e.g. truncate -s 1G %s)",
			 d->vdev, *path, strerror(errno), *path);
		return rc;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		snprintf(err, errlen, "disk %s: %s is neither a regular file nor a block device",
			 d->vdev, *path);
		return -EINVAL;
	}
	if (!d->backendtype[0])
		*type = S_ISBLK(st.st_mode) ? "phy" : "file";
	return 0;
}

int pvx_disk_add(struct xs_handle *xs, unsigned domid, const struct pvx_disk *d,
		 const struct domcfg *cfg, char *err, size_t errlen)
{
	const char *type, *devtype = d->cdrom ? "cdrom" : "disk";
	char devid[16], *path;
	int rc = disk_target(d, cfg, &path, &type, err, errlen);

	if (rc == 0) {
		snprintf(devid, sizeof(devid), "%u", d->devid);
		const char *const be[] = { "params", path, "type", type,
					   "mode", d->readonly ? "r" : "w", "format", d->format,
					   "device-type", devtype, "dev", d->vdev,
					   "removable", d->cdrom ? "1" : "0", "bootable", "1",
					   "discard-enable", d->discard ? "1" : "0",
					   "direct-io-safe", d->direct_io_safe ? "1" : "0", NULL };
		const char *const fe[] = { "virtual-device", devid, "device-type", devtype, NULL };

		rc = pvx_device_add(xs, (pv_domid_t)domid, "vbd", d->devid, be, fe, err, errlen);
		if (rc == -EEXIST)
			snprintf(err, errlen, "disk %s: domain %u already has a disk %s", d->vdev,
				 domid, d->vdev);
	}
	free(path);
	return rc;
}

int pvx_disks_add(struct xs_handle *xs, unsigned domid, const struct domcfg *cfg, char *err,
		  size_t errlen)
{
	struct pvx_disk *d = malloc(sizeof(*d));
	size_t i;
	int rc = 0;

	if (!d)
		return snprintf(err, errlen, "out of memory"), -ENOMEM;
	for (i = 0; i < cfg->n_disks && rc == 0; i++) {
		rc = pvx_disk_parse(cfg->disks[i], d, err, errlen);
		if (rc == 0)
			rc = pvx_disk_add(xs, domid, d, cfg, err, errlen);
	}
	for (size_t j = 0; rc < 0 && j + 1 < i; j++) {
		char e2[64];

		if (pvx_disk_parse(cfg->disks[j], d, e2, sizeof(e2)) == 0)
			pvx_device_remove(xs, (pv_domid_t)domid, "vbd", d->devid, 1, 0, e2,
					  sizeof(e2));
	}
	free(d);
	return rc;
}
