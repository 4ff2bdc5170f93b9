/* pvx info [-n] [--json] [FIELD]: facts about the host and the hypervisor as xl's
 * "key : value" lines (FIELD: the values of the keys it begins, as xl; -n: the CPU
 * topology and NUMA nodes too; --json: one object, numbers as numbers). */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "pvisor/version.h"
#include "pvx_cli.h"

#define INFO_MAX 48

struct info_kv {
	const char *key;
	char val[512]; /* the walls lines are long */
	int number;    /* print unquoted in JSON */
};

struct info {
	struct info_kv kv[INFO_MAX];
	int n;
};

static void __attribute__((format(printf, 4, 5)))
info_add(struct info *in, const char *key, int number, const char *fmt, ...)
{
	va_list ap;

	if (in->n >= INFO_MAX)
		return;
	in->kv[in->n].key = key;
	in->kv[in->n].number = number;
	va_start(ap, fmt);
	vsnprintf(in->kv[in->n].val, sizeof(in->kv[in->n].val), fmt, ap);
	va_end(ap);
	in->n++;
}

static void info_host(struct info *in)
{
	struct utsname u;

	uname(&u);
	info_add(in, "host", 0, "%s", u.nodename);
	info_add(in, "release", 0, "%s", u.release);
	info_add(in, "version", 0, "%s", u.version);
	info_add(in, "machine", 0, "%s", u.machine);
}

static void info_phys(struct info *in, const struct pv_sysctl_physinfo *pi)
{
	info_add(in, "nr_cpus", 1, "%u", pi->nr_cpus);
	info_add(in, "max_cpu_id", 1, "%u", pi->max_cpu_id);
	info_add(in, "nr_nodes", 1, "%u", pi->nr_nodes);
	info_add(in, "cores_per_socket", 1, "%u", pi->cores_per_socket);
	info_add(in, "threads_per_core", 1, "%u", pi->threads_per_core);
	info_add(in, "cpu_mhz", 1, "%u.%03u", pi->cpu_khz / 1000, pi->cpu_khz % 1000);
	info_add(in, "virt_caps", 0, "%s",
		 pi->capabilities & PV_SYSCTL_PHYSCAP_hvm ? "pv hvm" : "pv");
	info_add(in, "total_memory", 1, "%lu", (unsigned long)(pi->total_pages / 256));
	info_add(in, "free_memory", 1, "%lu", (unsigned long)(pi->free_pages / 256));
	info_add(in, "free_cpus", 1, "%d", 0);
}

/* The hypervisor's own facts; -errno when it does not answer. */
static int info_xen(struct pvctrl *h, struct info *in)
{
	char extra[PV_EXTRAVERSION_LEN] = "", caps[PV_CAPABILITIES_INFO_LEN] = "";
	int ver = pvctrl_xen_version(h, PV_XENVER_version, NULL, 0);
	struct pv_privcmd_schedinfo si;

	if (ver < 0)
		return ver;
	pvctrl_xen_version(h, PV_XENVER_extraversion, extra, sizeof(extra));
	pvctrl_xen_version(h, PV_XENVER_capabilities, caps, sizeof(caps));
	info_add(in, "xen_major", 1, "%d", ver >> 16);
	info_add(in, "xen_minor", 1, "%d", ver & 0xffff);
	info_add(in, "xen_extra", 0, "%s", extra);
	info_add(in, "xen_version", 0, "%d.%d%s", ver >> 16, ver & 0xffff, extra);
	info_add(in, "xen_caps", 0, "%s", caps);
	info_add(in, "xen_scheduler", 0, "%s", "credit");
	if (pvctrl_sched_info(h, &si) == 0)
		info_add(in, "sched_cgroup", 0, "%s", si.cgroup);
	info_add(in, "xen_pagesize", 1, "%d", 4096);
	info_add(in, "xen_commandline", 0, "%s", "");
	info_add(in, "cc_compiler", 0, "%s", __VERSION__);
	return 0;
}

/* pvisor's own lines: the walls around a domain, one per engine, and the cgroups
 * (docs/SECURITY.md). An older pvisor has no such request: nothing is said. */
static void info_walls(struct pvctrl *h, struct info *in)
{
	static struct pv_privcmd_walls w;
	static char keys[4][32];
	char *save = NULL;
	int k = 0;

	if (pvctrl_walls(h, &w) < 0)
		return;
	for (char *l = strtok_r(w.engines, "\n", &save); l && k < 4;
	     l = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(l, ':');

		if (!colon)
			continue;
		*colon = '\0';
		snprintf(keys[k], sizeof(keys[k]), "domain_walls_%s", l);
		info_add(in, keys[k++], 0, "%s", colon + 2);
	}
	info_add(in, "domain_cgroups", 0, "%s", w.cgroups);
}

static int info_collect(struct pvctrl *h, struct info *in)
{
	struct pv_sysctl_physinfo pi;
	int rc = pvctrl_physinfo(h, &pi);

	if (rc < 0)
		return rc;
	info_host(in);
	info_phys(in, &pi);
	rc = info_xen(h, in);
	info_add(in, "xend_config_format", 1, "%d", 4);
	info_walls(h, in);
	return rc;
}

/* xl's -n sections: cpu_topology, numa_info and the (empty) device topology. */
static void info_numa_text(void)
{
	struct pvx_host_cpu *c = NULL;
	struct pvx_host_node *nd = NULL;
	int nc = pvx_host_cpus(&c), nn = pvx_host_nodes(&nd);

	printf("cpu_topology           :\ncpu:    core    socket     node\n");
	for (int i = 0; i < nc; i++)
		printf("%3d:    %4d     %4d     %4d\n", c[i].cpu, c[i].core, c[i].socket,
		       c[i].node);
	printf("device topology        :\ndevice           node\n"
	       "No device topology data available\n");
	printf("numa_info              :\nnode:    memsize    memfree    distances\n");
	for (int i = 0; i < nn; i++) {
		printf("%4d:    %6llu     %6llu      ", nd[i].node,
		       (unsigned long long)(nd[i].size >> 20),
		       (unsigned long long)(nd[i].free >> 20));
		for (unsigned j = 0; j < nd[i].n_dists; j++)
			printf("%s%u", j ? "," : "", nd[i].dists[j]);
		putchar('\n');
	}
	free(c);
	free(nd);
}

static void info_numa_json(yajl_gen g)
{
	struct pvx_host_cpu *c = NULL;
	struct pvx_host_node *nd = NULL;
	int nc = pvx_host_cpus(&c), nn = pvx_host_nodes(&nd);

	cli_json_str(g, "cpu_topology");
	yajl_gen_array_open(g);
	for (int i = 0; i < nc; i++) {
		yajl_gen_map_open(g);
		cli_json_kint(g, "cpu", c[i].cpu);
		cli_json_kint(g, "core", c[i].core);
		cli_json_kint(g, "socket", c[i].socket);
		cli_json_kint(g, "node", c[i].node);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	cli_json_str(g, "numa_info");
	yajl_gen_array_open(g);
	for (int i = 0; i < nn; i++) {
		yajl_gen_map_open(g);
		cli_json_kint(g, "node", nd[i].node);
		cli_json_kint(g, "memsize", (long long)(nd[i].size >> 20));
		cli_json_kint(g, "memfree", (long long)(nd[i].free >> 20));
		cli_json_str(g, "distances");
		yajl_gen_array_open(g);
		for (unsigned j = 0; j < nd[i].n_dists; j++)
			yajl_gen_integer(g, nd[i].dists[j]);
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	free(c);
	free(nd);
}

static int info_json(const struct info *in, int numa)
{
	yajl_gen g = cli_json_open();

	yajl_gen_map_open(g);
	for (int i = 0; i < in->n; i++) {
		cli_json_str(g, in->kv[i].key);
		if (in->kv[i].number)
			yajl_gen_number(g, in->kv[i].val, strlen(in->kv[i].val));
		else
			cli_json_str(g, in->kv[i].val);
	}
	if (numa)
		info_numa_json(g);
	yajl_gen_map_close(g);
	return cli_json_close(g);
}

/* Text: every line (the -n sections after the host's memory, where xl puts
 * them), or with field only the values of keys that begin with it. */
static int info_text(const struct info *in, int numa, const char *field)
{
	for (int i = 0; i < in->n; i++) {
		if (!field)
			printf("%-23s: %s\n", in->kv[i].key, in->kv[i].val);
		else if (strncmp(in->kv[i].key, field, strlen(field)) == 0)
			printf("%s\n", in->kv[i].val);
		if (numa && !field && strcmp(in->kv[i].key, "free_cpus") == 0)
			info_numa_text();
	}
	return 0;
}

int cmd_info(int argc, char **argv)
{
	static const struct option lo[] = { { "numa", no_argument, NULL, 'n' },
					    { "json", no_argument, NULL, 'j' },
					    { NULL, 0, NULL, 0 } };
	struct info in = { .n = 0 };
	struct pvctrl *h;
	int c, numa = 0, json = 0, rc;

	while ((c = getopt_long(argc, argv, "n", lo, NULL)) != -1) {
		if (c == 'n')
			numa = 1;
		else if (c == 'j')
			json = 1;
		else
			return cli_usage("info");
	}
	if (argc - optind > 1 || (argc - optind == 1 && (numa || json)))
		return cli_usage("info");
	h = cli_connect();
	rc = info_collect(h, &in);
	pvctrl_close(h);
	if (rc < 0)
		return cli_fail("asking the hypervisor: %s", strerror(-rc));
	if (json)
		return info_json(&in, numa);
	return info_text(&in, numa, optind < argc ? argv[optind] : NULL);
}
