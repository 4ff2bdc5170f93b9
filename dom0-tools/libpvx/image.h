/* Disk image files as QEMU's block layer sees them: the backing chain that
 * `qemu-img info --output=json --backing-chain` reports (parsed here; running
 * qemu-img is the caller's business, libpvx starts no process), and whether an
 * image is in use read-write by a running guest (from the store's vbd backends). */
#ifndef PV_LIBPVX_IMAGE_H
#define PV_LIBPVX_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "libpvctrl/pvctrl.h"
#include "libpvx/pvx_err.h"

/* One image of a chain: the top first, then its backing file, and so on. */
struct pvx_image_layer {
	char *filename;        /* as QEMU opened it (backing files resolved) */
	char format[16];       /* QEMU's name: raw, qcow2, vmdk, vdi, vhdx, vpc, ... */
	uint64_t virtual_size; /* bytes the guest sees */
	uint64_t actual_size;  /* bytes allocated on the host (0: unknown) */
	uint64_t cluster_size; /* 0 when the format has none */
	char *backing;         /* the backing file as the image records it, or NULL */
	int dirty;             /* dirty-flag: not closed cleanly (qcow2 lazy refcounts) */
	int corrupt;           /* qcow2 marked itself corrupt */
};

struct pvx_image_info {
	struct pvx_image_layer *layers;
	size_t n;
};

/* Parse qemu-img info --output=json, with or without --backing-chain (a list or
 * one object). 0, or -EINVAL with err saying what is missing. Free with
 * pvx_image_info_free (also after a failure). */
int pvx_image_info_parse(const char *json, struct pvx_image_info *out, struct pvx_err *err);
void pvx_image_info_free(struct pvx_image_info *info);

/* The chain as a JSON list of objects (filename, format, virtual-size,
 * actual-size, cluster-size and backing-filename when there are, dirty, corrupt);
 * *out malloc'ed. 0 or -ENOMEM / -EIO. */
int pvx_image_info_to_json(const struct pvx_image_info *info, char **out);

/* Bytes as qemu-img prints them: "64 MiB", "1.5 GiB", "512 B". buf: >= 16 bytes. */
void pvx_image_size_text(uint64_t bytes, char *buf, size_t len);

struct xs_handle;

/* A vbd a running guest has open read-write on path (compared after resolving
 * links): 1 with *domid and *devid set, 0 when none, -errno on store errors. */
int pvx_image_writer(struct xs_handle *xs, const char *path, pv_domid_t *domid, unsigned *devid);
/* Refuse a chain whose layers from `first` on a running guest writes to: they
 * are backing files, which must not change under the images built on them (1: a
 * disk's own chain, its top may be written; 0: a template about to get a clone).
 * 0, or -EBUSY with err naming the file, the domain and the disk. */
int pvx_image_check_backing(struct xs_handle *xs, const struct pvx_image_info *info, size_t first,
			    struct pvx_err *err);

#endif
