/* libpvx: the toolstack under pvx -- daemons, domain building and creation, and the
 * per-domain records it keeps in the run directory. Never prints; returns 0 or a
 * negative errno with a message in err. */
#ifndef PV_LIBPVX_H
#define PV_LIBPVX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libpvctrl/pvctrl.h"
#include "libpvx/domcfg.h"
#include "libpvx/elfimg.h"

/* The daemons of a run directory, in start order. pvxweb is enabled (started with
 * the others) only while $RUNDIR/pvxweb.conf exists: pvx web writes it. */
struct pvx_daemon_status {
	const char *name;
	int running;    /* its socket accepts connections */
	pid_t pid;      /* from its pid file, 0 if none */
	int installed;  /* its binary exists */
	int enabled;    /* 0 for an optional daemon that is not enabled (pvxweb) */
};

/* Start every installed daemon that is not running (under a lock, so concurrent
 * pvx commands start each one once). */
int pvx_daemons_ensure(char *err, size_t errlen);
/* Stop them all (SIGTERM, then SIGKILL after a grace period). */
int pvx_daemons_stop(char *err, size_t errlen);
/* Stop one by name, the same way. 0 (also when it did not run) or -errno. */
int pvx_daemon_stop(const char *name, char *err, size_t errlen);
/* Fill up to max entries; returns how many. */
int pvx_daemons_status(struct pvx_daemon_status *out, size_t max);

/* Connect to the hypervisor, starting the daemons first when needed. */
int pvx_connect(struct pvctrl **h, char *err, size_t errlen);

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
		     const struct elf_image *img, struct pvx_boot_ports *bp,
		     char *err, size_t errlen);

#define PVX_CREATE_PAUSED 1u
/* Everything `pvx create` does after parsing: checks (host memory, unique name,
 * kernel image), create, name and actions, build, unpause. On failure nothing is
 * left behind. cfg_text (may be NULL) is saved for `pvx list -l`. */
int pvx_domain_create(struct pvctrl *h, const struct domcfg *dc, unsigned flags,
		      const char *cfg_text, pv_domid_t *out, char *err, size_t errlen);

/* ---- The store (libpvx/store.c, libpvx/device.c) ---- */
struct xs_handle;

/* Open the run directory's store, starting daemons as pvx_connect does. */
int pvx_store_open(struct xs_handle **xs, char *err, size_t errlen);

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
		   char *err, size_t errlen);
/* Unplug as xl does: backend online = 0 and state = 5 (Closing), wait up to
 * timeout_ms for the backend to reach Closed (6), then remove both directories.
 * force: remove at once. -ENOENT if there is no such device, -ETIMEDOUT when
 * the backend did not close (the directories are then left in place unless force). */
int pvx_device_remove(struct xs_handle *xs, pv_domid_t domid, const char *type,
		      unsigned devid, int force, unsigned timeout_ms, char *err, size_t errlen);
/* The device ids of type on domid, ascending: count (>= 0) or -errno; *ids is
 * malloc'ed (NULL when the count is 0). */
int pvx_device_list(struct xs_handle *xs, pv_domid_t domid, const char *type, unsigned **ids);

/* ---- vifs (libpvx/vif.c) ---- */
struct vifspec;
/* Add a vif from a parsed spec: devid from the spec, else the lowest free one
 * (returned in *devid_out when non-NULL). Backend keys: mac, bridge, handle,
 * type, mtu, and rate ("bytes,usecs"), vifname, ip when given; frontend keys:
 * mac, handle, mtu. 0 or -errno with err set. */
int pvx_vif_add(struct xs_handle *xs, pv_domid_t domid, const struct vifspec *vs,
		unsigned *devid_out, char *err, size_t errlen);
/* Every vif of dc (at create). 0 or the first failure. */
int pvx_vifs_add(struct xs_handle *xs, pv_domid_t domid, const struct domcfg *dc, char *err,
		 size_t errlen);
/* Start the domain's monitor (a detached process, log $RUNDIR/pvx-<name>.log):
 * on @releaseDomain it restarts the domain when its on_poweroff / on_reboot /
 * on_crash action is restart (from dc and cfg_text, as `pvx create` had them; at
 * most 5 restarts in 10 s), and removes the store entries and saved config of a
 * domain that is gone. 0 or -errno (fork failed). */
int pvx_domain_monitor_spawn(struct domcfg *dc, const char *cfg_text, pv_domid_t domid);

/* Ask a running domain to power off or reboot through control/shutdown (its
 * kernel must have said control/feature-poweroff or feature-reboot). reason:
 * "poweroff" or "reboot". -EOPNOTSUPP when the guest has no PV control interface. */
int pvx_domain_request_shutdown(pv_domid_t domid, const char *reason, char *err,
				size_t errlen);

/* The saved config of a live domain ($RUNDIR/domains/<domid>.cfg): malloc'ed text,
 * or NULL. pvx_domain_forget removes it. The text is the config file, then a line
 * PVX_SAVED_OVERRIDES, then one KEY=VALUE override per line (as pvx create took
 * them, the uuid in use last). */
#define PVX_SAVED_OVERRIDES "# pvx create: overrides"
char *pvx_domain_saved_config(pv_domid_t domid);

/* ---- How a domain is shown (libpvx/domview.c) ---- */
struct cfg_file;
struct yajl_gen_t;
/* The text to save: file_len bytes of the config file, the overrides, the uuid
 * (malloc'ed, NULL when out of memory). */
char *pvx_saved_text(const char *file_text, size_t file_len, const char *const *overrides,
		     size_t n_overrides, const uint8_t uuid[16]);
/* Parse a saved text (label names it in messages): the file part, then the
 * overrides applied. 0 or -errno with err set (cfg_parse_buffer's contract). */
int pvx_saved_config_parse(const char *label, const char *text, struct cfg_file **out,
			   char *err, size_t errlen);
/* The domain's config as xl's JSON "config" object (as pvx list -l prints it),
 * or {"c_info": {"name": name}} when it has no saved config. 0 or -EIO. */
int pvx_domain_config_json(struct yajl_gen_t *g, pv_domid_t domid, const char *name);
/* xl's six state letters (r b p s <reason> d) from getdomaininfo; "------" when
 * it fails. */
void pvx_domain_letters(struct pvctrl *h, pv_domid_t domid, char out[7]);
void pvx_domain_forget(pv_domid_t domid);

#endif
