/* Disk specifications as in xl.cfg's disk = [ ... ] and xl block-attach (Xen's
 * xl-disk-configuration(5) syntax): comma-separated items, positional
 * (target, format, vdev, access, in that order) or key=value (target, format, vdev,
 * access, devtype, backendtype, backend, script) plus the flags cdrom, discard,
 * no-discard, direct-io-safe. target= takes the rest of the spec, commas included,
 * so it must come last. Virtual device names map to Xen's vbd numbers. */
#ifndef PV_LIBPVX_DISKSPEC_H
#define PV_LIBPVX_DISKSPEC_H

#include <stddef.h>

#include "libpvctrl/pvctrl.h"

#include "libpvx/pvx_err.h"

struct disk_spec {
	char target[1024]; /* image path or block device ("" for an empty cdrom) */
	char format[16];   /* raw (default), qcow2, qcow, vmdk, vdi, vhdx, vhd/vpc, qed, empty */
	char vdev[32];     /* as written: xvda, hdc, sdb1, 51712 */
	unsigned devid;    /* Xen's virtual-device number of vdev */
	int readonly;      /* access r / ro */
	int cdrom;         /* devtype=cdrom */
	int discard;       /* 1 default, 0 with no-discard */
	int direct_io_safe;
	char backendtype[8]; /* phy, qdisk, tap, or "" (chosen from the target) */
	char server[16];     /* pvisor's server=: vhost-user, nbd, or "" (auto) */
	char backend[64];    /* backend domain (only dom0 / "0" is served) */
	char script[256];
	char *text; /* the spec as written in a config (domcfg owns it), or NULL */
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

/* QEMU's name of an xl format for qemu-nbd / qemu-img ("vhd" -> "vpc"); NULL for
 * raw and empty (blkback serves those itself) and unknown ones. */
const char *diskspec_qemu_format(const char *format);
/* The target is an NBD URI (nbd://, nbds://, nbd+unix://, nbd+vsock://, ...): a
 * network disk blkback reaches directly. */
int diskspec_target_is_uri(const char *target);

struct xs_handle;
struct domcfg;

/* Create the vbd device of d on domain domid (pvx_device_add): backend keys
 * params (target made absolute against the config's directory when cfg is not
 * NULL), type, mode, format, device-type, dev, removable, discard-enable; frontend
 * keys virtual-device, device-type. The target must exist (except an empty
 * cdrom). 0 or -errno with err set (-EEXIST: the vdev is taken). */
int pvx_disk_add(struct xs_handle *xs, unsigned domid, const struct disk_spec *d,
		 const struct domcfg *cfg, struct pvx_err *err);
/* Unplug vbd devid of domid as pvx_device_remove does, then stop the disk's NBD
 * server if it has one. 0 or -errno with err set. */
int pvx_disk_remove(struct xs_handle *xs, pv_domid_t domid, unsigned devid, int force,
		    unsigned timeout_ms, struct pvx_err *err);
/* Every disk = [...] entry of cfg; on failure the ones added are removed. */
int pvx_disks_add(struct xs_handle *xs, unsigned domid, const struct domcfg *cfg,
		  struct pvx_err *err);

/* ---- disk servers ----
 * Images blkback cannot read itself (qcow2, VMDK, VDI, VHDX, VHD, ...) are served
 * by QEMU's block layer (a vhost-user-blk or NBD export) that blkback connects to. libpvx starts no
 * process: a front end that does registers the hooks (pvstart_disk_server);
 * without them such disks are refused. */
struct pvx_disk_serve {
	struct xs_handle *xs; /* the store, for checks against running guests */
	pv_domid_t domid;
	unsigned devid;
	const char *path;   /* the image, absolute */
	const char *format; /* QEMU's name for its format (diskspec_qemu_format) */
	int readonly;       /* access r: the export is read-only */
	int discard;        /* discard reaches the image (holes punched) */
	int direct;         /* direct-io-safe: bypass the host page cache (O_DIRECT) */
	const char *server; /* the spec's server=: "vhost-user", "nbd" or "" (auto) */
};

struct pvx_disk_server {
	/* Serve s->path; *key is the backend key that tells blkback where
	 * ("vhost-user": a socket; "nbd-uri": an NBD URI), addr its value. 0, or
	 * -errno with err set. */
	int (*start)(const struct pvx_disk_serve *s, const char **key, char *addr, size_t len,
		     struct pvx_err *err);
	/* Stop the server of vbd devid of domid, if there is one. */
	void (*stop)(pv_domid_t domid, unsigned devid);
	/* Stop every server of domid (it is gone). */
	void (*stop_domain)(pv_domid_t domid);
};

/* Register the hooks (NULL: none). Not thread-safe: call it once at start-up. */
void pvx_disk_server_set(const struct pvx_disk_server *srv);
/* Stop every disk server of domid (pvx_domain_forget calls it). */
void pvx_disk_servers_stop(pv_domid_t domid);

#endif
