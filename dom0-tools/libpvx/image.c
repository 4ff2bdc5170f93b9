/* Image chains from qemu-img's JSON in and out, sizes as text (see image.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "libpvx/image.h"

static yajl_val obj_get(yajl_val obj, const char *key, yajl_type type)
{
	const char *path[] = { key, NULL };

	return yajl_tree_get(obj, path, type);
}

static uint64_t obj_u64(yajl_val obj, const char *key)
{
	yajl_val v = obj_get(obj, key, yajl_t_number);

	return v && YAJL_IS_INTEGER(v) && YAJL_GET_INTEGER(v) > 0 ? (uint64_t)YAJL_GET_INTEGER(v)
								  : 0;
}

static const char *obj_str(yajl_val obj, const char *key)
{
	yajl_val v = obj_get(obj, key, yajl_t_string);

	return v && YAJL_IS_STRING(v) ? v->u.string : NULL;
}

static char *obj_strdup(yajl_val obj, const char *key)
{
	const char *s = obj_str(obj, key);

	return s ? strdup(s) : NULL;
}

static int layer_parse(yajl_val obj, struct pvx_image_layer *l, size_t i, struct pvx_err *err)
{
	const char *fmt = obj_str(obj, "format");
	const char *corrupt[] = { "format-specific", "data", "corrupt", NULL };

	l->filename = obj_strdup(obj, "filename");
	if (!l->filename || !fmt || strlen(fmt) >= sizeof(l->format))
		return pvx_fail(err, -EINVAL,
				"qemu-img info: image %zu of the chain has no "
				"filename or format",
				i);
	strcpy(l->format, fmt);
	l->virtual_size = obj_u64(obj, "virtual-size");
	l->actual_size = obj_u64(obj, "actual-size");
	l->cluster_size = obj_u64(obj, "cluster-size");
	l->backing = obj_strdup(obj, "backing-filename");
	l->dirty = YAJL_IS_TRUE(obj_get(obj, "dirty-flag", yajl_t_true));
	l->corrupt = YAJL_IS_TRUE(yajl_tree_get(obj, corrupt, yajl_t_true));
	return 0;
}

int pvx_image_info_parse(const char *json, struct pvx_image_info *out, struct pvx_err *err)
{
	char why[256] = "";
	yajl_val root = yajl_tree_parse(json, why, sizeof(why));
	yajl_val *items;
	size_t n;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!root)
		return pvx_fail(err, -EINVAL, "qemu-img info: not JSON (%s)", why);
	items = YAJL_IS_ARRAY(root) ? root->u.array.values : &root;
	n = YAJL_IS_ARRAY(root) ? root->u.array.len : 1;
	if (n == 0 || !YAJL_IS_OBJECT(items[0]))
		rc = pvx_fail(err, -EINVAL, "qemu-img info: no image in its answer");
	else if (!(out->layers = calloc(n, sizeof(*out->layers))))
		rc = pvx_fail(err, -ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		out->n = i + 1; /* what pvx_image_info_free must look at */
		rc = YAJL_IS_OBJECT(items[i]) ? layer_parse(items[i], &out->layers[i], i, err)
					      : pvx_fail(err, -EINVAL,
							 "qemu-img info: image %zu "
							 "is not an object",
							 i);
	}
	yajl_tree_free(root);
	return rc;
}

void pvx_image_info_free(struct pvx_image_info *info)
{
	for (size_t i = 0; info->layers && i < info->n; i++) {
		free(info->layers[i].filename);
		free(info->layers[i].backing);
	}
	free(info->layers);
	memset(info, 0, sizeof(*info));
}

void pvx_image_size_text(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	unsigned u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0 || v == (double)(uint64_t)v)
		snprintf(buf, len, "%llu %s", (unsigned long long)v, units[u]);
	else
		snprintf(buf, len, "%.3g %s", v, units[u]);
}

static int gen_str(yajl_gen g, const char *key, const char *val)
{
	return yajl_gen_string(g, (const unsigned char *)key, strlen(key)) |
	       yajl_gen_string(g, (const unsigned char *)val, strlen(val));
}

static int gen_u64(yajl_gen g, const char *key, uint64_t val)
{
	return yajl_gen_string(g, (const unsigned char *)key, strlen(key)) |
	       yajl_gen_integer(g, (long long)val);
}

static int gen_bool(yajl_gen g, const char *key, int val)
{
	return yajl_gen_string(g, (const unsigned char *)key, strlen(key)) |
	       yajl_gen_bool(g, val);
}

static int layer_gen(yajl_gen g, const struct pvx_image_layer *l)
{
	int st = yajl_gen_map_open(g);

	st |= gen_str(g, "filename", l->filename) | gen_str(g, "format", l->format);
	st |= gen_u64(g, "virtual-size", l->virtual_size);
	st |= gen_u64(g, "actual-size", l->actual_size);
	if (l->cluster_size)
		st |= gen_u64(g, "cluster-size", l->cluster_size);
	if (l->backing)
		st |= gen_str(g, "backing-filename", l->backing);
	st |= gen_bool(g, "dirty", l->dirty) | gen_bool(g, "corrupt", l->corrupt);
	return st | yajl_gen_map_close(g);
}

int pvx_image_info_to_json(const struct pvx_image_info *info, char **out)
{
	const unsigned char *buf;
	size_t len;
	yajl_gen g = yajl_gen_alloc(NULL);
	int st;

	*out = NULL;
	if (!g)
		return -ENOMEM;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "    ");
	st = yajl_gen_array_open(g);
	for (size_t i = 0; i < info->n; i++)
		st |= layer_gen(g, &info->layers[i]);
	st |= yajl_gen_array_close(g);
	if (!st && yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		*out = strndup((const char *)buf, len);
	yajl_gen_free(g);
	return st ? -EIO : *out ? 0 : -ENOMEM;
}
