/* privcmd request handlers: hypercalls for dom0, foreign memory,
 * pvisor's own domain attributes, waiting for a domain to stop, event-channel and
 * grant handles. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/dcg.h"
#include "engines/engine.h"
#include "evtchn/evtchn.h"
#include "gnttab/gnttab.h"
#include "log.h"
#include "pv_errno.h"
#include "privcmd_ops.h"
#include "pvisor/errno.h"
#include "util.h"

static int32_t op_hypercall(struct pconn *conn, uint8_t *p, uint32_t len,
			    struct privcmd_reply *rep)
{
	struct pv_privcmd_hypercall hc;
	struct hc_ctx ctx = { .privileged = 1, .conn = conn };

	if (len < sizeof(hc))
		return -PV_EINVAL;
	memcpy(&hc, p, sizeof(hc));
	if ((uint64_t)hc.arg_len + hc.buf_len != len - sizeof(hc))
		return -PV_EINVAL;
	ctx.arg = p + sizeof(hc);
	ctx.arg_len = hc.arg_len;
	ctx.buf = ctx.arg + hc.arg_len;
	ctx.buf_len = hc.buf_len;
	rep->ret = (int32_t)hypercall_dispatch(&ctx, hc.nr, hc.a);
	rep->data = ctx.arg;
	rep->len = hc.arg_len + hc.buf_len;
	return rep->ret;
}

static int32_t op_map_foreign(uint8_t *p, uint32_t len, struct privcmd_reply *rep)
{
	struct pv_privcmd_domid req;
	struct pv_privcmd_memory *m;
	struct domain *d;
	int32_t ret = 0;

	if (len != sizeof(req))
		return -PV_EINVAL;
	memcpy(&req, p, sizeof(req));
	d = domain_get(req.domid);
	if (!d)
		return -PV_ESRCH;
	m = calloc(1, sizeof(*m));
	pthread_mutex_lock(&hv_lock);
	if (!m)
		ret = -PV_ENOMEM;
	else if (d->mem_fd < 0)
		ret = -PV_ENOMEM; /* no max_mem yet */
	else {
		m->size = d->mem_size;
		m->ram_bytes = d->max_pages * PV_PAGE_SIZE;
		m->special_off = d->special_off;
		m->nr_special = PV_SPECIAL_PAGES(d->max_vcpus);
		rep->fd = dup(d->mem_fd);
		if (rep->fd < 0)
			ret = pv_errno_last();
	}
	pthread_mutex_unlock(&hv_lock);
	domain_put(d);
	rep->data = (uint8_t *)m;
	rep->owned = 1;
	rep->len = ret == 0 ? sizeof(*m) : 0;
	return ret;
}

/* Stopped, or gone from the table. */
static int domain_gone(const struct domain *d)
{
	return d->removed || domain_is_stopped(d);
}

static void domext_fill(struct domain *d, struct pv_privcmd_domext *e)
{
	unsigned online = 0;

	memset(e, 0, sizeof(*e));
	for (unsigned i = 0; i < d->max_vcpus; i++)
		online += d->vcpus[i].up;
	e->domid = d->domid;
	e->state = d->state;
	memcpy(e->name, d->name, sizeof(e->name));
	e->on_poweroff = d->actions[0];
	e->on_reboot = d->actions[1];
	e->on_crash = d->actions[2];
	e->on_watchdog = d->actions[3];
	e->shutdown_reason = d->shutdown_reason;
	e->start_time = d->start_time;
	e->cpu_time = domain_cpu_time_locked(d);
	e->pid = domain_host_pid_locked(d);
	e->nr_vcpus = online;
	e->tot_pages = d->tot_pages;
	e->max_pages = d->mem_limit;
	memcpy(e->crash_reason, d->crash_reason, sizeof(e->crash_reason));
	snprintf(e->engine, sizeof(e->engine), "%s", d->engine->name);
}

static int32_t op_domext_set(struct pconn *conn, uint8_t *p, uint32_t len,
			     struct privcmd_reply *rep)
{
	struct pv_privcmd_domext *e = (void *)p;
	struct domain *d;
	int32_t ret = 0;
	uint16_t flags;

	if (len != sizeof(*e))
		return -PV_EINVAL;
	flags = e->flags;
	e->name[sizeof(e->name) - 1] = '\0';
	if (e->on_poweroff > PV_ACTION_RESTART || e->on_reboot > PV_ACTION_RESTART ||
	    e->on_crash > PV_ACTION_RESTART || e->on_watchdog > PV_ACTION_RESTART)
		return -PV_EINVAL;
	d = domain_get(e->domid);
	if (!d)
		return -PV_ESRCH;
	pthread_mutex_lock(&hv_lock);
	if (flags & PV_DOMEXT_SET_NAME)
		ret = domain_set_name(d, e->name);
	if (ret == 0 && (flags & PV_DOMEXT_SET_ACTIONS)) {
		d->actions[0] = e->on_poweroff;
		d->actions[1] = e->on_reboot;
		d->actions[2] = e->on_crash;
		d->actions[3] = e->on_watchdog;
	}
	if (ret == 0 && (flags & PV_DOMEXT_SET_HOLD))
		d->holder = conn;
	if (ret == 0 && (flags & PV_DOMEXT_SET_LETGO) && d->holder == conn)
		d->holder = NULL;
	if (ret == 0)
		domext_fill(d, e);
	pthread_mutex_unlock(&hv_lock);
	domain_put(d);
	rep->data = p;
	rep->len = ret == 0 ? sizeof(*e) : 0;
	return ret;
}

static int32_t op_domext_list(struct privcmd_reply *rep)
{
	struct pv_privcmd_domext *e;
	struct domain *d;
	unsigned n = 0;

	pthread_mutex_lock(&hv_lock);
	e = calloc(domain_count_locked() + 1, sizeof(*e));
	for (d = domain_next_locked(-1); e && d; d = domain_next_locked(d->domid))
		domext_fill(d, &e[n++]);
	pthread_mutex_unlock(&hv_lock);
	if (!e)
		return -PV_ENOMEM;
	rep->data = (uint8_t *)e;
	rep->owned = 1;
	rep->len = n * sizeof(*e);
	return (int32_t)n;
}

static int32_t op_sched_info(struct privcmd_reply *rep)
{
	struct pv_privcmd_schedinfo *si = calloc(1, sizeof(*si));

	if (!si)
		return -PV_ENOMEM;
	si->cgroup_version = (uint32_t)dcg_version();
	snprintf(si->cgroup, sizeof(si->cgroup), "%s", dcg_describe());
	rep->data = (uint8_t *)si;
	rep->owned = 1;
	rep->len = sizeof(*si);
	return 0;
}

static int32_t op_domext_get(uint8_t *p, uint32_t len, struct privcmd_reply *rep)
{
	struct pv_privcmd_domext *e = (void *)p;
	struct domain *d;

	if (len != sizeof(*e))
		return -PV_EINVAL;
	e->name[sizeof(e->name) - 1] = '\0';
	pthread_mutex_lock(&hv_lock);
	d = e->flags & PV_DOMEXT_GET_BY_NAME ? domain_by_name_locked(e->name)
					     : domain_lookup_locked(e->domid);
	if (d)
		domext_fill(d, e);
	pthread_mutex_unlock(&hv_lock);
	if (!d)
		return -PV_ESRCH;
	rep->data = p;
	rep->len = sizeof(*e);
	return 0;
}

static int32_t op_domain_states(struct privcmd_reply *rep)
{
	struct pv_privcmd_domstatus *s;
	struct domain *d;
	unsigned n = 0;

	pthread_mutex_lock(&hv_lock);
	s = calloc(domain_count_locked() + 1, sizeof(*s));
	for (d = domain_next_locked(-1); s && d; d = domain_next_locked(d->domid))
		s[n++] = (struct pv_privcmd_domstatus){ .domid = d->domid, .state = d->state };
	pthread_mutex_unlock(&hv_lock);
	if (!s)
		return -PV_ENOMEM;
	rep->data = (uint8_t *)s;
	rep->owned = 1;
	rep->len = n * sizeof(*s);
	return (int32_t)n;
}

#define PV_DOMCHANGES_MAX 256 /* entries in one answer; more: -ERANGE */

static int32_t op_domain_changes(uint8_t *p, uint32_t len, struct privcmd_reply *rep)
{
	struct pv_privcmd_domchanges q;
	uint8_t *out;
	int n;

	if (len != sizeof(q))
		return -PV_EINVAL;
	memcpy(&q, p, sizeof(q));
	out = malloc(sizeof(q) + PV_DOMCHANGES_MAX * sizeof(struct pv_privcmd_domstatus));
	if (!out)
		return -PV_ENOMEM;
	pthread_mutex_lock(&hv_lock);
	n = domain_changes_locked(q.since, (void *)(out + sizeof(q)), PV_DOMCHANGES_MAX, &q.gen);
	pthread_mutex_unlock(&hv_lock);
	if (n < 0) {
		free(out);
		return n;
	}
	memcpy(out, &q, sizeof(q));
	rep->data = out;
	rep->owned = 1;
	rep->len = sizeof(q) + (uint32_t)n * sizeof(struct pv_privcmd_domstatus);
	return n;
}

static int32_t op_wait_domain(uint8_t *p, uint32_t len)
{
	struct pv_privcmd_wait w;
	struct timespec end;
	struct domain *d;
	int32_t ret = 0;

	if (len != sizeof(w))
		return -PV_EINVAL;
	memcpy(&w, p, sizeof(w));
	d = domain_get(w.domid);
	if (!d)
		return -PV_ESRCH;
	util_deadline_after(&end, w.timeout_ms);
	pthread_mutex_lock(&hv_lock);
	while (!domain_gone(d) && ret == 0)
		ret = -pv_errno_from_host(pthread_cond_timedwait(&hv_cond, &hv_lock, &end));
	if (domain_gone(d))
		ret = 0;
	pthread_mutex_unlock(&hv_lock);
	domain_put(d);
	return ret;
}

/* QUIESCE (payload pv_privcmd_wait) and RESUME (pv_privcmd_domid) of one domain. */
static int32_t op_quiesce(uint32_t op, uint8_t *p, uint32_t len)
{
	struct pv_privcmd_wait w = { 0 };
	size_t want = op == PV_PRIVCMD_OP_QUIESCE ? sizeof(w) : sizeof(struct pv_privcmd_domid);
	struct domain *d;
	int32_t ret;

	if (len != want)
		return -PV_EINVAL;
	memcpy(&w, p, len); /* both start with the domid */
	d = domain_get(w.domid);
	if (!d)
		return -PV_ESRCH;
	ret = op == PV_PRIVCMD_OP_QUIESCE ? domain_quiesce(d, w.timeout_ms) : domain_resume(d);
	domain_put(d);
	return ret;
}

/* DIRTY_LOG: start, collect (the bitmap is the reply) or stop a domain's log. */
static int32_t op_dirty_log(struct pconn *conn, uint8_t *p, uint32_t len,
			    struct privcmd_reply *rep)
{
	struct pv_privcmd_dirty_log *req = (void *)p;
	struct domain *d;
	uint64_t words;
	long ret;

	if (len != sizeof(*req))
		return -PV_EINVAL;
	d = domain_get(req->domid);
	if (!d)
		return -PV_ESRCH;
	words = domain_dirty_words(d);
	if (req->cmd == PV_PRIVCMD_DIRTY_START) {
		ret = domain_dirty_start(d, conn);
		req->nr_pages = d->mem_size / PV_PAGE_SIZE;
		rep->data = p;
		rep->len = ret == 0 ? sizeof(*req) : 0;
	} else if (req->cmd == PV_PRIVCMD_DIRTY_STOP) {
		ret = domain_dirty_stop(d, conn);
	} else if (req->cmd != PV_PRIVCMD_DIRTY_COLLECT) {
		ret = -PV_EINVAL;
	} else if (!(rep->data = malloc(words * sizeof(uint64_t)))) {
		ret = -PV_ENOMEM;
	} else {
		rep->owned = 1;
		ret = domain_dirty_collect(d, conn, (uint64_t *)rep->data, words);
		rep->len = ret >= 0 ? (uint32_t)(words * sizeof(uint64_t)) : 0;
	}
	domain_put(d);
	return (int32_t)ret;
}

static int32_t op_evtchn_open(struct pconn *conn, struct privcmd_reply *rep)
{
	struct pv_privcmd_evtchn_info *info = calloc(1, sizeof(*info));
	int rc;

	if (!info)
		return -PV_ENOMEM;
	rc = evtchn_handle_open(conn, &rep->fd, &info->page_size);
	if (rc) {
		free(info);
		rep->fd = -1;
		return rc;
	}
	info->nr_ports = PV_EVTCHN_HANDLE_PORTS;
	rep->data = (uint8_t *)info;
	rep->owned = 1;
	rep->len = sizeof(*info);
	return 0;
}

static int32_t op_evtchn_eventfd(struct pconn *conn, struct privcmd_reply *rep)
{
	int fd = evtchn_handle_eventfd(conn);

	if (fd < 0)
		return fd;
	rep->fd = fd;
	return 0;
}

static int32_t op_evtchn_doorbell(struct pconn *conn, struct privcmd_reply *rep)
{
	int fd = evtchn_handle_doorbell(conn);

	if (fd < 0)
		return fd;
	rep->fd = fd;
	return 0;
}

static int32_t op_gnt_map(struct pconn *conn, uint8_t *p, uint32_t len, struct privcmd_reply *rep)
{
	struct pv_privcmd_gnt_map req;
	struct pv_privcmd_gnt_mapping *m;
	int rc;

	if (len != sizeof(req))
		return -PV_EINVAL;
	memcpy(&req, p, sizeof(req));
	if (req.flags & ~PV_PRIVCMD_GNT_READONLY)
		return -PV_EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -PV_ENOMEM;
	rc = gnttab_map(conn, req.domid, req.ref, req.flags & PV_PRIVCMD_GNT_READONLY, &rep->fd,
			&m->offset, &m->handle);
	if (rc) {
		rep->fd = -1;
		free(m);
		return rc;
	}
	rep->data = (uint8_t *)m;
	rep->owned = 1;
	rep->len = sizeof(*m);
	return 0;
}

static int32_t op_gnt_unmap(struct pconn *conn, uint8_t *p, uint32_t len)
{
	struct pv_privcmd_gnt_unmap req;

	if (len != sizeof(req))
		return -PV_EINVAL;
	memcpy(&req, p, sizeof(req));
	return gnttab_unmap(conn, req.handle);
}

static int32_t op_gnt_buffer(struct pconn *conn, uint8_t *p, uint32_t len,
			     struct privcmd_reply *rep)
{
	struct pv_privcmd_gnt_buffer *b = (void *)p;
	int rc;

	if (len != sizeof(*b))
		return -PV_EINVAL;
	rc = gnttab_buffer_create(conn, b->pages, &rep->fd);
	if (rc) {
		rep->fd = -1;
		return rc;
	}
	b->size = b->pages * PV_PAGE_SIZE;
	rep->data = p;
	rep->len = sizeof(*b);
	return 0;
}

/* Each engine's walls around its domains, and the cgroups. */
static int32_t op_walls(struct privcmd_reply *rep)
{
	static const char *const names[] = { "pv", "hvm" };
	struct pv_privcmd_walls *w = calloc(1, sizeof(*w));
	size_t n = 0;

	if (!w)
		return -PV_ENOMEM;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct engine_ops *e = engine_find(names[i]);

		if (e && e->walls && n < sizeof(w->engines))
			n += (size_t)snprintf(w->engines + n, sizeof(w->engines) - n, "%s%s: %s",
					      n ? "\n" : "", names[i], e->walls());
	}
	snprintf(w->cgroups, sizeof(w->cgroups), "%s", dcg_summary());
	rep->data = (uint8_t *)w;
	rep->owned = 1;
	rep->len = sizeof(*w);
	return 0;
}

int32_t privcmd_dispatch(struct pconn *conn, uint32_t op, uint8_t *payload, uint32_t len,
			 struct privcmd_reply *rep)
{
	switch (op) {
	case PV_PRIVCMD_OP_HYPERCALL:
		return op_hypercall(conn, payload, len, rep);
	case PV_PRIVCMD_OP_MAP_FOREIGN:
		return op_map_foreign(payload, len, rep);
	case PV_PRIVCMD_OP_DOMEXT_SET:
		return op_domext_set(conn, payload, len, rep);
	case PV_PRIVCMD_OP_DOMEXT_LIST:
		return op_domext_list(rep);
	case PV_PRIVCMD_OP_DOMEXT_GET:
		return op_domext_get(payload, len, rep);
	case PV_PRIVCMD_OP_DOMAIN_STATES:
		return op_domain_states(rep);
	case PV_PRIVCMD_OP_DOMAIN_CHANGES:
		return op_domain_changes(payload, len, rep);
	case PV_PRIVCMD_OP_WAIT_DOMAIN:
		return op_wait_domain(payload, len);
	case PV_PRIVCMD_OP_EVTCHN_OPEN:
		return op_evtchn_open(conn, rep);
	case PV_PRIVCMD_OP_EVTCHN_DOORBELL:
		return op_evtchn_doorbell(conn, rep);
	case PV_PRIVCMD_OP_EVTCHN_EVENTFD:
		return op_evtchn_eventfd(conn, rep);
	case PV_PRIVCMD_OP_GNT_MAP:
		return op_gnt_map(conn, payload, len, rep);
	case PV_PRIVCMD_OP_GNT_UNMAP:
		return op_gnt_unmap(conn, payload, len);
	case PV_PRIVCMD_OP_GNT_BUFFER:
		return op_gnt_buffer(conn, payload, len, rep);
	case PV_PRIVCMD_OP_QUIESCE:
	case PV_PRIVCMD_OP_RESUME:
		return op_quiesce(op, payload, len);
	case PV_PRIVCMD_OP_WALLS:
		return op_walls(rep);
	case PV_PRIVCMD_OP_DIRTY_LOG:
		return op_dirty_log(conn, payload, len, rep);
	case PV_PRIVCMD_OP_SCHED_INFO:
		return op_sched_info(rep);
	case PV_PRIVCMD_OP_SR_SAVE:
		return privcmd_sr_save(payload, len, rep);
	case PV_PRIVCMD_OP_SR_RESTORE:
		return privcmd_sr_restore(payload, len);
	case PV_PRIVCMD_OP_SR_RESUME:
		return privcmd_sr_resume(payload, len);
	case PV_PRIVCMD_OP_LAZY:
		return privcmd_lazy(conn, payload, len, rep);
	case PV_PRIVCMD_OP_COUNTERS:
	case PV_PRIVCMD_OP_TRACE_START:
	case PV_PRIVCMD_OP_TRACE_STOP:
		return privcmd_op_instr(conn, op, payload, len, rep);
	default:
		return -PV_ENOSYS;
	}
}
