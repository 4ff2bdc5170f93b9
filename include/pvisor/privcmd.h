/* privcmd: the wire format between dom0 processes (libpvctrl) and the hypervisor,
 * carried over the Unix socket $PVISOR_RUNDIR/privcmd.sock. */
#ifndef PVISOR_PRIVCMD_H
#define PVISOR_PRIVCMD_H

#include <stdint.h>

#define PV_PRIVCMD_SOCKET  "privcmd.sock"
#define PV_PRIVCMD_MAGIC   0x50564331u /* "PVC1" */
#define PV_PRIVCMD_MAX_MSG (4u << 20)  /* header + payload, either direction */

/*
 * Every request is a header followed by `len` payload bytes; every reply is a
 * pv_privcmd_reply followed by `len` bytes, echoing `seq`, with at most one file
 * descriptor attached (SCM_RIGHTS) where the op says so. Requests on one
 * connection are answered in order. Errors are PV errno values (pvisor/errno.h),
 * the same space hypercall results use: the -EXXX named below mean -PV_EXXX.
 * libpvctrl turns them into the host's errno for its callers.
 */
struct pv_privcmd_hdr {
	uint32_t magic; /* PV_PRIVCMD_MAGIC */
	uint32_t op;    /* PV_PRIVCMD_OP_* */
	uint32_t len;   /* payload bytes that follow */
	uint32_t seq;   /* echoed in the reply */
};

struct pv_privcmd_reply {
	uint32_t magic;
	int32_t ret;  /* 0 / positive result, or a negative PV errno */
	uint32_t len; /* payload bytes that follow */
	uint32_t seq;
};

enum pv_privcmd_op {
	/* A hypercall on behalf of dom0: payload pv_privcmd_hypercall + arg + buf;
	 * reply: arg + buf as updated by the hypervisor; ret = hypercall result. */
	PV_PRIVCMD_OP_HYPERCALL = 1,
	/* Map a domain's memory: payload pv_privcmd_domid; reply pv_privcmd_memory and
	 * the domain's memory fd (map it MAP_SHARED). */
	PV_PRIVCMD_OP_MAP_FOREIGN = 2,
	/* 3 is retired (it read a domain's console_io output, which now goes to the
	 * hypervisor log: sysctl readconsole, lines "(d<id>) ..."); -ENOSYS. */
	/* pvisor's own per-domain attributes: payload/reply pv_privcmd_domext. */
	PV_PRIVCMD_OP_DOMEXT_SET = 4,
	/* All domains' attributes: reply an array of pv_privcmd_domext. */
	PV_PRIVCMD_OP_DOMEXT_LIST = 5,
	/* Wait until a domain leaves the running states or goes away: payload
	 * pv_privcmd_wait; ret 0 on change, -ETIMEDOUT, -ESRCH when it is gone. */
	PV_PRIVCMD_OP_WAIT_DOMAIN = 6,
	/* Make this connection an event-channel handle (what opening /dev/xen/evtchn
	 * gives): reply pv_privcmd_evtchn_info and a memory fd holding a
	 * pv_privcmd_evtchn_page to map MAP_SHARED. Ports the connection then binds
	 * through EVTCHNOP_* hypercalls belong to it and close with it. */
	PV_PRIVCMD_OP_EVTCHN_OPEN = 7,
	/* The handle's eventfd: readable (count > 0) when ports were queued. */
	PV_PRIVCMD_OP_EVTCHN_EVENTFD = 8,
	/* Map one page a guest granted to dom0 (what /dev/xen/gntdev gives): payload
	 * pv_privcmd_gnt_map; reply pv_privcmd_gnt_mapping and the domain's memory fd,
	 * opened read-only for a read-only map, of which the client maps the 4096 bytes
	 * at `offset`. The entry keeps GTF_reading (and GTF_writing for a writable map)
	 * until the last map of it goes: GNT_UNMAP, or the connection closing. Errors:
	 * -ESRCH no such domain, -EINVAL bad ref or flags, -EPERM not granted to dom0,
	 * -EACCES a read-only grant asked for writing, -EFAULT the frame is not RAM,
	 * -EBUSY the entry kept changing, -ENOSPC too many maps on this connection. */
	PV_PRIVCMD_OP_GNT_MAP = 9,
	/* Drop a map (munmap the page first): payload pv_privcmd_gnt_unmap; -ENOENT
	 * for a handle this connection does not hold. */
	PV_PRIVCMD_OP_GNT_UNMAP = 10,
	/* Give this connection its local buffer for GNTTABOP_copy: payload and reply
	 * pv_privcmd_gnt_buffer; the reply carries a memfd of pages * 4096 bytes to map
	 * MAP_SHARED. In the connection's copies, a side without GNTCOPY_*_gref names
	 * page `gmfn` of this buffer (domid DOMID_SELF). One buffer per connection:
	 * -EBUSY when it has one. */
	PV_PRIVCMD_OP_GNT_BUFFER = 11,
	/* 12: reserved for grant tables. */
	/* The handle's doorbell eventfd (after EVTCHN_OPEN): the client queues ports to
	 * notify in the page's send ring (sring), then writes 1 to the doorbell; the
	 * hypervisor sends them in order without a reply, so a backend's notification
	 * costs one eventfd write instead of a request round trip. A port the handle
	 * does not own is skipped (and logged). */
	PV_PRIVCMD_OP_EVTCHN_DOORBELL = 13,
	/* A domain's counters (always kept): payload pv_privcmd_domid; reply
	 * pv_privcmd_counters. -ESRCH: no such domain. */
	PV_PRIVCMD_OP_COUNTERS = 14,
	/* Start the trace session (one per hypervisor, xentrace's role): payload and
	 * reply pv_privcmd_trace; the reply carries a read-only memfd holding a
	 * pv_trace_buf to map MAP_SHARED. -EBUSY while another session runs. The
	 * session ends with TRACE_STOP or when this connection closes. */
	PV_PRIVCMD_OP_TRACE_START = 15,
	/* End this connection's session: no more records are written. -ENOENT when
	 * it has none. */
	PV_PRIVCMD_OP_TRACE_STOP = 16,
	/* Stop every vCPU of a domain at a consistent point (save/restore, migration):
	 * payload pv_privcmd_wait. 0 once all have stopped, within timeout_ms; then
	 * domctl getvcpucontext / setvcpucontext read and write each vCPU's registers
	 * until OP_RESUME lets them go on. -ETIMEDOUT: they did not all stop (the
	 * domain runs on); -EBUSY: quiesced already; -EINVAL: the domain has stopped;
	 * -ESRCH: no such domain. A paused domain quiesces too and stays paused. */
	PV_PRIVCMD_OP_QUIESCE = 17,
	/* End a quiesce: payload pv_privcmd_domid. -EINVAL when not quiesced, or when
	 * suspended (domctl resumedomain lets a suspended domain go on). A domain that
	 * suspended itself (SCHEDOP_shutdown(suspend)) quiesces by itself: QUIESCE
	 * then waits for that and answers 0. */
	PV_PRIVCMD_OP_RESUME = 18,
	/* How domains are scheduled on the host: reply pv_privcmd_schedinfo. */
	PV_PRIVCMD_OP_SCHED_INFO = 19,
	/* Save/restore (pvisor/save.h). SR_SAVE: payload pv_privcmd_domid; reply a
	 * struct pv_sr_hvstate and what follows it (every vCPU, timers, event
	 * channels) of a domain that does not run (quiesced, never started or gone;
	 * -EBUSY otherwise). SR_RESTORE: payload pv_privcmd_sr_restore then that
	 * state, into a created domain with memory that never ran: -EOPNOTSUPP for
	 * another engine's state, -EINVAL for a vCPU count or frame that does not
	 * fit, -EBUSY when it ran. */
	PV_PRIVCMD_OP_SR_SAVE = 20,
	PV_PRIVCMD_OP_SR_RESTORE = 21,
	/* A suspended domain goes on (checkpoint, failed save): payload
	 * pv_privcmd_sr_resume; PV_SR_RESUME_CANCEL makes its suspend call return 1,
	 * PV_SR_RESUME_PAUSED leaves it paused. -EINVAL when not suspended, -EBUSY
	 * when CANCEL comes before its vCPUs have stopped. */
	PV_PRIVCMD_OP_SR_RESUME = 22,
	/* Lazy restore (pvx restore --lazy; a pager fills guest RAM on first touch
	 * through userfaultfd): payload and reply pv_privcmd_lazy. ARM: a created
	 * domain with memory that never ran (-EBUSY armed already). FD: a userfaultfd
	 * registered over RAM -- which 0: the hypervisor's own mapping, 1: the guest's
	 * (waits up to timeout_ms for the domain to start; -ENOENT when its engine
	 * needs none) -- passed with the reply, its range in base/len; the asking
	 * connection is the domain's pager: should it close before DONE, the domain
	 * is crashed. DONE: every page is in; the registrations go. -EINVAL when the
	 * domain is not lazy. */
	PV_PRIVCMD_OP_LAZY = 23,
	/* One domain's attributes: payload pv_privcmd_domext naming it by domid, or by
	 * name with flags PV_DOMEXT_GET_BY_NAME; reply the filled pv_privcmd_domext.
	 * -ESRCH when there is no such domain. (A lookup costs the same with one
	 * domain or a thousand, unlike DOMEXT_LIST.) */
	PV_PRIVCMD_OP_DOMEXT_GET = 24,
	/* Every domain's id and state, in id order, and nothing else (no CPU time: the
	 * cheap answer to "which domains changed?"): reply an array of
	 * pv_privcmd_domstatus; ret = how many. */
	PV_PRIVCMD_OP_DOMAIN_STATES = 25,
	/* Which domains changed in a way VIRQ_DOM_EXC announces (shut down, crashed,
	 * removed) since change count `since`: payload pv_privcmd_domchanges; reply the
	 * same struct, its gen the count to ask with next time, then ret entries of
	 * pv_privcmd_domstatus (a removed domain shows PV_DOMSTATE_DYING). -ERANGE: more
	 * changed than the hypervisor keeps track of; list them all with DOMAIN_STATES
	 * (ask with since = UINT64_MAX first: nothing, and the count to start from).
	 * What xenstored does at each VIRQ_DOM_EXC, for the domains that changed only. */
	PV_PRIVCMD_OP_DOMAIN_CHANGES = 26,
	/* Dirty-page log of a domain's memory, for live migration (Xen's log-dirty
	 * shadow op): payload pv_privcmd_dirty_log. START: from now on record the pages
	 * anything writes (the guest, the hypervisor, dom0 through grant maps; not
	 * dom0's foreign mappings); reply pv_privcmd_dirty_log with nr_pages. The
	 * connection owns the log: only it collects and stops, and its close stops it.
	 * COLLECT: reply the pages written since START or the last COLLECT, a bit per
	 * page of the memory fd (nr_pages bits in 64-bit words; special pages the
	 * hypervisor writes as it goes -- shared_info, vCPU context pages, grant
	 * frames -- are always set), ret how many. STOP: end it. Errors: -EOPNOTSUPP
	 * the domain's engine or the host kernel cannot track writes; -EBUSY on
	 * already; -EINVAL not started, gone, or (COLLECT, STOP) not this
	 * connection's log; -ESRCH no such domain. */
	PV_PRIVCMD_OP_DIRTY_LOG = 27,
	/* What stands between a domain and the host (pvx info): no payload; the reply
	 * is pv_privcmd_walls. */
	PV_PRIVCMD_OP_WALLS = 28,
};

struct pv_privcmd_walls {
	char engines[512]; /* OUT: per engine, "pv: seccomp filter, ...; missing: ..." */
	char cgroups[512]; /* OUT: controllers in use and where, the missing ones */
};

/* SCHED_INFO: the host CPU controller that carries the credit weight and cap (one
 * cgroup per domain), or why there is none. */
struct pv_privcmd_schedinfo {
	uint32_t cgroup_version; /* OUT: 1, 2, or 0 for none */
	uint32_t pad;
	char cgroup[256]; /* OUT: "v1 <dir>" / "v2 <dir>" / "none: <why>" */
};

/* COUNTERS: what the hypervisor counted for one domain since it was created.
 * Hypercalls are counted by number as the domain made them; events sent are
 * notifications the domain made (EVTCHNOP_send), events received notifications
 * to its ports from anyone (the hypervisor's VIRQs included; repeated ones on a
 * still-pending port count each time); upcalls the times its callback was
 * entered; blocks the SCHEDOP_block/poll calls that waited, wakeups the waits an
 * event or a timeout ended. */
#define PV_COUNTERS_VERSION 1
struct pv_privcmd_counters {
	uint16_t domid;            /* OUT */
	uint16_t version;          /* OUT: PV_COUNTERS_VERSION */
	uint32_t nr_hypercalls;    /* OUT: entries of hypercalls[] (PV_HCALL_SLOTS) */
	uint64_t hypercalls_total; /* OUT */
	uint64_t events_sent;      /* OUT */
	uint64_t events_received;  /* OUT */
	uint64_t upcalls;          /* OUT */
	uint64_t blocks;           /* OUT */
	uint64_t wakeups;          /* OUT */
	uint64_t hypercalls[128];  /* OUT: by hypercall number */
};

/* TRACE_START. domid PV_TRACE_ALL_DOMAINS traces every domain. */
#define PV_TRACE_ALL_DOMAINS 0xFFFFu
#define PV_TRACE_HCALLS      1u /* a record per hypercall (with its service time) */
#define PV_TRACE_EVENTS      2u /* records for sends, raises, upcalls, blocks, wakeups */
#define PV_TRACE_MAX_SLOTS   (1u << 24)
struct pv_privcmd_trace {
	uint16_t domid; /* IN: the domain to trace, or PV_TRACE_ALL_DOMAINS */
	uint16_t flags; /* IN: PV_TRACE_HCALLS | PV_TRACE_EVENTS */
	uint32_t slots; /* IN: records the buffer holds, a power of two up to
			   * PV_TRACE_MAX_SLOTS (0: 1 << 20); OUT: what it holds */
	uint64_t size;  /* OUT: bytes of the passed memfd */
};

/* One trace record. A writer reserves index i, sets seq to 0, writes the rest,
 * then seq to i + 1 (release). A reader that wants record i takes it when seq
 * reads i + 1 before and after its copy; a larger seq means the writers lapped
 * it (records lost), a smaller one that record i is not written yet. */
enum pv_trace_type {
	PV_TRACE_HCALL = 1,    /* nr: hypercall, arg: its first argument, ret, dur_ns:
				* from receipt to answer (a deferred call: until answered) */
	PV_TRACE_EV_SEND = 2,  /* nr: the sender's port */
	PV_TRACE_EV_RAISE = 3, /* nr: the receiving domain's port (domid: the receiver) */
	PV_TRACE_UPCALL = 4,   /* the callback entered on vcpu */
	PV_TRACE_BLOCK = 5,    /* vcpu waits (nr: the hypercall, sched_op) */
	PV_TRACE_WAKE = 6,     /* vcpu's wait ended (dur_ns: how long it waited) */
};

struct pv_trace_rec {
	uint64_t seq;  /* see above */
	uint64_t t_ns; /* CLOCK_MONOTONIC of the host when it happened (a hypercall:
			   * when it was received) */
	uint64_t arg;
	uint32_t dur_ns; /* saturates at UINT32_MAX */
	uint32_t nr;
	int32_t ret;
	uint16_t domid;
	uint8_t type; /* enum pv_trace_type */
	uint8_t vcpu; /* 0xff: not a vCPU's (dom0, the timer) */
};

#define PV_TRACE_MAGIC 0x50565442u /* "PVTB" */
struct pv_trace_buf {
	uint32_t magic;    /* PV_TRACE_MAGIC */
	uint32_t rec_size; /* sizeof(struct pv_trace_rec) */
	uint32_t slots;    /* records in rec[], a power of two */
	uint32_t flags;    /* the session's PV_TRACE_* */
	uint64_t written;  /* records reserved so far (informational) */
	uint64_t start_ns; /* CLOCK_MONOTONIC when the session started */
	uint16_t domid;    /* the session's domid */
	uint16_t pad0[3];
	uint64_t pad[3];
	struct pv_trace_rec rec[];
};

/* GNT_MAP: a grant to map. */
#define PV_PRIVCMD_GNT_READONLY 1u
struct pv_privcmd_gnt_map {
	uint16_t domid; /* IN: the granting domain */
	uint16_t flags; /* IN: PV_PRIVCMD_GNT_READONLY or 0 */
	uint32_t ref;   /* IN: grant reference */
};

struct pv_privcmd_gnt_mapping {
	uint64_t offset; /* OUT: byte offset of the granted page in the passed fd */
	uint32_t handle; /* OUT: for GNT_UNMAP */
	uint32_t pad;
};

struct pv_privcmd_gnt_unmap {
	uint32_t handle; /* IN */
	uint32_t pad;
};

#define PV_PRIVCMD_GNT_BUFFER_MAX_PAGES (1u << 18) /* 1 GiB */
struct pv_privcmd_gnt_buffer {
	uint64_t pages; /* IN: 1 .. PV_PRIVCMD_GNT_BUFFER_MAX_PAGES */
	uint64_t size;  /* OUT: bytes of the passed memfd */
};

/*
 * An event-channel handle's shared page. Per local port, state[] moves
 *   0 (idle) --event--> 1 (queued in ring[], masked) --event--> 2 (fired again)
 * The hypervisor makes the 0->1 step (and pushes the port, then bumps the eventfd)
 * and the 1->2 step; the client pops ring[] and unmasks by 1->0, or by 2->1 and
 * treating the port as pending once more. Both use atomic compare-and-swap. A port
 * is in ring[] at most once, so the ring never overflows.
 */
#define PV_EVTCHN_HANDLE_PORTS 4096u
#define PV_EVTCHN_SEND_RING    1024u
struct pv_privcmd_evtchn_page {
	uint32_t prod; /* hypervisor: ring entries written (free-running) */
	uint32_t pad0[15];
	uint32_t cons; /* client: ring entries consumed (free-running) */
	uint32_t pad1[15];
	uint8_t state[PV_EVTCHN_HANDLE_PORTS];
	uint32_t ring[PV_EVTCHN_HANDLE_PORTS];
	/* doorbell sends, client -> hypervisor (OP_EVTCHN_DOORBELL) */
	uint32_t sprod; /* client: ports queued (free-running) */
	uint32_t pad2[15];
	uint32_t scons; /* hypervisor: ports sent (free-running) */
	uint32_t pad3[15];
	uint32_t sring[PV_EVTCHN_SEND_RING];
};

struct pv_privcmd_evtchn_info {
	uint64_t page_size; /* bytes to map */
	uint32_t nr_ports;  /* PV_EVTCHN_HANDLE_PORTS */
	uint32_t pad;
};

/* Payload of OP_HYPERCALL: the raw arguments, then `arg` and `buf` inline. The
 * hypervisor runs the call in a private address space where `arg` lives at
 * PV_PRIVCMD_ARG_ADDR and `buf` at PV_PRIVCMD_BUF_ADDR: the caller puts those
 * addresses (plus offsets) wherever the hypercall takes a pointer or a guest handle.
 * The reply carries arg and buf back as the call left them. */
#define PV_PRIVCMD_ARG_ADDR 0x100000000000ull
#define PV_PRIVCMD_BUF_ADDR 0x200000000000ull
struct pv_privcmd_hypercall {
	uint32_t nr;      /* PV_HYPERCALL_* */
	uint32_t arg_len; /* bytes of arg that follow this struct */
	uint32_t buf_len; /* bytes of buf that follow arg (IN/OUT) */
	uint32_t pad;
	uint64_t a[5]; /* the hypercall's arguments, as a guest passes them */
};

struct pv_privcmd_domid {
	uint16_t domid;
	uint16_t pad[3];
};

struct pv_privcmd_memory {
	uint64_t size;        /* bytes of the memory fd */
	uint64_t ram_bytes;   /* guest RAM at offset 0 (max_pages * 4 KiB) */
	uint64_t special_off; /* offset of the special pages (pvisor.h) */
	uint32_t nr_special;
	uint32_t pad;
};

/* Domain states as the hypervisor tracks them (pvx list letters derive from these). */
enum pv_privcmd_domstate {
	PV_DOMSTATE_CREATED = 0, /* built or being built, never run */
	PV_DOMSTATE_RUNNING = 1,
	PV_DOMSTATE_BLOCKED = 2,
	PV_DOMSTATE_PAUSED = 3,
	PV_DOMSTATE_SHUTDOWN = 4, /* with shutdown_reason */
	PV_DOMSTATE_CRASHED = 5,  /* faulted or killed; crash_reason says why */
	PV_DOMSTATE_DYING = 6,
};

/* Lifecycle actions the hypervisor applies itself when a domain stops. */
enum pv_privcmd_action {
	PV_ACTION_DESTROY = 0,
	PV_ACTION_PRESERVE = 1,
	PV_ACTION_RESTART = 2, /* left for the toolstack: the domain stays, marked */
};

struct pv_privcmd_domext {
	uint16_t domid;
	uint16_t flags; /* IN for SET: PV_DOMEXT_SET_* */
	uint32_t state; /* OUT: enum pv_privcmd_domstate */
	char name[64];  /* NUL-terminated; unique among live domains */
	uint8_t on_poweroff, on_reboot, on_crash, on_watchdog; /* enum pv_privcmd_action */
	uint32_t shutdown_reason; /* OUT: PV_SHUTDOWN_* when state is SHUTDOWN */
	uint64_t start_time;      /* OUT: CLOCK_REALTIME ns when first unpaused */
	uint64_t cpu_time;        /* OUT: ns of CPU used by all vCPUs */
	int32_t pid;              /* OUT: host process of the domain, 0 if none */
	uint32_t nr_vcpus;        /* OUT */
	uint64_t tot_pages;       /* OUT */
	uint64_t max_pages;       /* OUT */
	char crash_reason[192];   /* OUT: why it crashed, or "": what the hypervisor saw,
				   * then, after PV_CRASH_CLAIM_SEP, what the guest said
				   * (its claim, not checked) when it reported the fault */
	char engine[16];          /* OUT: the engine running it: "pv" or "hvm" */
};
#define PV_CRASH_CLAIM_SEP    "; the guest's claim: "
#define PV_DOMEXT_SET_NAME    1u
#define PV_DOMEXT_SET_ACTIONS 2u
#define PV_DOMEXT_GET_BY_NAME 4u /* IN for GET: look the domain up by name */
/* The asking connection holds the domain: should the connection close before it
 * lets go (SET_LETGO), the domain is destroyed -- a domain that is still arriving
 * (a migration's receiver) never outlives the toolstack that builds it. */
#define PV_DOMEXT_SET_HOLD    8u
#define PV_DOMEXT_SET_LETGO   16u

/* DOMAIN_CHANGES: the request and the head of the reply. */
struct pv_privcmd_domchanges {
	uint64_t since; /* IN */
	uint64_t gen;   /* OUT: the change count now */
};

/* DOMAIN_STATES: one entry per domain. */
struct pv_privcmd_domstatus {
	uint16_t domid;
	uint8_t state; /* enum pv_privcmd_domstate */
	uint8_t pad;
};

struct pv_privcmd_sr_restore {
	uint16_t domid;
	uint16_t pad[3];
};

struct pv_privcmd_sr_resume {
	uint16_t domid;
	uint16_t pad;
	uint32_t flags; /* PV_SR_RESUME_* (pvisor/save.h) */
};

#define PV_PRIVCMD_LAZY_ARM  1
#define PV_PRIVCMD_LAZY_FD   2
#define PV_PRIVCMD_LAZY_DONE 3
struct pv_privcmd_lazy {
	uint16_t domid;
	uint16_t cmd;        /* PV_PRIVCMD_LAZY_* */
	uint32_t which;      /* FD: 0 the hypervisor's mapping, 1 the guest's */
	uint32_t timeout_ms; /* FD 1 */
	uint32_t pad;
	uint64_t base; /* OUT (FD): the registered range, in that process */
	uint64_t len;  /* OUT (FD) */
};

struct pv_privcmd_wait {
	uint16_t domid;
	uint16_t pad;
	uint32_t timeout_ms;
};

#define PV_PRIVCMD_DIRTY_START   1
#define PV_PRIVCMD_DIRTY_COLLECT 2
#define PV_PRIVCMD_DIRTY_STOP    3
struct pv_privcmd_dirty_log {
	uint16_t domid; /* IN */
	uint16_t cmd;   /* IN: PV_PRIVCMD_DIRTY_* */
	uint32_t pad;
	uint64_t nr_pages; /* OUT (START): pages of the memory fd, bits of a COLLECT */
};

#endif
