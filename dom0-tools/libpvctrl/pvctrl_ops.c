/* libpvctrl calls: hypercalls, domctl/sysctl wrappers and the pvisor extensions. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pvctrl.h"
#include "pvctrl_priv.h"
#include "pvisor/sched.h"
#include "pvisor/version.h"

int pvctrl_hypercall(struct pvctrl *h, unsigned nr, const uint64_t a[5], void *arg,
		     size_t arg_len, void *buf, size_t buf_len)
{
	struct pvctrl_batch b;
	int ret, rc;

	pvctrl_batch_init(&b, h);
	if (!pvctrl_q_hypercall(&b, nr, a, arg, arg_len, arg, buf, buf_len, buf, &ret))
		return ret;
	rc = pvctrl_batch_run(&b);
	return rc < 0 ? rc : ret;
}

struct pvctrl_slot *pvctrl_q_domctl(struct pvctrl_batch *b, struct pv_domctl *dc, const void *buf,
				    size_t buf_len, void *rbuf, int *ret)
{
	uint64_t a[5] = { PV_PRIVCMD_ARG_ADDR };

	dc->interface_version = PV_DOMCTL_INTERFACE_VERSION;
	return pvctrl_q_hypercall(b, PV_HYPERCALL_domctl, a, dc, sizeof(*dc), dc, buf, buf_len,
				  rbuf, ret);
}

int pvctrl_domctl(struct pvctrl *h, struct pv_domctl *dc, void *buf, size_t buf_len)
{
	uint64_t a[5] = { PV_PRIVCMD_ARG_ADDR };

	dc->interface_version = PV_DOMCTL_INTERFACE_VERSION;
	return pvctrl_hypercall(h, PV_HYPERCALL_domctl, a, dc, sizeof(*dc), buf, buf_len);
}

int pvctrl_sysctl(struct pvctrl *h, struct pv_sysctl *sc, void *buf, size_t buf_len)
{
	uint64_t a[5] = { PV_PRIVCMD_ARG_ADDR };

	sc->interface_version = PV_SYSCTL_INTERFACE_VERSION;
	return pvctrl_hypercall(h, PV_HYPERCALL_sysctl, a, sc, sizeof(*sc), buf, buf_len);
}

/* A call queued on its own: run the batch of one, the result as the call's. */
static int run_one(struct pvctrl_batch *b, const int *ret)
{
	int rc = pvctrl_batch_run(b);

	return rc < 0 ? rc : *ret;
}

/* A domctl whose answer is decoded by done into out, kept in the slot (the slot's
 * arg holds the domctl as the hypervisor answered it). */
static struct pvctrl_slot *q_domctl_kept(struct pvctrl_batch *b, struct pv_domctl *dc,
					 void (*done)(struct pvctrl_slot *, void *), void *out,
					 int *ret)
{
	uint64_t a[5] = { PV_PRIVCMD_ARG_ADDR };
	struct pvctrl_slot *s;

	dc->interface_version = PV_DOMCTL_INTERFACE_VERSION;
	s = pvctrl_q_hypercall(b, PV_HYPERCALL_domctl, a, dc, sizeof(*dc), NULL, NULL, 0, NULL,
			       ret);
	if (s) {
		s->rsp = s->arg;
		s->done = done;
		s->out = out;
	}
	return s;
}

static void done_physinfo(struct pvctrl_slot *s, void *out)
{
	memcpy(out, &((struct pv_sysctl *)(void *)s->arg)->u.physinfo,
	       sizeof(struct pv_sysctl_physinfo));
}

void pvctrl_q_physinfo(struct pvctrl_batch *b, struct pv_sysctl_physinfo *pi, int *ret)
{
	struct pv_sysctl sc = { .cmd = PV_SYSCTL_physinfo,
				.interface_version = PV_SYSCTL_INTERFACE_VERSION };
	uint64_t a[5] = { PV_PRIVCMD_ARG_ADDR };
	struct pvctrl_slot *s = pvctrl_q_hypercall(b, PV_HYPERCALL_sysctl, a, &sc, sizeof(sc),
						   NULL, NULL, 0, NULL, ret);

	if (s) {
		s->rsp = s->arg;
		s->done = done_physinfo;
		s->out = pi;
	}
}

static void done_create(struct pvctrl_slot *s, void *out)
{
	*(pv_domid_t *)out = ((struct pv_domctl *)(void *)s->arg)->domain;
}

void pvctrl_q_domain_create(struct pvctrl_batch *b, uint32_t flags, uint32_t max_vcpus,
			    const uint8_t uuid[16], pv_domid_t *domid, int *ret)
{
	struct pv_domctl dc = { .cmd = PV_DOMCTL_createdomain };

	dc.u.createdomain.flags = flags;
	dc.u.createdomain.max_vcpus = max_vcpus;
	dc.u.createdomain.max_evtchn_port = 4095;
	dc.u.createdomain.max_grant_frames = -1;
	dc.u.createdomain.max_maptrack_frames = -1;
	dc.u.createdomain.grant_opts = PV_DOMCTL_GRANT_version(1);
	if (uuid)
		memcpy(dc.u.createdomain.handle, uuid, 16);
	q_domctl_kept(b, &dc, done_create, domid, ret);
}

void pvctrl_q_domain_max_mem(struct pvctrl_batch *b, pv_domid_t domid, uint64_t max_kb, int *ret)
{
	struct pv_domctl dc = { .cmd = PV_DOMCTL_max_mem, .domain = domid };

	dc.u.max_mem.max_memkb = max_kb;
	q_domctl_kept(b, &dc, NULL, NULL, ret);
}

void pvctrl_q_domain_unpause(struct pvctrl_batch *b, pv_domid_t domid, int *ret)
{
	struct pv_domctl dc = { .cmd = PV_DOMCTL_unpausedomain, .domain = domid };

	q_domctl_kept(b, &dc, NULL, NULL, ret);
}

void pvctrl_q_hypercall_init(struct pvctrl_batch *b, pv_domid_t domid, uint64_t gpfn, int *ret)
{
	struct pv_domctl dc = { .cmd = PV_DOMCTL_hypercall_init, .domain = domid };

	dc.u.hypercall_init.gmfn = gpfn;
	q_domctl_kept(b, &dc, NULL, NULL, ret);
}

void pvctrl_q_vcpu_setcontext(struct pvctrl_batch *b, pv_domid_t domid, unsigned vcpu,
			      const struct pv_vcpu_guest_context *ctx, int *ret)
{
	struct pv_domctl dc = { .cmd = PV_DOMCTL_setvcpucontext, .domain = domid };
	struct pvctrl_slot *s;

	dc.u.vcpucontext.vcpu = vcpu;
	dc.u.vcpucontext.ctxt = PV_PRIVCMD_BUF_ADDR;
	s = q_domctl_kept(b, &dc, NULL, NULL, ret);
	if (s) { /* the context goes from the caller's copy; its echo is dropped */
		s->buf = ctx;
		s->buf_len = sizeof(*ctx);
		s->hc.buf_len = (uint32_t)sizeof(*ctx);
	}
}

void pvctrl_q_domext_set(struct pvctrl_batch *b, struct pv_privcmd_domext *e, int *ret)
{
	pvctrl_q_request(b, PV_PRIVCMD_OP_DOMEXT_SET, e, sizeof(*e), e, sizeof(*e), ret);
}

void pvctrl_q_memory_fd(struct pvctrl_batch *b, pv_domid_t domid, struct pv_privcmd_memory *info,
			int *fd, int *ret)
{
	struct pvctrl_slot *s;

	*fd = -1;
	s = pvctrl_q_request(b, PV_PRIVCMD_OP_MAP_FOREIGN, NULL, 0, info, sizeof(*info), ret);
	if (!s)
		return;
	/* the domid goes inline, in the slot */
	memset(s->arg, 0, sizeof(struct pv_privcmd_domid));
	((struct pv_privcmd_domid *)(void *)s->arg)->domid = domid;
	s->req = s->arg;
	s->req_len = sizeof(struct pv_privcmd_domid);
	s->done = pvctrl_slot_take_fd;
	s->out = fd;
}

static int domctl_simple(struct pvctrl *h, uint32_t cmd, pv_domid_t domid)
{
	struct pv_domctl dc = { .cmd = cmd, .domain = domid };

	return pvctrl_domctl(h, &dc, NULL, 0);
}

int pvctrl_domain_create(struct pvctrl *h, uint32_t flags, uint32_t max_vcpus,
			 const uint8_t uuid[16], pv_domid_t *domid)
{
	struct pvctrl_batch b;
	int ret;

	pvctrl_batch_init(&b, h);
	pvctrl_q_domain_create(&b, flags, max_vcpus, uuid, domid, &ret);
	return run_one(&b, &ret);
}

int pvctrl_domain_destroy(struct pvctrl *h, pv_domid_t domid)
{
	return domctl_simple(h, PV_DOMCTL_destroydomain, domid);
}

int pvctrl_domain_pause(struct pvctrl *h, pv_domid_t domid)
{
	return domctl_simple(h, PV_DOMCTL_pausedomain, domid);
}

int pvctrl_domain_unpause(struct pvctrl *h, pv_domid_t domid)
{
	struct pvctrl_batch b;
	int ret;

	pvctrl_batch_init(&b, h);
	pvctrl_q_domain_unpause(&b, domid, &ret);
	return run_one(&b, &ret);
}

int pvctrl_domain_shutdown(struct pvctrl *h, pv_domid_t domid, unsigned reason)
{
	struct pv_sched_remote_shutdown rs = { .domain_id = domid, .reason = reason };
	uint64_t a[5] = { PV_SCHEDOP_remote_shutdown, PV_PRIVCMD_ARG_ADDR };

	return pvctrl_hypercall(h, PV_HYPERCALL_sched_op, a, &rs, sizeof(rs), NULL, 0);
}

int pvctrl_domain_getinfo(struct pvctrl *h, pv_domid_t domid,
			  struct pv_domctl_getdomaininfo *info)
{
	struct pv_domctl dc = { .cmd = PV_DOMCTL_getdomaininfo, .domain = domid };
	int rc = pvctrl_domctl(h, &dc, NULL, 0);

	if (rc == 0)
		*info = dc.u.getdomaininfo;
	return rc;
}

int pvctrl_domain_max_mem(struct pvctrl *h, pv_domid_t domid, uint64_t max_kb)
{
	struct pvctrl_batch b;
	int ret;

	pvctrl_batch_init(&b, h);
	pvctrl_q_domain_max_mem(&b, domid, max_kb, &ret);
	return run_one(&b, &ret);
}

int pvctrl_domain_set_time_offset(struct pvctrl *h, pv_domid_t domid, int64_t seconds)
{
	struct pv_domctl dc = { .cmd = PV_DOMCTL_settimeoffset, .domain = domid };

	dc.u.settimeoffset.time_offset_seconds = seconds;
	return pvctrl_domctl(h, &dc, NULL, 0);
}

int pvctrl_vcpu_setcontext(struct pvctrl *h, pv_domid_t domid, unsigned vcpu,
			   const struct pv_vcpu_guest_context *ctx)
{
	struct pvctrl_batch b;
	int ret;

	pvctrl_batch_init(&b, h);
	pvctrl_q_vcpu_setcontext(&b, domid, vcpu, ctx, &ret);
	return run_one(&b, &ret);
}

int pvctrl_vcpu_getcontext(struct pvctrl *h, pv_domid_t domid, unsigned vcpu,
			   struct pv_vcpu_guest_context *ctx)
{
	struct pv_domctl dc = { .cmd = PV_DOMCTL_getvcpucontext, .domain = domid };

	dc.u.vcpucontext.vcpu = vcpu;
	dc.u.vcpucontext.ctxt = PV_PRIVCMD_BUF_ADDR;
	return pvctrl_domctl(h, &dc, ctx, sizeof(*ctx));
}

int pvctrl_vcpu_getinfo(struct pvctrl *h, pv_domid_t domid, unsigned vcpu,
			struct pv_domctl_getvcpuinfo *info)
{
	struct pv_domctl dc = { .cmd = PV_DOMCTL_getvcpuinfo, .domain = domid };
	int rc;

	dc.u.getvcpuinfo.vcpu = vcpu;
	rc = pvctrl_domctl(h, &dc, NULL, 0);
	if (rc == 0)
		*info = dc.u.getvcpuinfo;
	return rc;
}

int pvctrl_domain_quiesce(struct pvctrl *h, pv_domid_t domid, uint32_t timeout_ms)
{
	struct pv_privcmd_wait w = { .domid = domid, .timeout_ms = timeout_ms };

	return pvctrl_request(h, PV_PRIVCMD_OP_QUIESCE, &w, sizeof(w), NULL, 0, NULL, NULL);
}

int pvctrl_domain_resume(struct pvctrl *h, pv_domid_t domid)
{
	struct pv_privcmd_domid req = { .domid = domid };

	return pvctrl_request(h, PV_PRIVCMD_OP_RESUME, &req, sizeof(req), NULL, 0, NULL, NULL);
}

int pvctrl_dirty_log_start(struct pvctrl *h, pv_domid_t domid, uint64_t *nr_pages)
{
	struct pv_privcmd_dirty_log req = { .domid = domid, .cmd = PV_PRIVCMD_DIRTY_START };
	size_t len = 0;
	int rc = pvctrl_request(h, PV_PRIVCMD_OP_DIRTY_LOG, &req, sizeof(req), &req, sizeof(req),
				&len, NULL);

	if (rc == 0 && len != sizeof(req))
		rc = -EPROTO;
	if (rc == 0 && nr_pages)
		*nr_pages = req.nr_pages;
	return rc;
}

long pvctrl_dirty_log_collect(struct pvctrl *h, pv_domid_t domid, uint64_t *bitmap,
			      uint64_t words)
{
	struct pv_privcmd_dirty_log req = { .domid = domid, .cmd = PV_PRIVCMD_DIRTY_COLLECT };
	size_t len = 0;
	int rc = pvctrl_request(h, PV_PRIVCMD_OP_DIRTY_LOG, &req, sizeof(req), bitmap,
				words * sizeof(uint64_t), &len, NULL);

	if (rc >= 0 && len % sizeof(uint64_t))
		return -EPROTO;
	if (rc >= 0)
		memset((uint8_t *)bitmap + len, 0, words * sizeof(uint64_t) - len);
	return rc;
}

int pvctrl_dirty_log_stop(struct pvctrl *h, pv_domid_t domid)
{
	struct pv_privcmd_dirty_log req = { .domid = domid, .cmd = PV_PRIVCMD_DIRTY_STOP };

	return pvctrl_request(h, PV_PRIVCMD_OP_DIRTY_LOG, &req, sizeof(req), NULL, 0, NULL, NULL);
}

int pvctrl_hypercall_init(struct pvctrl *h, pv_domid_t domid, uint64_t gpfn)
{
	struct pvctrl_batch b;
	int ret;

	pvctrl_batch_init(&b, h);
	pvctrl_q_hypercall_init(&b, domid, gpfn, &ret);
	return run_one(&b, &ret);
}

int pvctrl_domext_set(struct pvctrl *h, struct pv_privcmd_domext *e)
{
	struct pvctrl_batch b;
	int ret;

	pvctrl_batch_init(&b, h);
	pvctrl_q_domext_set(&b, e, &ret);
	return run_one(&b, &ret);
}

/* A request without payload answered by an array (one entry per domain, at most
 * the hypervisor's 1024): *out malloc'ed, returns the number of entries. */
static int request_per_domain(struct pvctrl *h, uint32_t op, size_t entry, void **out)
{
	size_t max = 1024 * entry, got = 0;
	void *buf = malloc(max);
	int rc;

	if (!buf)
		return -ENOMEM;
	rc = pvctrl_request(h, op, NULL, 0, buf, max, &got, NULL);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	*out = buf;
	return (int)(got / entry);
}

int pvctrl_domext_list(struct pvctrl *h, struct pv_privcmd_domext **out)
{
	return request_per_domain(h, PV_PRIVCMD_OP_DOMEXT_LIST, sizeof(**out), (void **)out);
}

int pvctrl_domext_get(struct pvctrl *h, pv_domid_t domid, const char *name,
		      struct pv_privcmd_domext *out)
{
	memset(out, 0, sizeof(*out));
	out->domid = domid;
	if (name) {
		if (strlen(name) >= sizeof(out->name))
			return -ESRCH; /* no domain has such a name */
		strcpy(out->name, name);
		out->flags = PV_DOMEXT_GET_BY_NAME;
	}
	return pvctrl_request(h, PV_PRIVCMD_OP_DOMEXT_GET, out, sizeof(*out), out, sizeof(*out),
			      NULL, NULL);
}

int pvctrl_domain_states(struct pvctrl *h, struct pv_privcmd_domstatus **out)
{
	return request_per_domain(h, PV_PRIVCMD_OP_DOMAIN_STATES, sizeof(**out), (void **)out);
}

int pvctrl_domain_changes(struct pvctrl *h, uint64_t since, uint64_t *gen,
			  struct pv_privcmd_domstatus **out)
{
	struct pv_privcmd_domchanges q = { .since = since };
	size_t max = sizeof(q) + 256 * sizeof(**out), got = 0;
	uint8_t *buf = malloc(max);
	int rc;

	if (!buf)
		return -ENOMEM;
	rc = pvctrl_request(h, PV_PRIVCMD_OP_DOMAIN_CHANGES, &q, sizeof(q), buf, max, &got, NULL);
	if (rc < 0 || got < sizeof(q)) {
		free(buf);
		return rc < 0 ? rc : -EPROTO;
	}
	memcpy(&q, buf, sizeof(q));
	*gen = q.gen;
	memmove(buf, buf + sizeof(q), got - sizeof(q));
	*out = (struct pv_privcmd_domstatus *)buf;
	return (int)((got - sizeof(q)) / sizeof(**out));
}

int pvctrl_domain_memfd(struct pvctrl *h, pv_domid_t domid, struct pv_privcmd_memory *info,
			int *fd)
{
	struct pv_privcmd_domid req = { .domid = domid };
	int rc;

	*fd = -1;
	rc = pvctrl_request(h, PV_PRIVCMD_OP_MAP_FOREIGN, &req, sizeof(req), info, sizeof(*info),
			    NULL, fd);
	if (rc < 0)
		return rc;
	return *fd < 0 ? -EPROTO : 0;
}

int pvctrl_map_foreign_fd(struct pvctrl *h, pv_domid_t domid, void **mem,
			  struct pv_privcmd_memory *info, int *fd_out)
{
	int fd = -1, rc = pvctrl_domain_memfd(h, domid, info, &fd);

	if (rc < 0)
		return rc;
	*mem = mmap(NULL, info->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (*mem == MAP_FAILED) {
		rc = -errno;
		close(fd);
		return rc;
	}
	*fd_out = fd;
	return 0;
}

int pvctrl_map_foreign(struct pvctrl *h, pv_domid_t domid, void **mem,
		       struct pv_privcmd_memory *info)
{
	int fd = -1, rc = pvctrl_map_foreign_fd(h, domid, mem, info, &fd);

	if (rc == 0)
		close(fd);
	return rc;
}

int pvctrl_wait_domain(struct pvctrl *h, pv_domid_t domid, uint32_t timeout_ms)
{
	struct pv_privcmd_wait w = { .domid = domid, .timeout_ms = timeout_ms };

	return pvctrl_request(h, PV_PRIVCMD_OP_WAIT_DOMAIN, &w, sizeof(w), NULL, 0, NULL, NULL);
}

int pvctrl_physinfo(struct pvctrl *h, struct pv_sysctl_physinfo *pi)
{
	struct pvctrl_batch b;
	int ret;

	pvctrl_batch_init(&b, h);
	pvctrl_q_physinfo(&b, pi, &ret);
	return run_one(&b, &ret);
}

int pvctrl_walls(struct pvctrl *h, struct pv_privcmd_walls *w)
{
	size_t got = 0;
	int rc = pvctrl_request(h, PV_PRIVCMD_OP_WALLS, NULL, 0, w, sizeof(*w), &got, NULL);

	if (rc == 0 && got != sizeof(*w))
		rc = -EPROTO;
	if (rc == 0) {
		w->engines[sizeof(w->engines) - 1] = '\0';
		w->cgroups[sizeof(w->cgroups) - 1] = '\0';
	}
	return rc;
}

int pvctrl_domain_getinfolist(struct pvctrl *h, pv_domid_t first,
			      struct pv_domctl_getdomaininfo *info, uint32_t max)
{
	struct pv_sysctl sc = { .cmd = PV_SYSCTL_getdomaininfolist };
	int rc;

	sc.u.getdomaininfolist.first_domain = first;
	sc.u.getdomaininfolist.max_domains = max;
	sc.u.getdomaininfolist.buffer = PV_PRIVCMD_BUF_ADDR;
	rc = pvctrl_sysctl(h, &sc, info, (size_t)max * sizeof(*info));
	return rc < 0 ? rc : (int)sc.u.getdomaininfolist.num_domains;
}

int pvctrl_readconsole(struct pvctrl *h, char *buf, size_t max, int clear)
{
	struct pv_sysctl sc = { .cmd = PV_SYSCTL_readconsole };
	int rc;

	sc.u.readconsole.clear = clear;
	sc.u.readconsole.buffer = PV_PRIVCMD_BUF_ADDR;
	sc.u.readconsole.count = (uint32_t)max;
	rc = pvctrl_sysctl(h, &sc, buf, max);
	return rc < 0 ? rc : (int)sc.u.readconsole.count;
}

int pvctrl_readconsole_from(struct pvctrl *h, uint32_t *index, char *buf, size_t max)
{
	struct pv_sysctl sc = { .cmd = PV_SYSCTL_readconsole };
	int rc;

	sc.u.readconsole.incremental = 1;
	sc.u.readconsole.index = *index;
	sc.u.readconsole.buffer = PV_PRIVCMD_BUF_ADDR;
	sc.u.readconsole.count = (uint32_t)max;
	rc = pvctrl_sysctl(h, &sc, buf, max);
	if (rc < 0)
		return rc;
	*index = sc.u.readconsole.index;
	return (int)sc.u.readconsole.count;
}

int pvctrl_xen_version(struct pvctrl *h, unsigned cmd, void *buf, size_t len)
{
	uint64_t a[5] = { cmd, PV_PRIVCMD_BUF_ADDR };

	return pvctrl_hypercall(h, PV_HYPERCALL_xen_version, a, NULL, 0, buf, buf ? len : 0);
}

int pvctrl_domain_resume_suspended(struct pvctrl *h, pv_domid_t domid)
{
	return domctl_simple(h, PV_DOMCTL_resumedomain, domid);
}

int pvctrl_sr_save(struct pvctrl *h, pv_domid_t domid, uint8_t **buf, size_t *len)
{
	struct pv_privcmd_domid req = { .domid = domid };
	size_t max = PV_PRIVCMD_MAX_MSG;
	uint8_t *b = malloc(max);
	int rc;

	if (!b)
		return -ENOMEM;
	rc = pvctrl_request(h, PV_PRIVCMD_OP_SR_SAVE, &req, sizeof(req), b, max, len, NULL);
	if (rc < 0) {
		free(b);
		return rc;
	}
	*buf = b;
	return 0;
}

int pvctrl_sr_restore(struct pvctrl *h, pv_domid_t domid, const void *buf, size_t len)
{
	struct pv_privcmd_sr_restore req = { .domid = domid };
	uint8_t *msg = malloc(sizeof(req) + len);
	int rc;

	if (!msg)
		return -ENOMEM;
	memcpy(msg, &req, sizeof(req));
	memcpy(msg + sizeof(req), buf, len);
	rc = pvctrl_request(h, PV_PRIVCMD_OP_SR_RESTORE, msg, sizeof(req) + len, NULL, 0, NULL,
			    NULL);
	free(msg);
	return rc;
}

int pvctrl_sr_resume(struct pvctrl *h, pv_domid_t domid, uint32_t flags)
{
	struct pv_privcmd_sr_resume req = { .domid = domid, .flags = flags };

	return pvctrl_request(h, PV_PRIVCMD_OP_SR_RESUME, &req, sizeof(req), NULL, 0, NULL, NULL);
}

int pvctrl_lazy(struct pvctrl *h, pv_domid_t domid, unsigned cmd, unsigned which,
		uint32_t timeout_ms, int *fd, uint64_t *base, uint64_t *len)
{
	struct pv_privcmd_lazy l = { .domid = domid,
				     .cmd = (uint16_t)cmd,
				     .which = which,
				     .timeout_ms = timeout_ms };
	int got = -1, rc;

	rc = pvctrl_request(h, PV_PRIVCMD_OP_LAZY, &l, sizeof(l), &l, sizeof(l), NULL, &got);
	if (rc < 0)
		return rc;
	if (fd)
		*fd = got;
	else if (got >= 0)
		close(got);
	if (base)
		*base = l.base;
	if (len)
		*len = l.len;
	return 0;
}
