/* pvx shutdown / pvx reboot [-a] [-w] [-F] [DOMAIN]: ask domains to power off or
 * reboot as libxl does for a PV guest -- write control/shutdown, whatever feature
 * keys the guest wrote. control/feature-<reason> only says how long to give the
 * guest to take the request (it clears the key) before suggesting -F, or with -F
 * before the hypervisor stops it with that reason. -w waits until each has
 * stopped; -a: every domain that runs. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libxs/xs.h"
#include "pvisor/sched.h"
#include "pvx_cli.h"
#include "util.h"

#define SD_GRACE_MS         10000 /* the guest wrote no control/feature-<reason> */
#define SD_GRACE_FEATURE_MS 60000 /* it said it handles the request */
#define SD_TICK_MS          100

struct sd_opts {
	const char *reason, *verb; /* "poweroff" / "shutdown", "reboot" / "reboot" */
	unsigned code;             /* PV_SHUTDOWN_* for -F */
	int all, wait, force;
};

struct sd_dom {
	pv_domid_t id;
	char name[64];
	uint64_t deadline_ns; /* after it: -F forces, -w suggests -F */
	int feature, taken, stopped, forced, told;
};

static int sd_parse(int argc, char **argv, struct sd_opts *o)
{
	static const struct option lo[] = { { "all", no_argument, NULL, 'a' },
					    { "wait", no_argument, NULL, 'w' },
					    { NULL, 0, NULL, 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "+awF", lo, NULL)) != -1) {
		if (c == 'a')
			o->all = 1;
		else if (c == 'w')
			o->wait = 1;
		else if (c == 'F')
			o->force = 1;
		else
			return -1;
	}
	if (o->all ? optind != argc : optind != argc - 1) {
		if (!o->all && optind == argc)
			cli_fail("%s: give -a or a domain", argv[0]);
		return -1;
	}
	return 0;
}

/* A domain that runs (or is paused, or not started yet) may be asked. */
static int sd_askable(uint32_t state)
{
	return state == PV_DOMSTATE_CREATED || state == PV_DOMSTATE_RUNNING ||
	       state == PV_DOMSTATE_BLOCKED || state == PV_DOMSTATE_PAUSED;
}

/* The domains to ask: every one that runs (-a) or the one named. */
static int sd_targets(struct pvctrl *h, const struct sd_opts *o, const char *spec,
		      struct sd_dom **out)
{
	struct pv_privcmd_domext *e = NULL;
	pv_domid_t want = o->all ? 0 : cli_domain(h, spec);
	int n = pvctrl_domext_list(h, &e), k = 0;

	if (n < 0)
		return n;
	*out = calloc(n + 1, sizeof(**out));
	for (int i = 0; *out && i < n; i++) {
		if (o->all ? !sd_askable(e[i].state) : e[i].domid != want)
			continue;
		(*out)[k].id = e[i].domid;
		snprintf((*out)[k].name, sizeof((*out)[k].name), "%s", e[i].name);
		k++;
	}
	free(e);
	return *out ? k : -ENOMEM;
}

static int sd_request(struct xs_handle *xs, const struct sd_opts *o, struct sd_dom *d)
{
	struct pvx_err err = { 0 };
	int rc;

	fprintf(stderr, "%s domain %u\n",
		o->code == PV_SHUTDOWN_reboot ? "Rebooting" : "Shutting down", d->id);
	d->feature = pvx_control_feature(xs, d->id, o->reason);
	d->deadline_ns = util_now_ns() +
			 (uint64_t)(d->feature ? SD_GRACE_FEATURE_MS : SD_GRACE_MS) * 1000000;
	rc = pvx_domain_request_shutdown(xs, d->id, o->reason, &err);
	if (rc < 0)
		return cli_fail("%s %s: %s", o->verb, d->name, pvx_err_text(&err, rc));
	cli_note(1, "%s: wrote control/shutdown = %s (the guest %s control/feature-%s)", d->name,
		 o->reason, d->feature ? "wrote" : "did not write", o->reason);
	return 0;
}

/* The grace time is over and the guest still has not taken the request. */
static void sd_overdue(struct pvctrl *h, const struct sd_opts *o, struct sd_dom *d)
{
	char why[96] = "";

	if (!d->feature)
		snprintf(why, sizeof(why), " (its kernel wrote no control/feature-%s)",
			 o->reason);
	if (o->force && !d->forced) {
		fprintf(stderr,
			"pvx: %s has not taken the %s request%s: the hypervisor stops it\n",
			d->name, o->reason, why);
		pvctrl_domain_shutdown(h, d->id, o->code);
		d->forced = 1;
	} else if (!o->force && !d->told) {
		fprintf(stderr,
			"pvx: %s has not taken the %s request after %d s%s; 'pvx %s -F %s' "
			"makes the hypervisor stop it. Still waiting.\n",
			d->name, o->reason,
			(d->feature ? SD_GRACE_FEATURE_MS : SD_GRACE_MS) / 1000, why, o->verb,
			d->name);
		d->told = 1;
	}
}

/* One look at d: has it stopped, taken the request, run out of time? 1 when
 * nothing is left to wait for. */
static int sd_check(struct pvctrl *h, struct xs_handle *xs, const struct sd_opts *o,
		    struct sd_dom *d)
{
	struct pv_domctl_getdomaininfo info;
	int rc = pvctrl_domain_getinfo(h, d->id, &info);

	d->stopped = rc < 0 || (info.flags & (PV_DOMINF_shutdown | PV_DOMINF_dying));
	if (!d->taken)
		d->taken = d->stopped || !pvx_control_request_pending(xs, d->id, o->reason);
	if (!d->taken && util_now_ns() > d->deadline_ns)
		sd_overdue(h, o, d);
	return d->stopped || (!o->wait && (d->taken || d->forced));
}

static void sd_wait(struct pvctrl *h, struct xs_handle *xs, const struct sd_opts *o,
		    struct sd_dom *d, int n)
{
	const struct timespec tick = { 0, SD_TICK_MS * 1000000L };
	int left = n;

	while (left > 0) {
		left = 0;
		for (int i = 0; i < n; i++)
			left += !sd_check(h, xs, o, &d[i]);
		if (left)
			nanosleep(&tick, NULL);
	}
}

static int shutdown_common(int argc, char **argv, struct sd_opts *o)
{
	struct sd_dom *d = NULL;
	struct xs_handle *xs;
	struct pvctrl *h;
	int n, rc = 0;

	if (sd_parse(argc, argv, o) < 0)
		return cli_usage(argv[0]);
	h = cli_connect();
	n = sd_targets(h, o, argv[optind], &d);
	if (n < 0) {
		pvctrl_close(h);
		return cli_fail("%s: listing domains: %s", o->verb, strerror(-n));
	}
	xs = cli_store();
	for (int i = 0; i < n; i++)
		rc |= sd_request(xs, o, &d[i]);
	if (rc == 0 && (o->wait || o->force))
		sd_wait(h, xs, o, d, n);
	xs_close(xs);
	pvctrl_close(h);
	free(d);
	return rc;
}

int cmd_shutdown(int argc, char **argv)
{
	struct sd_opts o = { .reason = "poweroff",
			     .verb = "shutdown",
			     .code = PV_SHUTDOWN_poweroff };

	return shutdown_common(argc, argv, &o);
}

int cmd_reboot(int argc, char **argv)
{
	struct sd_opts o = { .reason = "reboot", .verb = "reboot", .code = PV_SHUTDOWN_reboot };

	return shutdown_common(argc, argv, &o);
}
