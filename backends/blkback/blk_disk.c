/* blkback disks: read the backend keys the toolstack wrote (params, nbd-uri, mode,
 * format, device-type, discard-enable), pick the disk ops (raw through io_uring,
 * or an NBD export), open the disk, publish its size and the features this
 * backend serves; and the ops table the xenbus_be library drives. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blkback/blk_ring.h"
#include "common/xenbus_be.h"
#include "log.h"

/* Raw images are served here; every other format reaches blkback as a vhost-user-blk
 * export the toolstack started (qemu-storage-daemon; its socket is the vhost-user
 * key) or as an NBD export (qemu-nbd, the nbd-uri key). A format without either
 * key is refused by name rather than served as raw bytes (a qcow2 read as raw
 * would show the guest the image's metadata). */
static int disk_choose_ops(struct blk_disk *k, struct xbe_device *d)
{
	char *fmt = xbe_be_read_str(d, "format", NULL);
	char *uri = xbe_be_read_str(d, "nbd-uri", NULL);
	char *vu = xbe_be_read_str(d, "vhost-user", NULL);
	int raw = !fmt || fmt[0] == '\0' || strcmp(fmt, "raw") == 0;
	int rc = 0;

	if (vu) { /* a vhost-user-blk server's socket: preferred over NBD */
		free(uri);
		uri = vu;
		k->ops = &blk_vhost_ops;
	} else if (uri) {
		k->ops = &blk_nbd_ops;
	}
	if (uri) {
		if (strlen(uri) >= sizeof(k->path)) {
			xbe_device_error(d, 0, "backend key %s is too long",
					 k->ops == &blk_vhost_ops ? "vhost-user" : "nbd-uri");
			rc = -ENAMETOOLONG;
		} else {
			strcpy(k->path, uri);
		}
	} else if (raw) {
		k->ops = &blk_uring_ops;
	} else {
		xbe_device_error(
			d, 0,
			"disk format '%s' needs an NBD server (backend key nbd-uri), "
			"which pvx starts for it; or convert it with qemu-img convert -O raw",
			fmt);
		rc = -EOPNOTSUPP;
	}
	free(fmt);
	free(uri);
	return rc;
}

static int disk_mode_readonly(struct xbe_device *d)
{
	char *mode = xbe_be_read_str(d, "mode", NULL);
	int ro = !mode || mode[0] != 'w'; /* "w" (and "w!") writable; else read-only */

	free(mode);
	return ro;
}

/* The image path from params (raw disks; an NBD disk's params is only shown). */
static int disk_params(struct blk_disk *k, struct xbe_device *d)
{
	char *params = xbe_be_read_str(d, "params", NULL);
	int rc = 0;

	if (!params || params[0] != '/' || strlen(params) >= sizeof(k->path)) {
		xbe_device_error(d, 0,
				 "backend key params must be an absolute image path (got %s)",
				 params ? params : "nothing");
		rc = -EINVAL;
	} else {
		strcpy(k->path, params);
	}
	free(params);
	return rc;
}

/* What the toolstack allows on top of what the medium can do. */
static void disk_limits(struct blk_disk *k, struct xbe_device *d)
{
	uint64_t enable = 1;

	xbe_be_read_u64(d, "discard-enable", 1, &enable);
	k->lim.discard = k->lim.discard && enable && !k->lim.readonly;
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
	rc |= xbe_printf(d, "multi-queue-max-queues", "%u", k->max_queues);
	rc |= xbe_printf(d, "sectors", "%llu", (unsigned long long)k->lim.sectors);
	rc |= xbe_printf(d, "sector-size", "%u", BLK_SECTOR_SIZE);
	rc |= xbe_printf(d, "physical-sector-size", "%u", BLK_SECTOR_SIZE);
	rc |= xbe_printf(d, "info", "%u", info);
	return rc ? -EIO : 0;
}

static int blk_probe(struct xbe_device *d)
{
	struct blk_disk *k = calloc(1, sizeof(*k));
	int rc;

	if (!k)
		return -ENOMEM;
	k->lim.readonly = disk_mode_readonly(d);
	k->lim.max_indirect = BLK_MAX_INDIRECT_SEGS;
	k->max_queues = BLK_MAX_QUEUES;
	if ((rc = disk_choose_ops(k, d)) < 0 ||
	    (k->ops == &blk_uring_ops && (rc = disk_params(k, d)) < 0))
		goto fail;
	if ((rc = k->ops->open(k, d)) < 0)
		goto fail_close;
	disk_limits(k, d);
	if ((rc = disk_publish(k, d)) < 0)
		goto fail_close;
	d->priv = k;
	log_info("%s: %s, %llu sectors, %s, %s%s", d->name, k->path,
		 (unsigned long long)k->lim.sectors, k->lim.readonly ? "read-only" : "read-write",
		 k->note, k->lim.discard ? ", discard" : "");
	return 0;
fail_close:
	k->ops->close(k);
fail:
	free(k);
	return rc;
}

/* Held and idle: flush what was written and close the disk; the other host may
 * open it now. */
void blk_handover_check(struct xbe_device *d)
{
	struct blk_disk *k = d->priv;

	if (!k || !k->held || k->handed)
		return;
	for (unsigned q = 0; q < k->nr_rings; q++)
		if (k->rings[q] && k->rings[q]->inflight)
			return;
	if (!k->lim.readonly && k->ops->flush && k->ops->flush(k) < 0)
		xbe_warnx(d, "flushing %s before the handover failed", k->path);
	k->ops->close(k);
	k->handed = 1;
	log_info("%s: %s handed over (closed)", d->name, k->path);
	xbe_printf(d, "handover-state", "closed");
}

/* Take the disk back (a migration that failed): open it again, serve what queued. */
static int blk_take_back(struct xbe_device *d, struct blk_disk *k)
{
	int rc;

	if (k->handed) {
		if ((rc = k->ops->open(k, d)) < 0) {
			xbe_printf(d, "handover-state", "error");
			return rc;
		}
		disk_limits(k, d);
		k->handed = 0;
	}
	k->held = 0;
	log_info("%s: %s taken back", d->name, k->path);
	xbe_printf(d, "handover-state", "open");
	for (unsigned q = 0; q < k->nr_rings; q++)
		if (k->rings[q])
			blk_io_kick(k->rings[q]);
	return 0;
}

int blk_handover(struct xbe_device *d, int close_it)
{
	struct blk_disk *k = d->priv;

	if (!k)
		return -EINVAL;
	if (!close_it)
		return blk_take_back(d, k);
	if (k->ops != &blk_uring_ops) { /* its NBD or vhost-user server would have to move too */
		xbe_warnx(d,
			  "%s is served through %s: it cannot be handed over (only raw "
			  "images can)",
			  k->path, k->ops->name);
		xbe_printf(d, "handover-state", "error");
		return -EOPNOTSUPP;
	}
	k->held = 1;
	blk_handover_check(d);
	return 0;
}

static void blk_remove(struct xbe_device *d)
{
	struct blk_disk *k = d->priv;

	if (!k)
		return;
	k->ops->close(k);
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
