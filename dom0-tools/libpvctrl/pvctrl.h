/* libpvctrl: how dom0 processes talk to the hypervisor (privcmd over a Unix socket):
 * hypercalls, foreign memory, console output, domain attributes, grants. */
#ifndef PV_PVCTRL_H
#define PV_PVCTRL_H

#include <stddef.h>
#include <stdint.h>

#include "pvisor/domctl.h"
#include "pvisor/grant_table.h"
#include "pvisor/privcmd.h"
#include "pvisor/pvisor.h"
#include "pvisor/sysctl.h"
#include "pvisor/xen.h"

struct pvctrl;

/* Connect to the hypervisor of the current run directory. 0, or -errno
 * (-ENOENT / -ECONNREFUSED: pvisor is not running there). */
int pvctrl_open(struct pvctrl **out);
void pvctrl_close(struct pvctrl *h);

/* One raw request. The reply payload (at most rsp_max bytes; more is an error) goes
 * to rsp, its length to *rsp_len; a passed descriptor to *fd_out (else -1). Returns
 * the reply's ret (>= 0) or a negative errno: the wire's PV errno values (privcmd.h)
 * are turned into the host's here, for every caller of libpvctrl. */
int pvctrl_request(struct pvctrl *h, uint32_t op, const void *req, size_t req_len, void *rsp,
		   size_t rsp_max, size_t *rsp_len, int *fd_out);

/*
 * Pipelined requests: queue up to PVCTRL_BATCH_MAX calls, then pvctrl_batch_run
 * sends them in one write and reads the answers in order (the hypervisor runs a
 * connection's requests in order), so n calls cost one round trip and one wake-up
 * of the hypervisor instead of n. No call may need an earlier one's answer to be
 * formed. Each queued call stores its result (>= 0 or -errno, as its synchronous
 * twin returns) in *ret and its decoded outputs where its pvctrl_q_* says; a call
 * that could not be queued (batch full) gets -E2BIG. pvctrl_batch_run returns 0
 * once every answer was read, or -errno when the connection failed (then the
 * results are not valid). The synchronous calls below are batches of one.
 */
#define PVCTRL_BATCH_MAX 12
#define PVCTRL_ARG_MAX   192 /* the largest inline argument: pv_domctl, pv_sysctl */
struct pvctrl_slot {
	struct pv_privcmd_hdr hdr;
	struct pv_privcmd_hypercall hc; /* OP_HYPERCALL: followed by arg, then buf */
	int is_hc;
	/* the payload (a hypercall's arg), copied; decoded in place as a struct pv_domctl
	 * or pv_sysctl (64-bit members), hence their alignment */
	_Alignas(uint64_t) uint8_t arg[PVCTRL_ARG_MAX];
	const void *req; /* a payload of the caller's (arg unused) */
	size_t req_len;
	const void *buf; /* a hypercall's buf, sent from here */
	size_t buf_len;
	void *rsp; /* reply payload (a hypercall's arg) goes here */
	size_t rsp_max;
	size_t rsp_len;
	void *rbuf; /* a hypercall's buf comes back here (NULL: dropped) */
	int fd;     /* descriptor passed with the reply, or -1 */
	int rc;
	int *ret;
	void (*done)(struct pvctrl_slot *s, void *out); /* decode on success */
	void *out;
};
struct pvctrl_batch {
	struct pvctrl *h;
	unsigned n;
	struct pvctrl_slot s[PVCTRL_BATCH_MAX];
};
void pvctrl_batch_init(struct pvctrl_batch *b, struct pvctrl *h);
int pvctrl_batch_run(struct pvctrl_batch *b);
/* Queue a raw request (as pvctrl_request), a hypercall (as pvctrl_hypercall: arg is
 * copied in, and copied back to arg_out when not NULL; buf is sent from where it
 * is and its answer written to rbuf when not NULL), a domctl / sysctl. The slot,
 * or NULL when the batch is full (then *ret is -E2BIG). */
struct pvctrl_slot *pvctrl_q_request(struct pvctrl_batch *b, uint32_t op, const void *req,
				     size_t req_len, void *rsp, size_t rsp_max, int *ret);
struct pvctrl_slot *pvctrl_q_hypercall(struct pvctrl_batch *b, unsigned nr, const uint64_t a[5],
				       const void *arg, size_t arg_len, void *arg_out,
				       const void *buf, size_t buf_len, void *rbuf, int *ret);
struct pvctrl_slot *pvctrl_q_domctl(struct pvctrl_batch *b, struct pv_domctl *dc, const void *buf,
				    size_t buf_len, void *rbuf, int *ret);
/* The calls of a domain build, queued (outputs written when the batch has run). */
void pvctrl_q_physinfo(struct pvctrl_batch *b, struct pv_sysctl_physinfo *pi, int *ret);
void pvctrl_q_domain_create(struct pvctrl_batch *b, uint32_t flags, uint32_t max_vcpus,
			    const uint8_t uuid[16], pv_domid_t *domid, int *ret);
void pvctrl_q_domain_max_mem(struct pvctrl_batch *b, pv_domid_t domid, uint64_t max_kb, int *ret);
void pvctrl_q_domain_unpause(struct pvctrl_batch *b, pv_domid_t domid, int *ret);
void pvctrl_q_domext_set(struct pvctrl_batch *b, struct pv_privcmd_domext *e, int *ret);
/* *ret is the port (>= 0) or -errno */
void pvctrl_q_evtchn_alloc_unbound(struct pvctrl_batch *b, pv_domid_t dom, pv_domid_t remote,
				   int *ret);
/* the domain's memory fd to *fd (-1 on failure; the caller closes it), its layout
 * to *info; map it MAP_SHARED or pwrite into it */
void pvctrl_q_memory_fd(struct pvctrl_batch *b, pv_domid_t domid, struct pv_privcmd_memory *info,
			int *fd, int *ret);
void pvctrl_q_hypercall_init(struct pvctrl_batch *b, pv_domid_t domid, uint64_t gpfn, int *ret);
/* ctx is sent from where it is: keep it until the batch has run */
void pvctrl_q_vcpu_setcontext(struct pvctrl_batch *b, pv_domid_t domid, unsigned vcpu,
			      const struct pv_vcpu_guest_context *ctx, int *ret);

/* A hypercall as dom0. `arg` is visible to the hypervisor at PV_PRIVCMD_ARG_ADDR,
 * `buf` at PV_PRIVCMD_BUF_ADDR; both are updated in place. Returns the result. */
int pvctrl_hypercall(struct pvctrl *h, unsigned nr, const uint64_t a[5], void *arg,
		     size_t arg_len, void *buf, size_t buf_len);
/* domctl / sysctl with interface_version filled in; buf backs the one guest handle. */
int pvctrl_domctl(struct pvctrl *h, struct pv_domctl *dc, void *buf, size_t buf_len);
int pvctrl_sysctl(struct pvctrl *h, struct pv_sysctl *sc, void *buf, size_t buf_len);

/* flags: PV_DOMCTL_CDF_* (PV_DOMCTL_CDF_hvm picks the hvm engine). */
int pvctrl_domain_create(struct pvctrl *h, uint32_t flags, uint32_t max_vcpus,
			 const uint8_t uuid[16], pv_domid_t *domid);
int pvctrl_domain_destroy(struct pvctrl *h, pv_domid_t domid);
int pvctrl_domain_pause(struct pvctrl *h, pv_domid_t domid);
int pvctrl_domain_unpause(struct pvctrl *h, pv_domid_t domid);
int pvctrl_domain_shutdown(struct pvctrl *h, pv_domid_t domid, unsigned reason);
int pvctrl_domain_getinfo(struct pvctrl *h, pv_domid_t domid,
			  struct pv_domctl_getdomaininfo *info);
/* Up to max domains with id >= first, in id order (sysctl getdomaininfolist: one
 * request for all of them). The count, or -errno. */
int pvctrl_domain_getinfolist(struct pvctrl *h, pv_domid_t first,
			      struct pv_domctl_getdomaininfo *info, uint32_t max);
int pvctrl_domain_max_mem(struct pvctrl *h, pv_domid_t domid, uint64_t max_kb);
/* The seconds added to the domain's wallclock (xl's rtc_timeoffset, localtime). */
int pvctrl_domain_set_time_offset(struct pvctrl *h, pv_domid_t domid, int64_t seconds);
int pvctrl_vcpu_setcontext(struct pvctrl *h, pv_domid_t domid, unsigned vcpu,
			   const struct pv_vcpu_guest_context *ctx);
int pvctrl_hypercall_init(struct pvctrl *h, pv_domid_t domid, uint64_t gpfn);
/* A vCPU's registers (Xen's layout) while it does not run: the domain is quiesced
 * or never ran, or the vCPU is down; -EBUSY otherwise. */
int pvctrl_vcpu_getcontext(struct pvctrl *h, pv_domid_t domid, unsigned vcpu,
			   struct pv_vcpu_guest_context *ctx);
/* getvcpuinfo: online, blocked, running, CPU time of one vCPU. */
int pvctrl_vcpu_getinfo(struct pvctrl *h, pv_domid_t domid, unsigned vcpu,
			struct pv_domctl_getvcpuinfo *info);
/* Stop every vCPU at a consistent point (save/restore), waiting up to timeout_ms:
 * 0, -ETIMEDOUT (the domain runs on), -EBUSY (quiesced already). resume ends it. */
int pvctrl_domain_quiesce(struct pvctrl *h, pv_domid_t domid, uint32_t timeout_ms);
int pvctrl_domain_resume(struct pvctrl *h, pv_domid_t domid);

/* The dirty-page log of a domain's memory (live migration; privcmd.h's DIRTY_LOG
 * says what it sees). start: *nr_pages is the bitmap's size in pages (all of the
 * memory fd); the log belongs to this handle and stops when it closes. collect:
 * the pages written since start or the last collect, a bit per page, into bitmap
 * of `words` 64-bit words (at least (nr_pages + 63) / 64); returns how many (>= 0)
 * or -errno. -EOPNOTSUPP: the domain's engine or the host cannot track writes. */
int pvctrl_dirty_log_start(struct pvctrl *h, pv_domid_t domid, uint64_t *nr_pages);
long pvctrl_dirty_log_collect(struct pvctrl *h, pv_domid_t domid, uint64_t *bitmap,
			      uint64_t words);
int pvctrl_dirty_log_stop(struct pvctrl *h, pv_domid_t domid);
/* Xen's resumedomain: a domain that suspended itself (SCHEDOP_shutdown(suspend))
 * runs on; -EINVAL when it is not suspended. */
int pvctrl_domain_resume_suspended(struct pvctrl *h, pv_domid_t domid);
/* Save/restore (pvisor/save.h): the hypervisor's part of a domain that does not
 * run -- struct pv_sr_hvstate and what follows it, *buf malloc'ed (caller frees),
 * its length in *len -- and the same loaded into a domain that never ran. */
int pvctrl_sr_save(struct pvctrl *h, pv_domid_t domid, uint8_t **buf, size_t *len);
int pvctrl_sr_restore(struct pvctrl *h, pv_domid_t domid, const void *buf, size_t len);
/* A suspended domain goes on: flags PV_SR_RESUME_CANCEL (its suspend call returns
 * 1), PV_SR_RESUME_PAUSED (it stays paused). */
int pvctrl_sr_resume(struct pvctrl *h, pv_domid_t domid, uint32_t flags);
/* Lazy restore (privcmd OP_LAZY): cmd PV_PRIVCMD_LAZY_ARM / _DONE, or _FD for a
 * userfaultfd over the domain's RAM (which 0: the hypervisor's mapping, 1: the
 * guest's, waiting up to timeout_ms) into *fd with its range (*base, *len, may be
 * NULL for the other commands). */
int pvctrl_lazy(struct pvctrl *h, pv_domid_t domid, unsigned cmd, unsigned which,
		uint32_t timeout_ms, int *fd, uint64_t *base, uint64_t *len);
/* pvctrl_map_foreign that also hands back the memory fd (the caller closes it):
 * its data extents say which pages were ever written (SEEK_DATA). */
int pvctrl_map_foreign_fd(struct pvctrl *h, pv_domid_t domid, void **mem,
			  struct pv_privcmd_memory *info, int *fd);

/* pvisor's per-domain attributes. set: e->flags says which; e is updated. */
int pvctrl_domext_set(struct pvctrl *h, struct pv_privcmd_domext *e);
/* All domains, in id order: *out is malloc'ed (caller frees), returns the count. */
int pvctrl_domext_list(struct pvctrl *h, struct pv_privcmd_domext **out);
/* One domain, by name when name is not NULL, else by domid: 0 or -ESRCH. */
int pvctrl_domext_get(struct pvctrl *h, pv_domid_t domid, const char *name,
		      struct pv_privcmd_domext *out);
/* Every domain's id and state, in id order, nothing more (cheap even with a
 * thousand): *out is malloc'ed (caller frees), returns the count. */
int pvctrl_domain_states(struct pvctrl *h, struct pv_privcmd_domstatus **out);
/* The domains shut down, crashed or removed (these as DYING) since change count
 * `since`; *gen: the count to ask with next time. *out malloc'ed, returns the count;
 * -ERANGE: too many changes, list every domain (DOMAIN_STATES) instead. */
int pvctrl_domain_changes(struct pvctrl *h, uint64_t since, uint64_t *gen,
			  struct pv_privcmd_domstatus **out);

/* Scheduling (pvctrl_sched.c). Affinity maps are PVCTRL_CPUMAP_BYTES, bit i =
 * host CPU i. set: write hard and/or soft (NULL: leave it); else read them.
 * -EINVAL for a hard map with no CPU of the host. */
#define PVCTRL_CPUMAP_BYTES 128
int pvctrl_vcpu_affinity(struct pvctrl *h, pv_domid_t domid, unsigned vcpu, int set,
			 uint8_t hard[PVCTRL_CPUMAP_BYTES], uint8_t soft[PVCTRL_CPUMAP_BYTES]);
/* The credit weight and cap of a domain. set: *weight 0 and *cap 0xffff leave that
 * one as it is; -EOPNOTSUPP when the host has no CPU controller for it. */
int pvctrl_sched_credit(struct pvctrl *h, pv_domid_t domid, int set, unsigned *weight,
			unsigned *cap);
/* Which host cgroup carries weights and caps (pvx info). */
int pvctrl_sched_info(struct pvctrl *h, struct pv_privcmd_schedinfo *si);

/* A domain's memory fd without mapping it (*fd: the caller closes it), and its
 * layout (RAM at offset 0, then the special pages). */
int pvctrl_domain_memfd(struct pvctrl *h, pv_domid_t domid, struct pv_privcmd_memory *info,
			int *fd);
/* Map all of a domain's memory (RAM then special pages); unmap with munmap. */
int pvctrl_map_foreign(struct pvctrl *h, pv_domid_t domid, void **mem,
		       struct pv_privcmd_memory *info);

/* Wait until the domain stops running (shutdown, crash, destroy): 0, -ETIMEDOUT,
 * -ESRCH. */
int pvctrl_wait_domain(struct pvctrl *h, pv_domid_t domid, uint32_t timeout_ms);

/*
 * Grants (what libxengnttab gives). map: map the page that domid granted dom0 as
 * ref, read-only or writable; *addr is one page (unmap it only with
 * pvctrl_gnttab_unmap), *handle names the map. While mapped, the grant's
 * GTF_reading/GTF_writing stay set and the granter cannot revoke it. Returns 0 or
 * -errno: -EPERM not granted to dom0, -EACCES read-only grant asked for writing,
 * -EINVAL bad ref, -ESRCH no such domain (privcmd.h has the rest). Maps also end
 * when the connection closes.
 */
int pvctrl_gnttab_map(struct pvctrl *h, pv_domid_t domid, pv_grant_ref_t ref, int readonly,
		      void **addr, uint32_t *handle);
/* pvctrl_gnttab_map that also says where the page is in the granting domain's
 * memory fd (*offset, bytes; pvctrl_domain_memfd gives that fd). offset may be
 * NULL. */
int pvctrl_gnttab_map_frame(struct pvctrl *h, pv_domid_t domid, pv_grant_ref_t ref, int readonly,
			    void **addr, uint32_t *handle, uint64_t *offset);
/* munmap addr (may be NULL when already unmapped), then drop the map. -ENOENT for
 * an unknown handle. */
int pvctrl_gnttab_unmap(struct pvctrl *h, void *addr, uint32_t handle);
/* Give this connection its local copy buffer of `pages` pages, mapped at *addr
 * (unmap with munmap when done). In pvctrl_gnttab_copy, a side without
 * GNTCOPY_*_gref is page `u.gmfn` of this buffer. -EBUSY if it already has one. */
int pvctrl_gnttab_buffer(struct pvctrl *h, uint64_t pages, void **addr);
/* The same, keeping the buffer's memory fd open in *fd (the caller closes it): a
 * process that serves I/O for this connection may map it too (vhost-user). */
int pvctrl_gnttab_buffer_fd(struct pvctrl *h, uint64_t pages, void **addr, int *fd);
/* GNTTABOP_copy on n ops, split into as few privcmd requests as fit; each op's
 * status (PV_GNTST_*) is written back. 0, or -errno when a request failed (ops
 * past it may be left unrun). */
int pvctrl_gnttab_copy(struct pvctrl *h, struct pv_gnttab_copy *ops, size_t n);

/*
 * Instruments (pvctrl_trace.c). counters: what the hypervisor counted for domid
 * (privcmd.h says what each counter counts); 0 or -errno (-ESRCH). trace_start:
 * open the trace session t asks for (t is updated) and map its buffer read-only at
 * *buf; 0, -EBUSY (another session runs) or -errno. trace_stop: end the session
 * (when it returns, no record is being written); the buffer stays mapped until
 * trace_unmap. trace_take: copy record *next of buf into out: 1 taken (*next
 * advanced), 0 not written yet, -EAGAIN lost (the writers lapped the reader; *next
 * moved on and *lost counts them): call again.
 */
int pvctrl_domain_counters(struct pvctrl *h, pv_domid_t domid, struct pv_privcmd_counters *c);
int pvctrl_trace_start(struct pvctrl *h, struct pv_privcmd_trace *t,
		       const struct pv_trace_buf **buf);
int pvctrl_trace_stop(struct pvctrl *h);
void pvctrl_trace_unmap(const struct pv_trace_buf *buf);
int pvctrl_trace_take(const struct pv_trace_buf *buf, uint64_t *next, struct pv_trace_rec *out,
		      uint64_t *lost);

int pvctrl_physinfo(struct pvctrl *h, struct pv_sysctl_physinfo *pi);
/* What stands between a domain and the host: each engine's walls, the cgroups. */
int pvctrl_walls(struct pvctrl *h, struct pv_privcmd_walls *w);
/* The hypervisor's log (its messages, "(XEN) ...", and guests' console_io lines,
 * "(d<id>) ..."); returns bytes copied into buf. */
int pvctrl_readconsole(struct pvctrl *h, char *buf, size_t max, int clear);
/* The same, incrementally (xc_readconsolering's incremental mode): what was added
 * since *index (0: the oldest kept), advancing *index. VIRQ_CON_RING, bound on an
 * event-channel handle, fires when guests add lines. Bytes copied, or -errno. */
int pvctrl_readconsole_from(struct pvctrl *h, uint32_t *index, char *buf, size_t max);
/* xen_version(cmd) into buf (may be NULL for numeric commands). */
int pvctrl_xen_version(struct pvctrl *h, unsigned cmd, void *buf, size_t len);

/*
 * Event-channel handles (libxenevtchn's model). A handle is its own connection; its
 * ports close with it. pending() returns a fired port (then masked for this handle
 * until unmask) or -EAGAIN; fd() is an eventfd that is readable when ports wait;
 * wait() sleeps on it up to timeout_ms (-1 = forever). All return >= 0 (a port) or
 * a negative errno.
 */
struct pvctrl_evtchn;
struct pv_evtchn_status;
int pvctrl_evtchn_open(struct pvctrl_evtchn **out);
void pvctrl_evtchn_close(struct pvctrl_evtchn *x);
int pvctrl_evtchn_fd(struct pvctrl_evtchn *x);
int pvctrl_evtchn_bind_unbound(struct pvctrl_evtchn *x, pv_domid_t remote);
int pvctrl_evtchn_bind_interdomain(struct pvctrl_evtchn *x, pv_domid_t remote,
				   uint32_t remote_port);
int pvctrl_evtchn_bind_virq(struct pvctrl_evtchn *x, uint32_t virq);
int pvctrl_evtchn_unbind(struct pvctrl_evtchn *x, uint32_t port);
int pvctrl_evtchn_notify(struct pvctrl_evtchn *x, uint32_t port);
int pvctrl_evtchn_pending(struct pvctrl_evtchn *x);
int pvctrl_evtchn_unmask(struct pvctrl_evtchn *x, uint32_t port);
int pvctrl_evtchn_wait(struct pvctrl_evtchn *x, int timeout_ms);
/* Toolstack calls: a port in domain dom that only remote may bind; a port's state. */
int pvctrl_evtchn_alloc_unbound(struct pvctrl *h, pv_domid_t dom, pv_domid_t remote);
int pvctrl_evtchn_status(struct pvctrl *h, pv_domid_t dom, uint32_t port,
			 struct pv_evtchn_status *st);

#endif
