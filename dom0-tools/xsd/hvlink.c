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
	bool broken;           /* the guest broke the protocol: not pumped again */
	uint64_t last_complaint_ns;
};

struct xsd_hvlink {
	struct xsd_core *core;
	struct xsd_sock_server *srv;
	struct pvctrl *ctl;
	struct pvctrl_evtchn *ev;
	int ev_fd;
	uint32_t virq_port;    /* VIRQ_DOM_EXC, 0 if not bound */
	/* local port -> domain, ports of one handle are small numbers */
	struct hvlink_dom **by_port;
	size_t nports;
	bool persist;          /* keep domain watches in xsd.watches */
};

#define WATCHES_MAGIC "PVXSWAT1"
#define WATCHES_FILE "xsd.watches"

/* One saved watch: this header, then the path (as registered: relative watches
 * stay relative) and the token, no NULs. */
struct watch_rec {
	uint32_t domid;
	int32_t depth;
	uint32_t plen, tlen;
};

static int hvlink_put(FILE *f, const struct xsd_domain *d)
{
	for (const struct xsd_watch *w = d->conn->watches; w; w = w->next) {
		const char *p = w->relative ? xsd_path_strip_home(w->path, d->domid) : w->path;
		struct watch_rec r = { d->domid, w->depth, (uint32_t)strlen(p),
				       (uint32_t)strlen(w->token) };

		if (fwrite(&r, sizeof(r), 1, f) != 1 || fwrite(p, 1, r.plen, f) != r.plen ||
		    fwrite(w->token, 1, r.tlen, f) != r.tlen)
			return -EIO;
	}
	return 0;
}

/* Rewrite xsd.watches: the watches of every introduced domain, so that an xsd
 * restarted after a crash gives guests back the watches their drivers rely on. */
static void hvlink_save_watches(struct xsd_hvlink *hv, uint32_t skip)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	size_t pos = 0;
	FILE *f;
	int rc = 0;

	hv->core->watches_dirty = false;
	if (!hv->persist || rundir_file(path, sizeof(path), WATCHES_FILE) < 0)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = xsd_journal_fopen_tmp(tmp);
	if (!f || fwrite(WATCHES_MAGIC, 8, 1, f) != 1)
		rc = -EIO;
	for (struct xsd_hent *h = xsd_hash_next(&hv->core->domains, &pos, NULL); h && !rc;
	     h = xsd_hash_next(&hv->core->domains, &pos, h)) {
		struct xsd_domain *d = xsd_container_of(h, struct xsd_domain, hent);

		if (d->introduced && d->conn && d->domid != skip)
			rc = hvlink_put(f, d);
	}
	if (f && fclose(f) != 0)
		rc = -EIO;
	if (rc == 0 && rename(tmp, path) == 0)
		return;
	unlink(tmp);
	log_warnx("cannot save guest watches to %s: after an xsd crash guests would lose "
		  "them", path);
}

/* Give the domains introduced at recovery their saved watches back, each firing
 * once (an event may have been missed while xsd was down). */
static void hvlink_load_watches(struct xsd_hvlink *hv)
{
	char path[PATH_MAX], *buf = NULL, magic[8];
	size_t n = 0;
	FILE *f;

	if (!hv->persist || rundir_file(path, sizeof(path), WATCHES_FILE) < 0 ||
	    !(f = xsd_journal_fopen_read(path)))
		return;
	if (fread(magic, 8, 1, f) != 1 || memcmp(magic, WATCHES_MAGIC, 8) != 0) {
		fclose(f);
		return;
	}
	buf = malloc(2 * PV_XENSTORE_PAYLOAD_MAX + 2);
	for (struct watch_rec r; buf && fread(&r, sizeof(r), 1, f) == 1;) {
		struct xsd_domain *d = xsd_domain_find(hv->core, r.domid);
		char *p = buf, *tok;

		if (r.plen == 0 || r.plen > PV_XENSTORE_PAYLOAD_MAX || r.tlen > PV_XENSTORE_PAYLOAD_MAX)
			break; /* torn or foreign file: stop there */
		tok = buf + r.plen + 1;
		if (fread(p, 1, r.plen, f) != r.plen || fread(tok, 1, r.tlen, f) != r.tlen)
			break;
		p[r.plen] = tok[r.tlen] = '\0';
		if (!d || !d->introduced || !d->conn || r.depth < -1)
			continue;
		if (xsd_watch_add(d->conn, p, tok, r.depth) == 0) {
			xsd_conn_send(d->conn, PV_XS_WATCH_EVENT, 0, 0, p, r.plen + 1, tok,
				      r.tlen + 1);
			n++;
		}
	}
	free(buf);
	fclose(f);
	if (n)
		log_info("gave guests back %zu saved watch(es)", n);
}

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
			  "only", strerror(-port));
	else
		hv->virq_port = (uint32_t)port;
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
	if (hd->hv->ev && pvctrl_evtchn_notify(hd->hv->ev, hd->local_port) < 0 &&
	    !hd->broken)
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
	if (hd->hv->core->watches_dirty)
		hvlink_save_watches(hd->hv, UINT32_MAX);
	if (rc < 0) {
		hd->broken = true;
		log_warnx("dom%u: broke the store ring protocol (%s); its connection is "
			  "stopped until the toolstack re-introduces or releases it",
			  hd->domid, rc == -EPROTO ? "oversized or malformed message"
						   : "bad ring indices");
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

static void hvlink_save_watches(struct xsd_hvlink *hv, uint32_t skip);

static void hvlink_release(struct xsd_core *core, struct xsd_domain *d)
{
	struct xsd_hvlink *hv = core->hv_opaque;

	if (hv && d->conn && d->conn->watches)
		hvlink_save_watches(hv, d->domid); /* its connection goes or starts over */
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
		.notify = hvlink_notify, .notify_opaque = hd, .evtchn = d->evtchn,
		.defer = hvlink_defer, .defer_opaque = hv->srv,
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
			  "be connected: %s", d->domid, (unsigned long long)d->gfn, d->evtchn,
			  rc == -ERANGE ? "page outside the domain's memory" : strerror(-rc));
}

/* VIRQ_DOM_EXC: a domain shut down, crashed or was destroyed. Like Xen's
 * xenstored: a stopped domain fires @releaseDomain once; a destroyed one is
 * released (its connection goes) and fires it again. */
static void hvlink_dom_exc(struct xsd_hvlink *hv)
{
	struct pv_privcmd_domext *e = NULL;
	size_t pos = 0;
	int n = pvctrl_domext_list(hv->ctl, &e);

	if (n < 0) {
		log_warnx("VIRQ_DOM_EXC: cannot list domains: %s", strerror(-n));
		return;
	}
	for (struct xsd_hent *h = xsd_hash_next(&hv->core->domains, &pos, NULL); h;) {
		struct xsd_domain *d = xsd_container_of(h, struct xsd_domain, hent);
		const struct pv_privcmd_domext *found = NULL;

		h = xsd_hash_next(&hv->core->domains, &pos, h); /* d may be released */
		if (!d->introduced)
			continue;
		for (int i = 0; i < n && !found; i++)
			if (e[i].domid == d->domid)
				found = &e[i];
		if (!found || found->state == PV_DOMSTATE_DYING) {
			log_info("dom%u is gone: releasing it", d->domid);
			xsd_domain_release(hv->core, d->domid);
		} else if (!d->shutdown && (found->state == PV_DOMSTATE_SHUTDOWN ||
					    found->state == PV_DOMSTATE_CRASHED)) {
			d->shutdown = true;
			xsd_watch_fire_special(hv->core, "@releaseDomain", d->domid);
		}
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

int xsd_hvlink_create(struct xsd_hvlink **out, struct xsd_core *core,
		      struct xsd_sock_server *srv, bool persist)
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
	struct pv_privcmd_domext *e = NULL;
	int n, count = 0;

	if (!top || hvlink_connect(hv) < 0)
		return 0;
	n = pvctrl_domext_list(hv->ctl, &e);
	if (n < 0)
		return n;
	for (const char *k = top->kids; k < top->kids + top->kidlen; k += strlen(k) + 1) {
		char path[96];
		uint64_t domid;
		int64_t gfn, port;
		int alive = 0;

		if (util_parse_u64(k, PV_DOMID_FIRST_RESERVED - 1, &domid) < 0 || domid == 0)
			continue;
		for (int i = 0; i < n; i++)
			alive |= e[i].domid == domid && e[i].state != PV_DOMSTATE_DYING;
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
	if (count)
		log_info("reconnected %d running domain(s) from the store", count);
	hvlink_load_watches(hv);
	hvlink_save_watches(hv, UINT32_MAX);
	return count;
}
