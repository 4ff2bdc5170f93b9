/* pvx top's samples: per domain what xentop shows -- state, CPU time, memory,
 * vCPUs, vifs and vbds with their traffic -- plus the host's line, Domain-0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libpvx/bkstat.h"
#include "libxs/xs.h"
#include "pvisor/sched.h"
#include "top.h"

/* The host as Domain-0: its busy CPU time and the memory in use. */
static void top_dom0(struct top_dom *t, const struct pv_sysctl_physinfo *pi)
{
	unsigned long long v[8] = { 0 };
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/proc/stat", "re");

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "Domain-0");
	snprintf(t->state, sizeof(t->state), "-----r");
	if (f && fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
			&v[3], &v[4], &v[5], &v[6], &v[7]) == 8)
		t->cpu_ns = (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) * 1000000000ull /
			    (unsigned long long)(hz > 0 ? hz : 100);
	if (f)
		fclose(f);
	t->mem_kb = (pi->total_pages - pi->free_pages) * 4;
	t->maxmem_kb = TOP_NO_LIMIT;
	t->vcpus = pi->nr_cpus;
}

/* xentop's state letters, in its order: dying, shutdown, blocked, crashed,
 * paused, running. */
static void top_state(const struct pv_privcmd_domext *e, uint32_t flags, char out[7])
{
	memcpy(out, "------", 7);
	if (flags & PV_DOMINF_dying)
		out[0] = 'd';
	if ((flags & PV_DOMINF_shutdown) && e->state != PV_DOMSTATE_CRASHED)
		out[1] = 's';
	if (flags & PV_DOMINF_blocked)
		out[2] = 'b';
	if (e->state == PV_DOMSTATE_CRASHED)
		out[3] = 'c';
	if (flags & PV_DOMINF_paused)
		out[4] = 'p';
	if (flags & PV_DOMINF_running)
		out[5] = 'r';
}

static void top_domain(struct pvctrl *h, struct xs_handle *xs, const struct pv_privcmd_domext *e,
		       struct top_dom *t)
{
	struct pv_domctl_getdomaininfo info;
	unsigned *ids = NULL;

	memset(t, 0, sizeof(*t));
	memset(&info, 0, sizeof(info));
	pvctrl_domain_getinfo(h, e->domid, &info);
	t->domid = e->domid;
	snprintf(t->name, sizeof(t->name), "%s", e->name);
	top_state(e, info.flags, t->state);
	t->cpu_ns = e->cpu_time;
	t->mem_kb = e->tot_pages * 4;
	t->maxmem_kb = e->max_pages * 4;
	t->vcpus = info.nr_online_vcpus;
	if (xs) {
		int n = pvx_device_list(xs, e->domid, "vif", &ids);

		t->nets = n > 0 ? (unsigned)n : 0;
		free(ids);
		ids = NULL;
		n = pvx_device_list(xs, e->domid, "vbd", &ids);
		t->vbds = n > 0 ? (unsigned)n : 0;
		free(ids);
	}
}

/* One device's counters into its domain's traffic columns (xentop's: NETTX/NETRX
 * what the domain sent and received, VBD_RD/WR requests, VBD_RSECT/WSECT sectors;
 * VBD_OO stays 0: blkback never turns a request away for want of room). */
static void top_device(struct top_sample *s, const struct bk_dev *d)
{
	for (int i = 0; i < s->n; i++) {
		struct top_dom *t = &s->doms[i];

		if (t->domid != d->domid || !strcmp(t->name, "Domain-0"))
			continue;
		t->net_tx += d->c[BK_TX_BYTES];
		t->net_rx += d->c[BK_RX_BYTES];
		t->vbd_rd += d->c[BK_RD_REQS];
		t->vbd_wr += d->c[BK_WR_REQS];
		t->vbd_rsect += d->c[BK_RD_BYTES] / 512;
		t->vbd_wsect += d->c[BK_WR_BYTES] / 512;
	}
}

/* The backends' device counters (their status sockets, libpvx/bkstat.c); the columns
 * stay '-' when neither backend reports counters. */
static void top_traffic(struct top_sample *s)
{
	static const char *const daemons[] = { "blkback", "netback" };
	int reported = 0;

	for (size_t k = 0; k < sizeof(daemons) / sizeof(daemons[0]); k++) {
		struct bk_dev *devs = NULL;
		int n = bkstat_read(daemons[k], 500, &devs);

		reported |= n >= 0;
		for (int i = 0; i < n; i++)
			if (devs[i].have)
				top_device(s, &devs[i]);
		free(devs);
	}
	for (int i = 0; i < s->n; i++)
		s->doms[i].counters = reported && strcmp(s->doms[i].name, "Domain-0") != 0;
}

int top_sample(struct pvctrl *h, struct xs_handle *xs, int argc, char **argv,
	       struct top_sample *s)
{
	struct cli_domset set;

	memset(s, 0, sizeof(*s));
	clock_gettime(CLOCK_MONOTONIC, &s->when);
	s->wall = time(NULL);
	if (pvctrl_physinfo(h, &s->pi) < 0)
		return -1;
	cli_domset_get(h, argc, argv, &set);
	s->doms = calloc((size_t)set.n + 1, sizeof(*s->doms));
	if (!s->doms) {
		cli_domset_free(&set);
		return -1;
	}
	if (set.dom0)
		top_dom0(&s->doms[s->n++], &s->pi);
	for (int i = 0; i < set.n; i++)
		top_domain(h, xs, &set.e[i], &s->doms[s->n++]);
	cli_domset_free(&set);
	top_traffic(s);
	return 0;
}

void top_sample_free(struct top_sample *s)
{
	free(s->doms);
	memset(s, 0, sizeof(*s));
}

double top_cpu_pct(const struct top_sample *cur, const struct top_sample *prev,
		   const struct top_dom *t)
{
	double us;

	if (!prev || !prev->doms)
		return 0.0;
	us = (double)(cur->when.tv_sec - prev->when.tv_sec) * 1e6 +
	     (double)(cur->when.tv_nsec - prev->when.tv_nsec) / 1e3;
	for (int i = 0; i < prev->n && us > 0; i++)
		if (prev->doms[i].domid == t->domid && strcmp(prev->doms[i].name, t->name) == 0)
			return t->cpu_ns >= prev->doms[i].cpu_ns
				       ? (double)(t->cpu_ns - prev->doms[i].cpu_ns) / 10.0 / us
				       : 0.0;
	return 0.0;
}
