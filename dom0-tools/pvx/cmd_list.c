/* pvx list [-l|--json] [-v] [-Z] [-c] [-n] [DOMAIN...]: domains in xl's table with
 * its optional columns, or their configs as JSON (xl list -l). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "libpvx/cfg.h"
#include "pvisor/sched.h"
#include "pvx_cli.h"

#define LIST_MAX 1024 /* domains asked for at once: the hypervisor's table, as domext */

static const char *state_name(uint32_t s)
{
	static const char *names[] = { "created",  "running", "blocked", "paused",
				       "shutdown", "crashed", "dying" };

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

/* Every domain's info, in id order, from one request (was one per row). */
struct list_infos {
	struct pv_domctl_getdomaininfo *v;
	int n;
};

static void list_infos_get(struct pvctrl *h, struct list_infos *li)
{
	li->v = malloc(LIST_MAX * sizeof(*li->v));
	li->n = li->v ? pvctrl_domain_getinfolist(h, 1, li->v, LIST_MAX) : -ENOMEM;
	if (li->n < 0)
		li->n = 0;
}

static int list_info_cmp(const void *key, const void *elem)
{
	pv_domid_t id = *(const pv_domid_t *)key;
	const struct pv_domctl_getdomaininfo *i = elem;

	return id < i->domain ? -1 : id > i->domain;
}

static const struct pv_domctl_getdomaininfo *list_info_of(const struct list_infos *li,
							  pv_domid_t domid)
{
	return li->n ? bsearch(&domid, li->v, (size_t)li->n, sizeof(*li->v), list_info_cmp)
		     : NULL;
}

static double dom0_cpu_seconds(void)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "re");
	long hz = sysconf(_SC_CLK_TCK);

	if (!f)
		return 0;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]) != 8)
		v[0] = 0;
	fclose(f);
	return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (hz > 0 ? hz : 100);
}

/* xl list's optional columns: -v, -Z, -c, -n. */
struct list_opts {
	int json, verbose, context, cpupool, numa;
};

static void list_header(const struct list_opts *o)
{
	printf("%-40s %5s %5s %5s %10s %9s", "Name", "ID", "Mem", "VCPUs", "State", "Time(s)");
	if (o->verbose)
		printf("   %-32s %11s %16s", "UUID", "Reason-Code", "Security Label");
	else if (o->context)
		printf(" %16s", "Security Label");
	if (o->cpupool)
		printf(" %15s", "Cpupool");
	if (o->numa)
		printf(" NODE Affinity");
	putchar('\n');
}

/* What the optional columns say of one domain. pvisor has no security module
 * (the label is "-"), one CPU pool, and places no domain on a NUMA node. */
static void list_extra(const struct list_opts *o, const uint8_t uuid[16], int shutdown,
		       unsigned reason, unsigned nr_nodes)
{
	char u[37];

	domcfg_uuid_format(uuid, u);
	if (o->verbose) {
		printf(" %s", u);
		if (shutdown)
			printf(" %8x", reason);
		else
			printf(" %8s", "-");
	}
	if (o->verbose || o->context)
		printf(" %16s", "-");
	if (o->cpupool)
		printf(" %15s", "Pool-0");
	if (o->numa) {
		uint8_t map[PVX_CPUMAP_BYTES] = { 0 };
		char nodes[64];

		pvx_cpumap_set_range(map, 0, nr_nodes ? nr_nodes - 1 : 0, 1);
		pvx_cpumap_format(map, nr_nodes ? nr_nodes : 1, nodes, sizeof(nodes));
		printf(" %s", nodes);
	}
	putchar('\n');
}

static void list_row(const struct list_opts *o, const struct pv_privcmd_domext *e,
		     const struct pv_domctl_getdomaininfo *ip, unsigned nr_nodes)
{
	static const struct pv_domctl_getdomaininfo none;
	const struct pv_domctl_getdomaininfo *info = ip ? ip : &none;
	char st[7];

	pvx_domain_letters(ip, st);
	printf("%-40s %5d %5lu %5d     %s  %8.1f", e->name, e->domid,
	       (unsigned long)(e->tot_pages / 256), (int)e->nr_vcpus, st,
	       (double)e->cpu_time / 1e9);
	list_extra(o, info->handle, (info->flags & PV_DOMINF_shutdown) != 0,
		   (info->flags >> PV_DOMINF_shutdownshift) & PV_DOMINF_shutdownmask, nr_nodes);
}

static void list_table(struct pvctrl *h, const struct list_opts *o, const struct cli_domset *s)
{
	static const uint8_t nil[16];
	struct pv_sysctl_physinfo pi;

	memset(&pi, 0, sizeof(pi));
	pvctrl_physinfo(h, &pi);
	list_header(o);
	if (s->dom0) {
		printf("%-40s %5d %5lu %5d     %s  %8.1f", "Domain-0", 0,
		       (unsigned long)(pi.total_pages / 256), (int)pi.nr_cpus, "r-----",
		       dom0_cpu_seconds());
		list_extra(o, nil, 0, 0, pi.nr_nodes);
	}
	if (s->n) {
		struct list_infos li;

		list_infos_get(h, &li);
		for (int i = 0; i < s->n; i++)
			list_row(o, &s->e[i], list_info_of(&li, s->e[i].domid), pi.nr_nodes);
		free(li.v);
	}
}

static void json_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

/* The part of the crash reason that the guest supplied (its fault report), or "". */
static const char *crash_claim(const struct pv_privcmd_domext *e)
{
	const char *c = strstr(e->crash_reason, PV_CRASH_CLAIM_SEP);

	return c ? c + strlen(PV_CRASH_CLAIM_SEP) : "";
}

/* What pvisor adds to xl's shape: live state that the config does not hold. */
static void list_json_pvisor(yajl_gen g, const struct pv_privcmd_domext *e)
{
	json_str(g, "pvisor");
	yajl_gen_map_open(g);
	json_str(g, "state");
	json_str(g, state_name(e->state));
	json_str(g, "shutdown_reason");
	yajl_gen_integer(g, e->shutdown_reason);
	json_str(g, "crash_reason");
	json_str(g, e->crash_reason);
	json_str(g, "crash_guest_claim"); /* the guest's words alone, labelled as such */
	json_str(g, crash_claim(e));
	json_str(g, "engine");
	json_str(g, e->engine);
	json_str(g, "pid");
	yajl_gen_integer(g, e->pid);
	json_str(g, "cpu_time_ns");
	yajl_gen_integer(g, (long long)e->cpu_time);
	json_str(g, "tot_pages");
	yajl_gen_integer(g, (long long)e->tot_pages);
	yajl_gen_map_close(g);
}

static void list_json_one(yajl_gen g, const struct pv_privcmd_domext *e)
{
	yajl_gen_map_open(g);
	json_str(g, "domid");
	yajl_gen_integer(g, e->domid);
	json_str(g, "config");
	pvx_domain_config_json(g, e->domid, e->name);
	list_json_pvisor(g, e);
	yajl_gen_map_close(g);
}

static int list_json(const struct cli_domset *s)
{
	yajl_gen g = cli_json_open();

	yajl_gen_array_open(g);
	for (int i = 0; i < s->n; i++)
		list_json_one(g, &s->e[i]);
	yajl_gen_array_close(g);
	return cli_json_close(g);
}

static int list_parse(int argc, char **argv, struct list_opts *o)
{
	static const struct option lo[] = { { "long", no_argument, NULL, 'l' },
					    { "json", no_argument, NULL, 'l' },
					    { "verbose", no_argument, NULL, 'v' },
					    { "context", no_argument, NULL, 'Z' },
					    { "cpupool", no_argument, NULL, 'c' },
					    { "numa", no_argument, NULL, 'n' },
					    { NULL, 0, NULL, 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "lvZcn", lo, NULL)) != -1) {
		switch (c) {
		case 'l':
			o->json = 1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'Z':
			o->context = 1;
			break;
		case 'c':
			o->cpupool = 1;
			break;
		case 'n':
			o->numa = 1;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

int cmd_list(int argc, char **argv)
{
	struct list_opts o = { 0 };
	struct cli_domset s;
	struct pvctrl *h;
	int rc = 0;

	if (list_parse(argc, argv, &o) < 0)
		return cli_usage("list");
	h = cli_connect();
	cli_domset_get(h, argc - optind, argv + optind, &s);
	if (o.json)
		rc = list_json(&s);
	else
		list_table(h, &o, &s);
	cli_domset_free(&s);
	pvctrl_close(h);
	return rc;
}
