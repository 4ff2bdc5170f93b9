/* Which domains pvconsoled serves: the store says which have a console
 * (/local/domain/<id>/console/{ring-ref,port}), the hypervisor says which still
 * run. The store's domain events name the domain (pvconsoled watches them with
 * depth 1, xsd's extension: "@introduceDomain/<id>"), so each costs work for that
 * domain only; a client asking for a domain not known yet is served the same way.
 * A whole scan (one list of the hypervisor's domains, one directory of the store)
 * runs at start-up (a restarted daemon picks up running guests), on an event
 * without a domain id and every CONS_SCAN_NS as a safety net for missed events. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include <pvisor/io/xs_wire.h>

#include "libpvctrl/pvctrl.h"
#include "libxs/xs.h"
#include "log.h"
#include "pvconsoled.h"
#include "util.h"

/* Watch a special path with depth 1, so its events name the domain; a store
 * without that extension gets a plain watch (events then mean a whole scan). */
static int scan_watch(struct xs_handle *xs, const char *path, const char *token)
{
	char req[64];
	int n = snprintf(req, sizeof(req), "%s%c%s%c1", path, 0, token, 0);

	if (xs_raw(xs, PV_XS_WATCH, 0, req, (size_t)n + 1, NULL, NULL) == 0)
		return 0;
	return xs_watch(xs, path, token);
}

static int scan_connect(struct consd *s)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = cons_tag(TAG_XS, 0, 0) };
	static unsigned warn_n;
	static long warn_w;
	int rc;

	if (s->xs)
		return 0;
	rc = xs_open(&s->xs);
	if (rc < 0) {
		if (log_ratelimit(&warn_n, &warn_w, 1))
			log_warnx("cannot reach the store (xsd): %s; retrying every second",
				  strerror(-rc));
		return rc;
	}
	if ((rc = scan_watch(s->xs, "@introduceDomain", "intro")) < 0 ||
	    (rc = scan_watch(s->xs, "@releaseDomain", "release")) < 0 ||
	    epoll_ctl(s->epfd, EPOLL_CTL_ADD, xs_fileno(s->xs), &ev) < 0) {
		log_warnx("cannot watch the store's domain events: %s",
			  strerror(rc < 0 ? -rc : errno));
		xs_close(s->xs);
		s->xs = NULL;
		return rc < 0 ? rc : -errno;
	}
	log_info("store connected; watching @introduceDomain and @releaseDomain");
	return 0;
}

/* 1 while the hypervisor has domid and it is not dying. */
static int scan_alive(struct consd *s, pv_domid_t domid)
{
	struct pv_domctl_getdomaininfo info;

	if (pvctrl_domain_getinfo(s->pc, domid, &info) < 0 || info.domain != domid)
		return 0;
	return !(info.flags & PV_DOMINF_dying);
}

static int scan_read_u64(struct consd *s, pv_domid_t domid, const char *key, uint64_t max,
			 uint64_t *out)
{
	char path[96], *v = NULL;
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, key);
	rc = xs_read(s->xs, 0, path, &v, &len);
	if (rc == 0)
		rc = util_parse_u64(v, max, out);
	free(v);
	return rc;
}

static void scan_publish_tty(struct consd *s, struct cdom *d)
{
	char path[96];
	int rc;

	snprintf(path, sizeof(path), "/local/domain/%u/console/tty", d->domid);
	rc = xs_write(s->xs, 0, path, d->tty, strlen(d->tty));
	if (rc < 0)
		log_warnx("dom%u: cannot write %s: %s", d->domid, path, strerror(-rc));
}

static void scan_try(struct consd *s, pv_domid_t domid)
{
	static unsigned warn_n;
	static long warn_w;
	uint64_t gfn, port;
	int rc;

	if (cdom_find(s, domid))
		return;
	if (scan_read_u64(s, domid, "console/ring-ref", UINT64_MAX / 4096, &gfn) < 0 ||
	    scan_read_u64(s, domid, "console/port", PV_EVTCHN_2L_NR_CHANNELS - 1, &port) < 0)
		return; /* no console (yet): the toolstack writes the keys before introducing */
	if (!scan_alive(s, domid))
		return;
	rc = cdom_attach(s, domid, gfn, (uint32_t)port, NULL);
	if (rc < 0) {
		if (log_ratelimit(&warn_n, &warn_w, 5))
			log_warnx("dom%u: cannot attach its console (ring-ref %llu, port %llu): %s",
				  domid, (unsigned long long)gfn, (unsigned long long)port,
				  strerror(-rc));
		return;
	}
	scan_publish_tty(s, cdom_find(s, domid));
}

/* A domain served from the ring its creator gave is in the store now: its pty
 * goes there too (console/tty), as for one found in the store. */
static void scan_introduced(struct consd *s, struct cdom *d)
{
	d->unintroduced = 0;
	scan_publish_tty(s, d);
}

int cons_drop_if_dead(struct consd *s, struct cdom *d)
{
	if (scan_alive(s, d->domid))
		return 0;
	cdom_detach(s, d);
	return 1;
}

void cons_scan_one(struct consd *s, pv_domid_t domid)
{
	struct cdom *d = cdom_find(s, domid);

	if (d)
		cons_drop_if_dead(s, d);
	else if (scan_connect(s) == 0)
		scan_try(s, domid);
}

void cons_scan_event(struct consd *s, const char *path)
{
	const char *slash = strchr(path, '/');
	uint64_t id;

	struct cdom *d;

	if (!slash || util_parse_u64(slash + 1, PV_DOMID_FIRST_RESERVED - 1, &id) < 0) {
		s->scan_now = 1;
		return;
	}
	d = cdom_find(s, (pv_domid_t)id);
	if (strncmp(path, "@introduceDomain/", 17) != 0 || !d)
		cons_scan_one(s, (pv_domid_t)id);
	else if (d->unintroduced) /* served already: its creator gave the ring */
		scan_introduced(s, d);
}

/* Which domains run: alive[domid] set for each live one. 0 or -errno. */
static int scan_live(struct consd *s, uint8_t *alive)
{
	struct pv_privcmd_domstatus *e = NULL;
	int n = pvctrl_domain_states(s->pc, &e);

	for (int i = 0; i < n; i++)
		if (e[i].domid < PV_DOMID_FIRST_RESERVED && e[i].state != PV_DOMSTATE_DYING)
			alive[e[i].domid] = 1;
	free(e);
	return n < 0 ? n : 0;
}

static void scan_drop_dead(struct consd *s, const uint8_t *alive)
{
	for (struct cdom *d = s->doms, *next; d; d = next) {
		next = d->next;
		if (!alive[d->domid])
			cdom_detach(s, d);
	}
}

void cons_scan(struct consd *s)
{
	uint8_t *alive = calloc(PV_DOMID_FIRST_RESERVED, 1);
	char **names = NULL;
	unsigned n = 0;

	s->scan_now = 0;
	s->next_scan_ns = util_now_ns() + CONS_SCAN_NS;
	if (!alive || scan_live(s, alive) < 0)
		goto out; /* no answer: drop nothing, try again next time */
	scan_drop_dead(s, alive);
	if (scan_connect(s) < 0) {
		/* the store is away (restarting): the watches must be back soon, or new
		 * domains are not served until the next safety scan */
		s->next_scan_ns = util_now_ns() + CONS_STORE_RETRY_NS;
		goto out;
	}
	if (xs_directory(s->xs, 0, "/local/domain", &names, &n) < 0)
		goto out;
	for (unsigned i = 0; i < n; i++) {
		uint64_t id;
		struct cdom *d;

		if (util_parse_u64(names[i], PV_DOMID_FIRST_RESERVED - 1, &id) < 0 || id == 0 ||
		    !alive[id])
			continue;
		d = cdom_find(s, (pv_domid_t)id);
		if (!d)
			scan_try(s, (pv_domid_t)id);
		else if (d->unintroduced) /* its introduction was missed (events lost) */
			scan_introduced(s, d);
	}
	free(names);
out:
	free(alive);
}
