/* struct domcfg as JSON through yajl, in the shape of `xl create --dry-run` and
 * one element of `xl list -l`: {"domid", "config": {c_info, b_info, ...}}. */
#include "libpvx/domcfg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

/* Each helper returns 0 or a yajl_gen_status; callers OR them together. */
static int gen_str(yajl_gen g, const char *s)
{
	return yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static int gen_key_str(yajl_gen g, const char *key, const char *val)
{
	if (!val)
		return 0; /* xl leaves unset fields out */
	return gen_str(g, key) | gen_str(g, val);
}

static int gen_key_int(yajl_gen g, const char *key, long long val)
{
	return gen_str(g, key) | yajl_gen_integer(g, val);
}

static int gen_c_info(yajl_gen g, const struct domcfg *dc)
{
	char uuid[37];
	int st;

	domcfg_uuid_format(dc->uuid, uuid);
	st = gen_str(g, "c_info") | yajl_gen_map_open(g);
	st |= gen_key_str(g, "type", domcfg_type_name(dc->type));
	st |= gen_key_str(g, "name", dc->name);
	st |= gen_key_str(g, "uuid", uuid);
	return st | yajl_gen_map_close(g);
}

/* avail_vcpus is a bitmap, which libxl writes as the list of set bits. */
static int gen_avail_vcpus(yajl_gen g, unsigned vcpus)
{
	unsigned i;
	int st = gen_str(g, "avail_vcpus") | yajl_gen_array_open(g);

	for (i = 0; i < vcpus; i++)
		st |= yajl_gen_integer(g, i);
	return st | yajl_gen_array_close(g);
}

/* pvisor: an affinity as written, a string or the per-vCPU list. */
static int gen_affinity(yajl_gen g, const char *key, const struct domcfg_affinity *a)
{
	int st;

	if (!a->n)
		return gen_key_str(g, key, a->all);
	st = gen_str(g, key) | yajl_gen_array_open(g);
	for (size_t i = 0; i < a->n; i++)
		st |= gen_str(g, a->vcpu[i]);
	return st | yajl_gen_array_close(g);
}

static int gen_bootloader(yajl_gen g, const struct domcfg *dc)
{
	int st = gen_key_str(g, "bootloader", dc->bootloader);

	if (!dc->n_bootloader_args)
		return st;
	st |= gen_str(g, "bootloader_args") | yajl_gen_array_open(g);
	for (size_t i = 0; i < dc->n_bootloader_args; i++)
		st |= gen_str(g, dc->bootloader_args[i]);
	return st | yajl_gen_array_close(g);
}

/* The guest's clock and migration, as libxl names them; defaults left out. */
static int gen_time(yajl_gen g, const struct domcfg *dc)
{
	int st = 0;

	if (dc->rtc_timeoffset)
		st |= gen_key_int(g, "rtc_timeoffset", dc->rtc_timeoffset);
	if (dc->localtime)
		st |= gen_key_str(g, "localtime", "True");
	if (dc->nomigrate)
		st |= gen_key_str(g, "disable_migrate", "True");
	if (dc->tsc_mode == DOMCFG_TSC_NATIVE)
		st |= gen_key_str(g, "tsc_mode", "native");
	return st;
}

static int gen_b_info(yajl_gen g, const struct domcfg *dc)
{
	int st = gen_str(g, "b_info") | yajl_gen_map_open(g);

	st |= gen_key_int(g, "max_vcpus", dc->maxvcpus);
	st |= gen_avail_vcpus(g, dc->vcpus);
	st |= gen_affinity(g, "cpus", &dc->cpus);
	st |= gen_affinity(g, "cpus_soft", &dc->cpus_soft);
	st |= gen_time(g, dc);
	st |= gen_key_int(g, "max_memkb", (long long)dc->maxmem_mib * 1024);
	st |= gen_key_int(g, "target_memkb", (long long)dc->memory_mib * 1024);
	st |= gen_str(g, "sched_params") | yajl_gen_map_open(g);
	st |= gen_key_int(g, "weight", dc->cpu_weight);
	st |= gen_key_int(g, "cap", dc->cap);
	st |= yajl_gen_map_close(g);
	st |= gen_key_str(g, "kernel", dc->kernel);
	st |= gen_key_str(g, "cmdline", dc->cmdline);
	st |= gen_key_str(g, "ramdisk", dc->ramdisk);
	st |= gen_bootloader(g, dc);
	st |= gen_str(g, dc->type == DOMCFG_TYPE_HVM   ? "type.hvm"
			 : dc->type == DOMCFG_TYPE_PVH ? "type.pvh"
						       : "type.pv");
	st |= yajl_gen_map_open(g) | yajl_gen_map_close(g);
	return st | yajl_gen_map_close(g);
}

static const char *disk_text(const struct domcfg *dc, size_t i)
{
	return dc->disks[i].text;
}

static const char *vif_text(const struct domcfg *dc, size_t i)
{
	return dc->vifs[i].text;
}

/* Devices as their specs were written (xl prints the parsed fields; here the
 * user's text, exactly); xl leaves empty device arrays out. */
static int gen_specs(yajl_gen g, const char *key, const struct domcfg *dc, size_t n,
		     const char *(*text_of)(const struct domcfg *dc, size_t i))
{
	int st;

	if (!n)
		return 0;
	st = gen_str(g, key) | yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++)
		st |= gen_str(g, text_of(dc, i) ? text_of(dc, i) : "");
	return st | yajl_gen_array_close(g);
}

static int gen_actions(yajl_gen g, const struct domcfg *dc)
{
	int st = gen_key_str(g, "on_poweroff", domcfg_action_json_name(dc->on_poweroff));

	st |= gen_key_str(g, "on_reboot", domcfg_action_json_name(dc->on_reboot));
	st |= gen_key_str(g, "on_watchdog", domcfg_action_json_name(dc->on_watchdog));
	st |= gen_key_str(g, "on_crash", domcfg_action_json_name(dc->on_crash));
	st |= gen_key_str(g, "on_soft_reset", domcfg_action_json_name(dc->on_soft_reset));
	return st;
}

int domcfg_json_gen_config_open(const struct domcfg *dc, struct yajl_gen_t *g)
{
	int st = yajl_gen_map_open(g);

	st |= gen_c_info(g, dc);
	st |= gen_b_info(g, dc);
	st |= gen_specs(g, "disks", dc, dc->n_disks, disk_text);
	st |= gen_specs(g, "nics", dc, dc->n_vifs, vif_text);
	st |= gen_actions(g, dc);
	return st ? -EIO : 0;
}

int domcfg_json_gen_config(const struct domcfg *dc, struct yajl_gen_t *g)
{
	int rc = domcfg_json_gen_config_open(dc, g);

	return rc || yajl_gen_map_close(g) ? -EIO : 0;
}

int domcfg_json_gen(const struct domcfg *dc, int domid, struct yajl_gen_t *g)
{
	int st = yajl_gen_map_open(g) | gen_str(g, "domid");

	st |= domid < 0 ? yajl_gen_null(g) : yajl_gen_integer(g, domid);
	st |= gen_str(g, "config");
	st |= domcfg_json_gen_config(dc, g);
	st |= yajl_gen_map_close(g);
	return st ? -EIO : 0;
}

int domcfg_to_json(const struct domcfg *dc, int domid, char **out)
{
	const unsigned char *buf;
	size_t len;
	yajl_gen g = yajl_gen_alloc(NULL);
	int rc;

	*out = NULL;
	if (!g)
		return -ENOMEM;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "    ");
	rc = domcfg_json_gen(dc, domid, g);
	if (!rc && yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		rc = -EIO;
	if (!rc && !(*out = strndup((const char *)buf, len)))
		rc = -ENOMEM;
	yajl_gen_free(g);
	return rc;
}
