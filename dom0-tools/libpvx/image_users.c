/* Who uses an image: the read-write users of a file among the store's vbd
 * backends, and the check that keeps backing files unchanged (see image.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/diskspec.h"
#include "libpvx/image.h"
#include "libpvx/pvx_store.h"
#include "libxs/xs.h"

/* One vbd backend: 1 when it is a read-write user of the file real. */
static int vbd_writes(struct xs_handle *xs, unsigned domid, unsigned devid, const char *real)
{
	char *params = pvx_xs_read_str(xs, 0, "/local/domain/0/backend/vbd/%u/%u/params", domid,
				       devid);
	char *mode = pvx_xs_read_str(xs, 0, "/local/domain/0/backend/vbd/%u/%u/mode", domid,
				     devid);
	char other[PATH_MAX];
	int hit = params && mode && mode[0] == 'w' && realpath(params, other) &&
		  strcmp(other, real) == 0;

	free(params);
	free(mode);
	return hit;
}

/* The vbd devices of domain domid (a store directory name). */
static int domain_writes(struct xs_handle *xs, const char *dom, const char *real,
			 pv_domid_t *domid, unsigned *devid)
{
	char path[96], **devs = NULL;
	unsigned n = 0, d, v;
	int hit = 0;

	if (sscanf(dom, "%u", &d) != 1)
		return 0;
	snprintf(path, sizeof(path), "/local/domain/0/backend/vbd/%u", d);
	if (xs_directory(xs, 0, path, &devs, &n) < 0)
		return 0; /* gone meanwhile */
	for (unsigned i = 0; i < n && !hit; i++)
		if (sscanf(devs[i], "%u", &v) == 1 && vbd_writes(xs, d, v, real)) {
			*domid = (pv_domid_t)d;
			*devid = v;
			hit = 1;
		}
	free(devs);
	return hit;
}

int pvx_image_writer(struct xs_handle *xs, const char *path, pv_domid_t *domid, unsigned *devid)
{
	char real[PATH_MAX], **doms = NULL;
	unsigned n = 0;
	int rc, hit = 0;

	if (!realpath(path, real))
		return -errno;
	rc = xs_directory(xs, 0, "/local/domain/0/backend/vbd", &doms, &n);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < n && !hit; i++)
		hit = domain_writes(xs, doms[i], real, domid, devid);
	free(doms);
	return hit;
}

int pvx_image_check_backing(struct xs_handle *xs, const struct pvx_image_info *info, size_t first,
			    struct pvx_err *err)
{
	for (size_t i = first; i < info->n; i++) {
		pv_domid_t domid;
		unsigned devid;
		char vdev[16];
		int rc = pvx_image_writer(xs, info->layers[i].filename, &domid, &devid);

		if (rc < 0 && rc != -ENOENT)
			return pvx_fail(err, rc, "looking for users of %s in the store: %s",
					info->layers[i].filename, strerror(-rc));
		if (rc <= 0)
			continue;
		diskspec_devid_to_vdev(devid, vdev, sizeof(vdev));
		return pvx_fail(err, -EBUSY,
				"%s is in use read-write by domain %u (disk %s): a "
				"backing file must not change under the images built on it; shut "
				"that guest down or attach it read-only",
				info->layers[i].filename, domid, vdev);
	}
	return 0;
}
