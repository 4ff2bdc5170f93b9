/* pvx vcpu-list [--json] [DOMAIN...]: every vCPU in xl's columns -- Name ID VCPU CPU
 * State Time(s) Affinity (Hard / Soft). Domain-0's vCPUs are the host's CPUs. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pvx_cli.h"

struct vl_row {
	const char *name;
	unsigned domid, vcpu, cpu;
	int online, running, blocked;
	double secs;
	char hard[256], soft[256];
};

static void vl_print(const struct vl_row *r, yajl_gen g)
{
	if (g) {
		yajl_gen_map_open(g);
		cli_json_kstr(g, "name", r->name);
		cli_json_kint(g, "domid", r->domid);
		cli_json_kint(g, "vcpu", r->vcpu);
		cli_json_kint(g, "cpu", r->online ? (long long)r->cpu : -1);
		cli_json_kbool(g, "online", r->online);
		cli_json_kbool(g, "running", r->running);
		cli_json_kbool(g, "blocked", r->blocked);
		cli_json_kdouble(g, "time", r->secs);
		cli_json_kstr(g, "affinity_hard", r->hard);
		cli_json_kstr(g, "affinity_soft", r->soft);
		yajl_gen_map_close(g);
		return;
	}
	printf("%-32s %5u %5u", r->name, r->domid, r->vcpu);
	if (!r->online)
		printf("%5c %3c%cp ", '-', '-', '-');
	else
		printf("%5u %3c%c- ", r->cpu, r->running ? 'r' : '-', r->blocked ? 'b' : '-');
	printf("%9.1f  %s / %s\n", r->secs, r->hard, r->soft);
}

/* The host's CPUs as Domain-0's vCPUs: their busy time from /proc/stat. */
static void vl_dom0(unsigned nr_cpus, yajl_gen g)
{
	unsigned long long v[8];
	long hz = sysconf(_SC_CLK_TCK);
	char line[512];
	unsigned cpu;
	FILE *f = fopen("/proc/stat", "re");

	while (f && fgets(line, sizeof(line), f)) {
		struct vl_row r = { .name = "Domain-0", .online = 1, .running = 1 };

		if (sscanf(line, "cpu%u %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &v[0],
			   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 9 ||
		    cpu >= nr_cpus)
			continue;
		r.vcpu = r.cpu = cpu;
		r.secs = (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (hz > 0 ? hz : 100);
		snprintf(r.hard, sizeof(r.hard), "all");
		snprintf(r.soft, sizeof(r.soft), "all");
		vl_print(&r, g);
	}
	if (f)
		fclose(f);
}

static void vl_domain(struct pvctrl *h, const struct pv_privcmd_domext *e, unsigned nr_cpus,
		      yajl_gen g)
{
	uint8_t hard[PVCTRL_CPUMAP_BYTES], soft[PVCTRL_CPUMAP_BYTES];
	struct pv_domctl_getdomaininfo info;
	struct pv_domctl_getvcpuinfo vi;

	if (pvctrl_domain_getinfo(h, e->domid, &info) < 0 ||
	    info.max_vcpu_id == PV_INVALID_MAX_VCPU_ID)
		return; /* gone meanwhile, or no vCPU */
	for (unsigned i = 0; i <= info.max_vcpu_id; i++) {
		struct vl_row r = { .name = e->name, .domid = e->domid, .vcpu = i };

		if (pvctrl_vcpu_getinfo(h, e->domid, i, &vi) < 0 ||
		    pvctrl_vcpu_affinity(h, e->domid, i, 0, hard, soft) < 0)
			continue;
		r.online = vi.online;
		r.running = vi.running;
		r.blocked = vi.blocked;
		r.cpu = vi.cpu;
		r.secs = (double)vi.cpu_time / 1e9;
		pvx_cpumap_format(hard, nr_cpus, r.hard, sizeof(r.hard));
		pvx_cpumap_format(soft, nr_cpus, r.soft, sizeof(r.soft));
		vl_print(&r, g);
	}
}

int cmd_vcpu_list(int argc, char **argv)
{
	static const struct option lo[] = { { "json", no_argument, NULL, 'j' },
					    { NULL, 0, NULL, 0 } };
	struct pv_sysctl_physinfo pi;
	struct cli_domset s;
	struct pvctrl *h;
	yajl_gen g = NULL;
	int c, json = 0;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c != 'j')
			return cli_usage("vcpu-list");
		json = 1;
	}
	h = cli_connect();
	if (pvctrl_physinfo(h, &pi) < 0)
		pi.max_cpu_id = (uint32_t)sysconf(_SC_NPROCESSORS_CONF) - 1;
	cli_domset_get(h, argc - optind, argv + optind, &s);
	if (json) {
		g = cli_json_open();
		yajl_gen_array_open(g);
	} else {
		printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State",
		       "Time(s)", "Affinity (Hard / Soft)");
	}
	if (s.dom0)
		vl_dom0(pi.max_cpu_id + 1, g);
	for (int i = 0; i < s.n; i++)
		vl_domain(h, &s.e[i], pi.max_cpu_id + 1, g);
	cli_domset_free(&s);
	pvctrl_close(h);
	if (!g)
		return 0;
	yajl_gen_array_close(g);
	return cli_json_close(g);
}
