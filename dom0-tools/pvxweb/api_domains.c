/* GET /domains, /domains/DOM, /domains/DOM/devices: what pvx list, list -l,
 * block-list and network-list show, as JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_dom.h"
#include "libpvx/bkstat.h"
#include "libpvx/hcnames.h"
#include "libpvx/pvx.h"
#include "libpvx/pvx_store.h"
#include "libxs/xs.h"
#include "pvxweb.h"
#include "sampler.h"
#include "util.h"

void api_domains_list(struct api_call *c)
{
	struct sample_set set;
	struct pvctrl *pc = api_hv(c);
	int rc;

	if (!pc)
		return;
	rc = sample_take(pc, &set, 1);
	if (rc < 0) {
		web_pvctrl_reset(c->w);
		api_fail(c, 503, "no-hypervisor", "pvx: listing domains: %s", strerror(-rc));
		return;
	}
	yajl_gen_map_open(c->g);
	json_key(c->g, "domains");
	yajl_gen_array_open(c->g);
	for (int i = 0; i < set.n; i++)
		sample_domain_json(c->g, &set.d[i]);
	yajl_gen_array_close(c->g);
	yajl_gen_map_close(c->g);
	sample_set_free(&set);
}

/* One look at every domain (with the backends' counters); domid's entry in it, or
 * NULL when it is not there (set is empty then and needs no freeing). */
static const struct dom_sample *look_one(struct pvctrl *pc, pv_domid_t domid,
					 struct sample_set *set)
{
	if (sample_take(pc, set, 1) < 0)
		return NULL;
	for (int i = 0; i < set->n; i++)
		if (set->d[i].e.domid == domid)
			return &set->d[i];
	sample_set_free(set);
	return NULL;
}

void api_domain_get(struct api_call *c)
{
	const struct dom_sample *d;
	struct sample_set set;
	struct pvctrl *pc;
	pv_domid_t domid;

	if (api_domain_arg(c, &pc, &domid) < 0)
		return;
	d = look_one(pc, domid, &set);
	if (!d) {
		api_fail(c, 404, "no-such-domain",
			 "pvx: %s: no such domain; 'pvx list' shows the domains", c->param);
		return;
	}
	yajl_gen_map_open(c->g);
	json_key(c->g, "domain");
	sample_domain_json(c->g, d);
	json_key(c->g, "config");
	pvx_domain_config_json(c->g, domid, d->e.name);
	yajl_gen_map_close(c->g);
	sample_set_free(&set);
}

static const struct bk_dev *dev_find(const struct bk_dev *devs, int n, const char *type,
				     pv_domid_t domid, unsigned devid)
{
	for (int i = 0; i < n; i++)
		if (devs[i].domid == domid && devs[i].devid == devid &&
		    !strcmp(devs[i].type, type))
			return &devs[i];
	return NULL;
}

static void dev_counters(yajl_gen g, const struct bk_dev *d)
{
	json_key(g, "counters");
	if (!d || !d->have) {
		yajl_gen_null(g);
		return;
	}
	yajl_gen_map_open(g);
	for (int i = 0; i < BK_NR_COUNTERS; i++)
		if (d->have & (1u << i))
			json_kint(g, bk_counter_name(i), (long long)d->c[i]);
	yajl_gen_map_close(g);
}

/* A store key as a JSON string, or null when it is absent. */
static void dev_key(struct xs_handle *xs, yajl_gen g, const char *dir, const char *key,
		    const char *name)
{
	char *v = pvx_xs_read_str(xs, 0, "%s/%s", dir, key);

	json_key(g, name);
	if (v)
		json_str(g, v);
	else
		yajl_gen_null(g);
	free(v);
}

static const char *const vbd_keys[] = { "dev", "params", "mode", "format", "type", NULL };
static const char *const vif_keys[] = { "mac", "bridge", "rate", "mtu", "vifname", "ip", NULL };

/* The devices of one type with their store keys and counters; the count or -errno
 * (the store connection failed). */
static int dev_list(struct xs_handle *xs, yajl_gen g, pv_domid_t domid, const char *type,
		    const char *const *keys, const char *daemon)
{
	struct bk_dev *devs = NULL;
	unsigned *ids = NULL;
	int n = pvx_device_list(xs, domid, type, &ids), nd = bkstat_read(daemon, 500, &devs);

	json_key(g, type);
	yajl_gen_array_open(g);
	for (int i = 0; i < n; i++) {
		char be[96], fe[96];

		snprintf(be, sizeof(be), "/local/domain/0/backend/%s/%u/%u", type, domid, ids[i]);
		snprintf(fe, sizeof(fe), "/local/domain/%u/device/%s/%u", domid, type, ids[i]);
		yajl_gen_map_open(g);
		json_kint(g, "devid", ids[i]);
		for (size_t k = 0; keys[k]; k++)
			dev_key(xs, g, be, keys[k], keys[k]);
		dev_key(xs, g, be, "state", "backend_state");
		dev_key(xs, g, fe, "state", "frontend_state");
		dev_counters(g, dev_find(devs, nd, type, domid, ids[i]));
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	free(ids);
	free(devs);
	return n == -ENOENT ? 0 : n;
}

void api_domain_devices(struct api_call *c)
{
	struct xs_handle *xs;
	struct pvctrl *pc;
	pv_domid_t domid;
	char err[512];

	if (api_domain_arg(c, &pc, &domid) < 0)
		return;
	xs = web_store(c->w, err, sizeof(err));
	if (!xs) {
		api_fail(c, 503, "no-store", "pvx: %s", err);
		return;
	}
	yajl_gen_map_open(c->g);
	json_kint(c->g, "domid", domid);
	if (dev_list(xs, c->g, domid, "vbd", vbd_keys, "blkback") < 0 ||
	    dev_list(xs, c->g, domid, "vif", vif_keys, "netback") < 0) {
		web_store_reset(c->w);
		api_fail(c, 503, "no-store",
			 "pvx: %s: cannot read its devices from the store; "
			 "is xsd running? ('pvx daemons status')",
			 c->param);
	}
	yajl_gen_map_close(c->g);
}

static void counters_hv(yajl_gen g, const struct pv_privcmd_counters *ctr)
{
	json_key(g, "hypervisor");
	yajl_gen_map_open(g);
	json_kint(g, "hypercalls", (long long)ctr->hypercalls_total);
	json_kint(g, "events_sent", (long long)ctr->events_sent);
	json_kint(g, "events_received", (long long)ctr->events_received);
	json_kint(g, "upcalls", (long long)ctr->upcalls);
	json_kint(g, "blocks", (long long)ctr->blocks);
	json_kint(g, "wakeups", (long long)ctr->wakeups);
	json_key(g, "hypercalls_by_name");
	yajl_gen_map_open(g);
	for (unsigned i = 0; i < ctr->nr_hypercalls && i < 128; i++) {
		char num[24];
		const char *name = pvx_hypercall_name(i);

		if (!ctr->hypercalls[i])
			continue;
		snprintf(num, sizeof(num), "hypercall_%u", i);
		json_kint(g, name ? name : num, (long long)ctr->hypercalls[i]);
	}
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

/* GET domains/DOM/counters: the hypervisor's counters of the domain and its
 * devices' counters summed (what pvx top shows). */
void api_domain_counters(struct api_call *c)
{
	const struct dom_sample *d;
	struct pv_privcmd_counters ctr;
	struct sample_set set;
	struct pvctrl *pc;
	pv_domid_t domid;
	int rc;

	if (api_domain_arg(c, &pc, &domid) < 0)
		return;
	rc = pvctrl_domain_counters(pc, domid, &ctr);
	if (rc < 0) {
		api_fail_op(c, "counters", rc, NULL);
		return;
	}
	yajl_gen_map_open(c->g);
	json_kint(c->g, "domid", domid);
	counters_hv(c->g, &ctr);
	d = look_one(pc, domid, &set);
	if (d) {
		json_key(c->g, "devices");
		yajl_gen_map_open(c->g);
		for (int k = 0; k < BK_NR_COUNTERS; k++)
			if (d->io.have & (1u << k))
				json_kint(c->g, bk_counter_name(k), (long long)d->io.c[k]);
		yajl_gen_map_close(c->g);
		sample_set_free(&set);
	}
	yajl_gen_map_close(c->g);
}
