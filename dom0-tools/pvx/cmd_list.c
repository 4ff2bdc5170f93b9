/* pvx list [-l] [DOMAIN...]: domains in xl's table (or JSON, as xl list -l). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "libpvx/cfg.h"
#include "pvisor/sched.h"
#include "pvx_cli.h"

static const char *state_name(uint32_t s)
{
	static const char *names[] = { "created", "running", "blocked", "paused",
				       "shutdown", "crashed", "dying" };

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

/* xl's six state letters: r b p s <reason> d. */
static void state_letters(struct pvctrl *h, const struct pv_privcmd_domext *e, char out[7])
{
	struct pv_domctl_getdomaininfo info;
	static const char reasons[] = "-rscwS";

	memcpy(out, "------", 7);
	if (pvctrl_domain_getinfo(h, e->domid, &info) < 0)
		return;
	if (info.flags & PV_DOMINF_running)
		out[0] = 'r';
	if (info.flags & PV_DOMINF_blocked)
		out[1] = 'b';
	if (info.flags & PV_DOMINF_paused)
		out[2] = 'p';
	if (info.flags & PV_DOMINF_shutdown) {
		unsigned r = (info.flags >> PV_DOMINF_shutdownshift) & PV_DOMINF_shutdownmask;

		out[3] = 's';
		out[4] = r < sizeof(reasons) - 1 ? reasons[r] : '?';
	}
	if (info.flags & PV_DOMINF_dying)
		out[5] = 'd';
}

static int wanted(const struct pv_privcmd_domext *e, int argc, char **argv)
{
	char id[16];

	if (argc == 0)
		return 1;
	snprintf(id, sizeof(id), "%u", e->domid);
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], e->name) == 0 || strcmp(argv[i], id) == 0)
			return 1;
	return 0;
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

static void list_table(struct pvctrl *h, struct pv_privcmd_domext *e, int n, int argc,
		       char **argv)
{
	struct pv_sysctl_physinfo pi;
	char st[7];

	printf("%-40s %5s %5s %5s %10s %9s\n", "Name", "ID", "Mem", "VCPUs", "State", "Time(s)");
	if ((argc == 0 || wanted(&(struct pv_privcmd_domext){ .name = "Domain-0" }, argc, argv)) &&
	    pvctrl_physinfo(h, &pi) == 0)
		printf("%-40s %5d %5lu %5d     %s  %8.1f\n", "Domain-0", 0,
		       (unsigned long)(pi.total_pages / 256), (int)pi.nr_cpus, "r-----",
		       dom0_cpu_seconds());
	for (int i = 0; i < n; i++) {
		if (!wanted(&e[i], argc, argv))
			continue;
		state_letters(h, &e[i], st);
		printf("%-40s %5d %5lu %5d     %s  %8.1f\n", e[i].name, e[i].domid,
		       (unsigned long)(e[i].tot_pages / 256), (int)e[i].nr_vcpus, st,
		       (double)e[i].cpu_time / 1e9);
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
	char *text = pvx_domain_saved_config(e->domid);
	struct cfg_file *cf = NULL;
	struct domcfg dc;

	memset(&dc, 0, sizeof(dc));
	yajl_gen_map_open(g);
	json_str(g, "domid");
	yajl_gen_integer(g, e->domid);
	json_str(g, "config");
	if (text && cfg_parse_buffer(e->name, text, strlen(text), &cf, NULL) == 0 &&
	    domcfg_from_cfg(cf, &dc, NULL, NULL, NULL) == 0) {
		domcfg_json_gen_config(&dc, g);
	} else {
		/* no saved config (created by another toolstack): what the hypervisor knows */
		yajl_gen_map_open(g);
		json_str(g, "c_info");
		yajl_gen_map_open(g);
		json_str(g, "name");
		json_str(g, e->name);
		yajl_gen_map_close(g);
		yajl_gen_map_close(g);
	}
	list_json_pvisor(g, e);
	yajl_gen_map_close(g);
	domcfg_fini(&dc);
	cfg_free(cf);
	free(text);
}

static void list_json(struct pv_privcmd_domext *e, int n, int argc, char **argv)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *out;
	size_t len;

	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "    ");
	yajl_gen_array_open(g);
	for (int i = 0; i < n; i++)
		if (wanted(&e[i], argc, argv))
			list_json_one(g, &e[i]);
	yajl_gen_array_close(g);
	yajl_gen_get_buf(g, &out, &len);
	fwrite(out, 1, len, stdout);
	fputc('\n', stdout);
	yajl_gen_free(g);
}

int cmd_list(int argc, char **argv)
{
	struct pv_privcmd_domext *e = NULL;
	struct pvctrl *h;
	int json = 0, n;

	if (argc > 1 && (strcmp(argv[1], "-l") == 0 || strcmp(argv[1], "--long") == 0)) {
		json = 1;
		argc--;
		argv++;
	}
	h = cli_connect();
	n = pvctrl_domext_list(h, &e);
	if (n < 0) {
		pvctrl_close(h);
		return cli_fail("listing domains: %s", strerror(-n));
	}
	for (int i = 1; i < argc; i++) {
		pv_domid_t id;

		if (strcmp(argv[i], "Domain-0") != 0 && strcmp(argv[i], "0") != 0 &&
		    pvx_domain_resolve(h, argv[i], &id) < 0) {
			free(e);
			pvctrl_close(h);
			return cli_fail("%s: no such domain", argv[i]);
		}
	}
	if (json)
		list_json(e, n, argc - 1, argv + 1);
	else
		list_table(h, e, n, argc - 1, argv + 1);
	free(e);
	pvctrl_close(h);
	return 0;
}
