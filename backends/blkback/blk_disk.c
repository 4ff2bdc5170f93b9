/* blkback disks: open the image the toolstack named (backend keys params, mode,
 * format, device-type), publish its size and the features this backend serves,
 * and the ops table the xenbus_be library drives. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blkback/blk_ring.h"
#include "common/xenbus_be.h"
#include "log.h"

/* The format key: only raw is served so far; anything else is refused by name
 * rather than served as raw bytes (a qcow2 read as raw would show the guest the
 * image's metadata). */
static int format_check(struct xbe_device *d)
{
	char *fmt = xbe_be_read_str(d, "format", NULL);
	int ok = !fmt || strcmp(fmt, "raw") == 0 || fmt[0] == '\0';

	if (!ok)
		xbe_device_error(d, 0, "disk format '%s' is not supported yet (only raw); "
				 "convert it with qemu-img convert -O raw", fmt);
	free(fmt);
	return ok ? 0 : -EOPNOTSUPP;
}

static int disk_mode_readonly(struct xbe_device *d)
{
	char *mode = xbe_be_read_str(d, "mode", NULL);
	int ro = !mode || mode[0] != 'w'; /* "w" (and "w!") writable; else read-only */

	free(mode);
	return ro;
}

static int disk_size(struct blk_disk *k, struct xbe_device *d)
{
	struct stat st;
	uint64_t bytes;

	if (fstat(k->fd, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(k->fd, BLKGETSIZE64, &bytes) < 0)
			return -errno;
	} else if (S_ISREG(st.st_mode)) {
		bytes = (uint64_t)st.st_size;
		k->is_file = 1;
	} else {
		xbe_device_error(d, 0, "%s is neither a regular file nor a block device", k->path);
		return -EINVAL;
	}
	k->lim.sectors = bytes / BLK_SECTOR_SIZE;
	return 0;
}

static int disk_open(struct blk_disk *k, struct xbe_device *d)
{
	int flags = (k->lim.readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC;

	k->fd = open(k->path, flags | O_DIRECT);
	k->direct = k->fd >= 0;
	if (k->fd < 0 && errno == EINVAL) /* tmpfs and friends have no O_DIRECT */
		k->fd = open(k->path, flags);
	if (k->fd < 0) {
		int rc = -errno;

		xbe_device_error(d, rc, "cannot open disk image %s%s", k->path,
				 k->lim.readonly ? " read-only" : "");
		return rc;
	}
	return 0;
}

static int disk_publish(struct blk_disk *k, struct xbe_device *d)
{
	char *dt = xbe_be_read_str(d, "device-type", NULL);
	unsigned info = k->lim.readonly ? PV_VDISK_READONLY : 0;
	int rc = 0;

	if (dt && strcmp(dt, "cdrom") == 0)
		info |= PV_VDISK_CDROM | PV_VDISK_REMOVABLE;
	free(dt);
	rc |= xbe_printf(d, "feature-flush-cache", "1");
	rc |= xbe_printf(d, "feature-barrier", "0");
	rc |= xbe_printf(d, "feature-persistent", "1");
	rc |= xbe_printf(d, "feature-discard", "%d", k->lim.discard);
	if (k->lim.discard) {
		rc |= xbe_printf(d, "discard-granularity", "%u", BLK_PAGE_SIZE);
		rc |= xbe_printf(d, "discard-alignment", "0");
		rc |= xbe_printf(d, "discard-secure", "0");
	}
	rc |= xbe_printf(d, "feature-max-indirect-segments", "%u", BLK_MAX_INDIRECT_SEGS);
	rc |= xbe_printf(d, "multi-queue-max-queues", "%u", BLK_MAX_QUEUES);
	rc |= xbe_printf(d, "sectors", "%llu", (unsigned long long)k->lim.sectors);
	rc |= xbe_printf(d, "sector-size", "%u", BLK_SECTOR_SIZE);
	rc |= xbe_printf(d, "physical-sector-size", "%u", BLK_SECTOR_SIZE);
	rc |= xbe_printf(d, "info", "%u", info);
	return rc ? -EIO : 0;
}

static int blk_probe(struct xbe_device *d)
{
	struct blk_disk *k = calloc(1, sizeof(*k));
	char *params;
	int rc;

	if (!k)
		return -ENOMEM;
	k->fd = -1;
	params = xbe_be_read_str(d, "params", &rc);
	if (!params || params[0] != '/' || strlen(params) >= sizeof(k->path)) {
		xbe_device_error(d, 0, "backend key params must be an absolute image path (got %s)",
				 params ? params : "nothing");
		free(params);
		rc = -EINVAL;
		goto fail;
	}
	strcpy(k->path, params);
	free(params);
	k->lim.readonly = disk_mode_readonly(d);
	k->lim.max_indirect = BLK_MAX_INDIRECT_SEGS;
	if ((rc = format_check(d)) < 0 || (rc = disk_open(k, d)) < 0 ||
	    (rc = disk_size(k, d)) < 0)
		goto fail;
	k->lim.discard = k->is_file && !k->lim.readonly;
	if ((rc = disk_publish(k, d)) < 0)
		goto fail;
	d->priv = k;
	log_info("%s: %s, %llu sectors, %s%s", d->name, k->path,
		 (unsigned long long)k->lim.sectors, k->lim.readonly ? "read-only" : "read-write",
		 k->direct ? ", O_DIRECT" : "");
	return 0;
fail:
	if (k->fd >= 0)
		close(k->fd);
	free(k);
	return rc;
}

/* Held and idle: flush what was written and close the image; the other host may
 * open it now. */
void blk_handover_check(struct xbe_device *d)
{
	struct blk_disk *k = d->priv;

	if (!k || !k->held || k->fd < 0)
		return;
	for (unsigned q = 0; q < k->nr_rings; q++)
		if (k->rings[q] && blk_ring_busy(k->rings[q]))
			return;
	if (!k->lim.readonly && fdatasync(k->fd) < 0)
		xbe_warnx(d, "flushing %s before the handover: %s", k->path, strerror(errno));
	close(k->fd);
	k->fd = -1;
	log_info("%s: %s handed over (closed)", d->name, k->path);
	xbe_printf(d, "handover-state", "closed");
}

int blk_handover(struct xbe_device *d, int close_it)
{
	struct blk_disk *k = d->priv;
	int rc;

	if (!k)
		return -EINVAL;
	if (close_it) {
		k->held = 1;
		blk_handover_check(d);
		return 0;
	}
	if (k->fd < 0 && (rc = disk_open(k, d)) < 0) {
		xbe_printf(d, "handover-state", "error");
		return rc;
	}
	k->held = 0;
	log_info("%s: %s taken back", d->name, k->path);
	xbe_printf(d, "handover-state", "open");
	for (unsigned q = 0; q < k->nr_rings; q++)
		if (k->rings[q])
			blk_io_kick(k->rings[q]);
	return 0;
}

static void blk_remove(struct xbe_device *d)
{
	struct blk_disk *k = d->priv;

	if (!k)
		return;
	if (k->fd >= 0)
		close(k->fd);
	free(k);
	d->priv = NULL;
}

const struct xbe_ops blkback_ops = {
	.type = "vbd",
	.probe = blk_probe,
	.connect = blk_rings_connect,
	.disconnect = blk_rings_disconnect,
	.remove = blk_remove,
	.handover = blk_handover,
	.event = blk_ring_event,
};
