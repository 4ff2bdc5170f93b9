/* Small validators and converters behind domcfg: action and type names, uuids,
 * cpus= affinity strings, domain names, config-relative paths, the keys xl knows
 * that pvisor ignores. */
#include "libpvx/domcfg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static const struct {
	const char *cfg;  /* xl.cfg spelling */
	const char *json; /* libxl enum spelling */
} action_names[] = {
	[DOMCFG_ACTION_DESTROY] = { "destroy", "destroy" },
	[DOMCFG_ACTION_RESTART] = { "restart", "restart" },
	[DOMCFG_ACTION_RENAME_RESTART] = { "rename-restart", "restart_rename" },
	[DOMCFG_ACTION_PRESERVE] = { "preserve", "preserve" },
	[DOMCFG_ACTION_COREDUMP_DESTROY] = { "coredump-destroy", "coredump_destroy" },
	[DOMCFG_ACTION_COREDUMP_RESTART] = { "coredump-restart", "coredump_restart" },
	[DOMCFG_ACTION_SOFT_RESET] = { "soft-reset", "soft_reset" },
};

#define N_ACTIONS (sizeof(action_names) / sizeof(action_names[0]))

const char *domcfg_action_name(enum domcfg_action a)
{
	return (unsigned)a < N_ACTIONS ? action_names[a].cfg : "?";
}

const char *domcfg_action_json_name(enum domcfg_action a)
{
	return (unsigned)a < N_ACTIONS ? action_names[a].json : "?";
}

int domcfg_action_parse(const char *s, enum domcfg_action *out)
{
	size_t i;

	for (i = 0; i < N_ACTIONS; i++) {
		if (!strcmp(s, action_names[i].cfg) || !strcmp(s, action_names[i].json)) {
			*out = (enum domcfg_action)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *domcfg_type_name(enum domcfg_type t)
{
	return t == DOMCFG_TYPE_HVM ? "hvm" : t == DOMCFG_TYPE_PVH ? "pvh" : "pv";
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int domcfg_uuid_parse(const char *s, uint8_t uuid[16])
{
	uint8_t tmp[16];
	size_t i, n = 0;

	if (strlen(s) != 36)
		return -EINVAL;
	for (i = 0; i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23, hi, lo;

		if (dash) {
			if (s[i] != '-')
				return -EINVAL;
			continue;
		}
		hi = hex_value(s[i]);
		lo = hex_value(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		tmp[n++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	memcpy(uuid, tmp, sizeof(tmp));
	return 0;
}

void domcfg_uuid_format(const uint8_t u[16], char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
}

int domcfg_uuid_generate(uint8_t uuid[16])
{
	size_t got = 0;

	while (got < 16) {
		ssize_t n = getrandom(uuid + got, 16 - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)n;
	}
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40); /* version 4 */
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	return 0;
}

/* Parse a decimal number at *pp no larger than DOMCFG_CPU_MAX. */
static int cpus_number(const char **pp, unsigned *out)
{
	const char *p = *pp;
	unsigned v = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned)(*p++ - '0');
		if (v > DOMCFG_CPU_MAX)
			return -EINVAL;
	}
	*pp = p;
	*out = v;
	return 0;
}

/* One item of a cpus= list, ending at ',' or the end of the string. */
static int cpus_item(const char **pp)
{
	const char *p = *pp;
	unsigned a, b;

	if (*p == '^')
		p++;
	if (!strncmp(p, "nodes:", 6))
		p += 6;
	else if (!strncmp(p, "node:", 5))
		p += 5;
	if (!strncmp(p, "all", 3)) {
		p += 3;
	} else {
		if (cpus_number(&p, &a))
			return -EINVAL;
		b = a;
		if (*p == '-' && (++p, cpus_number(&p, &b)))
			return -EINVAL;
		if (b < a)
			return -EINVAL;
	}
	if (*p != ',' && *p != '\0')
		return -EINVAL;
	*pp = p;
	return 0;
}

int domcfg_cpus_check(const char *s)
{
	const char *p = s;

	for (;;) {
		if (cpus_item(&p))
			return -EINVAL;
		if (*p == '\0')
			return 0;
		p++; /* the ',' */
	}
}

int domcfg_name_check(const char *name)
{
	size_t i, n = strlen(name);
	int digits = 1;

	if (n < 1 || n > DOMCFG_NAME_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return -EINVAL;
		if (c < '0' || c > '9')
			digits = 0;
	}
	if (digits || !strcmp(name, "Domain-0"))
		return -EINVAL;
	return 0;
}

char *domcfg_path_resolve(const struct domcfg *dc, const char *path)
{
	char *out;

	if (path[0] == '/' || !dc->config_dir)
		return strdup(path);
	if (asprintf(&out, "%s/%s", dc->config_dir, path) < 0)
		return NULL;
	return out;
}
