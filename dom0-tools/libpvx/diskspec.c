/* Disk spec parsing (xl-disk-configuration syntax) and vdev names <-> Xen vbd
 * numbers (see diskspec.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libpvx/diskspec.h"
#include "util.h"

#define XVD_MAJOR    202u
#define SD_MAJOR     8u
#define HD0_MAJOR    3u
#define HD2_MAJOR    22u
#define VBD_EXTENDED (1u << 28)

/* Letters a.. z, aa.. as a bijective base-26 number; returns chars used or -1. */
static int parse_letters(const char *s, unsigned *disk)
{
	unsigned v = 0;
	int n = 0;

	while (s[n] >= 'a' && s[n] <= 'z') {
		if (v > (1u << 20))
			return -1;
		v = v * 26 + (unsigned)(s[n] - 'a' + 1);
		n++;
	}
	if (n == 0)
		return -1;
	*disk = v - 1;
	return n;
}

static int encode(const char *prefix, unsigned disk, unsigned part, unsigned *devid)
{
	if (strcmp(prefix, "xvd") == 0) {
		if (disk < 16 && part < 16)
			*devid = XVD_MAJOR << 8 | disk << 4 | part;
		else if (disk < (1u << 20) && part < 256)
			*devid = VBD_EXTENDED | disk << 8 | part;
		else
			return -EINVAL;
	} else if (strcmp(prefix, "sd") == 0) {
		if (disk >= 16 || part >= 16)
			return -EINVAL;
		*devid = SD_MAJOR << 8 | disk << 4 | part;
	} else {
		if (disk >= 4 || part >= 64)
			return -EINVAL;
		*devid = disk < 2 ? (HD0_MAJOR << 8 | disk << 6 | part)
				  : (HD2_MAJOR << 8 | (disk - 2) << 6 | part);
	}
	return 0;
}

int diskspec_vdev_to_devid(const char *vdev, unsigned *devid)
{
	static const char *const prefixes[] = { "xvd", "hd", "sd" };
	unsigned disk, part = 0;
	uint64_t v;

	if (vdev[0] >= '0' && vdev[0] <= '9') {
		if (util_parse_u64(vdev, (1u << 30) - 1, &v) < 0 || v == 0)
			return -EINVAL;
		*devid = (unsigned)v;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t pl = strlen(prefixes[i]);
		int n;

		if (strncmp(vdev, prefixes[i], pl) != 0)
			continue;
		if ((n = parse_letters(vdev + pl, &disk)) < 0)
			return -EINVAL;
		if (vdev[pl + (size_t)n]) {
			if (vdev[pl + (size_t)n] == '0' ||
			    util_parse_u64(vdev + pl + (size_t)n, 255, &v) < 0)
				return -EINVAL;
			part = (unsigned)v;
		}
		return encode(prefixes[i], disk, part, devid);
	}
	return -EINVAL;
}

static void letters(unsigned disk, char *buf, size_t len)
{
	char tmp[8];
	int n = 0;

	for (unsigned v = disk + 1; v && n < (int)sizeof(tmp); v = (v - 1) / 26)
		tmp[n++] = (char)('a' + (v - 1) % 26);
	for (int i = 0; i < n && (size_t)i + 1 < len; i++)
		buf[i] = tmp[n - 1 - i];
	buf[(size_t)n < len ? (size_t)n : len - 1] = '\0';
}

void diskspec_devid_to_vdev(unsigned devid, char *buf, size_t len)
{
	const char *prefix = NULL;
	unsigned disk = 0, part = 0, major = devid >> 8;
	char l[8];

	if (devid & VBD_EXTENDED) {
		prefix = "xvd", disk = (devid & ~VBD_EXTENDED) >> 8, part = devid & 255;
	} else if (major == XVD_MAJOR || major == SD_MAJOR) {
		prefix = major == XVD_MAJOR ? "xvd" : "sd";
		disk = (devid >> 4) & 15, part = devid & 15;
	} else if (major == HD0_MAJOR || major == HD2_MAJOR) {
		prefix = "hd", disk = ((devid >> 6) & 3) + (major == HD2_MAJOR ? 2 : 0),
		part = devid & 63;
	}
	if (!prefix || disk >= (1u << 20)) {
		snprintf(buf, len, "%u", devid);
		return;
	}
	letters(disk, l, sizeof(l));
	if (part)
		snprintf(buf, len, "%s%s%u", prefix, l, part);
	else
		snprintf(buf, len, "%s%s", prefix, l);
}

static int copy_field(char *dst, size_t size, const char *src, size_t n, const char *what,
		      struct pvx_err *err)
{
	if (n >= size)
		return pvx_fail(err, -EINVAL,
				"disk spec: %s is too long (at most %zu characters)", what,
				size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

struct spec_key {
	const char *key;
	size_t off, size;
};

#define SK(k, f) \
	{ \
		k, offsetof(struct disk_spec, f), sizeof(((struct disk_spec *)0)->f) \
	}
static const struct spec_key spec_keys[] = {
	SK("format", format),   SK("vdev", vdev),     SK("backendtype", backendtype),
	SK("backend", backend), SK("script", script),
};
/* Positional items, in order; access and devtype go through item_access. */
static const char *const positional[] = { "target", "format", "vdev", "access" };

static int item_access(struct disk_spec *d, const char *v, struct pvx_err *err)
{
	if (!strcmp(v, "r") || !strcmp(v, "ro"))
		d->readonly = 1;
	else if (!strcmp(v, "w") || !strcmp(v, "rw") || !strcmp(v, "w!"))
		d->readonly = 0;
	else if (!strcmp(v, "cdrom") || !strcmp(v, "devtype=cdrom"))
		d->cdrom = 1, d->readonly = 1;
	else
		return pvx_fail(err, -EINVAL, "disk spec: access '%s' is not r, ro, rw or w", v);
	return 0;
}

static int item_flag(struct disk_spec *d, const char *it)
{
	if (!strcmp(it, "cdrom"))
		d->cdrom = 1, d->readonly = 1;
	else if (!strcmp(it, "discard"))
		d->discard = 1;
	else if (!strcmp(it, "no-discard"))
		d->discard = 0;
	else if (!strcmp(it, "direct-io-safe"))
		d->direct_io_safe = 1;
	else
		return 0;
	return 1;
}

static int item_key(struct disk_spec *d, const char *k, size_t kl, const char *v,
		    struct pvx_err *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(spec_keys); i++)
		if (strlen(spec_keys[i].key) == kl && !strncmp(k, spec_keys[i].key, kl))
			return copy_field((char *)d + spec_keys[i].off, spec_keys[i].size, v,
					  strlen(v), spec_keys[i].key, err);
	if (kl == 6 && !strncmp(k, "access", 6))
		return item_access(d, v, err);
	if (kl == 6 && !strncmp(k, "server", 6)) { /* pvisor's: how QEMU formats are served */
		if (strcmp(v, "auto") && strcmp(v, "vhost-user") && strcmp(v, "nbd"))
			return pvx_fail(err, -EINVAL,
					"disk spec: server '%s' is not auto, "
					"vhost-user or nbd",
					v);
		snprintf(d->server, sizeof(d->server), "%s", strcmp(v, "auto") ? v : "");
		return 0;
	}
	if (kl == 7 && !strncmp(k, "devtype", 7)) {
		if (strcmp(v, "cdrom") && strcmp(v, "disk"))
			return pvx_fail(err, -EINVAL,
					"disk spec: devtype '%s' is not disk or cdrom", v);
		d->cdrom = !strcmp(v, "cdrom");
		d->readonly |= d->cdrom;
		return 0;
	}
	return pvx_fail(err, -EINVAL,
			"disk spec: unknown key '%.*s' (known: target, format, vdev, "
			"access, devtype, backendtype, backend, script, server)",
			(int)kl, k);
}

/* Image formats xl names and the name QEMU's block layer (qemu-nbd, qemu-img) has
 * for each: xl's vhd is QEMU's vpc. raw is served by blkback itself. */
static const struct {
	const char *xl, *qemu;
} formats[] = {
	{ "raw", NULL },    { "empty", NULL }, { "qcow2", "qcow2" }, { "qcow", "qcow" },
	{ "vmdk", "vmdk" }, { "vdi", "vdi" },  { "vhdx", "vhdx" },   { "vhd", "vpc" },
	{ "vpc", "vpc" },   { "qed", "qed" },
};

static int is_format(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (!strcmp(s, formats[i].xl))
			return 1;
	return 0;
}

const char *diskspec_qemu_format(const char *format)
{
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (!strcmp(format, formats[i].xl))
			return formats[i].qemu;
	return NULL;
}

int diskspec_target_is_uri(const char *target)
{
	static const char *const schemes[] = { "nbd://",       "nbds://",      "nbd+unix://",
					       "nbds+unix://", "nbd+vsock://", "nbds+vsock://" };

	for (size_t i = 0; i < ARRAY_SIZE(schemes); i++)
		if (!strncmp(target, schemes[i], strlen(schemes[i])))
			return 1;
	return 0;
}

/* What libnbd needs of an NBD URI before it can connect: a host for TCP, a
 * socket for Unix (the export name may be empty). */
static int uri_check(const char *t, const char *spec, struct pvx_err *err)
{
	const char *rest = strstr(t, "://") + 3;
	const char *q = strchr(rest, '?');

	if (strstr(t, "+unix://")) {
		if (!q || !strstr(q, "socket="))
			return pvx_fail(err, -EINVAL,
					"disk spec '%s': %s names no socket (add "
					"?socket=PATH)",
					spec, t);
	} else if (!*rest || *rest == '/' || *rest == '?') {
		return pvx_fail(err, -EINVAL,
				"disk spec '%s': %s names no host (nbd://HOST[:PORT]"
				"/EXPORT)",
				spec, t);
	}
	return 0;
}

/* xm's legacy target prefixes: phy:, file:, tap:aio:, tap2:aio:, tap:qcow2:, ... */
static void target_prefixes(struct disk_spec *d)
{
	static const char *const drop[] = { "file:", "tap:", "tap2:", "aio:" };
	char *t = d->target, *colon;

	if (!strncmp(t, "phy:", 4)) {
		strcpy(d->backendtype, "phy");
		memmove(t, t + 4, strlen(t + 4) + 1);
	}
	for (int again = 1; again;) {
		again = 0;
		for (size_t i = 0; i < ARRAY_SIZE(drop); i++)
			if (!strncmp(t, drop[i], strlen(drop[i]))) {
				memmove(t, t + strlen(drop[i]), strlen(t + strlen(drop[i])) + 1);
				again = 1;
			}
		colon = strchr(t, ':');
		if (colon && colon - t < (long)sizeof(d->format)) {
			*colon = '\0';
			if (is_format(t)) {
				strcpy(d->format, t);
				memmove(t, colon + 1, strlen(colon + 1) + 1);
				again = 1;
			} else {
				*colon = ':';
			}
		}
	}
}

/* A vdev, with xm's ":cdrom" / ":disk" suffix. */
static int set_vdev(struct disk_spec *d, const char *it, struct pvx_err *err)
{
	const char *colon = strchr(it, ':');
	size_t n = colon ? (size_t)(colon - it) : strlen(it);

	if (colon && !strcmp(colon, ":cdrom"))
		d->cdrom = 1, d->readonly = 1;
	else if (colon && strcmp(colon, ":disk"))
		return pvx_fail(err, -EINVAL,
				"disk spec: vdev '%s': only :cdrom or :disk may follow", it);
	return copy_field(d->vdev, sizeof(d->vdev), it, n, "vdev", err);
}

static int item_positional(struct disk_spec *d, unsigned *pos, const char *it,
			   struct pvx_err *err)
{
	unsigned v;
	char name[32];

	/* xm's three-item form target,vdev,access: a second item that is no format but
	 * a disk name is the vdev. */
	if (*pos == 1 && *it && !is_format(it)) {
		size_t n = strcspn(it, ":");

		if (n < sizeof(name)) {
			memcpy(name, it, n);
			name[n] = '\0';
			if (diskspec_vdev_to_devid(name, &v) == 0)
				*pos = 2;
		}
	}
	if (*pos >= ARRAY_SIZE(positional))
		return pvx_fail(err, -EINVAL,
				"disk spec: too many positional items at '%s' "
				"(target,format,vdev,access)",
				it);
	switch ((*pos)++) {
	case 0: {
		int rc = copy_field(d->target, sizeof(d->target), it, strlen(it), "target", err);

		if (rc == 0)
			target_prefixes(d);
		return rc;
	}
	case 1:
		return *it ? copy_field(d->format, sizeof(d->format), it, strlen(it), "format",
					err)
			   : 0;
	case 2:
		return set_vdev(d, it, err);
	default:
		return *it ? item_access(d, it, err) : 0;
	}
}

static int spec_check(struct disk_spec *d, const char *spec, struct pvx_err *err)
{
	if (!d->format[0])
		strcpy(d->format, "raw");
	if (!is_format(d->format))
		return pvx_fail(err, -EINVAL,
				"disk spec '%s': format '%s' is not raw, qcow2, qcow, "
				"vmdk, vdi, vhdx, vhd (vpc), qed or empty",
				spec, d->format);
	if (diskspec_target_is_uri(d->target) && uri_check(d->target, spec, err) < 0)
		return -EINVAL;
	if (diskspec_target_is_uri(d->target) && strcmp(d->format, "raw"))
		return pvx_fail(err, -EINVAL,
				"disk spec '%s': format '%s' with an NBD target: an "
				"NBD export is served as it is (leave format out, or raw)",
				spec, d->format);
	if (!d->vdev[0])
		return pvx_fail(err, -EINVAL, "disk spec '%s': no vdev (add vdev=xvda)", spec);
	if (diskspec_vdev_to_devid(d->vdev, &d->devid) < 0)
		return pvx_fail(err, -EINVAL,
				"disk spec '%s': vdev '%s' is not a disk name "
				"(xvda, hdc, sdb1) or vbd number",
				spec, d->vdev);
	if (!d->target[0] && !d->cdrom)
		return pvx_fail(err, -EINVAL, "disk spec '%s': no target (the image or device)",
				spec);
	if (d->backend[0] && strcmp(d->backend, "0") && strcmp(d->backend, "Domain-0"))
		return pvx_fail(err, -EINVAL,
				"disk spec '%s': backend '%s': only dom0 serves "
				"disks",
				spec, d->backend);
	return 0;
}

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

int diskspec_parse(const char *spec, struct disk_spec *out, struct pvx_err *err)
{
	const char *p = spec;
	unsigned pos = 0;
	char item[1100];
	int rc;

	memset(out, 0, sizeof(*out));
	out->discard = 1;
	while (*p) {
		const char *comma = strchr(p, ','), *s = p, *eq;
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		trim(&s, &n);
		if (n >= 7 && !strncmp(s, "target=", 7)) { /* the rest, commas and all */
			const char *t = s + 7;
			size_t tn = strlen(t);

			trim(&t, &tn);
			rc = copy_field(out->target, sizeof(out->target), t, tn, "target", err);
			if (rc < 0)
				return rc;
			break;
		}
		if ((rc = copy_field(item, sizeof(item), s, n, "item", err)) < 0)
			return rc;
		eq = strchr(item, '=');
		if (eq)
			rc = item_key(out, item, (size_t)(eq - item), eq + 1, err);
		else if (!item_flag(out, item))
			rc = item_positional(out, &pos, item, err);
		if (rc < 0)
			return rc;
		if (!comma)
			break;
		p = comma + 1;
	}
	return spec_check(out, spec, err);
}
