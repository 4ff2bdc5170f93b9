/* pvx vcpu-pin [-f] [-i] DOMAIN VCPU|all HARD [SOFT]: which host CPUs a vCPU may
 * run on (hard: its host thread's affinity) and prefers (soft: kept and shown;
 * the host scheduler has no preference), as xl vcpu-pin: CPU lists as in
 * cpus=, "-" leaves one as it is. The global -N prints the maps and changes
 * nothing. -f and -i are xl's (no global affinity masks here to skip). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "pvx_cli.h"
#include "util.h"

struct vp_opts {
	const char *dom, *vcpu, *hard, *soft; /* hard / soft NULL: leave it */
	int force;
};

static int vp_parse(int argc, char **argv, struct vp_opts *o)
{
	static const struct option lo[] = { { "force", no_argument, NULL, 'f' },
					    { "ignore-global-affinity-masks", no_argument, NULL,
					      'i' },
					    { NULL, 0, NULL, 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "+fi", lo, NULL)) != -1) {
		if (c == 'f')
			o->force = 1;
		else if (c != 'i')
			return -1;
	}
	if (argc - optind != 3 && argc - optind != 4)
		return -1;
	o->dom = argv[optind];
	o->vcpu = argv[optind + 1];
	o->hard = strcmp(argv[optind + 2], "-") ? argv[optind + 2] : NULL;
	o->soft = argc - optind == 4 && strcmp(argv[optind + 3], "-") ? argv[optind + 3] : NULL;
	return 0;
}

/* One CPU list as the map it makes over the host's ncpu CPUs. */
static int vp_show(const char *list, unsigned ncpu, const char *sep)
{
	uint8_t map[PVCTRL_CPUMAP_BYTES];
	struct pvx_err err = { 0 };
	char out[256];
	int rc = pvx_cpumap_to_ctl(list, map, &err);

	if (rc < 0)
		return cli_fail("vcpu-pin: %s", pvx_err_text(&err, rc));
	pvx_cpumap_format(map, ncpu, out, sizeof(out));
	printf("%s%s", sep, out);
	return 0;
}

/* -N: the maps over the host's CPUs, as xl prints them ("cpumap: HARD [SOFT]"). */
static int vp_dry(struct pvctrl *h, const struct vp_opts *o)
{
	struct pv_sysctl_physinfo pi;
	int rc = 0;

	if (pvctrl_physinfo(h, &pi) < 0)
		return cli_fail("asking the hypervisor for the host's CPUs");
	printf("cpumap: ");
	if (o->hard)
		rc = vp_show(o->hard, pi.max_cpu_id + 1, "");
	else
		printf("-");
	if (rc == 0 && o->soft)
		rc = vp_show(o->soft, pi.max_cpu_id + 1, " ");
	putchar('\n');
	return rc;
}

static int vp_apply(struct pvctrl *h, const struct vp_opts *o)
{
	struct pv_domctl_getdomaininfo info;
	struct pvx_err err = { 0 };
	pv_domid_t id = cli_domain(h, o->dom);
	unsigned first = 0, last;
	uint64_t n;
	int rc;

	if ((rc = pvctrl_domain_getinfo(h, id, &info)) < 0)
		return cli_fail("vcpu-pin %s: %s", o->dom, strerror(-rc));
	last = info.max_vcpu_id;
	if (strcmp(o->vcpu, "all") != 0) {
		if (util_parse_u64(o->vcpu, info.max_vcpu_id, &n) < 0)
			return cli_fail("invalid argument %s as VCPU (0 to %u, or all)", o->vcpu,
					info.max_vcpu_id);
		first = last = (unsigned)n;
	} else if (o->force) {
		return cli_fail("--force and 'all' as VCPU not allowed");
	}
	for (unsigned v = first; v <= last; v++)
		if ((rc = pvx_vcpu_pin(h, id, v, o->hard, o->soft, &err)) < 0)
			return cli_fail("could not set affinity for vcpu `%u': %s", v,
					pvx_err_text(&err, rc));
	return 0;
}

int cmd_vcpu_pin(int argc, char **argv)
{
	struct vp_opts o = { 0 };
	struct pvctrl *h;
	int rc;

	if (vp_parse(argc, argv, &o) < 0)
		return cli_usage("vcpu-pin");
	h = cli_connect();
	rc = cli.dryrun ? vp_dry(h, &o) : vp_apply(h, &o);
	pvctrl_close(h);
	return rc;
}
