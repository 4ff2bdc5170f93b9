/* xsd: the hypervisor side of guest connections (see hvlink.h). */
#include "xsd/hvlink.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/mman.h>

#include <pvisor/privcmd.h>
#include <pvisor/xen.h>

#include "libpvctrl/pvctrl.h"
#include "log.h"
#include "rundir.h"
#include "util.h"
#include "xsd/path.h"
#include "xsd/domain.h"
#include "xsd/hvwatch.h"
#include "xsd/ring.h"
#include "xsd/ringconn.h"
#include "xsd/watch.h"

/* One introduced domain's ring: its mapped memory and our end of its channel. */
struct hvlink_dom {
	struct xsd_ringconn rc;
	struct xsd_hvlink *hv;
	uint32_t domid;
	uint32_t local_port;
	void *mem;
	size_t mem_len;
	bool broken; /* the guest broke the protocol: not pumped again */
	uint64_t last_complaint_ns;
};

struct xsd_hvlink {
	struct xsd_core *core;
	struct xsd_sock_server *srv;
	struct pvctrl *ctl;
	struct pvctrl_evtchn *ev;
	int ev_fd;
	uint32_t virq_port; /* VIRQ_DOM_EXC, 0 if not bound */
	/* local port -> domain, ports of one handle are small numbers */
	struct hvlink_dom **by_port;
	size_t nports;
	bool persist;     /* keep domain watches in xsd-watches/ */
	bool exc_known;   /* exc_gen is set: VIRQ_DOM_EXC asks for changes only */
	uint64_t exc_gen; /* the hypervisor's change count when we last looked */
};

static void hvlink_drop_hv(struct xsd_hvlink *hv);

/* Connect to the hypervisor on first use (xsd also runs without one, for tests and
 * tools that only want the store). */
static int hvlink_connect(struct xsd_hvlink *hv)
{
	int rc, port;

	if (hv->ctl)
		return 0;
	rc = pvctrl_open(&hv->ctl);
	if (rc < 0)
		return rc;
	rc = pvctrl_evtchn_open(&hv->ev);
	if (rc < 0)
		goto fail;
	hv->ev_fd = pvctrl_evtchn_fd(hv->ev);
	rc = xsd_sock_watch_fd(hv->srv, hv->ev_fd, xsd_hvlink_event, hv);
	if (rc < 0)
		goto fail;
	port = pvctrl_evtchn_bind_virq(hv->ev, PV_VIRQ_DOM_EXC);
	if (port < 0)
		log_warnx("cannot bind VIRQ_DOM_EXC (%s): @releaseDomain fires on RELEASE "
			  "only",
			  strerror(-port));
	else
		hv->virq_port = (uint32_t)port;
	hv->exc_known = false; /* a new hypervisor counts its changes afresh */
	log_info("connected to the hypervisor (VIRQ_DOM_EXC on port %u)", hv->virq_port);
	return 0;
fail:
	hvlink_drop_hv(hv);
	return rc;
}

static void hvlink_drop_hv(struct xsd_hvlink *hv)
{
	if (hv->ev) {
		if (hv->srv && hv->ev_fd >= 0)
			xsd_sock_unwatch_fd(hv->srv, hv->ev_fd);
		pvctrl_evtchn_close(hv->ev);
	}
	if (hv->ctl)
		pvctrl_close(hv->ctl);
	hv->ev = NULL;
	hv->ctl = NULL;
	hv->ev_fd = -1;
	hv->virq_port = 0;
}

static int hvlink_port_set(struct xsd_hvlink *hv, uint32_t port, struct hvlink_dom *hd)
{
	if (port >= hv->nports) {
		size_t n = hv->nports ? hv->nports : 64;
		struct hvlink_dom **p;

		while (n <= port)
			n *= 2;
		p = realloc(hv->by_port, n * sizeof(*p));
		if (!p)
			return -ENOMEM;
		memset(p + hv->nports, 0, (n - hv->nports) * sizeof(*p));
		hv->by_port = p;
		hv->nports = n;
	}
	hv->by_port[port] = hd;
	return 0;
}

static void hvlink_notify(void *opaque, uint32_t evtchn)
{
	struct hvlink_dom *hd = opaque;

	(void)evtchn;
	if (hd->hv->ev && pvctrl_evtchn_notify(hd->hv->ev, hd->local_port) < 0 && !hd->broken)
		log_warnx("dom%u: cannot notify the store event channel", hd->domid);
}

static void hvlink_pump_conn(struct xsd_conn *c);

static void hvlink_defer(void *opaque, struct xsd_conn *c)
{
	xsd_sock_defer(opaque, c, hvlink_pump_conn);
}

static void hvlink_pump(struct hvlink_dom *hd, struct xsd_conn *c)
{
	int rc;

	if (hd->broken)
		return;
	rc = xsd_ringconn_pump(c);
	if (c->watches_dirty) {
		struct xsd_domain *d = xsd_domain_find(hd->hv->core, hd->domid);

		c->watches_dirty = false;
		if (hd->hv->persist && d)
			xsd_hvwatch_save(d);
	}
	if (rc < 0) {
		hd->broken = true;
		log_warnx("dom%u: broke the store ring protocol (%s); its connection is "
			  "stopped until the toolstack re-introduces or releases it",
			  hd->domid,
			  rc == -EPROTO ? "oversized or malformed message" : "bad ring indices");
	}
}

static void hvlink_pump_conn(struct xsd_conn *c)
{
	struct xsd_ringconn *rc = c->opaque;

	if (rc)
		hvlink_pump((struct hvlink_dom *)rc, c);
}

static void hvlink_dom_free(struct xsd_hvlink *hv, struct hvlink_dom *hd)
{
	if (hv->ev && hd->local_port) {
		pvctrl_evtchn_unbind(hv->ev, hd->local_port);
		hvlink_port_set(hv, hd->local_port, NULL);
	}
	if (hd->mem)
		munmap(hd->mem, hd->mem_len);
	free(hd);
}

static void hvlink_release(struct xsd_core *core, struct xsd_domain *d)
{
	struct xsd_hvlink *hv = core->hv_opaque;

	/* Its connection goes or starts over. (At recovery the connection is new and
	 * has no watches yet: the saved ones are still to be given back.) */
	if (hv && hv->persist && d->conn && (d->conn->watches || d->conn->watches_dirty))
		xsd_hvwatch_forget(d->domid);
	if (hv && hv->srv && d->conn)
		xsd_sock_undefer(hv->srv, d->conn);
	if (d->conn && d->conn->opaque) {
		struct hvlink_dom *hd = d->conn->opaque;

		d->conn->opaque = NULL;
		hvlink_dom_free(hd->hv, hd);
	}
}

/* Map the guest's store page and bind its channel. */
static int hvlink_attach(struct xsd_hvlink *hv, struct xsd_domain *d)
{
	struct hvlink_dom *hd = calloc(1, sizeof(*hd));
	struct pv_privcmd_memory mi;
	int rc, port;

	if (!hd)
		return -ENOMEM;
	hd->hv = hv;
	hd->domid = d->domid;
	rc = pvctrl_map_foreign(hv->ctl, (pv_domid_t)d->domid, &hd->mem, &mi);
	if (rc < 0)
		goto fail;
	hd->mem_len = mi.size;
	if (d->gfn >= mi.ram_bytes / PV_PAGE_SIZE) {
		rc = -ERANGE;
		goto fail;
	}
	port = pvctrl_evtchn_bind_interdomain(hv->ev, (pv_domid_t)d->domid, d->evtchn);
	if (port < 0) {
		rc = port;
		goto fail;
	}
	hd->local_port = (uint32_t)port;
	rc = hvlink_port_set(hv, hd->local_port, hd);
	if (rc < 0)
		goto fail;
	hd->rc = (struct xsd_ringconn){
		.intf = (void *)((char *)hd->mem + d->gfn * PV_PAGE_SIZE),
		.notify = hvlink_notify,
		.notify_opaque = hd,
		.evtchn = d->evtchn,
		.defer = hvlink_defer,
		.defer_opaque = hv->srv,
	};
	/* rc is the first member: the connection's opaque is the hvlink_dom too */
	xsd_ringconn_attach(d->conn, &hd->rc);
	hvlink_pump(hd, d->conn); /* the guest may have written before we came */
	return 0;
fail:
	hvlink_dom_free(hv, hd);
	return rc;
}

static struct xsd_hvlink *hvlink_of(struct xsd_core *core)
{
	return core->hv_opaque;
}

static void hvlink_introduce(struct xsd_core *core, struct xsd_domain *d)
{
	struct xsd_hvlink *hv = hvlink_of(core);
	int rc;

	hvlink_release(core, d); /* re-introduction: start over */
	rc = hvlink_connect(hv);
	if (rc == 0)
		rc = hvlink_attach(hv, d);
	if (rc < 0)
		log_warnx("dom%u: introduced, but its store ring (page %#llx, port %u) cannot "
			  "be connected: %s",
			  d->domid, (unsigned long long)d->gfn, d->evtchn,
			  rc == -ERANGE ? "page outside the domain's memory" : strerror(-rc));
}

/* What one domain's state (from the hypervisor; NULL: gone) means for the store.
 * Like Xen's xenstored: a stopped domain fires @releaseDomain once; a destroyed one
 * is released (its connection goes) and fires it again. */
static void hvlink_dom_state(struct xsd_hvlink *hv, struct xsd_domain *d,
			     const struct pv_privcmd_domstatus *st)
{
	if (!st || st->state == PV_DOMSTATE_DYING) {
		log_info("dom%u is gone: releasing it", d->domid);
		xsd_domain_release(hv->core, d->domid);
	} else if (!d->shutdown &&
		   (st->state == PV_DOMSTATE_SHUTDOWN || st->state == PV_DOMSTATE_CRASHED)) {
		d->shutdown = true;
		xsd_watch_fire_special(hv->core, "@releaseDomain", d->domid);
	}
}

/* Every introduced domain against a list of every domain: at the first VIRQ, and
 * when more changed than the hypervisor keeps track of. */
static void hvlink_dom_all(struct xsd_hvlink *hv)
{
	struct pv_privcmd_domstatus *e = NULL;
	uint16_t *at = calloc(PV_DOMID_FIRST_RESERVED, sizeof(*at)); /* domid -> index + 1 */
	size_t pos = 0;
	int n = at ? pvctrl_domain_states(hv->ctl, &e) : -ENOMEM;

	if (n < 0) {
		log_warnx("VIRQ_DOM_EXC: cannot list domains: %s", strerror(-n));
		free(at);
		return;
	}
	for (int i = 0; i < n; i++)
		if (e[i].domid < PV_DOMID_FIRST_RESERVED)
			at[e[i].domid] = (uint16_t)(i + 1);
	for (struct xsd_hent *h = xsd_hash_next(&hv->core->domains, &pos, NULL); h;) {
		struct xsd_domain *d = xsd_container_of(h, struct xsd_domain, hent);

		h = xsd_hash_next(&hv->core->domains, &pos, h); /* d may be released */
		if (d->introduced)
			hvlink_dom_state(hv, d,
					 d->domid < PV_DOMID_FIRST_RESERVED && at[d->domid]
						 ? &e[at[d->domid] - 1]
						 : NULL);
	}
	free(e);
	free(at);
}

/* VIRQ_DOM_EXC: domains shut down, crashed or were destroyed. Only the ones that
 * changed since the last look are asked for and acted on (DOMAIN_CHANGES): the
 * cost of a death does not grow with the number of domains. */
static void hvlink_dom_exc(struct xsd_hvlink *hv)
{
	struct pv_privcmd_domstatus *e = NULL;
	uint64_t gen;
	int n = hv->exc_known ? pvctrl_domain_changes(hv->ctl, hv->exc_gen, &gen, &e) : -ERANGE;

	if (n == -ERANGE || n == -EOPNOTSUPP || n == -ENOSYS) {
		/* the count to start from, then everything */
		if (pvctrl_domain_changes(hv->ctl, UINT64_MAX, &gen, &e) >= 0) {
			hv->exc_gen = gen;
			hv->exc_known = true;
		}
		free(e);
		hvlink_dom_all(hv);
		return;
	}
	if (n < 0) {
		log_warnx("VIRQ_DOM_EXC: cannot ask which domains changed: %s", strerror(-n));
		return;
	}
	hv->exc_gen = gen;
	for (int i = 0; i < n; i++) {
		struct xsd_domain *d = xsd_domain_find(hv->core, e[i].domid);

		if (d)
			hvlink_dom_state(hv, d, &e[i]);
	}
	free(e);
}

void xsd_hvlink_event(void *opaque)
{
	struct xsd_hvlink *hv = opaque;
	int port, budget = 4096;

	while (hv->ev && budget-- > 0 && (port = pvctrl_evtchn_pending(hv->ev)) >= 0) {
		if ((uint32_t)port == hv->virq_port && port) {
			hvlink_dom_exc(hv);
		} else if ((size_t)port < hv->nports && hv->by_port[port]) {
			struct hvlink_dom *hd = hv->by_port[port];
			struct xsd_domain *d = xsd_domain_find(hv->core, hd->domid);

			if (d && d->conn)
				hvlink_pump(hd, d->conn);
		}
		if (hv->ev)
			pvctrl_evtchn_unmask(hv->ev, (uint32_t)port);
	}
}

int xsd_hvlink_create(struct xsd_hvlink **out, struct xsd_core *core, struct xsd_sock_server *srv,
		      bool persist)
{
	struct xsd_hvlink *hv = calloc(1, sizeof(*hv));

	if (!hv)
		return -ENOMEM;
	hv->core = core;
	hv->srv = srv;
	hv->ev_fd = -1;
	hv->persist = persist;
	core->hv_opaque = hv;
	core->on_introduce = hvlink_introduce;
	core->on_release = hvlink_release;
	if (hvlink_connect(hv) < 0)
		log_info("no hypervisor yet: guest rings connect when domains are introduced");
	*out = hv;
	return 0;
}

void xsd_hvlink_destroy(struct xsd_hvlink *hv)
{
	if (!hv)
		return;
	for (size_t p = 0; p < hv->nports; p++)
		if (hv->by_port[p]) {
			struct xsd_domain *d = xsd_domain_find(hv->core, hv->by_port[p]->domid);

			if (d && d->conn)
				d->conn->opaque = NULL;
			hvlink_dom_free(hv, hv->by_port[p]);
		}
	hv->core->on_introduce = NULL;
	hv->core->on_release = NULL;
	hv->core->hv_opaque = NULL;
	hvlink_drop_hv(hv);
	free(hv->by_port);
	free(hv);
}

/* A number stored in node path, or -1. */
static int64_t hvlink_node_num(struct xsd_core *core, const char *path)
{
	struct xsd_node *n = xsd_store_get(&core->store, path);
	uint64_t v;

	if (!n || util_parse_u64(n->value, UINT32_MAX, &v) < 0)
		return -1;
	return (int64_t)v;
}

int xsd_hvlink_recover(struct xsd_hvlink *hv)
{
	struct xsd_node *top = xsd_store_get(&hv->core->store, "/local/domain");
	struct pv_privcmd_domstatus *e = NULL;
	uint8_t *alive_id;
	int n, count = 0;

	if (!top || hvlink_connect(hv) < 0)
		return 0;
	n = pvctrl_domain_states(hv->ctl, &e);
	if (n < 0)
		return n;
	alive_id = calloc(PV_DOMID_FIRST_RESERVED, 1);
	for (int i = 0; alive_id && i < n; i++)
		if (e[i].domid < PV_DOMID_FIRST_RESERVED && e[i].state != PV_DOMSTATE_DYING)
			alive_id[e[i].domid] = 1;
	for (const char *k = top->kids; k < top->kids + top->kidlen; k += strlen(k) + 1) {
		char path[96];
		uint64_t domid;
		int64_t gfn, port;
		int alive;

		if (util_parse_u64(k, PV_DOMID_FIRST_RESERVED - 1, &domid) < 0 || domid == 0)
			continue;
		alive = alive_id && alive_id[domid];
		snprintf(path, sizeof(path), "/local/domain/%s/store/ring-ref", k);
		gfn = hvlink_node_num(hv->core, path);
		snprintf(path, sizeof(path), "/local/domain/%s/store/port", k);
		port = hvlink_node_num(hv->core, path);
		if (!alive || gfn < 0 || port <= 0)
			continue;
		if (xsd_domain_introduce(hv->core, (uint32_t)domid, (uint64_t)gfn,
					 (uint32_t)port) == 0)
			count++;
	}
	free(e);
	free(alive_id);
	if (count)
		log_info("reconnected %d running domain(s) from the store", count);
	if (hv->persist) {
		size_t w = xsd_hvwatch_load(hv->core);

		if (w)
			log_info("gave guests back %zu saved watch(es)", w);
	}
	return count;
}
