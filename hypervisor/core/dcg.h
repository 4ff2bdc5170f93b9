/* Domain cgroups: one host cgroup per domain, holding its host context (the pv
 * engine's domain process; another engine's threads), through which the host's
 * CPU controller carries out xl's scheduler weight and cap. The same group is
 * where limits on the domain's processes and memory belong (docs/SECURITY.md).
 *
 * The controller is found once at daemon start: cgroup v2 when the unified
 * hierarchy offers "cpu", else v1's cpu hierarchy. This daemon's groups live in
 * one directory of its own, pvisor.<pid>, which also isolates several hypervisors
 * on one host; leftovers of dead daemons are removed at start. Without a writable
 * controller (no root, no cgroup) domains still run: dcg_create says why not and
 * the weight and cap cannot be set. All calls return 0 or a negative PV errno. */
#ifndef PV_CORE_DCG_H
#define PV_CORE_DCG_H

#include <stdint.h>
#include <sys/types.h>

#include "pvisor/xen.h"

struct dcg;

#define DCG_WEIGHT_DEFAULT 256 /* xl's credit weight */
#define DCG_PERIOD_US      100000

/* Find the controller and make this daemon's directory. Never fails: without one,
 * dcg_create returns -PV_EOPNOTSUPP and dcg_describe says why. */
void dcg_init(void);
/* At daemon exit: remove this daemon's directory (groups still in use stay, and
 * the next daemon's dcg_init removes them). */
void dcg_fini(void);
/* "v1 cpu /sys/fs/cgroup/cpu/pvisor.123" / "v2 /sys/fs/cgroup/pvisor.123", or why
 * there is none ("none: ..."). */
const char *dcg_describe(void);
/* 1, 2, or 0 without a controller. */
int dcg_version(void);

/* A group for domain domid (empty, default weight, no cap). */
int dcg_create(pv_domid_t domid, struct dcg **out);
/* Move the whole process pid (every thread, and those it makes later) in. */
int dcg_attach(struct dcg *g, pid_t pid);
/* xl's credit parameters: weight 1..65535 (256 = the host's default share), cap in
 * percent of one CPU (0 = none). */
int dcg_set_cpu(struct dcg *g, unsigned weight, unsigned cap);
/* Remove the group (its processes have gone; any left go to the parent). g may be
 * NULL. */
void dcg_destroy(struct dcg *g);

#endif
