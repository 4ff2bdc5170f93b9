/* Disk specifications as in xl.cfg's disk = [ ... ] and xl block-attach (Xen's
 * xl-disk-configuration(5) syntax): comma-separated items, positional
 * (target, format, vdev, access, in that order) or key=value (target, format, vdev,
 * access, devtype, backendtype, backend, script) plus the flags cdrom, discard,
 * no-discard, direct-io-safe. target= takes the rest of the spec, commas included,
 * so it must come last. Virtual device names map to Xen's vbd numbers. */
#ifndef PV_LIBPVX_DISKSPEC_H
#define PV_LIBPVX_DISKSPEC_H

#include <stddef.h>

#include "libpvx/pvx_err.h"

struct disk_spec {
	char target[1024];    /* image path or block device ("" for an empty cdrom) */
	char format[16];      /* raw (default), qcow2, qcow, vhd, qed, empty */
	char vdev[32];        /* as written: xvda, hdc, sdb1, 51712 */
	unsigned devid;       /* Xen's virtual-device number of vdev */
	int readonly;         /* access r / ro */
	int cdrom;            /* devtype=cdrom */
	int discard;          /* 1 default, 0 with no-discard */
	int direct_io_safe;
	char backendtype[8];  /* phy, qdisk, tap, or "" (chosen from the target) */
	char backend[64];     /* backend domain (only dom0 / "0" is served) */
	char script[256];
	char *text;           /* the spec as written in a config (domcfg owns it), or NULL */
};

/* Parse one spec (out->text is left NULL). 0, or -EINVAL with err naming the
 * item and what is wrong. */
int diskspec_parse(const char *spec, struct disk_spec *out, struct pvx_err *err);

/* Xen's vbd number of a vdev name (xvdX[N], hdX[N], sdX[N], or a number).
 * 0 or -EINVAL. */
int diskspec_vdev_to_devid(const char *vdev, unsigned *devid);
/* The name of a vbd number ("xvda", "hdc1"); a decimal string when it has
 * none. buf: at least 16 bytes. */
void diskspec_devid_to_vdev(unsigned devid, char *buf, size_t len);

struct xs_handle;
struct domcfg;

/* Create the vbd device of d on domain domid (pvx_device_add): backend keys
 * params (target made absolute against the config's directory when cfg is not
 * NULL), type, mode, format, device-type, dev, removable, discard-enable; frontend
 * keys virtual-device, device-type. The target must exist (except an empty
 * cdrom). 0 or -errno with err set (-EEXIST: the vdev is taken). */
int pvx_disk_add(struct xs_handle *xs, unsigned domid, const struct disk_spec *d,
		 const struct domcfg *cfg, struct pvx_err *err);
/* Every disk = [...] entry of cfg; on failure the ones added are removed. */
int pvx_disks_add(struct xs_handle *xs, unsigned domid, const struct domcfg *cfg,
		  struct pvx_err *err);

#endif
