/* CPU and node maps as xl reads and prints them: "all", "0-3,5,^1", "nodes:0-1"
 * (cpus=, cpus_soft=, vcpu-pin) and the compact form of vcpu-list ("all", "none",
 * "0-2,5"). A map is PVX_CPUMAP_BITS bits, bit i = CPU (or node) i. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/pvx.h"

static void map_set(uint8_t *map, unsigned i, int on)
{
	if (on)
		map[i / 8] |= (uint8_t)(1u << (i % 8));
	else
		map[i / 8] &= (uint8_t) ~(1u << (i % 8));
}

int pvx_cpumap_test(const uint8_t *map, unsigned i)
{
	return i < PVX_CPUMAP_BITS && (map[i / 8] >> (i % 8)) & 1;
}

/* "N" or "N-M" at *s, numbers below limit; advances *s. 0 or -EINVAL. */
static int map_range(const char **s, unsigned limit, unsigned *lo, unsigned *hi)
{
	char *end;
	unsigned long a, b;

	if (**s < '0' || **s > '9')
		return -EINVAL;
	a = strtoul(*s, &end, 10);
	b = a;
	if (*end == '-') {
		if (end[1] < '0' || end[1] > '9')
			return -EINVAL;
		b = strtoul(end + 1, &end, 10);
	}
	if (a > b || b >= limit)
		return -EINVAL;
	*lo = (unsigned)a;
	*hi = (unsigned)b;
	*s = end;
	return 0;
}

/* The CPUs of the host's node: its sysfs cpulist ("0-3,8-11"). */
static int map_node_cpus(unsigned node, uint8_t *map, int on)
{
	char path[96], list[1024];
	const char *p = list;
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%u/cpulist", node);
	f = fopen(path, "re");
	if (!f && node == 0) /* a host without NUMA in sysfs: node 0 has every CPU */
		pvx_cpumap_set_range(map, 0, PVX_CPUMAP_BITS - 1, on);
	if (!f)
		return node == 0 ? 0 : -ENOENT;
	if (!fgets(list, sizeof(list), f))
		list[0] = '\0';
	fclose(f);
	list[strcspn(list, "\n")] = '\0';
	while (*p && rc == 0) {
		unsigned lo, hi;

		rc = map_range(&p, PVX_CPUMAP_BITS, &lo, &hi);
		if (rc == 0)
			pvx_cpumap_set_range(map, lo, hi, on);
		if (*p == ',')
			p++;
	}
	return rc;
}

void pvx_cpumap_set_range(uint8_t *map, unsigned lo, unsigned hi, int on)
{
	for (unsigned i = lo; i <= hi && i < PVX_CPUMAP_BITS; i++)
		map_set(map, i, on);
}

/* One comma-separated item of a cpu list. */
static int map_item(const char **s, uint8_t *map)
{
	int on = **s != '^';
	unsigned lo, hi;

	if (!on)
		(*s)++;
	if (strncmp(*s, "all", 3) == 0) {
		*s += 3;
		pvx_cpumap_set_range(map, 0, PVX_CPUMAP_BITS - 1, on);
		return 0;
	}
	if (strncmp(*s, "nodes:", 6) == 0 || strncmp(*s, "node:", 5) == 0) {
		*s = strchr(*s, ':') + 1;
		if (map_range(s, PVX_HOST_NODES_MAX, &lo, &hi) < 0)
			return -EINVAL;
		for (unsigned n = lo; n <= hi; n++)
			if (map_node_cpus(n, map, on) < 0)
				return -ENOENT;
		return 0;
	}
	if (map_range(s, PVX_CPUMAP_BITS, &lo, &hi) < 0)
		return -EINVAL;
	pvx_cpumap_set_range(map, lo, hi, on);
	return 0;
}

int pvx_cpumap_parse(const char *s, uint8_t map[PVX_CPUMAP_BYTES])
{
	int rc = 0;

	memset(map, 0, PVX_CPUMAP_BYTES);
	if (!*s)
		return -EINVAL;
	while (*s && rc == 0) {
		rc = map_item(&s, map);
		if (rc == 0 && *s == ',' && s[1])
			s++;
		else if (rc == 0 && *s)
			rc = -EINVAL;
	}
	return rc;
}

void pvx_cpumap_format(const uint8_t *map, unsigned nbits, char *out, size_t len)
{
	size_t used = 0;
	unsigned i = 0, runs = 0;

	out[0] = '\0';
	while (i < nbits) {
		unsigned first;

		if (!pvx_cpumap_test(map, i)) {
			i++;
			continue;
		}
		for (first = i; i < nbits && pvx_cpumap_test(map, i); i++)
			;
		if (first == 0 && i == nbits) {
			snprintf(out, len, "all");
			return;
		}
		if (used < len)
			used += (size_t)snprintf(out + used, len - used,
						 first + 1 == i ? "%s%u" : "%s%u-%u",
						 runs++ ? "," : "", first, i - 1);
	}
	if (runs == 0)
		snprintf(out, len, "none");
}
