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

/* The daemons of a run directory, in start order. */
struct pvx_daemon_status {
	const char *name;
	int running;    /* its socket accepts connections */
	pid_t pid;      /* from its pid file, 0 if none */
	int installed;  /* its binary exists */
};

/* Start every installed daemon that is not running (under a lock, so concurrent
 * pvx commands start each one once). */
int pvx_daemons_ensure(char *err, size_t errlen);
/* Stop them all (SIGTERM, then SIGKILL after a grace period). */
int pvx_daemons_stop(char *err, size_t errlen);
/* Fill up to max entries; returns how many. */
int pvx_daemons_status(struct pvx_daemon_status *out, size_t max);

/* Connect to the hypervisor, starting the daemons first when needed. */
int pvx_connect(struct pvctrl **h, char *err, size_t errlen);

/* A domain given as a name or a number. -ESRCH when there is none. */
int pvx_domain_resolve(struct pvctrl *h, const char *spec, pv_domid_t *domid);

/* Load the kernel, write start_info and the boot pages, set vCPU 0's context and
 * the hypercall page of a created (paused) domain. */
int pvx_domain_build(struct pvctrl *h, pv_domid_t domid, const struct domcfg *dc,
		     const struct elf_image *img, char *err, size_t errlen);

#define PVX_CREATE_PAUSED 1u
/* Everything `pvx create` does after parsing: checks (host memory, unique name,
 * kernel image), create, name and actions, build, unpause. On failure nothing is
 * left behind. cfg_text (may be NULL) is saved for `pvx list -l`. */
int pvx_domain_create(struct pvctrl *h, const struct domcfg *dc, unsigned flags,
		      const char *cfg_text, pv_domid_t *out, char *err, size_t errlen);

/* The saved config of a live domain ($RUNDIR/domains/<domid>.cfg): malloc'ed text,
 * or NULL. pvx_domain_forget removes it. */
char *pvx_domain_saved_config(pv_domid_t domid);
void pvx_domain_forget(pv_domid_t domid);

#endif
