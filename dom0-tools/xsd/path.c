/* xsd: store path rules (see path.h). */
#include "xsd/path.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pvisor/io/xs_wire.h>

static bool path_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '/' || c == '_' || c == '@';
}

/* Length of a "/local/domain/<digits>/" prefix of path, or 0. */
static size_t path_home_prefix(const char *path)
{
	static const char pfx[] = "/local/domain/";
	size_t n = sizeof(pfx) - 1, i;

	if (strncmp(path, pfx, n) != 0)
		return 0;
	for (i = n; path[i] >= '0' && path[i] <= '9'; i++)
		;
	if (i == n || path[i] != '/')
		return 0;
	return i + 1;
}

static int path_check(const char *p)
{
	size_t len = strlen(p);

	if (len == 0 || len >= PV_XENSTORE_ABS_PATH_MAX)
		return -EINVAL;
	if (len - path_home_prefix(p) > PV_XENSTORE_REL_PATH_MAX)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!path_char_ok(p[i]))
			return -EINVAL;
		if (p[i] == '/' && p[i + 1] == '/')
			return -EINVAL;
	}
	if (len > 1 && p[len - 1] == '/')
		return -EINVAL;
	return 0;
}

int xsd_path_canon(const char *in, uint32_t domid, bool special, char *out)
{
	size_t len = strnlen(in, XSD_PATH_BUF);

	if (len == 0 || len >= PV_XENSTORE_ABS_PATH_MAX)
		return -EINVAL;
	if (in[0] == '@') {
		if (!special)
			return -EINVAL;
		memcpy(out, in, len + 1);
		return path_check(out);
	}
	if (in[0] == '/') {
		memcpy(out, in, len + 1);
	} else {
		int n = snprintf(out, XSD_PATH_BUF, "/local/domain/%u/%s", domid, in);
		if (n < 0 || n >= XSD_PATH_BUF)
			return -EINVAL;
	}
	return path_check(out);
}

bool xsd_path_is_under(const char *path, const char *base)
{
	size_t n = strlen(base);

	if (strncmp(path, base, n) != 0)
		return false;
	if (path[n] == '\0')
		return true;
	return path[n] == '/' || (n == 1 && base[0] == '/');
}

unsigned xsd_path_depth_below(const char *path, const char *base)
{
	size_t n = strlen(base);
	unsigned depth = 0;

	if (path[n] == '\0')
		return 0;
	if (!(n == 1 && base[0] == '/'))
		n++; /* skip the separating '/' */
	depth = 1;
	for (const char *p = path + n; *p; p++)
		if (*p == '/')
			depth++;
	return depth;
}

void xsd_path_parent(const char *path, char *out)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (n == 0) {
		strcpy(out, "/");
		return;
	}
	memmove(out, path, n);
	out[n] = '\0';
}

const char *xsd_path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

void xsd_path_home(uint32_t domid, char *out, size_t len)
{
	snprintf(out, len, "/local/domain/%u", domid);
}

const char *xsd_path_strip_home(const char *path, uint32_t domid)
{
	char home[32];
	size_t n;

	xsd_path_home(domid, home, sizeof(home));
	n = strlen(home);
	if (strncmp(path, home, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

char *xsd_path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p = malloc(dl + nl + 2);

	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (dl > 1)
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}
