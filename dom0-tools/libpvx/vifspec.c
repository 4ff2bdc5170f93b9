/* The vif spec parser: xl's comma-separated key=value items, Xen's rate syntax
 * and the defaults (random 00:16:3e MAC, bridge xenbr0). */
#include "libpvx/vifspec.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "netaddr.h"
#include "util.h"

struct vs_ctx {
	struct vif_spec *vs;
	void (*warn)(void *ctx, const char *msg);
	void *wctx;
	struct pvx_err *err;
};

static int vs_error(struct vs_ctx *c, const char *item, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int vs_error(struct vs_ctx *c, const char *item, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return pvx_fail(c->err, -EINVAL, "vif: %s: %s", item, what);
}

static void vs_warn(struct vs_ctx *c, const char *item, const char *what)
{
	char msg[320];

	if (!c->warn)
		return;
	snprintf(msg, sizeof(msg), "vif: %s: %s", item, what);
	c->warn(c->wctx, msg);
}

int vifspec_random_mac(uint8_t mac[6])
{
	uint8_t r[3];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -EIO;
	mac[0] = 0x00;
	mac[1] = 0x16;
	mac[2] = 0x3e;
	mac[3] = r[0] & 0x7f;
	mac[4] = r[1];
	mac[5] = r[2];
	return 0;
}

/* "<digits>[K|M|G](B|b)/s" -> bytes per second. */
static int rate_bytes_per_sec(const char *s, uint64_t *out)
{
	uint64_t v = 0, mult = 1;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case 'K':
	case 'k':
		mult = 1000;
		p++;
		break;
	case 'M':
	case 'm':
		mult = 1000000;
		p++;
		break;
	case 'G':
	case 'g':
		mult = 1000000000;
		p++;
		break;
	default:
		break;
	}
	if (v > UINT64_MAX / mult)
		return -EINVAL;
	v *= mult;
	if (*p == 'b')
		v /= 8;
	else if (*p != 'B')
		return -EINVAL;
	if (strcmp(p + 1, "/s") != 0)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "<digits>(us|ms|s)" -> microseconds, at most UINT32_MAX. */
static int rate_interval_usecs(const char *s, uint32_t *out)
{
	uint64_t v = 0, mult;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > UINT32_MAX)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (strcmp(p, "us") == 0)
		mult = 1;
	else if (strcmp(p, "ms") == 0)
		mult = 1000;
	else if (strcmp(p, "s") == 0)
		mult = 1000000;
	else
		return -EINVAL;
	v *= mult;
	if (v == 0 || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int vifspec_parse_rate(const char *s, uint64_t *bytes, uint32_t *usecs)
{
	char buf[64];
	char *at;
	uint64_t bps;
	uint32_t us = VIFSPEC_INTERVAL_DEFAULT_US;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	at = strchr(buf, '@');
	if (at) {
		*at++ = '\0';
		if (rate_interval_usecs(at, &us))
			return -EINVAL;
	}
	if (rate_bytes_per_sec(buf, &bps))
		return -EINVAL;
	if (bps > UINT64_MAX / us)
		return -EINVAL;
	/* The credit per interval, as libxl computes it. */
	if (bps * us / 1000000u == 0)
		return -EINVAL;
	*bytes = bps * us / 1000000u;
	*usecs = us;
	return 0;
}

/* Dotted-quad IPv4 address with an optional /prefix. */
static int ipv4_ok(const char *s, size_t n)
{
	unsigned parts = 0, val = 0, digits = 0;
	size_t i = 0;

	for (; i < n && s[i] != '/'; i++) {
		if (isdigit((unsigned char)s[i])) {
			val = val * 10 + (unsigned)(s[i] - '0');
			if (++digits > 3 || val > 255)
				return 0;
		} else if (s[i] == '.' && digits && parts < 3) {
			parts++;
			val = digits = 0;
		} else {
			return 0;
		}
	}
	if (parts != 3 || !digits)
		return 0;
	if (i == n)
		return 1;
	val = digits = 0;
	for (i++; i < n; i++) {
		if (!isdigit((unsigned char)s[i]) || ++digits > 2)
			return 0;
		val = val * 10 + (unsigned)(s[i] - '0');
	}
	return digits && val <= 32;
}

/* ip=: one or more addresses separated by spaces. */
static int ip_list_ok(const char *s)
{
	const char *p = s;
	int n = 0;

	while (*p) {
		size_t len;

		while (*p == ' ')
			p++;
		len = strcspn(p, " ");
		if (len == 0)
			break;
		if (!ipv4_ok(p, len))
			return 0;
		n++;
		p += len;
	}
	return n > 0;
}

static int key_mac(struct vs_ctx *c, const char *item, const char *v)
{
	if (netaddr_mac_parse(v, c->vs->mac))
		return vs_error(c, item,
				"not a unicast MAC address; write six hex pairs "
				"like 00:16:3e:12:34:56");
	c->vs->mac_given = 1;
	return 0;
}

static int key_bridge(struct vs_ctx *c, const char *item, const char *v)
{
	if (!netaddr_ifname_ok(v))
		return vs_error(c, item, "a switch name is 1 to %d of A-Z a-z 0-9 _ . -",
				NETADDR_IFNAME_MAX);
	strcpy(c->vs->bridge, v);
	return 0;
}

static int key_vifname(struct vs_ctx *c, const char *item, const char *v)
{
	if (!netaddr_ifname_ok(v))
		return vs_error(c, item, "an interface name is 1 to %d of A-Z a-z 0-9 _ . -",
				NETADDR_IFNAME_MAX);
	strcpy(c->vs->vifname, v);
	return 0;
}

static int key_ip(struct vs_ctx *c, const char *item, const char *v)
{
	if (strlen(v) > VIFSPEC_IP_MAX || !ip_list_ok(v))
		return vs_error(c, item,
				"give IPv4 addresses (a.b.c.d[/prefix]) separated by "
				"spaces");
	strcpy(c->vs->ip, v);
	return 0;
}

static int key_rate(struct vs_ctx *c, const char *item, const char *v)
{
	if (vifspec_parse_rate(v, &c->vs->rate_bytes, &c->vs->rate_usecs))
		return vs_error(c, item,
				"write RATE/s[@INTERVAL]: RATE a number with K, M or G "
				"and B (bytes) or b (bits), INTERVAL with us, ms or s, e.g. "
				"10Mb/s or 100KB/s@20ms");
	return 0;
}

static int key_devid(struct vs_ctx *c, const char *item, const char *v)
{
	uint64_t n;

	if (util_parse_u64(v, 65535, &n))
		return vs_error(c, item, "a device number 0..65535");
	c->vs->devid = (int)n;
	return 0;
}

static int key_mtu(struct vs_ctx *c, const char *item, const char *v)
{
	uint64_t n;

	if (util_parse_u64(v, NETADDR_MTU_MAX, &n) || n < NETADDR_MTU_MIN)
		return vs_error(c, item, "the MTU is %d..%d", NETADDR_MTU_MIN, NETADDR_MTU_MAX);
	c->vs->mtu = (unsigned)n;
	return 0;
}

static int key_backend(struct vs_ctx *c, const char *item, const char *v)
{
	if (strcmp(v, "0") && strcmp(v, "Domain-0"))
		return vs_error(c, item,
				"pvisor's backends run in dom0; leave backend= out "
				"or write backend=0");
	return 0;
}

static int key_type(struct vs_ctx *c, const char *item, const char *v)
{
	if (strcmp(v, "vif") == 0)
		return 0;
	if (strcmp(v, "ioemu") == 0) {
		vs_warn(c, item, "emulated NICs are for HVM guests; pvisor gives a PV vif");
		return 0;
	}
	return vs_error(c, item, "type is vif or ioemu");
}

/* script=: run as Xen runs its hotplug scripts when the vif comes and goes. */
static int key_script(struct vs_ctx *c, const char *item, const char *v)
{
	int n = v[0] == '/' ? snprintf(c->vs->script, sizeof(c->vs->script), "%s", v)
			    : snprintf(c->vs->script, sizeof(c->vs->script), "%s/%s",
				       VIFSPEC_SCRIPT_DIR, v);

	if (n >= (int)sizeof(c->vs->script))
		return vs_error(c, item, "the script's path is longer than %d characters",
				VIFSPEC_SCRIPT_MAX);
	return 0;
}

static int key_model(struct vs_ctx *c, const char *item, const char *v)
{
	(void)v;
	vs_warn(c, item,
		"accepted and ignored: an emulated NIC model is for HVM guests under a "
		"device model; pvisor gives every guest a PV vif");
	return 0;
}

static int key_ignored(struct vs_ctx *c, const char *item, const char *v)
{
	(void)v;
	vs_warn(c, item, "ignored by pvisor");
	return 0;
}

struct vs_key {
	const char *name;
	int (*fn)(struct vs_ctx *c, const char *item, const char *v);
};

static const struct vs_key vs_keys[] = {
	{ "mac", key_mac },
	{ "bridge", key_bridge },
	{ "netdev", key_bridge },
	{ "vifname", key_vifname },
	{ "ip", key_ip },
	{ "rate", key_rate },
	{ "devid", key_devid },
	{ "mtu", key_mtu },
	{ "backend", key_backend },
	{ "type", key_type },
	{ "model", key_model },
	{ "script", key_script },
	{ "gatewaydev", key_ignored },
	{ "accel", key_ignored },
	{ "forwarddev", key_ignored },
	{ "vlan", key_ignored },
};

static int vs_item(struct vs_ctx *c, char *item)
{
	char *eq = strchr(item, '=');

	if (!eq) {
		if (strcmp(item, "trusted") == 0 || strcmp(item, "untrusted") == 0) {
			c->vs->trusted = item[0] == 't';
			return 0;
		}
		return vs_error(c, item, "expected key=value");
	}
	*eq = '\0'; /* the buffer is ours: item is now the key, eq + 1 the value */
	for (size_t i = 0; i < ARRAY_SIZE(vs_keys); i++) {
		if (strcmp(item, vs_keys[i].name) != 0)
			continue;
		if (eq[1] == '\0')
			return vs_error(c, item, "empty value");
		return vs_keys[i].fn(c, item, eq + 1);
	}
	vs_warn(c, item, "unknown key, ignored");
	return 0;
}

static void vs_defaults(struct vif_spec *vs)
{
	memset(vs, 0, sizeof(*vs));
	strcpy(vs->bridge, NETADDR_BRIDGE_DEFAULT);
	vs->devid = -1;
	vs->mtu = NETADDR_MTU_DEFAULT;
	vs->trusted = 1;
}

/* Split on commas, trimming spaces around each item. */
static int vs_items(struct vs_ctx *c, char *buf)
{
	char *save = NULL;

	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		int rc;

		while (*tok == ' ' || *tok == '\t')
			tok++;
		end = tok + strlen(tok);
		while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*tok == '\0')
			continue;
		rc = vs_item(c, tok);
		if (rc)
			return rc;
	}
	return 0;
}

int vifspec_parse(const char *spec, struct vif_spec *vs, void (*warn)(void *ctx, const char *msg),
		  void *ctx, struct pvx_err *err)
{
	struct vs_ctx c;
	char *buf;
	int rc;

	vs_defaults(vs);
	c = (struct vs_ctx){ vs, warn, ctx, err };
	buf = strdup(spec);
	if (!buf)
		return -ENOMEM;
	rc = vs_items(&c, buf);
	free(buf);
	if (rc == 0 && !vs->mac_given && vifspec_random_mac(vs->mac))
		rc = pvx_fail(err, -EIO, "vif: no randomness for a MAC address; give mac=");
	if (rc)
		vs_defaults(vs);
	return rc;
}
