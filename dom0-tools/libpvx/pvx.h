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
		     const struct elf_image *img, struct pvx_boot_ports *bp,
		     struct pvx_err *err);

#define PVX_CREATE_PAUSED 1u
/* Everything `pvx create` does after parsing: checks (host memory, unique name,
 * kernel image), create, name and actions, build, unpause. On failure nothing is
 * left behind. cfg_text (may be NULL) is saved for `pvx list -l` and the
 * monitor (pvx_domain_saved_config). */
int pvx_domain_create(struct pvctrl *h, const struct domcfg *dc, unsigned flags,
		      const char *cfg_text, pv_domid_t *out, struct pvx_err *err);

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
/* Unplug as xl does: backend online = 0 and state = 5 (Closing), wait up to
 * timeout_ms for the backend to reach Closed (6), then remove both directories.
 * force: remove at once. -ENOENT if there is no such device, -ETIMEDOUT when
 * the backend did not close (the directories are then left in place unless force). */
int pvx_device_remove(struct xs_handle *xs, pv_domid_t domid, const char *type,
		      unsigned devid, int force, unsigned timeout_ms, struct pvx_err *err);
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
/* Ask a running domain to power off or reboot through control/shutdown (its
 * kernel must have said control/feature-poweroff or feature-reboot). reason:
 * "poweroff" or "reboot". -EOPNOTSUPP when the guest has no PV control interface. */
int pvx_domain_request_shutdown(struct xs_handle *xs, pv_domid_t domid, const char *reason,
				struct pvx_err *err);

/* The saved config of a live domain ($RUNDIR/domains/<domid>.cfg): malloc'ed text,
 * or NULL. pvx_domain_forget removes it. */
char *pvx_domain_saved_config(pv_domid_t domid);
void pvx_domain_forget(pv_domid_t domid);

/* ---- How a domain is kept and shown (libpvx/domview.c) ---- */
struct cfg_file;
struct yajl_gen_t;
/* The config to save at create (pvx_domain_create's cfg_text): cf's settings (the
 * file and the overrides, in the file grammar) with the uuid and the MACs dc uses,
 * so that a restart is the same domain. Adds them to cf. Malloc'ed; NULL without
 * memory. */
char *pvx_config_snapshot(struct cfg_file *cf, const struct domcfg *dc);
/* The domain's config as xl's JSON "config" object (as pvx list -l prints it),
 * or {"c_info": {"name": name}} when it has no saved config. 0 or -EIO. */
int pvx_domain_config_json(struct yajl_gen_t *g, pv_domid_t domid, const char *name);
/* xl's six state letters (r b p s <reason> d) from getdomaininfo; "------" when
 * it fails. */
void pvx_domain_letters(struct pvctrl *h, pv_domid_t domid, char out[7]);

#endif
