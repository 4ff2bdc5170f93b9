/* pvx sched-credit [-d DOMAIN [-w WEIGHT] [-c CAP]] [-p POOL] [-s]: the credit
 * scheduler's parameters as xl shows and sets them -- carried out by the host's
 * cgroup CPU controller, one group per domain (weight: the group's share, 256 =
 * the host default; cap: a quota in percent of one CPU, 0 = none). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvx_cli.h"
#include "util.h"

struct sc_opts {
	const char *dom, *pool;
	long weight, cap; /* -1: not given */
	int schedparam, poolparam;
};

static void sc_header(void)
{
	printf("%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
}

static int sc_row(struct pvctrl *h, const char *name, pv_domid_t id)
{
	unsigned weight = 256, cap = 0;
	int rc = id ? pvctrl_sched_credit(h, id, 0, &weight, &cap) : 0;

	if (rc < 0)
		return cli_fail("sched-credit %s: %s", name, strerror(-rc));
	printf("%-33s %4u %6u %4u\n", name, id, weight, cap);
	return 0;
}

/* The pool line: pvisor's pool is the host, scheduled by its CFS through cgroups. */
static void sc_pool(struct pvctrl *h)
{
	struct pv_privcmd_schedinfo si;

	if (pvctrl_sched_info(h, &si) < 0)
		printf("Cpupool Pool-0: [sched params unavailable]\n");
	else
		printf("Cpupool Pool-0: host CFS, cgroup %s\n", si.cgroup);
}

static int sc_list(struct pvctrl *h)
{
	struct cli_domset s;
	int rc = 0;

	cli_domset_get(h, 0, NULL, &s);
	sc_pool(h);
	sc_header();
	sc_row(h, "Domain-0", 0);
	for (int i = 0; i < s.n; i++)
		rc |= sc_row(h, s.e[i].name, s.e[i].domid);
	cli_domset_free(&s);
	return rc;
}

static int sc_set(struct pvctrl *h, const struct sc_opts *o)
{
	struct pvx_err err = { 0 };
	pv_domid_t id = cli_domain(h, o->dom);
	int rc = pvx_sched_credit_set(h, id, o->weight < 0 ? 0 : (unsigned)o->weight,
				      o->cap < 0 ? 0xffff : (unsigned)o->cap, &err);

	if (rc < 0)
		return cli_fail("sched-credit %s: %s", o->dom, pvx_err_text(&err, rc));
	cli_note(1, "%s: weight %ld, cap %ld", o->dom, o->weight, o->cap);
	return 0;
}

static int sc_number(const char *arg, uint64_t max, long *out)
{
	uint64_t n;

	if (util_parse_u64(arg, max, &n) < 0)
		return cli_fail("sched-credit: \"%s\" is not a number from 0 to %llu", arg,
				(unsigned long long)max);
	*out = (long)n;
	return 0;
}

static int sc_parse(int argc, char **argv, struct sc_opts *o)
{
	static const struct option lo[] = { { "domain", required_argument, NULL, 'd' },
					    { "weight", required_argument, NULL, 'w' },
					    { "cap", required_argument, NULL, 'c' },
					    { "schedparam", no_argument, NULL, 's' },
					    { "tslice_ms", required_argument, NULL, 't' },
					    { "ratelimit_us", required_argument, NULL, 'r' },
					    { "migration_delay_us", required_argument, NULL,
					      'm' },
					    { "cpupool", required_argument, NULL, 'p' },
					    { NULL, 0, NULL, 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "+d:w:c:p:t:r:m:s", lo, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->dom = optarg;
			break;
		case 'w':
			if (sc_number(optarg, 65535, &o->weight))
				return 1;
			break;
		case 'c':
			if (sc_number(optarg, 65534, &o->cap))
				return 1;
			break;
		case 'p':
			o->pool = optarg;
			break;
		case 's':
			o->schedparam = 1;
			break;
		case 't':
		case 'r':
		case 'm':
			o->poolparam = 1;
			break;
		default:
			return 2;
		}
	}
	return optind == argc ? 0 : 2;
}

/* xl's rules on which options go together. */
static int sc_check(const struct sc_opts *o)
{
	if ((o->pool || o->schedparam) && (o->dom || o->weight >= 0 || o->cap >= 0))
		return cli_fail("specifying a cpupool or schedparam is not allowed with domain "
				"options");
	if (!o->dom && (o->weight >= 0 || o->cap >= 0))
		return cli_fail("must specify a domain");
	if (!o->schedparam && o->poolparam)
		return cli_fail("must specify schedparam to set schedule parameter values");
	if (o->poolparam)
		return cli_fail("tslice, ratelimit and migration delay: not supported by pvisor: "
				"the host's scheduler (CFS) decides those");
	if (o->pool && strcmp(o->pool, "Pool-0") != 0)
		return cli_fail("unknown cpupool '%s' (pvisor has one, Pool-0)", o->pool);
	if (o->weight == 0)
		return cli_fail("sched-credit: the weight is 1 to 65535");
	return 0;
}

int cmd_sched_credit(int argc, char **argv)
{
	struct sc_opts o = { .weight = -1, .cap = -1 };
	struct pvctrl *h;
	int rc = sc_parse(argc, argv, &o);

	if (rc)
		return rc == 2 ? cli_usage("sched-credit") : rc;
	if (sc_check(&o))
		return 1;
	h = cli_connect();
	if (o.schedparam) {
		sc_pool(h);
	} else if (!o.dom) {
		rc = sc_list(h);
	} else if (o.weight < 0 && o.cap < 0) {
		sc_header();
		rc = sc_row(h, o.dom, cli_domain(h, o.dom));
	} else {
		rc = sc_set(h, &o);
	}
	pvctrl_close(h);
	return rc;
}
