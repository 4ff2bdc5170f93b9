/* Build a validated struct domcfg from a parsed xl.cfg: one handler per key,
 * warnings for keys pvisor ignores, then defaults and cross-key checks. */
#include "libpvx/domcfg.h"
#include "libpvx/domcfg_priv.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "<where>: <key>: <message>" into c->err; returns -EINVAL. */
int dc_error(struct dc_ctx *c, int line, const char *key, const char *fmt, ...)
{
	char where[300], msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line < 0)
		snprintf(where, sizeof(where), "%s", c->cf->name);
	else
		cfg_where(c->cf, line, where, sizeof(where));
	return pvx_fail(c->err, -EINVAL, "%s: %s: %s", where, key, msg);
}

void dc_warn(struct dc_ctx *c, int line, const char *fmt, ...)
{
	char where[300], msg[400], line_buf[720];
	va_list ap;

	if (!c->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cfg_where(c->cf, line, where, sizeof(where));
	snprintf(line_buf, sizeof(line_buf), "%s: warning: %s", where, msg);
	c->warn(c->warn_ctx, line_buf);
}

/* How a value looks in a message: "lots", 64, or "a list". */
void dc_show_value(const struct cfg_value *v, char *buf, size_t len)
{
	if (v->type == CFG_LIST)
		snprintf(buf, len, "a list");
	else if (v->type == CFG_NUMBER)
		snprintf(buf, len, "%s", v->str);
	else
		cfg_quote(v->str, buf, len);
}

/* A string value (numbers count, as in xl: name = 123 is "123"). */
int dc_get_string(struct dc_ctx *c, const char *key, const struct cfg_value *v, const char **out)
{
	if (v->type == CFG_LIST)
		return dc_error(c, v->line, key, "expected a string, got a list");
	*out = v->str;
	return 0;
}

/* A number within the handler's bounds; strings holding a number count too. */
int dc_get_number(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v,
		  long long *out)
{
	char shown[64];
	long long n = v->num;

	dc_show_value(v, shown, sizeof(shown));
	if (v->type == CFG_LIST ||
	    (v->type == CFG_STRING && cfg_number_parse(v->str, strlen(v->str), &n)))
		return dc_error(c, v->line, h->key, "expected %s, got %s", h->what, shown);
	if (n < h->min || n > h->max)
		return dc_error(c, v->line, h->key, "expected %s from %lld to %lld, got %s",
				h->what, h->min, h->max, shown);
	*out = n;
	return 0;
}

static int key_u64(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	long long n;
	int rc = dc_get_number(c, h, v, &n);

	if (!rc)
		*FIELD(c, h, uint64_t) = (uint64_t)n;
	return rc;
}

static int key_unsigned(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	long long n;
	int rc = dc_get_number(c, h, v, &n);

	if (!rc)
		*FIELD(c, h, unsigned) = (unsigned)n;
	return rc;
}

static int name_error(struct dc_ctx *c, const struct cfg_value *v, const char *s)
{
	char shown[96];
	size_t i;

	cfg_quote(s, shown, sizeof(shown));
	if (!strcmp(s, "Domain-0"))
		return dc_error(c, v->line, "name",
				"\"Domain-0\" is reserved for the control domain");
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i > 0 && i <= DOMCFG_NAME_MAX && s[i] == '\0')
		return dc_error(c, v->line, "name",
				"must not be all digits (it would read as a domain id), got %s",
				shown);
	return dc_error(c, v->line, "name",
			"expected 1 to %d characters from A-Z a-z 0-9 _ . -, got %s",
			DOMCFG_NAME_MAX, shown);
}

static int key_name(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	const char *s = NULL;
	int rc = dc_get_string(c, h->key, v, &s);

	if (rc)
		return rc;
	if (domcfg_name_check(s))
		return name_error(c, v, s);
	snprintf(c->dc->name, sizeof(c->dc->name), "%s", s);
	return 0;
}

static int key_type(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	char shown[96];
	const char *s = NULL;
	int rc = dc_get_string(c, h->key, v, &s);

	if (rc)
		return rc;
	if (!strcmp(s, "pv") || !strcmp(s, "hvm") || !strcmp(s, "pvh")) {
		c->dc->type = !strcmp(s, "pv")    ? DOMCFG_TYPE_PV
			      : !strcmp(s, "hvm") ? DOMCFG_TYPE_HVM
						  : DOMCFG_TYPE_PVH;
		return 0;
	}
	cfg_quote(s, shown, sizeof(shown));
	return dc_error(c, v->line, h->key, "expected \"pv\", \"pvh\" or \"hvm\", got %s", shown);
}

/* builder= is the old spelling of type= ("generic" = pv). */
static int key_builder(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	char shown[96];
	const char *s = NULL;
	int rc = dc_get_string(c, h->key, v, &s);

	if (rc)
		return rc;
	if (cfg_get(c->cf, "type"))
		return dc_error(
			c, v->line, h->key,
			"cannot be combined with type= (builder is the old spelling: keep only type)");
	if (!strcmp(s, "generic") || !strcmp(s, "hvm")) {
		c->dc->type = s[0] == 'h' ? DOMCFG_TYPE_HVM : DOMCFG_TYPE_PV;
		return 0;
	}
	cfg_quote(s, shown, sizeof(shown));
	return dc_error(c, v->line, h->key, "expected \"generic\" or \"hvm\", got %s", shown);
}

/* kernel=, ramdisk=: a path; an empty ramdisk means none. */
static int key_path(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	char **field = FIELD(c, h, char *);
	const char *s = NULL;
	int rc = dc_get_string(c, h->key, v, &s);

	if (rc)
		return rc;
	if (strlen(s) > PATH_MAX - 1)
		return dc_error(c, v->line, h->key, "path longer than %d characters",
				PATH_MAX - 1);
	if (!*s && field == &c->dc->ramdisk)
		return 0;
	if (!*s)
		return dc_error(c, v->line, h->key, "must not be empty");
	free(*field);
	*field = strdup(s);
	return *field ? 0 : -ENOMEM;
}

static int key_cmdline(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	const char *s = NULL;
	int rc = dc_get_string(c, h->key, v, &s);

	if (rc)
		return rc;
	if (!strcmp(h->key, "root"))
		c->root = s;
	else if (!strcmp(h->key, "extra"))
		c->extra = s;
	else if (!(c->dc->cmdline = strdup(s)))
		return -ENOMEM;
	return 0;
}

static int key_action(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	char shown[96];
	const char *s = NULL;
	int rc = dc_get_string(c, h->key, v, &s);

	if (rc)
		return rc;
	if (domcfg_action_parse(s, FIELD(c, h, enum domcfg_action)) == 0)
		return 0;
	cfg_quote(s, shown, sizeof(shown));
	return dc_error(c, v->line, h->key,
			"expected destroy, restart, rename-restart, preserve, coredump-destroy, "
			"coredump-restart or soft-reset, got %s",
			shown);
}

static int key_uuid(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	char shown[96];
	const char *s = NULL;
	int rc = dc_get_string(c, h->key, v, &s);

	if (rc)
		return rc;
	if (domcfg_uuid_parse(s, c->dc->uuid)) {
		cfg_quote(s, shown, sizeof(shown));
		return dc_error(
			c, v->line, h->key,
			"expected 32 hex digits as xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, got %s",
			shown);
	}
	c->dc->uuid_given = 1;
	return 0;
}

/* disk=, vif=: a list of spec strings (checked here, parsed by the key's
 * handler). An empty vif spec means "all defaults" (as in xl); an empty disk is a
 * mistake. */
static int spec_items(struct dc_ctx *c, const char *key, const struct cfg_value *v,
		      const char *example)
{
	if (v->type != CFG_LIST)
		return dc_error(c, v->line, key, "expected a list such as [ %s ], got a %s",
				example, v->type == CFG_STRING ? "string" : "number");
	for (size_t i = 0; i < v->n_items; i++) {
		const struct cfg_value *it = &v->items[i];

		if (it->type == CFG_LIST)
			return dc_error(c, it->line, key,
					"item %zu: expected a string, got a list", i + 1);
		if (!*it->str && key[0] == 'd')
			return dc_error(
				c, it->line, key,
				"item %zu is empty; a disk needs at least a target and a vdev",
				i + 1);
	}
	return 0;
}

/* One disk spec parsed into d, naming its own vdev among the first i. */
static int disk_one(struct dc_ctx *c, const char *key, const struct cfg_value *it, size_t i)
{
	struct disk_spec *d = &c->dc->disks[i];
	struct pvx_err err = { 0 };

	if (diskspec_parse(it->str, d, &err) < 0)
		return dc_error(c, it->line, key, "item %zu: %s", i + 1, err.msg);
	for (size_t j = 0; j < i; j++)
		if (c->dc->disks[j].devid == d->devid)
			return dc_error(c, it->line, key,
					"item %zu: vdev %s is already used by item %zu", i + 1,
					d->vdev, j + 1);
	return (d->text = strdup(it->str)) ? 0 : -ENOMEM;
}

static int key_disk(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	int rc = spec_items(c, h->key, v, "'/srv/guest.img,raw,xvda,rw'");

	if (rc == 0 && !(c->dc->disks = calloc(v->n_items + 1, sizeof(*c->dc->disks))))
		rc = -ENOMEM;
	for (size_t i = 0; rc == 0 && i < v->n_items; i++)
		if ((rc = disk_one(c, h->key, &v->items[i], i)) == 0)
			c->dc->n_disks = i + 1;
	return rc;
}

struct vif_warn_ctx {
	struct dc_ctx *c;
	int line;
};

static void vif_warn(void *ctx, const char *msg)
{
	struct vif_warn_ctx *w = ctx;

	dc_warn(w->c, w->line, "%s", msg);
}

/* One vif spec parsed (a random MAC drawn when it has no mac=). */
static int vif_one(struct dc_ctx *c, const char *key, const struct cfg_value *it, size_t i)
{
	struct vif_warn_ctx w = { c, it->line };
	struct vif_spec *vs = &c->dc->vifs[i];
	struct pvx_err err = { 0 };
	int rc = vifspec_parse(it->str, vs, vif_warn, &w, &err);

	if (rc == -EINVAL || rc == -EIO) {
		dc_error(c, it->line, key, "item %zu: %s", i + 1,
			 strncmp(err.msg, "vif: ", 5) == 0 ? err.msg + 5 : err.msg);
		if (c->err)
			c->err->code = rc; /* -EIO: no randomness for the MAC */
		return rc;
	}
	if (rc == 0 && !(vs->text = strdup(it->str)))
		rc = -ENOMEM;
	return rc;
}

static int key_vif(struct dc_ctx *c, const struct key_handler *h, const struct cfg_value *v)
{
	int rc = spec_items(c, h->key, v, "'bridge=xenbr0'");

	if (rc == 0 && !(c->dc->vifs = calloc(v->n_items + 1, sizeof(*c->dc->vifs))))
		rc = -ENOMEM;
	for (size_t i = 0; rc == 0 && i < v->n_items; i++)
		if ((rc = vif_one(c, h->key, &v->items[i], i)) == 0)
			c->dc->n_vifs = i + 1;
	return rc;
}

#define OFF(f) offsetof(struct domcfg, f)
static const struct key_handler handlers[] = {
	{ "name", key_name, 0, NULL, 0, 0 },
	{ "type", key_type, 0, NULL, 0, 0 },
	{ "builder", key_builder, 0, NULL, 0, 0 },
	{ "memory", key_u64, OFF(memory_mib), "a number of MiB", 1, DOMCFG_MEMORY_MAX },
	{ "maxmem", key_u64, OFF(maxmem_mib), "a number of MiB", 1, DOMCFG_MEMORY_MAX },
	{ "vcpus", key_unsigned, OFF(vcpus), "a number of vCPUs", 1, DOMCFG_VCPUS_MAX },
	{ "maxvcpus", key_unsigned, OFF(maxvcpus), "a number of vCPUs", 1, DOMCFG_VCPUS_MAX },
	{ "kernel", key_path, OFF(kernel), NULL, 0, 0 },
	{ "ramdisk", key_path, OFF(ramdisk), NULL, 0, 0 },
	{ "cmdline", key_cmdline, 0, NULL, 0, 0 },
	{ "root", key_cmdline, 0, NULL, 0, 0 },
	{ "extra", key_cmdline, 0, NULL, 0, 0 },
	{ "on_poweroff", key_action, OFF(on_poweroff), NULL, 0, 0 },
	{ "on_reboot", key_action, OFF(on_reboot), NULL, 0, 0 },
	{ "on_watchdog", key_action, OFF(on_watchdog), NULL, 0, 0 },
	{ "on_crash", key_action, OFF(on_crash), NULL, 0, 0 },
	{ "on_soft_reset", key_action, OFF(on_soft_reset), NULL, 0, 0 },
	{ "cpu_weight", key_unsigned, OFF(cpu_weight), "a weight", 1, 65535 },
	{ "cap", key_unsigned, OFF(cap), "a percentage", 0, 100 * DOMCFG_VCPUS_MAX },
	{ "uuid", key_uuid, 0, NULL, 0, 0 },
	{ "cpus", key_affinity, OFF(cpus), NULL, 0, 0 },
	{ "cpus_soft", key_affinity, OFF(cpus_soft), NULL, 0, 0 },
	{ "bootloader", key_bootloader, 0, NULL, 0, 0 },
	{ "bootloader_args", key_bootloader_args, 0, NULL, 0, 0 },
	{ "rtc_timeoffset", key_long, OFF(rtc_timeoffset), "a number of seconds",
	  -86400LL * 366 * 100, 86400LL * 366 * 100 },
	{ "localtime", key_bool, OFF(localtime), "0 or 1", 0, 0 },
	{ "nomigrate", key_bool, OFF(nomigrate), "0 or 1", 0, 0 },
	{ "tsc_mode", key_tsc_mode, 0, NULL, 0, 0 },
	{ "pool", key_pool, 0, NULL, 0, 0 },
	{ "max_grant_frames", key_limit, 0, "grant frames", 1, DOMCFG_GRANT_FRAMES },
	{ "max_event_channels", key_limit, 0, "event channels", 1, DOMCFG_EVENT_CHANNELS },
	{ "max_grant_version", key_limit, 0, "a grant table version", 1, 1 },
	{ "disk", key_disk, 0, NULL, 0, 0 },
	{ "vif", key_vif, 0, NULL, 0, 0 },
};

static const struct key_handler *find_handler(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (!strcmp(handlers[i].key, key))
			return &handlers[i];
	return NULL;
}

/* A key pvisor has no handler for: one of xl's it does not implement (a warning
 * or an error saying why, nothing for a value that asks for nothing), or one xl
 * does not know either. */
static int dc_xlkey(struct dc_ctx *c, const struct cfg_entry *e)
{
	const struct domcfg_xlkey *k = domcfg_xlkey_find(e->key);

	if (!k) {
		dc_warn(c, e->value.line, "unknown key '%s' ignored", e->key);
		return 0;
	}
	if (domcfg_xlkey_neutral(k, &e->value))
		return 0;
	if (k->treat == XK_REJECT)
		return dc_error(c, e->value.line, e->key,
				"not supported by pvisor: %s; remove it", k->why);
	dc_warn(c, e->value.line, "%s: not supported by pvisor, ignored: %s", e->key, k->why);
	return 0;
}

/* Walk the keys in file order: parse the known ones, warn about the rest. */
static int dc_parse_keys(struct dc_ctx *c)
{
	size_t i;

	for (i = 0; i < c->cf->n_entries; i++) {
		const struct cfg_entry *e = &c->cf->entries[i];
		const struct key_handler *h = find_handler(e->key);
		int rc;

		if (h)
			rc = h->parse(c, h, &e->value);
		else
			rc = dc_xlkey(c, e);
		if (rc)
			return rc;
	}
	return 0;
}

static int line_of(struct dc_ctx *c, const char *key)
{
	const struct cfg_value *v = cfg_get(c->cf, key);

	return v ? v->line : -1;
}

/* xl: 32 MiB if neither is given; either one defaults to the other. */
static int dc_check_memory(struct dc_ctx *c)
{
	struct domcfg *dc = c->dc;
	int has_mem = cfg_get(c->cf, "memory") != NULL,
	    has_max = cfg_get(c->cf, "maxmem") != NULL;

	if (!has_mem && !has_max)
		dc->memory_mib = dc->maxmem_mib = DOMCFG_MEMORY_DEFAULT;
	else if (!has_max)
		dc->maxmem_mib = dc->memory_mib;
	else if (!has_mem)
		dc->memory_mib = dc->maxmem_mib;
	else if (dc->maxmem_mib < dc->memory_mib)
		return dc_error(
			c, line_of(c, "maxmem"), "maxmem",
			"%llu MiB is less than memory (%llu MiB); raise maxmem or remove it",
			(unsigned long long)dc->maxmem_mib, (unsigned long long)dc->memory_mib);
	return 0;
}

static int dc_check_vcpus(struct dc_ctx *c)
{
	struct domcfg *dc = c->dc;

	if (!cfg_get(c->cf, "vcpus"))
		dc->vcpus = 1;
	if (!cfg_get(c->cf, "maxvcpus"))
		dc->maxvcpus = dc->vcpus;
	else if (dc->maxvcpus < dc->vcpus)
		return dc_error(c, line_of(c, "maxvcpus"), "maxvcpus",
				"%u is less than vcpus (%u); raise maxvcpus or remove it",
				dc->maxvcpus, dc->vcpus);
	if (dc->cap > 100 * dc->maxvcpus)
		return dc_error(c, line_of(c, "cap"), "cap",
				"expected a percentage from 0 to %u (100 per vCPU), got %u",
				100 * dc->maxvcpus, dc->cap);
	return 0;
}

/* xl: cmdline= wins; else "root=<root> <extra>", "root=<root>" or "<extra>". */
static int dc_build_cmdline(struct dc_ctx *c)
{
	struct domcfg *dc = c->dc;
	const char *key = dc->cmdline ? "cmdline" : c->extra ? "extra" : "root";
	int rc = 0;

	if (dc->cmdline && (c->root || c->extra))
		dc_warn(c, line_of(c, "cmdline"),
			"root= and extra= ignored in favour of cmdline=");
	else if (c->root && c->extra)
		rc = asprintf(&dc->cmdline, "root=%s %s", c->root, c->extra);
	else if (c->root)
		rc = asprintf(&dc->cmdline, "root=%s", c->root);
	else if (c->extra)
		rc = (dc->cmdline = strdup(c->extra)) ? 0 : -1;
	if (rc < 0) {
		dc->cmdline = NULL;
		return -ENOMEM;
	}
	if (dc->cmdline && strlen(dc->cmdline) > DOMCFG_CMDLINE_MAX)
		return dc_error(
			c, line_of(c, key), key,
			"the kernel command line is %zu characters, more than the %d a guest gets",
			strlen(dc->cmdline), DOMCFG_CMDLINE_MAX);
	if (dc->cmdline && !*dc->cmdline) {
		free(dc->cmdline);
		dc->cmdline = NULL;
	}
	return 0;
}

static int dc_check_mandatory(struct dc_ctx *c)
{
	if (!c->dc->name[0])
		return dc_error(c, -1, "name",
				"missing; every domain needs one, e.g. name = \"guest1\"");
	if (!c->dc->kernel && !c->dc->bootloader)
		return dc_error(c, -1, "kernel",
				"missing; give the kernel image (kernel = \"/boot/vmlinuz\") or a "
				"bootloader that finds it (bootloader = \"pygrub\")");
	if (c->dc->kernel && c->dc->bootloader)
		dc_warn(c, line_of(c, "bootloader"), "bootloader= is not run: kernel= is given");
	return 0;
}

/* Remember the config file and its absolute directory for relative paths. */
static int dc_set_paths(struct dc_ctx *c)
{
	const char *name = c->cf->name, *slash = strrchr(name, '/');
	char cwd[PATH_MAX], *dir;

	c->dc->config_file = strdup(name);
	if (!slash)
		dir = strdup(".");
	else
		dir = strndup(name, slash == name ? 1 : (size_t)(slash - name));
	if (!c->dc->config_file || !dir) {
		free(dir);
		return -ENOMEM;
	}
	if (dir[0] != '/' && getcwd(cwd, sizeof(cwd))) {
		char *abs;

		if (asprintf(&abs, "%s%s%s", cwd, strcmp(dir, ".") ? "/" : "",
			     strcmp(dir, ".") ? dir : "") < 0) {
			free(dir);
			return -ENOMEM;
		}
		free(dir);
		dir = abs;
	}
	c->dc->config_dir = dir;
	return 0;
}

static int dc_finish(struct dc_ctx *c)
{
	int rc = dc_check_mandatory(c);

	if (!rc)
		rc = dc_check_memory(c);
	if (!rc)
		rc = dc_check_vcpus(c);
	if (!rc)
		rc = dc_build_cmdline(c);
	if (!rc && !c->dc->uuid_given && (rc = domcfg_uuid_generate(c->dc->uuid)))
		return pvx_fail(c->err, -EIO,
				"%s: uuid: cannot generate a random one (%s); set "
				"uuid= in the config",
				c->cf->name, strerror(-rc));
	if (!rc)
		rc = dc_set_paths(c);
	return rc;
}

static void dc_set_defaults(struct domcfg *dc)
{
	memset(dc, 0, sizeof(*dc));
	dc->type = DOMCFG_TYPE_PV;
	dc->on_poweroff = DOMCFG_ACTION_DESTROY;
	dc->on_reboot = DOMCFG_ACTION_RESTART;
	dc->on_watchdog = DOMCFG_ACTION_DESTROY;
	dc->on_crash = DOMCFG_ACTION_DESTROY;
	dc->on_soft_reset = DOMCFG_ACTION_SOFT_RESET;
	dc->cpu_weight = DOMCFG_WEIGHT_DEFAULT;
}

int domcfg_from_cfg(const struct cfg_file *cf, struct domcfg *dc,
		    void (*warn)(void *ctx, const char *msg), void *ctx, struct pvx_err *err)
{
	struct dc_ctx c = { .cf = cf, .dc = dc, .warn = warn, .warn_ctx = ctx, .err = err };
	int rc;

	dc_set_defaults(dc);
	rc = dc_parse_keys(&c);
	if (!rc)
		rc = dc_finish(&c);
	if (rc == -ENOMEM)
		pvx_fail(err, rc, "%s: out of memory", cf->name);
	if (rc)
		domcfg_fini(dc);
	return rc;
}


static void domcfg_affinity_fini(struct domcfg_affinity *a)
{
	free(a->all);
	for (size_t i = 0; i < a->n; i++)
		free(a->vcpu[i]);
	free(a->vcpu);
}

void domcfg_fini(struct domcfg *dc)
{
	free(dc->kernel);
	free(dc->ramdisk);
	free(dc->cmdline);
	domcfg_affinity_fini(&dc->cpus);
	domcfg_affinity_fini(&dc->cpus_soft);
	free(dc->bootloader);
	for (size_t i = 0; i < dc->n_bootloader_args; i++)
		free(dc->bootloader_args[i]);
	free(dc->bootloader_args);
	for (size_t i = 0; i < dc->n_disks; i++)
		free(dc->disks[i].text);
	free(dc->disks);
	for (size_t i = 0; i < dc->n_vifs; i++)
		free(dc->vifs[i].text);
	free(dc->vifs);
	free(dc->config_file);
	free(dc->config_dir);
	memset(dc, 0, sizeof(*dc));
}
