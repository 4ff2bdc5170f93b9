/* libpvx: the toolstack under pvx -- config, domain building and creation,
 * devices in the store, and the per-domain records it keeps in the run
 * directory. It never prints and starts no process (dom0-tools/pvstart starts
 * the daemons and monitors). Every function returns 0 (or a count) or a negative
 * errno explained in a caller's struct pvx_err (pvx_err.h; NULL drops the text).
 * See docs/NOTES-toolstack.md. */
#ifndef PV_LIBPVX_H
#define PV_LIBPVX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libpvctrl/pvctrl.h"
#include "libpvx/domcfg.h"
#include "libpvx/elfimg.h"
#include "libpvx/pvx_err.h"

/* A domain given as a name or a number. -ESRCH when there is none. */
int pvx_domain_resolve(struct pvctrl *h, const char *spec, pv_domid_t *domid);

/* What the builder gives the guest for its store and console: page frames
 * (guest pseudo-physical) and the guest's unbound ports for dom0 to bind. */
struct pvx_boot_ports {
	uint64_t store_gfn, console_gfn;
	uint32_t store_port, console_port;
};

/* Load the kernel, write start_info and the boot pages, allocate the store and
 * console event channels, set vCPU 0's context and the hypercall page of a
 * created (paused) domain. */
int pvx_domain_build(struct pvctrl *h, pv_domid_t domid, const struct domcfg *dc,
		     const struct elf_image *img, struct pvx_boot_ports *bp, struct pvx_err *err);

#define PVX_CREATE_PAUSED 1u
/* Everything `pvx create` does after parsing: checks (host memory, unique name,
 * kernel image), create, name and actions, build, unpause. On failure nothing is
 * left behind. cfg_text (may be NULL) is saved for `pvx list -l` and the
 * monitor (pvx_domain_saved_config). */
int pvx_domain_create(struct pvctrl *h, const struct domcfg *dc, unsigned flags,
		      const char *cfg_text, pv_domid_t *out, struct pvx_err *err);

/* A front end's steps in pvx_domain_create (per process, as pvx_disk_server_set;
 * NULL: none): `pvx create -c` hands the console daemon the ring and port once the
 * domain is built (ask: it must not wait for the answer), so the console is served
 * before the domain is introduced and without reading the store, and takes the
 * answer once the store layout is written, before the unpause (answer: not
 * called when the create failed before). A failure is the front end's to report:
 * the create goes on. */
struct pvx_console_hook {
	void (*ask)(void *ctx, pv_domid_t domid, const struct domcfg *dc,
		    const struct pvx_boot_ports *bp);
	void (*answer)(void *ctx, pv_domid_t domid);
	void *ctx;
};
void pvx_console_hook_set(const struct pvx_console_hook *hook);

/* ---- The store (libpvx/store.c, libpvx/device.c) ---- */
struct xs_handle;

/* Open the run directory's store (xsd must be running: nothing is started). */
int pvx_store_open(struct xs_handle **xs, struct pvx_err *err);

/* Device directories in the store, Xen's layout: frontend
 * /local/domain/<domid>/device/<type>/<devid>, backend
 * /local/domain/0/backend/<type>/<domid>/<devid>. Written in one transaction:
 * each names the other (frontend: backend, backend-id; backend: frontend,
 * frontend-id), state = 1 (Initialising) in both, backend online = 1, plus the
 * NULL-terminated key, value, ... pairs given (either may be NULL). The
 * frontend directory belongs to the guest (dom0 may read it), the backend
 * directory to dom0 (the guest may read it). -EEXIST if the device exists. */
int pvx_device_add(struct xs_handle *xs, pv_domid_t domid, const char *type, unsigned devid,
		   const char *const *backend_kv, const char *const *frontend_kv,
		   struct pvx_err *err);
/* The closing half of an unplug: backend online = 0 and state = 5 (Closing), then
 * wait up to timeout_ms for Closed (6). At once for a device that never
 * connected. -ENOENT for no such device, -ETIMEDOUT. */
int pvx_device_close(struct xs_handle *xs, pv_domid_t domid, const char *type, unsigned devid,
		     unsigned timeout_ms, struct pvx_err *err);
/* Unplug as xl does: backend online = 0 and state = 5 (Closing), wait up to
 * timeout_ms for the backend to reach Closed (6), then remove both directories.
 * force: remove at once. -ENOENT if there is no such device, -ETIMEDOUT when
 * the backend did not close (the directories are then left in place unless force). */
int pvx_device_remove(struct xs_handle *xs, pv_domid_t domid, const char *type, unsigned devid,
		      int force, unsigned timeout_ms, struct pvx_err *err);
/* The device ids of type on domid, ascending: count (>= 0) or -errno; *ids is
 * malloc'ed (NULL when the count is 0). */
int pvx_device_list(struct xs_handle *xs, pv_domid_t domid, const char *type, unsigned **ids);

/* ---- vifs (libpvx/vif.c) ---- */
struct vif_spec;
/* Add a vif from a parsed spec: devid from the spec, else the lowest free one
 * (returned in *devid_out when non-NULL). Backend keys: mac, bridge, handle,
 * type, mtu, and rate ("bytes,usecs"), vifname, ip when given; frontend keys:
 * mac, handle, mtu. 0 or -errno with err set. */
int pvx_vif_add(struct xs_handle *xs, pv_domid_t domid, const struct vif_spec *vs,
		unsigned *devid_out, struct pvx_err *err);
/* Every vif of dc (at create). 0 or the first failure. */
int pvx_vifs_add(struct xs_handle *xs, pv_domid_t domid, const struct domcfg *dc,
		 struct pvx_err *err);
/* ---- control/ keys (libpvx/control.c) ---- */
/* Ask a domain to power off, reboot (or suspend) by writing reason ("poweroff",
 * "reboot", ...) to control/shutdown, as libxl does for every PV guest whether or
 * not it wrote control/feature-<reason>: a kernel that watches the key acts on it
 * and clears it. 0 or -errno with err set. */
int pvx_domain_request_shutdown(struct xs_handle *xs, pv_domid_t domid, const char *reason,
				struct pvx_err *err);
/* 1 when the guest wrote control/feature-<feature> = 1 (it says it handles that
 * request), else 0. */
int pvx_control_feature(struct xs_handle *xs, pv_domid_t domid, const char *feature);
/* 1 while control/shutdown still holds reason (the guest has not taken the
 * request: a guest clears the key when it does), else 0. */
int pvx_control_request_pending(struct xs_handle *xs, pv_domid_t domid, const char *reason);
/* Write key to control/sysrq (xl sysrq): the guest reads it, clears it and acts.
 * -EINVAL for a key that is not one printable character. 0 or -errno, err set. */
int pvx_domain_sysrq(struct xs_handle *xs, pv_domid_t domid, char key, struct pvx_err *err);
/* xl vcpu-set: cpu/<n>/availability = online for n < online, offline up to max,
 * in one transaction (the guest brings vCPUs up and down to match). -EINVAL
 * unless 1 <= online <= max. 0 or -errno with err set. */
int pvx_domain_vcpus_online(struct xs_handle *xs, pv_domid_t domid, unsigned online, unsigned max,
			    struct pvx_err *err);

/* xl rename (libpvx/rename.c): the name in the hypervisor, the store and the
 * saved config. -EINVAL for a bad name, -EEXIST for one another domain has. 0 or
 * -errno with err set (err must not be NULL). */
int pvx_domain_rename(struct pvctrl *h, struct xs_handle *xs, pv_domid_t domid, const char *name,
		      struct pvx_err *err);

/* ---- the host's topology, from sysfs (libpvx/hostinfo.c) ---- */
#define PVX_HOST_CPUS_MAX  1024
#define PVX_HOST_NODES_MAX 64
struct pvx_host_cpu {
	int cpu, core, socket, node;
};
struct pvx_host_node {
	int node;
	uint64_t size, free;                /* bytes */
	unsigned dists[PVX_HOST_NODES_MAX]; /* to node 0, 1, ... */
	unsigned n_dists;
};
/* The online CPUs / the memory nodes, ascending: a count, *out malloc'ed (caller
 * frees), or -ENOMEM. */
int pvx_host_cpus(struct pvx_host_cpu **out);
int pvx_host_nodes(struct pvx_host_node **out);

/* ---- CPU maps as xl reads and prints them (libpvx/cpumap.c) ---- */
#define PVX_CPUMAP_BITS  4096
#define PVX_CPUMAP_BYTES (PVX_CPUMAP_BITS / 8)
/* Parse xl's CPU list ("all", "0-3,5,^1", "nodes:0-1", "node:1"), left to right:
 * each item adds its CPUs, a '^' item removes them; nodes are the host's (sysfs).
 * 0, -EINVAL for bad syntax or a number past the map, -ENOENT for a node the host
 * does not have. */
int pvx_cpumap_parse(const char *s, uint8_t map[PVX_CPUMAP_BYTES]);
/* The first nbits of map as xl's vcpu-list prints them: "all" when every one is
 * set, "none" when none is, else ranges "0-2,5". */
void pvx_cpumap_format(const uint8_t *map, unsigned nbits, char *out, size_t len);
int pvx_cpumap_test(const uint8_t *map, unsigned i);
void pvx_cpumap_set_range(uint8_t *map, unsigned lo, unsigned hi, int on);

/* ---- scheduling (libpvx/sched.c) ---- */
/* A CPU list as the hypervisor's affinity map. 0 or -errno with err set. */
int pvx_cpumap_to_ctl(const char *list, uint8_t out[PVCTRL_CPUMAP_BYTES], struct pvx_err *err);
/* xl vcpu-pin on one vCPU: hard (pinning) and/or soft affinity as CPU lists (NULL:
 * leave it). -EINVAL for a list with no host CPU. 0 or -errno, err set. */
int pvx_vcpu_pin(struct pvctrl *h, pv_domid_t domid, unsigned vcpu, const char *hard,
		 const char *soft, struct pvx_err *err);
/* xl sched-credit -w/-c: weight 0 and cap 0xffff leave that one. -EOPNOTSUPP when the
 * host has no cgroup CPU controller for pvisor. 0 or -errno, err set. */
int pvx_sched_credit_set(struct pvctrl *h, pv_domid_t domid, unsigned weight, unsigned cap,
			 struct pvx_err *err);
/* At create: cpus= and cpus_soft= on every vCPU, cpu_weight and cap. */
int pvx_domain_sched_apply(struct pvctrl *h, pv_domid_t domid, const struct domcfg *dc,
			   struct pvx_err *err);

/* ---- memory (libpvx/mem.c) ---- */
#define PVX_MEM_MIN_KB 4096u /* the least a balloon target may be */
/* A size as xl's mem-set/mem-max take it: a number with an optional suffix b, k,
 * m, g, t (either case; none means MiB). 0 with *kb set, or -EINVAL. */
int pvx_mem_parse_kb(const char *s, uint64_t *kb);
/* xl mem-set: the balloon target. Refuses more than memory/static-max and less
 * than PVX_MEM_MIN_KB; sets the hypervisor's limit to it (plus 1 MiB of slack, as
 * libxl) and writes memory/target, which the guest's balloon driver follows.
 * 0 or -errno with err set. */
int pvx_domain_mem_target(struct pvctrl *h, struct xs_handle *xs, pv_domid_t domid, uint64_t kb,
			  struct pvx_err *err);
/* xl mem-max: the most the domain may hold. Refuses less than memory/target and
 * more than the domain was built with (-EBUSY); sets the hypervisor's limit and
 * memory/static-max. 0 or -errno with err set. */
int pvx_domain_mem_max(struct pvctrl *h, struct xs_handle *xs, pv_domid_t domid, uint64_t kb,
		       struct pvx_err *err);

struct cfg_file;
/* The config to save for a domain (pvx_domain_create's cfg_text): cf's settings
 * (the file and the overrides, in the file grammar) with the uuid and the MACs dc
 * uses, so that a restart is the same domain. Adds them to cf. Malloc'ed; NULL
 * without memory. */
char *pvx_config_snapshot(struct cfg_file *cf, const struct domcfg *dc);

/* The saved config of a live domain ($RUNDIR/domains/<domid>.cfg): malloc'ed text,
 * or NULL; and the absolute path of the file it came from (.path), against which
 * its relative paths resolve. keep writes both (text NULL: nothing).
 * pvx_domain_forget removes them and the domain's store entries. */
char *pvx_domain_saved_config(pv_domid_t domid);
/* Replace it (atomically: a reader sees the old text or the new). 0 or -errno. */
int pvx_domain_save_config(pv_domid_t domid, const char *text);
/* The absolute path of the file the saved config came from (its first line), or NULL;
 * the caller frees it. */
char *pvx_domain_saved_config_file(pv_domid_t domid);
/* Keep text as the domain's saved config, with a first line naming dc's file unless it
 * has one already (a config restored from an image). Errors are ignored: the domain
 * runs, only its restarts would miss the config. */
void pvx_domain_keep_config(pv_domid_t domid, const char *text, const struct domcfg *dc);
void pvx_domain_forget(pv_domid_t domid);
/* A saved config starts with a comment naming the file it came from, absolute, so
 * that the monitor resolves its relative paths as create did: PVX_SAVED_SOURCE
 * followed by the path and a newline. pvx_saved_source returns that path
 * (malloc'ed), or NULL when text has no such first line. */
#define PVX_SAVED_SOURCE "# source: "
char *pvx_saved_source(const char *text);

/* The steps of pvx_domain_create that a restore shares. checks: host memory, a
 * unique name (-EEXIST), the type. set_name: name and lifecycle actions in the
 * hypervisor. store_create: the store layout, the introduction (store page and
 * port in bp) and every disk and vif of dc. 0 or -errno with err set. */
int pvx_domain_create_checks(struct pvctrl *h, const struct domcfg *dc, struct pvx_err *err);
/* The createdomain flags of dc's type: 0 for pv, CDF_hvm | CDF_hap (the hvm engine)
 * for hvm and pvh. */
uint32_t pvx_domain_create_flags(const struct domcfg *dc);
int pvx_domain_set_name(struct pvctrl *h, pv_domid_t domid, const struct domcfg *dc,
			struct pvx_err *err);
int pvx_domain_store_create(pv_domid_t domid, const struct domcfg *dc,
			    const struct pvx_boot_ports *bp, struct pvx_err *err);

/* ---- Save and restore (save.c, restore.c; the image: pvisor/save.h, docs/ABI.md) ----
 * The same functions serve files, pipes and sockets (pvxweb, migration). */
enum pvx_sr_phase {
	PVX_SR_PREPARE, /* the config, the image's headers, checks, the domain made */
	PVX_SR_SUSPEND, /* save: the guest asked to suspend, until its vCPUs stopped */
	PVX_SR_MEMORY,  /* guest memory written / read */
	PVX_SR_STATE,   /* vCPUs, event channels, grant table, timers, store keys */
	PVX_SR_DEVICES, /* restore: store layout, disks and vifs, the domain let run */
	PVX_SR_FINISH,  /* save: the domain destroyed, or resumed (checkpoint) */
	PVX_SR_NPHASES
};
const char *pvx_sr_phase_name(enum pvx_sr_phase p);

/* What a save or restore reports as it goes (progress bars) and at the end (--json). */
struct pvx_sr_report {
	enum pvx_sr_phase phase;           /* under way */
	uint64_t pages;                    /* memory pages written / placed so far */
	uint64_t pages_total;              /* what there is: the domain's pages with data
					   * (save), the image's (restore) */
	uint64_t zero_pages;               /* save: pages left out as zeros */
	uint64_t bytes;                    /* image bytes so far */
	uint64_t phase_ns[PVX_SR_NPHASES]; /* time in each phase */
	uint64_t total_ns;
	uint64_t running_ns; /* restore: from the call until the domain was
					   * let run (0: left paused) */
	pv_domid_t domid;    /* restore: the new domain, once made */
};
typedef void (*pvx_sr_progress_fn)(void *ctx, const struct pvx_sr_report *r);

#define PVX_SAVE_CHECKPOINT    (1u << 0) /* -c: the domain runs on afterwards */
#define PVX_SAVE_PAUSED        (1u << 1) /* -p: the domain stays, paused */
#define PVX_SAVE_ZLIB          (1u << 2) /* -z: deflate page data */
#define PVX_SUSPEND_TIMEOUT_MS 30000u

struct pvx_save_opts {
	unsigned flags;              /* PVX_SAVE_* */
	uint32_t suspend_timeout_ms; /* 0: PVX_SUSPEND_TIMEOUT_MS */
	const char *config_text;     /* the config to put in the image; NULL: the one
				       * pvx create kept for the domain */
	const char *config_file;     /* with config_text: where it was read from */
	pvx_sr_progress_fn progress; /* optional */
	void *progress_ctx;
};

/* Save a running domain to fd (any stream: a file, a pipe, a socket) as xl does:
 * ask it to suspend, write the image, then destroy it -- or, with CHECKPOINT or
 * PAUSED, let it run on (paused) with the suspend call returning "cancelled". A
 * failure after the guest suspended resumes it the same way: the domain is never
 * lost. rep (may be NULL) gets the figures. 0 or -errno with err set: -ETIMEDOUT
 * when the guest did not suspend in time (left running as it was). */
int pvx_domain_save(struct pvctrl *h, pv_domid_t domid, int fd, const struct pvx_save_opts *o,
		    struct pvx_sr_report *rep, struct pvx_err *err);

#define PVX_RESTORE_PAUSED (1u << 0) /* -p: leave it paused */
#define PVX_RESTORE_LAZY   (1u << 1) /* pages on first touch (see pvx_domain_restore) */

struct pvx_restore_opts {
	unsigned flags;          /* PVX_RESTORE_* */
	const char *config_file; /* CFG: replaces the image's config (xl restore CFG) */
	char *const *overrides;  /* key=value settings after the config (name=...) */
	int n_overrides;
	pvx_sr_progress_fn progress; /* optional */
	void *progress_ctx;
};

/* Restore a domain from the image on fd: a new domain with the image's (or the
 * given) config -- another name draws a new uuid, so one image starts several --
 * its memory, vCPUs and state, new store and console channels, its devices as new
 * frontends; it runs unless PAUSED. LAZY: fd must be a file; page data is left in
 * it for a pager that the caller starts (pvlazy) before unpausing, and the domain
 * is left paused. *config_file (malloc'ed, may be NULL to skip) is the config's
 * path for the monitor. A damaged, cut or foreign image leaves no domain behind.
 * 0 or -errno with err set: -EEXIST for a name in use, -EPROTONOSUPPORT for an
 * image of another pvisor or engine, -EBADMSG for a damaged one. */
int pvx_domain_restore(struct pvctrl *h, int fd, const struct pvx_restore_opts *o,
		       pv_domid_t *domid, char **config_file, struct pvx_sr_report *rep,
		       struct pvx_err *err);

/* ---- Live migration (mig_*.c; docs/NOTES-migrate.md) ----
 * xl's way: the sender streams the domain over a channel to `pvx migrate-receive`
 * on the other host (whatever carries it: ssh, a pipe), pre-copying memory while
 * the guest runs, then suspends it for the last round; the receiver builds it,
 * and the handshake hands it over (mig_proto.h). The caller makes the channel. */
#define PVX_MIGRATE_DEBUG      (1u << 0) /* --debug: the receiver checks every page */
#define PVX_MIGRATE_MAX_ROUNDS 30u       /* memory rounds at most, the last included */

enum pvx_mig_phase {
	PVX_MIG_CONNECT,  /* waiting for the receiver's banner */
	PVX_MIG_PRECOPY,  /* memory rounds while the guest runs */
	PVX_MIG_LAST,     /* the guest suspended: the last round and its state */
	PVX_MIG_HANDOVER, /* the receiver has it: disks handed over, go */
	PVX_MIG_DONE
};

/* What a migration reports as it goes and at the end (the sender's view). */
struct pvx_migrate_report {
	enum pvx_mig_phase phase;
	unsigned round;                            /* the round under way (0: all memory) */
	unsigned rounds;                           /* rounds sent, the last one included */
	uint64_t round_pages;                      /* pages sent so far in this round */
	uint64_t round_total;                      /* pages this round sends */
	int round_done;                            /* the round under way has just ended */
	uint64_t pages[PVX_MIGRATE_MAX_ROUNDS];    /* pages sent in each round */
	uint64_t round_ns[PVX_MIGRATE_MAX_ROUNDS]; /* and how long each took */
	uint64_t ram_pages;                        /* the domain's memory, in pages */
	uint64_t bytes;                            /* stream bytes so far */
	uint64_t total_ns;                         /* start to the receiver's report */
	uint64_t downtime_ns;                      /* the guest's suspend to its first instruction
					 * on the new host (the receiver's unpause) */
	/* where the downtime went: the guest asked to suspend until it stopped (not
	 * downtime: it runs meanwhile), the last round and the state, the receiver
	 * loading it until it said it arrived, the disks handed over, and go until
	 * the receiver reported it runs */
	uint64_t suspend_ns, last_ns, arrive_ns, handover_ns, start_ns;
	unsigned disks;          /* disks handed over */
	const char *stop_reason; /* why pre-copy stopped (a constant string) */
};
typedef void (*pvx_migrate_progress_fn)(void *ctx, const struct pvx_migrate_report *r);

struct pvx_migrate_opts {
	unsigned flags;              /* PVX_MIGRATE_* */
	unsigned max_rounds;         /* 0: PVX_MIGRATE_MAX_ROUNDS (2 .. that) */
	uint32_t suspend_timeout_ms; /* 0: PVX_SUSPEND_TIMEOUT_MS */
	const char *config_text;     /* -C: the config to send instead of the kept one */
	const char *config_file;
	pvx_migrate_progress_fn progress; /* optional */
	void *progress_ctx;
};

/* Migrate a running domain to the receiver at the other end of (send_fd,
 * recv_fd). 0: it runs there and is destroyed here. On failure it runs on here
 * where it was -- unless the receiver was told to start it and then nothing (or
 * nonsense) was heard: which host runs it is then unknown, so the domain is left
 * suspended here as NAME--migratedaway and err says so (xl's "failed badly").
 * rep may be NULL. 0 or -errno with err set. */
int pvx_domain_migrate(struct pvctrl *h, pv_domid_t domid, int send_fd, int recv_fd,
		       const struct pvx_migrate_opts *o, struct pvx_migrate_report *rep,
		       struct pvx_err *err);

#define PVX_MIGRATE_RECV_PAUSED (1u << 0) /* -p: leave it paused when it arrives */

struct pvx_migrate_recv_opts {
	unsigned flags; /* PVX_MIGRATE_RECV_* */
	/* Each step as a line ("Ready to receive domain."), for the receiver's stderr
	 * (ssh shows it on the sender's terminal, as xl's). Optional. */
	void (*note)(void *ctx, const char *line);
	void *note_ctx;
};

/* Receive a domain over (in_fd, out_fd): the banner, the stream into a new domain
 * named NAME--incoming that stays paused, then, once the sender says go, its own
 * name, store layout and devices, and it runs. Anything that fails destroys what
 * was made and tells the sender why. *config_file (malloc'ed) is the config's path
 * for the monitor. 0 or -errno with err set. */
int pvx_domain_migrate_receive(struct pvctrl *h, int in_fd, int out_fd,
			       const struct pvx_migrate_recv_opts *o, pv_domid_t *domid,
			       char **config_file, struct pvx_err *err);

/* Write domid's memory and vCPU registers to fd (seekable) as an ELF core file
 * that gdb opens with the guest kernel's symbols: PT_LOAD segments at the guest's
 * virtual addresses (pages never written left out), NT_PRSTATUS and NT_FPREGSET
 * per vCPU. A running domain is stopped at a consistent point meanwhile and goes
 * on after; a crashed one gives the registers it last had. 0 or -errno. */
int pvx_domain_dump_core(struct pvctrl *h, pv_domid_t domid, int fd, struct pvx_err *err);

/* A lazily restored domain's pager (pvlazy), if it has one, loads every page that
 * is still in the image and lets the domain go (a save or a dump-core needs all of
 * its memory). 0 (also when there is no pager), or -errno with err set. */
int pvx_domain_lazy_fill(pv_domid_t domid, struct pvx_err *err);
/* ---- How a domain is shown (libpvx/domview.c) ---- */
struct yajl_gen_t;
/* The domain's config as xl's JSON "config" object (as pvx list -l prints it),
 * or {"c_info": {"name": name}} when it has no saved config. 0 or -EIO. */
int pvx_domain_config_json(struct yajl_gen_t *g, pv_domid_t domid, const char *name);
/* xl's six state letters (r b p s <reason> d) of a domain's getdomaininfo;
 * "------" for NULL (it went meanwhile). */
void pvx_domain_letters(const struct pv_domctl_getdomaininfo *info, char out[7]);

#endif
