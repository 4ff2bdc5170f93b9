/* pvstart: starting the processes of a run directory for a front end such as
 * pvx -- the daemons (pvisor, xsd, pvmon the domain monitor, pvconsoled, blkback,
 * netback). It lives outside libpvx, which starts no process: whoever
 * links pvstart decides that daemons come up on demand. Errors come back as
 * libpvx's 0 / -errno plus a struct pvx_err. */
#ifndef PV_PVSTART_H
#define PV_PVSTART_H

#include <stddef.h>
#include <sys/types.h>

#include "libpvctrl/pvctrl.h"
#include "libpvx/pvx_err.h"

struct xs_handle;

/* One daemon of the run directory, in start order. pvxweb is enabled (started
 * with the others) only while $RUNDIR/pvxweb.conf exists: pvx web writes it. */
struct pvstart_daemon_status {
	const char *name;
	int running;   /* its socket accepts connections */
	pid_t pid;     /* from its pid file, 0 if none */
	int installed; /* its binary exists */
	int enabled;   /* 0 for an optional daemon that is not enabled (pvxweb) */
};

/* Start every installed daemon that is not running, in order, under a lock so
 * that concurrent callers start each one once; each is waited for until its
 * socket answers. Output goes to <rundir>/<name>.log. 0 or -errno. */
int pvstart_daemons_ensure(struct pvx_err *err);
/* Stop them all, last first (SIGTERM, SIGKILL after 10 s). 0 or -errno. */
int pvstart_daemons_stop(struct pvx_err *err);
/* Stop one by name, the same way. 0 (also when it did not run) or -errno. */
int pvstart_daemon_stop(const char *name, struct pvx_err *err);
/* Fill up to max entries; returns how many. */
int pvstart_daemons_status(struct pvstart_daemon_status *out, size_t max);

/* Connect to the hypervisor, starting the daemons first when nothing listens. */
int pvstart_connect(struct pvctrl **h, struct pvx_err *err);
/* Open the store, starting the daemons first when nothing listens. */
int pvstart_store_open(struct xs_handle **xs, struct pvx_err *err);

/* Start <bindir>/prog with argv in a session of its own: stdin from /dev/null,
 * stdout and stderr appended to <rundir>/logname, no other descriptor. The
 * child is not waited for here. 0 with *pid set, or -errno. */
int pvstart_spawn(const char *prog, char *const argv[], const char *logname, pid_t *pid);
/* ---- vif script= (pvstart/hotplug.c) ---- */
struct xs_handle;
/* Run vif devid's hotplug script (its backend's script key; none: nothing) as libxl
 * runs Xen's: "online" once the backend is ready, or "offline", with Xen's
 * environment. Log: <rundir>/hotplug.log. 0, or -EIO / -ETIMEDOUT with err set. */
int pvstart_vif_hotplug(struct xs_handle *xs, pv_domid_t domid, unsigned devid, int online,
			struct pvx_err *err);
/* The same for every vif of domid (offline: all of them, the first error kept). */
int pvstart_vifs_hotplug(struct xs_handle *xs, pv_domid_t domid, int online, struct pvx_err *err);
/* Destroy a domain's records as pvx_domain_forget does, running its vifs'
 * offline scripts first (the store still has them). */
void pvstart_domain_forget(pv_domid_t domid);

/* ---- bootloader= (pvstart/bootloader.c) ---- */
struct domcfg;
/* pvx_domain_create, after running the config's bootloader when it has one (as
 * libxl runs pygrub: the first disk, --output-format=simple0, the
 * bootloader_args) and taking the kernel, ramdisk and command line it found;
 * its files are removed once the domain is built. Vifs with script= get their
 * hotplug scripts run ("online") before the domain first runs; a failing one
 * fails the create. Without either it is pvx_domain_create. Log:
 * <rundir>/bootloader.log. 0 or -errno, err set. */
int pvstart_domain_create(struct pvctrl *h, const struct domcfg *dc, unsigned flags,
			  const char *cfg_text, pv_domid_t *out, struct pvx_err *err);

/* What a tool run by pvstart_run said and how it ended. */
struct pvstart_output {
	char *out;  /* stdout, NUL-terminated (NULL when it said nothing) */
	char *err;  /* stderr, likewise */
	int status; /* exit status; 128 + signal when killed */
};

/* Run a host tool (argv[0] looked up in PATH) to completion, stdin from
 * /dev/null, in a session of its own, with our environment plus the KEY=VALUE
 * strings of env_add (NULL: none; they replace ours of the same key), capturing
 * stdout and stderr (1 MiB each at most) until both end: a tool that daemonizes
 * (qemu-nbd --fork) is done once its server closed them. Killed after
 * timeout_ms. 0 (look at o->status) or -errno (-ENOENT: no such tool,
 * -ETIMEDOUT). Free o with pvstart_output_free. */
int pvstart_run(char *const argv[], const char *const *env_add, int timeout_ms,
		struct pvstart_output *o);
void pvstart_output_free(struct pvstart_output *o);
/* pvstart_run for a program the toolstack runs on a user's behalf (a bootloader,
 * a hotplug script): what it said is appended to <rundir>/logname under a line
 * naming it. 0 when it exits with 0; -EIO (err: "PROG failed (exit status N): its
 * last line on stderr"), -ETIMEDOUT or -ENOENT with err set. */
int pvstart_run_logged(char *const argv[], const char *const *env_add, int timeout_ms,
		       const char *logname, struct pvx_err *err);

/* ---- disk images through QEMU's block layer (nbd.c) ---- */
struct pvx_image_info;

/* qemu-img info -U --output=json --backing-chain path, parsed (image.h). 0 or
 * -errno with err set (qemu-img's own words when it refused). */
int pvstart_image_info(const char *path, struct pvx_image_info *info, struct pvx_err *err);

/* The disk servers of the run directory (diskserve.c): one per disk of a domain
 * that is an image blkback cannot read itself -- qemu-storage-daemon exporting it
 * as a vhost-user-blk device on <rundir>/vhost/<domid>-<devid>.sock, or qemu-nbd
 * on <rundir>/nbd/<domid>-<devid>.sock, pid in .pid beside. The libpvx disk
 * server hooks (pvx_disk_server_set) for front ends that start processes: */
extern const struct pvx_disk_server pvstart_disk_server;
/* Stop the server (either kind) of vbd devid of domid (SIGTERM, SIGKILL after
 * 5 s) and remove its files; nothing when there is none. */
void pvstart_serve_stop(pv_domid_t domid, unsigned devid);
/* A program of that name is in PATH (qemu-nbd, qemu-img, qemu-storage-daemon). */
int pvstart_tool_installed(const char *name);
/* Stop every disk server of the run directory (pvx daemons stop). */
void pvstart_serve_stop_all(void);
/* What the config parser cannot know: every disk of dc whose image QEMU serves can
 * be served here (the server its server= or the host's default asks for is
 * installed: qemu-storage-daemon or qemu-nbd). 0 or -ENOENT with err set (pvx
 * create and pvxweb's create check this first). */
struct domcfg;
int pvstart_disks_servable(const struct domcfg *dc, struct pvx_err *err);

/* ---- pvx migrate's transport (migrate.c) ---- */
struct pvstart_migrate_channel {
	pid_t pid;   /* the shell running the rune */
	int send_fd; /* the stream to the receiver (the shell's stdin) */
	int recv_fd; /* the receiver's answers (the shell's stdout) */
	char *rune;  /* the command run, for messages; the caller frees it */
};
/* xl's rune -- "SSH HOST pvx migrate-receive ARGS", or HOST alone when ssh is ""
 * (the command itself) -- run as sh -c RUNE with the channel's pipes as its stdin
 * and stdout and no other descriptor. 0 or -errno with err set. */
int pvstart_migrate_open(const char *ssh, const char *host, const char *args,
			 struct pvstart_migrate_channel *ch, struct pvx_err *err);
/* Close the pipes and wait for the shell, 10 s at most (as xl): 0, or -ETIMEDOUT
 * when it still runs (it is not waited for any longer). */
int pvstart_migrate_close(struct pvstart_migrate_channel *ch);

#endif
