/* What the host's sysfs says about its CPUs and NUMA nodes, for xl info -n: the
 * control domain is the host, so its topology is the machine's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libpvx/pvx.h"

#define SYS_CPU  "/sys/devices/system/cpu"
#define SYS_NODE "/sys/devices/system/node"

/* One integer from a sysfs file; -1 when it cannot be read. */
static long host_read_long(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* The node that holds cpu: the nodeN link in its sysfs directory, 0 without NUMA. */
static int host_cpu_node(int cpu)
{
	char path[96];

	for (int node = 0; node < PVX_HOST_NODES_MAX; node++) {
		snprintf(path, sizeof(path), SYS_CPU "/cpu%d/node%d", cpu, node);
		if (access(path, F_OK) == 0)
			return node;
	}
	return 0;
}

int pvx_host_cpus(struct pvx_host_cpu **out)
{
	char path[96];
	int n = 0;

	*out = calloc(PVX_HOST_CPUS_MAX, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (int cpu = 0; cpu < PVX_HOST_CPUS_MAX; cpu++) {
		long core, socket;

		snprintf(path, sizeof(path), SYS_CPU "/cpu%d/topology/core_id", cpu);
		core = host_read_long(path);
		snprintf(path, sizeof(path), SYS_CPU "/cpu%d/topology/physical_package_id", cpu);
		socket = host_read_long(path);
		if (core < 0 || socket < 0)
			continue; /* absent or offline */
		(*out)[n].cpu = cpu;
		(*out)[n].core = (int)core;
		(*out)[n].socket = (int)socket;
		(*out)[n].node = host_cpu_node(cpu);
		n++;
	}
	return n;
}

/* "Node N MemTotal: X kB" and MemFree from nodeN/meminfo, in bytes. */
static int host_node_mem(int node, uint64_t *size, uint64_t *free_b)
{
	char path[96], line[160];
	unsigned long long kb;
	FILE *f;
	int got = 0;

	snprintf(path, sizeof(path), SYS_NODE "/node%d/meminfo", node);
	f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %*d MemTotal: %llu kB", &kb) == 1) {
			*size = kb << 10;
			got |= 1;
		} else if (sscanf(line, "Node %*d MemFree: %llu kB", &kb) == 1) {
			*free_b = kb << 10;
			got |= 2;
		}
	}
	fclose(f);
	return got == 3 ? 0 : -EINVAL;
}

static void host_node_distances(int node, struct pvx_host_node *nd)
{
	char path[96];
	FILE *f;

	snprintf(path, sizeof(path), SYS_NODE "/node%d/distance", node);
	f = fopen(path, "re");
	if (!f)
		return;
	while (nd->n_dists < PVX_HOST_NODES_MAX && fscanf(f, "%u", &nd->dists[nd->n_dists]) == 1)
		nd->n_dists++;
	fclose(f);
}

int pvx_host_nodes(struct pvx_host_node **out)
{
	int n = 0;

	*out = calloc(PVX_HOST_NODES_MAX, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (int node = 0; node < PVX_HOST_NODES_MAX; node++) {
		struct pvx_host_node *nd = &(*out)[n];

		if (host_node_mem(node, &nd->size, &nd->free) < 0)
			continue;
		nd->node = node;
		host_node_distances(node, nd);
		n++;
	}
	return n;
}
