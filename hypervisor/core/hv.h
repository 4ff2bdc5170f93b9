/* The hypervisor's core objects: domains and vCPUs, the global lock, and the core
 * services (console_io buffers, the log ring, guest time, timers, ballooning). */
#ifndef PV_HV_H
#define PV_HV_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/instr.h"
#include "pvisor/privcmd.h"
#include "pvisor/pvisor.h"
#include "pvisor/xen.h"

#define HV_MAX_VCPUS     128
#define HV_MAX_DOMAINS   1024
#define HV_CONSOLE_BYTES (64u << 10)
#define HV_CPUMAP_BITS   1024 /* host CPUs an affinity map can name */
#define HV_CPUMAP_BYTES  (HV_CPUMAP_BITS / 8)

/* Why a vCPU's hypercall is kept waiting (a handler deferred it; the engine answers
 * it with complete()): to be brought up (VCPUOP_up; the engine's own start and park
 * calls), SCHEDOP_block, SCHEDOP_poll. */
enum vcpu_wait_kind { VCPU_WAIT_NONE, VCPU_WAIT_START, VCPU_WAIT_BLOCK, VCPU_WAIT_POLL };

#define HV_POLL_MAX_PORTS 128 /* SCHEDOP_poll's limit on Xen */

struct domain;

struct vcpu {
	unsigned id;
	struct domain *d;
	int up;                   /* VCPUOP_up done (vCPU 0: set by setvcpucontext) */
	int ctx_set;              /* a start context has been written */
	enum vcpu_wait_kind wait; /* a hypercall kept waiting, under hv_lock */
	/* Events and timers (evtchn.c, timer.c), under hv_lock. */
	uint32_t virq_port[PV_NR_VIRQS];
	uint32_t poll_ports[HV_POLL_MAX_PORTS];
	unsigned nr_poll_ports;
	uint64_t poll_deadline;  /* system time ns, 0 = none */
	uint64_t timer_deadline; /* singleshot timer, system time ns, 0 = off */
	uint64_t timer_period;   /* periodic timer period ns, 0 = off */
	uint64_t timer_next_period;
	unsigned timer_slot; /* index + 1 in the timer thread's heap, 0 = not in it */
	uint64_t timer_key;  /* the deadline it is filed under there */
	uint64_t callback;   /* event upcall entry (set_callbacks / callback_op) */
	uint64_t failsafe;   /* failsafe entry: recorded, never entered */
	int in_hypercall;    /* its hypercall is being served: events go out with the answer
				  * (set by the engine, read by event channels) */
	/* Host CPUs it may run on (hard, enforced by the engine) and prefers (soft,
	 * kept for the toolstack: a host scheduler has no preference), under hv_lock. */
	uint8_t affinity_hard[HV_CPUMAP_BYTES];
	uint8_t affinity_soft[HV_CPUMAP_BYTES];
	uint64_t instr_block_ns; /* a trace runs: when its block or poll began (instr.c) */
};

/* A guest's console_io output on its way to the hypervisor log (console.c): the
 * line being collected and the rate limit. */
#define CONSOLE_LINE_MAX 256
struct console_buf {
	pthread_mutex_t lock;
	char line[CONSOLE_LINE_MAX]; /* the partial line, without its newline */
	size_t len;
	uint64_t tokens;      /* bytes the domain may add to the log now */
	uint64_t refill_ns;   /* CLOCK_MONOTONIC time tokens counts up to */
	uint64_t dropped;     /* lines dropped and not yet reported */
	uint64_t reported_ns; /* when drops were last reported */
	uint64_t lines, dropped_total;
};

struct engine_ops;
struct engine_exit;

/* Save/restore's stop: every vCPU stopped at a consistent point (engine quiesce). */
enum domain_quiesce { DOMAIN_RUNS, DOMAIN_QUIESCING, DOMAIN_QUIESCED };

struct domain {
	pv_domid_t domid;
	char name[64];
	uint8_t handle[16];
	enum pv_privcmd_domstate state;
	unsigned pause_count; /* > 0: paused (created domains start at 1) */
	int started;          /* engine start() done */
	int reaped;           /* host context gone */
	unsigned shutdown_reason;
	unsigned shutdown_code; /* SCHEDOP_shutdown_code for the next shutdown */
	char crash_reason[192];
	uint8_t actions[4]; /* poweroff, reboot, crash, watchdog: PV_ACTION_* */
	unsigned refcnt;
	int removed; /* out of the table; freed at the last put */
	/* the table's indexes (domain_table.c) */
	unsigned slot;
	struct domain *id_next, *id_prev, *name_next;
	uint64_t change_gen; /* its latest change dom0 was told of (VIRQ_DOM_EXC), 0: none */
	struct domain *chg_next, *chg_prev;

	uint64_t max_pages; /* RAM the memory fd holds */
	uint64_t tot_pages; /* pages the guest is given (memory target) */
	unsigned max_vcpus;
	struct vcpu *vcpus;

	int mem_fd;        /* memfd: RAM, then the special pages */
	int mem_ro_fd;     /* a read-only open of it (read-only grant maps) */
	int mem_immutable; /* its inode has FS_IMMUTABLE_FL (domain_mem.c) */
	uint8_t *mem;      /* our mapping of all of it */
	uint64_t mem_size;
	uint64_t special_off;

	const struct engine_ops *engine; /* chosen at create (engines/engine.h) */
	void *engine_priv;               /* the engine's own state, opaque to the core */
	enum domain_quiesce quiesce;
	uint64_t hcpage_gfn;      /* the hypercall page's frame (save/restore), ~0 if none */
	unsigned suspend_vcpu;    /* who called SCHEDOP_shutdown(suspend) */
	struct domain_lazy *lazy; /* a lazy restore's pager fills RAM (domain_lazy.c) */

	int64_t time_offset;   /* seconds added to the guest's wallclock (settimeoffset) */
	unsigned sched_weight; /* credit scheduler weight, 1..65535 (256) */
	unsigned sched_cap;    /* % of one host CPU, 0 = none */
	uint64_t create_time;  /* CLOCK_REALTIME ns */
	uint64_t start_time;
	uint64_t cpu_time_final; /* cpu time at reap */
	struct console_buf console;

	struct evtchn_table *evtchn; /* ports (evtchn.c), NULL until first use */
	struct gnttab *gnttab;       /* grant table state (gnttab.c), NULL until used */

	/* Ballooning (balloon.c, hc_memory.c), under hv_lock. tot_pages counts the RAM
	 * frames not given back; it may grow back up to mem_limit. */
	uint64_t mem_limit;    /* maximum reservation in pages (max_mem), <= max_pages */
	uint64_t *balloon_map; /* bit per RAM frame given back; NULL: none ever was */

	struct dom_counters ctr; /* instr.c: what privcmd COUNTERS reports */
	/* Dirty log (domain_dirty.c): pages the hypervisor wrote through its own
	 * mapping while the log is on, a bit per page of mem (atomic); kept until the
	 * domain is freed so that a writer never races its freeing. */
	uint64_t *dirty_hv;
	int dirty_on;            /* atomic: writes are being logged */
	const void *dirty_owner; /* the privcmd connection that started it */
	const void *holder;      /* a privcmd connection whose close destroys it
				      * (DOMEXT HOLD), or NULL */
};

/* Global lock over the domain table and every domain's lifecycle fields. The
 * hypercall fast paths (version, console) do not take it. */
extern pthread_mutex_t hv_lock;
extern pthread_cond_t hv_cond; /* broadcast on every state change */

/* Domain table (domain.c). Lookups return a referenced domain (put with
 * domain_put) or NULL. */
int domain_create(uint32_t flags, uint32_t max_vcpus, const uint8_t handle[16], pv_domid_t *out);
struct domain *domain_get(pv_domid_t domid);
void domain_put(struct domain *d);
/* With hv_lock held: */
struct domain *domain_lookup_locked(pv_domid_t domid);
struct domain *domain_by_name_locked(const char *name);
int domain_set_max_mem(struct domain *d, uint64_t max_kb);
/* A new memory file of `size` bytes (domain_mem.c): sealed at its size, its inode
 * read-only for any later open; fd read-write, ro_fd a read-only description. */
struct domain_mem {
	int fd, ro_fd, immutable;
};
int domain_mem_open(uint64_t size, struct domain_mem *m);
/* Give [off, off + len) of d's memory back to the host (a hole reads as zeros). */
int domain_mem_punch(struct domain *d, uint64_t off, uint64_t len);
int domain_set_name(struct domain *d, const char *name);
int domain_pause(struct domain *d);
int domain_unpause(struct domain *d);
int domain_destroy(struct domain *d);
/* The guest asked to stop (SCHEDOP_shutdown) or crashed: record, kill, and apply
 * the configured action. Locked variants expect hv_lock held. */
void domain_shutdown_locked(struct domain *d, unsigned reason);
void domain_crash_locked(struct domain *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The engine saw the domain's host context end (died, or killed as asked): record
 * the CPU time, crash the domain with ex->why if nothing stopped it, release the
 * engine and apply the action. hv_lock not held. */
void domain_reaped(struct domain *d, const struct engine_exit *ex);
/* Shut down, crashed or dying: its host context is gone or going. */
static inline int domain_is_stopped(const struct domain *d)
{
	return d->state == PV_DOMSTATE_SHUTDOWN || d->state == PV_DOMSTATE_CRASHED ||
	       d->state == PV_DOMSTATE_DYING;
}
/* Take one more reference with hv_lock held (put with domain_put, unlocked). */
void domain_hold_locked(struct domain *d);
/* Quiesce (domain_quiesce.c, engines/engine.h): stop every vCPU at a consistent
 * point, waiting up to
 * timeout_ms: 0, -PV_ETIMEDOUT (the quiesce is withdrawn), -PV_EBUSY (quiesced
 * already), -PV_EINVAL (stopped or dying). resume ends it (-PV_EINVAL when not
 * quiesced). hv_lock not held. The engine reports the end with _quiesced_locked. */
int domain_quiesce(struct domain *d, uint32_t timeout_ms);
int domain_resume(struct domain *d);
void domain_quiesced_locked(struct domain *d);
/*
 * Dirty log, for live migration (domain_dirty.c). start: record from now on the
 * pages of the domain's memory (RAM and special pages) that anything writes --
 * the guest (the engine's optional dirty_log ops; -PV_EOPNOTSUPP without them),
 * the hypervisor through its own mapping (domain_dirty_mark), dom0 through
 * writable grant maps (while mapped and when unmapped). Special pages the
 * hypervisor writes as it goes (shared_info, the vCPU context pages, the grant
 * frames) are in every collect. Pages dom0 writes through a foreign mapping of
 * the whole memory (the store and console rings) are not seen: the caller sends
 * those again in its last round. owner: who may collect and stop (a privcmd
 * connection; its close stops the log). -PV_EBUSY when on already, -PV_EINVAL
 * for a domain not started or gone. collect: the pages written since start or
 * the last collect into bitmap (words 64-bit words, at least
 * domain_dirty_words()), returns how many (>= 0). stop: end it. hv_lock not held.
 */
int domain_dirty_start(struct domain *d, const void *owner);
long domain_dirty_collect(struct domain *d, const void *owner, uint64_t *bitmap, uint64_t words);
int domain_dirty_stop(struct domain *d, const void *owner);
/* Stop every log this owner started (its connection closed). */
void domain_dirty_drop_owner(const void *owner);
/* Destroy every domain this holder still holds (its connection closed). */
void domain_drop_holder(const void *holder);
/* 64-bit words of a bitmap over all of d's memory. */
static inline uint64_t domain_dirty_words(const struct domain *d)
{
	return (d->mem_size / PV_PAGE_SIZE + 63) / 64;
}
/* The hypervisor wrote frames [gpfn, gpfn + n) of d through its own mapping: log
 * them if the log is on. Call it after the write. Any thread, any lock. */
void domain_dirty_mark(struct domain *d, uint64_t gpfn, uint64_t n);

/* Cooperative suspend (domain_suspend.c). suspend: the guest called
 * SCHEDOP_shutdown(suspend): shut down with that reason, its host context kept and
 * quiesced (domain_quiesce waits for the end and answers 0). resume_suspended:
 * domctl resumedomain, it runs on (-PV_EINVAL when not suspended). hv_lock held. */
void domain_suspend_locked(struct domain *d, unsigned vcpu);
int domain_resume_suspended(struct domain *d);
/* privcmd SR_RESUME: PV_SR_RESUME_CANCEL makes the suspend call return 1 (rax of
 * the vCPU that made it), PV_SR_RESUME_PAUSED keeps it paused. */
int domain_resume_suspended_flags(struct domain *d, uint32_t flags);
int domain_is_suspended(const struct domain *d);
/* Lazy restore (domain_lazy.c); _locked: hv_lock held. arm: before the first
 * start, register our mapping of RAM with a userfaultfd and have the engine
 * register the guest's. fd: a duplicate of ours (which 0, mapped at *base) or of
 * the engine's (1, waiting up to timeout_ms for it to start), for the pager, whose
 * connection c then is: if it closes before done, the domain is crashed. done:
 * every page is in, the registrations go. touch: have gpfn filled (before a dom0
 * process maps it). register: a userfaultfd over [base, base + len), or a
 * negative PV errno (the launcher's twin is in the pv engine). */
struct pconn;
int domain_lazy_arm(struct domain *d);
int domain_lazy_fd_locked(struct domain *d, struct pconn *c, unsigned which, uint32_t timeout_ms,
			  int *fd, uint64_t *base);
void domain_lazy_done_locked(struct domain *d);
void domain_lazy_conn_closed(struct pconn *c);
void domain_lazy_touch(struct domain *d, uint64_t gpfn);
void domain_lazy_fini(struct domain *d);
int lazy_uffd_register(void *base, uint64_t len);

/* The hypervisor's part of a domain for save/restore (domain_sr.c, bodies in
 * pvisor/save.h: struct pv_sr_hvstate and what follows it); hv_lock held. save:
 * only while nothing of it runs (quiesced, never started, or gone: -PV_EBUSY
 * otherwise); *out is malloc'ed. restore: into a domain with memory that never
 * ran, of the same engine (-PV_EOPNOTSUPP) and vCPU count (-PV_EINVAL). */
int domain_sr_save_locked(struct domain *d, uint8_t **out, size_t *len);
int domain_sr_restore_locked(struct domain *d, const uint8_t *in, size_t len);
/* CPU time (ns) of the domain / of one vCPU so far, 0 before it ran; the host
 * process that runs it (display only), 0 if none. hv_lock held. */
uint64_t domain_cpu_time_locked(struct domain *d);
uint64_t vcpu_cpu_time_locked(struct domain *d, struct vcpu *v);
int domain_host_pid_locked(struct domain *d);
/* Iterate live domains in id order (hv_lock held); returns the next after `after`
 * (O(1) when `after` is a live domain's id). */
struct domain *domain_next_locked(int after);
unsigned domain_count_locked(void);
/* The table's indexes (domain_table.c), hv_lock held: add a domain whose domid and
 * name are set (0, -PV_ENOSPC when the table is full or the id taken), take it out,
 * rename it (name of len bytes, checked by the caller). */
int domain_table_add_locked(struct domain *d);
void domain_table_del_locked(struct domain *d);
void domain_table_rename_locked(struct domain *d, const char *name, size_t len);
/* d's state changed in a way dom0 hears of (shut down, crashed; removal is recorded
 * by domain_table_del_locked): before raising VIRQ_DOM_EXC. */
void domain_changed_locked(struct domain *d);
struct pv_privcmd_domstatus;
/* The domains changed or removed since change count `since` (removed ones with state
 * DYING), at most max into out; *gen: the count now. -PV_ERANGE when they do not fit
 * or removals since then were forgotten (the caller lists every domain instead). */
int domain_changes_locked(uint64_t since, struct pv_privcmd_domstatus *out, unsigned max,
			  uint64_t *gen);
/* Destroy every domain at once (pvisor stopping): every one is killed before any
 * is waited for, so they die together; returns once all are gone or after
 * timeout_ms. hv_lock not held. */
void domain_destroy_all(uint32_t timeout_ms);
/* The domain in table slot (0 <= slot < HV_MAX_DOMAINS), or NULL: for scans that
 * need no id order (one pass over the table, not one per domain). */
struct domain *domain_at_locked(unsigned slot);
/* Fill vcpu_time_info for every vCPU and the wallclock (timeinfo.c). */
void timeinfo_init(void);
void timeinfo_update(struct domain *d);
uint64_t timeinfo_system_ns(void);
uint64_t timeinfo_tsc_khz(void);

/* Guest console_io output (console.c). */
void console_init(struct console_buf *c);
void console_fini(struct console_buf *c);
/* Take len bytes the guest wrote: each complete line (or CONSOLE_LINE_MAX bytes of
 * one) goes to the hypervisor log as "(d<id>) line", unless the domain is over its
 * rate limit (then it is counted, and reported). Returns the lines logged. */
int console_write(struct domain *d, const void *buf, size_t len);
/* The domain is going: log its partial line and any unreported drops. */
void console_flush(struct domain *d);
/* The hypervisor's log (hvlog.c): Xen's console ring, read by `pvx dmesg`. */
void hvlog_init(void);
/* Append bytes as they are (callers format whole lines). */
void hvlog_put(const void *buf, size_t len);
/* Copy out up to max bytes from stream offset (clipped to what is kept): returns
 * bytes, sets *first to the offset of the first one and *head to the end. */
size_t hvlog_read(uint64_t offset, void *out, size_t max, uint64_t *first, uint64_t *head);
/* The stream offset one past the newest byte. */
uint64_t hvlog_head(void);
/* Forget what is there (offsets keep counting). */
void hvlog_clear(void);

/* End what v waits for (the engine answers it otherwise); returns what it was. */
static inline enum vcpu_wait_kind vcpu_wait_end(struct vcpu *v)
{
	enum vcpu_wait_kind kind = v->wait;

	if (kind == VCPU_WAIT_BLOCK || kind == VCPU_WAIT_POLL)
		instr_wake(v->d, v);

	v->wait = VCPU_WAIT_NONE;
	v->nr_poll_ports = 0;
	v->poll_deadline = 0;
	return kind;
}

/* Timers (timer.c); _locked: hv_lock held. A vCPU's deadline changed (singleshot,
 * periodic, poll timeout): file it again. A paused or quiesced domain's timers
 * wait; unpause and resume re-file them. A domain leaving the table takes its
 * vCPUs out. */
void timer_vcpu_changed_locked(struct domain *d, struct vcpu *v);
void timer_domain_resumed_locked(struct domain *d);
void timer_domain_gone_locked(struct domain *d);

/* Ballooning (balloon.c); _locked: hv_lock held. Frames [gpfn, gpfn + 2^order) of
 * RAM leave the domain (release: host memory punched out of the memory fd,
 * tot_pages lowered) or come back (reclaim: they read as zeros, tot_pages raised).
 * Each is all-or-nothing and returns 0 or a negative PV errno: -PV_EINVAL outside
 * RAM (or, for reclaim, not aligned to the extent), -PV_ENOENT releasing a frame
 * already out, -PV_EEXIST reclaiming one that is in, -PV_ENOSPC over mem_limit,
 * -PV_ENOMEM, -PV_EIO. */
int balloon_release_locked(struct domain *d, uint64_t gpfn, unsigned order);
int balloon_reclaim_locked(struct domain *d, uint64_t gpfn, unsigned order);
/* Forget every frame given back (the domain is freed or its memory remade). */
void balloon_fini(struct domain *d);

#endif
