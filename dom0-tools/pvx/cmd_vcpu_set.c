/* pvx vcpu-set [-i|--ignore-host] DOMAIN N: the number of vCPUs online, as xl
 * vcpu-set: cpu/<n>/availability, which the guest follows. More vCPUs than the
 * host has CPUs is refused unless -i, as xl. */
#include <getopt.h>
#include <string.h>

#include "libxs/xs.h"
#include "pvx_cli.h"
#include "util.h"

/* xl's overcommit check: more online vCPUs than host CPUs, and more than now. */
static int vs_overcommit(struct pvctrl *h, const struct pv_domctl_getdomaininfo *info, uint64_t n)
{
	struct pv_sysctl_physinfo pi;

	if (pvctrl_physinfo(h, &pi) < 0 || n <= info->nr_online_vcpus || n <= pi.nr_cpus)
		return 0;
	return cli_fail("you are overcommitting! You have %u physical CPUs and want %llu "
			"vCPUs! Aborting, use --ignore-host to continue",
			pi.nr_cpus, (unsigned long long)n);
}

int cmd_vcpu_set(int argc, char **argv)
{
	static const struct option lo[] = { { "ignore-host", no_argument, NULL, 'i' },
					    { NULL, 0, NULL, 0 } };
	struct pv_domctl_getdomaininfo info;
	struct pvx_err err = { 0 };
	struct xs_handle *xs;
	struct pvctrl *h;
	int c, check_host = 1, rc;
	pv_domid_t id;
	uint64_t n;

	while ((c = getopt_long(argc, argv, "+i", lo, NULL)) != -1) {
		if (c != 'i')
			return cli_usage("vcpu-set");
		check_host = 0;
	}
	if (argc - optind != 2)
		return cli_usage("vcpu-set");
	if (util_parse_u64(argv[optind + 1], 4096, &n) < 0)
		return cli_fail("vcpu-set: invalid number of vCPUs \"%s\"", argv[optind + 1]);
	h = cli_connect();
	id = cli_domain(h, argv[optind]);
	rc = pvctrl_domain_getinfo(h, id, &info);
	if (rc < 0)
		return cli_fail("vcpu-set %s: %s", argv[optind], strerror(-rc));
	if (check_host && vs_overcommit(h, &info, n))
		return 1;
	xs = cli_store();
	rc = pvx_domain_vcpus_online(xs, id, (unsigned)n, info.max_vcpu_id + 1, &err);
	xs_close(xs);
	pvctrl_close(h);
	if (rc < 0)
		return cli_fail("vcpu-set %s: %s", argv[optind], pvx_err_text(&err, rc));
	return 0;
}
