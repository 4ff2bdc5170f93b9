/* The monitor's loop (pvmon.h): a table of domains indexed by id, the store's
 * domain events watched with depth 1 (each names its domain), and a whole check
 * only when a watch is set (the first event, without a domain id) -- at start and
 * after the store came back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <pvisor/io/xs_wire.h>

#include "libxs/xs.h"
#include "log.h"
#include "pvmon/pvmon.h"
#include "util.h"

#define STORE_RETRY_NS 100000000ull /* while xsd is away (restarting, stopping) */
enum { TAG_LISTEN = 1, TAG_SIGNAL, TAG_STORE };

int pvmon_open(struct pvmon *m)
{
	memset(m, 0, sizeof(*m));
	m->epfd = m->lsock = m->sigfd = -1;
	m->by_domid = calloc(PV_DOMID_FIRST_RESERVED, sizeof(*m->by_domid));
	if (!m->by_domid)
		return -ENOMEM;
	return pvctrl_open(&m->h);
}

int pvmon_add(struct pvmon *m, pv_domid_t domid)
{
	struct pvmon_dom *d;

	if (domid == 0 || domid >= PV_DOMID_FIRST_RESERVED || m->by_domid[domid])
		return 0;
	d = malloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	pvmon_dom_load(d, domid);
	m->by_domid[domid] = d;
	m->n++;
	log_info("dom%u (%s): watching it", domid, d->name);
	return 0;
}

static void mon_drop(struct pvmon *m, pv_domid_t domid)
{
	struct pvmon_dom *d = m->by_domid[domid];

	m->by_domid[domid] = NULL;
	m->n--;
	pvmon_dom_fini(d);
	free(d);
}

/* Act on e (NULL: gone) for the domain watched as domid; follow a restart's new id. */
static void mon_check(struct pvmon *m, pv_domid_t domid, const struct pv_privcmd_domext *e)
{
	struct pvmon_dom *d = m->by_domid[domid];

	if (!pvmon_dom_check(d, m->h, e)) {
		mon_drop(m, domid);
	} else if (d->domid != domid) { /* restarted: the same domain under a new id */
		m->by_domid[domid] = NULL;
		m->n--;
		if (m->by_domid[d->domid])
			mon_drop(m, d->domid);
		m->by_domid[d->domid] = d;
		m->n++;
	}
}

/* The whole picture, from one list of the hypervisor's domains: add the ones not
 * watched yet, check every watched one. */
static int mon_check_all(struct pvmon *m)
{
	struct pv_privcmd_domext *list = NULL;
	const struct pv_privcmd_domext **at = calloc(PV_DOMID_FIRST_RESERVED, sizeof(*at));
	int n = at ? pvctrl_domext_list(m->h, &list) : -ENOMEM;

	pv_domid_t *ids = n >= 0 ? malloc(PV_DOMID_FIRST_RESERVED * sizeof(*ids)) : NULL;
	size_t k = 0;

	for (int i = 0; i < n; i++) {
		if (list[i].domid >= PV_DOMID_FIRST_RESERVED)
			continue;
		at[list[i].domid] = &list[i];
		if (list[i].state != PV_DOMSTATE_DYING)
			pvmon_add(m, list[i].domid);
	}
	/* the ids first: a restart adds one that this list does not know */
	for (pv_domid_t id = 1; ids && id < PV_DOMID_FIRST_RESERVED; id++)
		if (m->by_domid[id])
			ids[k++] = id;
	for (size_t i = 0; i < k; i++)
		if (m->by_domid[ids[i]])
			mon_check(m, ids[i], at[ids[i]]);
	free(ids);
	free(list);
	free(at);
	return n < 0 && n != -ENOMEM ? -EPIPE : 0;
}

/* @releaseDomain/<id>: one domain changed. Only a stopped one needs its full
 * record (how it stopped, its actions): one DOMEXT_GET. */
static int mon_released(struct pvmon *m, pv_domid_t domid)
{
	struct pv_domctl_getdomaininfo info;
	struct pv_privcmd_domext e;
	int rc;

	if (!m->by_domid[domid])
		return 0;
	rc = pvctrl_domain_getinfo(m->h, domid, &info);
	if (rc < 0 && rc != -ESRCH)
		return -EPIPE; /* the hypervisor does not answer */
	if (rc == 0 && info.domain == domid && !(info.flags & PV_DOMINF_dying) &&
	    !(info.flags & PV_DOMINF_shutdown))
		return 0; /* running, paused: nothing to do */
	if (rc == 0 && info.domain == domid && (info.flags & PV_DOMINF_shutdown)) {
		rc = pvctrl_domext_get(m->h, domid, NULL, &e);
		if (rc < 0 && rc != -ESRCH)
			return -EPIPE;
		mon_check(m, domid, rc == 0 ? &e : NULL);
		return 0;
	}
	mon_check(m, domid, NULL); /* gone or dying */
	return 0;
}

/* One store event: "@introduceDomain/<id>", "@releaseDomain/<id>", or a name
 * without an id (the first event of a watch): then the whole picture. */
static int mon_event(struct pvmon *m, const char *path)
{
	const char *slash = strchr(path, '/');
	uint64_t id;

	if (!slash || util_parse_u64(slash + 1, PV_DOMID_FIRST_RESERVED - 1, &id) < 0)
		return mon_check_all(m);
	if (strncmp(path, "@introduceDomain/", 17) == 0) {
		if (pvmon_add(m, (pv_domid_t)id) < 0)
			log_warnx("dom%u: out of memory: not watched", (unsigned)id);
		return 0;
	}
	return mon_released(m, (pv_domid_t)id);
}

/* Watch with depth 1, so that events name the domain. */
static int mon_watch(struct xs_handle *xs, const char *path, const char *token)
{
	char req[64];
	int n = snprintf(req, sizeof(req), "%s%c%s%c1", path, 0, token, 0);

	return xs_raw(xs, PV_XS_WATCH, 0, req, (size_t)n + 1, NULL, NULL);
}

static void mon_store_drop(struct pvmon *m)
{
	if (!m->xs)
		return;
	epoll_ctl(m->epfd, EPOLL_CTL_DEL, xs_fileno(m->xs), NULL);
	xs_close(m->xs);
	m->xs = NULL; /* closed: never close it again */
	m->store_retry_ns = util_now_ns() + STORE_RETRY_NS;
}

/* (Re)connect to the store and set the watches; their first events make a whole
 * check, so nothing that happened meanwhile is missed. */
static void mon_store(struct pvmon *m)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = TAG_STORE };
	int rc = xs_open(&m->xs);

	if (rc == 0 && (rc = mon_watch(m->xs, "@introduceDomain", "intro")) == 0 &&
	    (rc = mon_watch(m->xs, "@releaseDomain", "release")) == 0 &&
	    epoll_ctl(m->epfd, EPOLL_CTL_ADD, xs_fileno(m->xs), &ev) < 0)
		rc = -errno;
	if (rc == 0) {
		log_info("store connected: watching @introduceDomain and @releaseDomain");
		return;
	}
	if (m->xs) {
		xs_close(m->xs);
		m->xs = NULL;
	}
	m->store_retry_ns = util_now_ns() + STORE_RETRY_NS;
}

/* The store is away: try it again. With no store there are no events to tell that
 * the hypervisor went too (pvx daemons stop, a crash), so ask it something cheap
 * while the store stays away: -EPIPE when it does not answer, and pvmon ends. */
static int mon_store_retry(struct pvmon *m)
{
	struct pv_sysctl_physinfo pi;

	mon_store(m);
	return m->xs || pvctrl_physinfo(m->h, &pi) == 0 ? 0 : -EPIPE;
}

static int mon_store_events(struct pvmon *m)
{
	struct xs_watch_event *ev;
	int rc = 0, r = 0;

	while (rc == 0 && m->xs && (r = xs_read_watch(m->xs, &ev, 0)) == 0) {
		rc = mon_event(m, ev->path);
		free(ev);
	}
	if (m->xs && r != -ETIMEDOUT && r != -EAGAIN && rc == 0) {
		log_info("the store went away: reconnecting");
		mon_store_drop(m);
	}
	return rc;
}

static int mon_add_fd(struct pvmon *m, int fd, uint32_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = tag };

	return epoll_ctl(m->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* Milliseconds to wait: forever, or until the store is to be tried again. */
static int mon_timeout(const struct pvmon *m)
{
	uint64_t now = util_now_ns();

	if (m->xs)
		return -1;
	return m->store_retry_ns > now ? (int)((m->store_retry_ns - now) / 1000000 + 1) : 0;
}

/* Accept and close: a connection only asks whether pvmon runs. */
static void mon_accept(struct pvmon *m)
{
	int fd = accept4(m->lsock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd >= 0)
		close(fd);
}

int pvmon_run(struct pvmon *m, int lsock, int sigfd)
{
	struct epoll_event evs[8];
	int rc;

	m->lsock = lsock;
	m->sigfd = sigfd;
	m->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (m->epfd < 0)
		return -errno;
	if ((rc = mon_add_fd(m, lsock, TAG_LISTEN)) < 0 ||
	    (rc = mon_add_fd(m, sigfd, TAG_SIGNAL)) < 0)
		return rc;
	for (rc = 0; rc == 0;) {
		int n;

		if (!m->xs && util_now_ns() >= m->store_retry_ns && mon_store_retry(m) < 0)
			return -EPIPE;
		n = epoll_wait(m->epfd, evs, 8, mon_timeout(m));
		if (n < 0 && errno != EINTR)
			return -errno;
		for (int i = 0; i < n && rc == 0; i++) {
			if (evs[i].data.u32 == TAG_SIGNAL)
				return 0;
			if (evs[i].data.u32 == TAG_LISTEN)
				mon_accept(m);
			else if (evs[i].data.u32 == TAG_STORE)
				rc = mon_store_events(m);
		}
	}
	return rc;
}

void pvmon_close(struct pvmon *m)
{
	for (pv_domid_t id = 0; m->by_domid && id < PV_DOMID_FIRST_RESERVED; id++)
		if (m->by_domid[id])
			mon_drop(m, id);
	free(m->by_domid);
	xs_close(m->xs);
	pvctrl_close(m->h);
	if (m->epfd >= 0)
		close(m->epfd);
	memset(m, 0, sizeof(*m));
}
