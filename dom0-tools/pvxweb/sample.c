/* One look at every domain: the hypervisor's record of it, xl's state letters,
 * and its devices' counters from the backends; and the domain object of the API. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_gen.h>

#include "api.h"
#include "libpvx/pvx.h"
#include "sampler.h"
#include "util.h"

#define BKSTAT_TIMEOUT_MS 200 /* a backend busy for longer is left out of this look */

const char *sample_state_name(uint32_t state)
{
	static const char *const names[] = { "created",  "running", "blocked", "paused",
					     "shutdown", "crashed", "dying" };

	return state < ARRAY_SIZE(names) ? names[state] : "unknown";
}

/* Add each backend's device counters to the domain they belong to. */
static void sample_backends(struct sample_set *s)
{
	static const char *const daemons[] = { "blkback", "netback" };

	for (size_t k = 0; k < ARRAY_SIZE(daemons); k++) {
		struct bk_dev *devs;
		int n = bkstat_read(daemons[k], BKSTAT_TIMEOUT_MS, &devs);

		for (int i = 0; i < n; i++)
			for (int j = 0; j < s->n; j++)
				if (s->d[j].e.domid == devs[i].domid)
					bkstat_add(&s->d[j].io, &devs[i]);
		free(devs);
	}
}

/* xl's letters of every domain of out, from one getdomaininfolist request. */
static void sample_letters(struct pvctrl *pc, struct sample_set *out)
{
	struct pv_domctl_getdomaininfo *info = calloc((size_t)out->n + 1, sizeof(*info));
	int n = info ? pvctrl_domain_getinfolist(pc, 1, info, (uint32_t)out->n + 1) : -1;

	for (int i = 0; i < out->n; i++) {
		const struct pv_domctl_getdomaininfo *found = NULL;

		for (int k = 0; k < n && !found; k++)
			if (info[k].domain == out->d[i].e.domid)
				found = &info[k];
		pvx_domain_letters(found, out->d[i].letters);
	}
	free(info);
}

int sample_take(struct pvctrl *pc, struct sample_set *out, int backends)
{
	struct pv_privcmd_domext *e = NULL;
	int n = pvctrl_domext_list(pc, &e);

	memset(out, 0, sizeof(*out));
	out->t_ns = util_now_ns();
	if (n < 0)
		return n;
	out->d = calloc(n ? n : 1, sizeof(*out->d));
	if (!out->d) {
		free(e);
		return -ENOMEM;
	}
	out->n = n;
	for (int i = 0; i < n; i++)
		out->d[i].e = e[i];
	free(e);
	sample_letters(pc, out);
	if (!backends)
		return 0;
	sample_backends(out);
	for (int i = 0; i < n; i++)
		out->d[i].have_ctr = pvctrl_domain_counters(pc, out->d[i].e.domid,
							    &out->d[i].ctr) == 0;
	return 0;
}

void sample_set_free(struct sample_set *s)
{
	free(s->d);
	s->d = NULL;
	s->n = 0;
}

static const char *shutdown_reason_name(uint32_t r)
{
	static const char *const names[] = { "poweroff", "reboot",   "suspend",
					     "crash",    "watchdog", "soft_reset" };

	return r < ARRAY_SIZE(names) ? names[r] : "unknown";
}

void sample_domain_json(yajl_gen g, const struct dom_sample *d)
{
	const struct pv_privcmd_domext *e = &d->e;
	struct timespec now;
	double up;

	clock_gettime(CLOCK_REALTIME, &now);
	yajl_gen_map_open(g);
	json_kint(g, "domid", e->domid);
	json_kstr(g, "name", e->name);
	json_kstr(g, "state", sample_state_name(e->state));
	json_kstr(g, "letters", d->letters);
	if (e->state == PV_DOMSTATE_SHUTDOWN)
		json_kstr(g, "shutdown_reason", shutdown_reason_name(e->shutdown_reason));
	else
		json_knull(g, "shutdown_reason");
	json_kstr(g, "crash_reason", e->crash_reason);
	json_kint(g, "mem_kib", (long long)e->tot_pages * 4);
	json_kint(g, "max_mem_kib", (long long)e->max_pages * 4);
	json_kint(g, "vcpus", e->nr_vcpus);
	json_kint(g, "cpu_time_ns", (long long)e->cpu_time);
	json_kint(g, "start_time", (long long)(e->start_time / 1000000000ull));
	up = ((double)now.tv_sec * 1e9 + now.tv_nsec - (double)e->start_time) / 1e9;
	json_knum(g, "uptime_s", e->start_time && up > 0 ? up : 0.0);
	json_kint(g, "pid", e->pid);
	json_kint(g, "vbds", d->io.nr_vbd);
	json_kint(g, "vifs", d->io.nr_vif);
	yajl_gen_map_close(g);
}
