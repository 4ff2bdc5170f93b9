/* The hypervisor's core objects: domains, vCPUs, the engine interface and the
 * hypercall context shared by guest and dom0 callers. */
#ifndef PV_HV_H
#define PV_HV_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pvisor/privcmd.h"
#include "pvisor/pvisor.h"
#include "pvisor/xen.h"

#define HV_MAX_VCPUS     128
#define HV_MAX_DOMAINS   1024
#define HV_CONSOLE_BYTES (64u << 10)

enum vcpu_wait_kind { VCPU_WAIT_NONE, VCPU_WAIT_START, VCPU_WAIT_BLOCK, VCPU_WAIT_POLL };

#define HV_POLL_MAX_PORTS 128    /* SCHEDOP_poll's limit on Xen */

struct domain;

struct vcpu {
	unsigned id;
	struct domain *d;
	pid_t tid;               /* host thread, known once it asked to start */
	int up;                  /* VCPUOP_up done (vCPU 0: set by setvcpucontext) */
	int ctx_set;             /* a start context has been written */
	enum vcpu_wait_kind wait;/* a notification we have not answered yet */
	uint64_t wait_id;
	/* Events and timers (evtchn.c, timer.c), under hv_lock. */
	uint32_t virq_port[PV_NR_VIRQS];
	uint32_t poll_ports[HV_POLL_MAX_PORTS];
	unsigned nr_poll_ports;
	uint64_t poll_deadline;  /* system time ns, 0 = none */
	uint64_t timer_deadline; /* singleshot timer, system time ns, 0 = off */
	uint64_t timer_period;   /* periodic timer period ns, 0 = off */
	uint64_t timer_next_period;
	int timer_armed;         /* in the timer thread's heap */
	uint64_t callback;       /* event upcall entry (set_callbacks / callback_op) */
	int park;                /* VCPUOP_down while running: stop at the next upcall */
	int in_hypercall;        /* its hypercall is being served: events go out with the answer */
};

/* A guest's console_io output on its way to the hypervisor log (console.c): the
 * line being collected and the rate limit. */
#define CONSOLE_LINE_MAX 256
struct console_buf {
	pthread_mutex_t lock;
	char line[CONSOLE_LINE_MAX]; /* the partial line, without its newline */
	size_t len;
	uint64_t tokens;         /* bytes the domain may add to the log now */
	uint64_t refill_ns;      /* CLOCK_MONOTONIC time tokens counts up to */
	uint64_t dropped;        /* lines dropped and not yet reported */
	uint64_t reported_ns;    /* when drops were last reported */
	uint64_t lines, dropped_total;
};

/* An execution engine (pv: sandboxed process; hvm: KVM). */
struct engine_ops {
	const char *name;
	/* Start the domain's vCPUs' host context (process/VM). Called with hv_lock held
	 * for the first unpause. 0 or -errno. */
	int (*start)(struct domain *d);
	/* Stop scheduling / resume the domain. */
	int (*pause)(struct domain *d);
	int (*unpause)(struct domain *d);
	/* Kill its host context; reaping is asynchronous (reaper thread). */
	void (*kill)(struct domain *d);
	/* Release everything start() took, once the host context is gone. */
	void (*release)(struct domain *d);
	/* Write the hypercall page for this engine at guest-physical page gpfn. */
	int (*hypercall_page)(struct domain *d, uint64_t gpfn);
	/* CPU time in ns used so far. */
	uint64_t (*cpu_time)(struct domain *d);
	/* Interrupt a running vCPU to deliver an event upcall (hv_lock held). */
	void (*upcall)(struct domain *d, struct vcpu *v);
};

extern const struct engine_ops engine_pv;
/* Start the engines' helpers (the pv launcher spawner) at daemon start. */
void engines_init(void);

struct domain {
	pv_domid_t domid;
	char name[64];
	uint8_t handle[16];
	enum pv_privcmd_domstate state;
	unsigned pause_count;    /* > 0: paused (created domains start at 1) */
	int started;             /* engine start() done */
	int reaped;              /* host context gone */
	unsigned shutdown_reason;
	unsigned shutdown_code;  /* SCHEDOP_shutdown_code for the next shutdown */
	char crash_reason[192];
	uint8_t actions[4];      /* poweroff, reboot, crash, watchdog: PV_ACTION_* */
	unsigned refcnt;
	int removed;             /* out of the table; freed at the last put */

	uint64_t max_pages;      /* RAM the memory fd holds */
	uint64_t tot_pages;      /* pages the guest is given (memory target) */
	unsigned max_vcpus;
	struct vcpu *vcpus;

	int mem_fd;              /* memfd: RAM, then the special pages */
	uint8_t *mem;            /* our mapping of all of it */
	uint64_t mem_size;
	uint64_t special_off;

	const struct engine_ops *engine;
	pid_t pid;               /* pv: domain process */
	int pidfd;
	int listener;            /* pv: seccomp notification fd */
	pthread_t service;
	int service_running;
	volatile int service_stop;

	int hcpage_set;          /* a hypercall page with pvisor's tail code was written */
	int64_t time_offset;     /* seconds added to the guest's wallclock (settimeoffset) */
	uint64_t create_time;    /* CLOCK_REALTIME ns */
	uint64_t start_time;
	uint64_t cpu_time_final; /* cpu time at reap */
	struct console_buf console;

	struct evtchn_table *evtchn; /* ports (evtchn.c), NULL until first use */
	struct gnttab *gnttab;       /* grant table state (gnttab.c), NULL until used */

	/* Ballooning (balloon.c, hc_memory.c), under hv_lock. tot_pages counts the RAM
	 * frames not given back; it may grow back up to mem_limit. */
	uint64_t mem_limit;          /* maximum reservation in pages (max_mem), <= max_pages */
	uint64_t *balloon_map;       /* bit per RAM frame given back; NULL: none ever was */
};

/* A dom0 client connection to privcmd (privcmd.c). What the connection holds (an
 * event-channel handle, grant mappings) is released when it closes. */
struct pconn {
	int fd;
	struct evtchn_handle *ev;    /* evtchn.c: ports this connection bound */
	struct gnt_handle *gnt;      /* gnttab.c: grant mappings this connection holds */
};

/* Global lock over the domain table and every domain's lifecycle fields. The
 * hypercall fast paths (version, console) do not take it. */
extern pthread_mutex_t hv_lock;
extern pthread_cond_t hv_cond; /* broadcast on every state change */

/* Domain table (domain.c). Lookups return a referenced domain (put with
 * domain_put) or NULL. */
int domain_create(uint32_t max_vcpus, const uint8_t handle[16], pv_domid_t *out);
struct domain *domain_get(pv_domid_t domid);
void domain_put(struct domain *d);
/* With hv_lock held: */
struct domain *domain_lookup_locked(pv_domid_t domid);
struct domain *domain_by_name_locked(const char *name);
int domain_set_max_mem(struct domain *d, uint64_t max_kb);
int domain_set_name(struct domain *d, const char *name);
int domain_pause(struct domain *d);
int domain_unpause(struct domain *d);
int domain_destroy(struct domain *d);
/* The guest asked to stop (SCHEDOP_shutdown) or crashed: record, kill, and apply
 * the configured action. Locked variants expect hv_lock held. */
void domain_shutdown_locked(struct domain *d, unsigned reason);
void domain_crash_locked(struct domain *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The reaper saw the host context exit. */
void domain_reaped(struct domain *d, int wstatus, uint64_t cpu_ns);
/* Iterate live domains in id order (hv_lock held); returns the next after `after`. */
struct domain *domain_next_locked(int after);
unsigned domain_count_locked(void);
/* The domain in table slot (0 <= slot < HV_MAX_DOMAINS), or NULL: for scans that
 * need no id order (one pass over the table, not one per domain). */
struct domain *domain_at_locked(unsigned slot);
/* Lookup by tid of the vCPU thread that made a hypercall. */
struct vcpu *domain_vcpu_by_tid(struct domain *d, pid_t tid);
/* Fill vcpu_time_info for every vCPU and the wallclock (timeinfo.c). */
void timeinfo_init(void);
void timeinfo_update(struct domain *d);
uint64_t timeinfo_system_ns(void);
uint64_t timeinfo_tsc_khz(void);

/* Xen-style info for getdomaininfo and the domain list (domctl.c); hv_lock held. */
struct pv_domctl_getdomaininfo;
void domain_fill_info(struct domain *d, struct pv_domctl_getdomaininfo *info);

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

/*
 * Hypercall context. Guest callers pass guest-virtual addresses; dom0 callers (via
 * privcmd) pass addresses in a small private space where the inline argument lives at
 * PV_PRIVCMD_ARG_ADDR and the buffer at PV_PRIVCMD_BUF_ADDR. Handlers never see the
 * difference: they move data with hc_copy_from / hc_copy_to.
 */
struct hc_ctx {
	struct domain *d;        /* calling domain; NULL for dom0 */
	struct vcpu *v;          /* calling vCPU (guest only) */
	int privileged;          /* dom0 */
	uint8_t *arg;            /* dom0: inline argument */
	size_t arg_len;
	uint8_t *buf;            /* dom0: inline buffer */
	size_t buf_len;
	int defer;               /* handler keeps the caller waiting (guest only) */
	pid_t tid;               /* guest: host thread that trapped */
	uint64_t notif_id;       /* guest: id to answer a deferred call with */
	struct pconn *conn;      /* dom0: the privcmd connection (owner of ports, maps) */
};

/* Hypercall handler: a[] are the raw arguments (rdi, rsi, rdx, r10, r8). Returns
 * the value the caller sees (>= 0, or a negative Xen errno). */
typedef long (*hc_fn)(struct hc_ctx *ctx, const uint64_t a[5]);

long hypercall_dispatch(struct hc_ctx *ctx, unsigned nr, const uint64_t a[5]);
int hc_copy_from(struct hc_ctx *ctx, uint64_t addr, void *dst, size_t len);
int hc_copy_to(struct hc_ctx *ctx, uint64_t addr, const void *src, size_t len);
/* The target of a call naming a domain (DOMID_SELF resolved); referenced, or NULL.
 * Unprivileged callers may only name themselves. */
struct domain *hc_target(struct hc_ctx *ctx, pv_domid_t domid, int *err);

long hc_console_io(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_xen_version(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_sched_op(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_memory_op(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_vcpu_op(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_domctl(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_sysctl(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_set_callbacks(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_callback_op(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_set_timer_op(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_pvisor_vcpu_wait(struct hc_ctx *ctx, const uint64_t a[5]);
long hc_pvisor_fault(struct hc_ctx *ctx, const uint64_t a[5]);

/* The launcher-private context page of vCPU id (pvisor.h): start registers, and the
 * upcall entry at PV_VCPU_UPCALL_OFFSET. */
static inline uint8_t *domain_vcpu_page(struct domain *d, unsigned id)
{
	return d->mem + d->special_off + (PV_SPECIAL_VCPU_CTX + id) * PV_PAGE_SIZE;
}

/* Write the registers vCPU v starts with, from Xen's guest context, and mark its
 * context set (domctl.c); hv_lock held. */
struct pv_vcpu_guest_context;
void vcpu_set_start_locked(struct domain *d, struct vcpu *v,
			   const struct pv_vcpu_guest_context *g);

/* Timers (timer.c); _locked: hv_lock held. */
void timer_changed_locked(uint64_t deadline);
void timer_domain_resumed_locked(void);
long timer_vcpu_op(struct hc_ctx *ctx, struct vcpu *target, unsigned cmd, uint64_t arg);

/* Answer a deferred guest hypercall (pv engine). */
void pv_vcpu_complete(struct domain *d, struct vcpu *v, long ret);

/* Event channels (evtchn.c); _locked: hv_lock held. */
long hc_event_channel_op(struct hc_ctx *ctx, const uint64_t a[5]);
struct domain *evtchn_dom0(void);
void evtchn_raise_virq_locked(struct domain *d, struct vcpu *v, unsigned virq);
void evtchn_raise_dom0_virq_locked(unsigned virq);
/* vcpu_info says an upcall is pending and not masked. */
int evtchn_upcall_due(struct domain *d, struct vcpu *v);
int evtchn_port_pending(struct domain *d, uint32_t port);
/* The domain leaves the table: close its ports, free the table. */
void evtchn_domain_fini_locked(struct domain *d);
/* dom0 handles: open returns a memory fd holding pv_privcmd_evtchn_page. */
int evtchn_handle_open(struct pconn *c, int *memfd, uint64_t *size);
int evtchn_handle_eventfd(struct pconn *c);
/* The doorbell: a dup for the client; the hypervisor's own descriptor (-1 when the
 * connection has no handle); send what the client queued. */
int evtchn_handle_doorbell(struct pconn *c);
int evtchn_handle_doorbell_fd(struct pconn *c);
void evtchn_handle_ring_sends(struct pconn *c);
void evtchn_handle_close(struct pconn *c);

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
/* Grant tables (gnttab*.c). */
long hc_grant_table_op(struct hc_ctx *ctx, const uint64_t a[5]);
/* The domain record is being freed (no map can be left): free its grant state. */
void gnttab_domain_free(struct domain *d);
/* dom0 maps through privcmd (gnttab_map.c), owned by the connection. map: pin ref
 * of domid for dom0 and return an fd to mmap (read-only for a read-only map; the
 * caller owns it), the page's offset in it and a handle; 0 or -errno (privcmd.h
 * lists them). unmap: -ENOENT for a handle the connection does not hold. */
int gnttab_map(struct pconn *c, pv_domid_t domid, uint32_t ref, int readonly, int *fd,
	       uint64_t *offset, uint32_t *handle);
int gnttab_unmap(struct pconn *c, uint32_t handle);
/* The connection's local buffer for GNTTABOP_copy: a sealed memfd of `pages` pages
 * that the hypervisor maps; *fd is the caller's copy. -EBUSY if it has one. */
int gnttab_buffer_create(struct pconn *c, uint64_t pages, int *fd);
/* The connection closed: drop its maps (clearing the flags) and its buffer. */
void gnttab_handle_close(struct pconn *c);

/* privcmd server (privcmd.c) and reaper (reaper.c). */
int privcmd_start(void);
int reaper_start(void);
int reaper_watch(struct domain *d);

#endif
