/* Domain cgroups: one host cgroup per domain, holding its host context (the pv
 * engine's domain process; another engine's threads), in every cgroup hierarchy
 * that offers one of the controllers used here: cpu, through which the host
 * carries out xl's scheduler weight and cap, and pids and memory, which bound what
 * a domain's process may take (the second wall, docs/SECURITY.md).
 *
 * The hierarchies are found once at daemon start: v1 hierarchies from
 * /proc/self/mountinfo (the controller among a "cgroup" mount's options), and v2
 * ("cgroup2") for the controllers v1 lacks, when pvisor's own cgroup hands them
 * down (or is the root, where pvisor hands them down itself). In each, this
 * daemon's groups live under its own cgroup in one directory, pvisor.<pid>, which
 * isolates several hypervisors on one host; leftovers of dead daemons are removed
 * at start. Without a controller (no root, no cgroup) domains still run without
 * that limit: dcg_summary says which are missing and why. Groups are named
 * dom<domid>, or launch.<pid> for a launcher made ahead of its domain. A v1
 * hierarchy serving only cpu is joined only once some domain has a weight or cap
 * that is not the default (its cost to every hypercall: dcg.c). All calls return 0
 * or a negative PV errno. */
#ifndef PV_CORE_DCG_H
#define PV_CORE_DCG_H

#include <stdint.h>
#include <sys/types.h>

#include "pvisor/xen.h"

struct dcg;

#define DCG_WEIGHT_DEFAULT 256 /* xl's credit weight */
#define DCG_PERIOD_US      100000

/* Controllers in use (dcg_controllers). */
#define DCG_PIDS   1u
#define DCG_MEMORY 2u
#define DCG_CPU    4u

/* Find the controllers and make this daemon's directories. Never fails: without
 * them the groups have no limits, and dcg_summary says why. */
void dcg_init(void);
/* At daemon exit: remove this daemon's directories (groups still in use stay, and
 * the next daemon's dcg_init removes them). */
void dcg_fini(void);
/* The cpu controller's hierarchy, for the scheduler: "v1 /sys/fs/cgroup/cpu/pvisor.123"
 * / "v2 ...", or why there is none ("none: ..."). Its groups are <dir>/dom<domid>. */
const char *dcg_describe(void);
/* Every controller, where, and the missing ones with the reason (pvx info). */
const char *dcg_summary(void);
/* The cpu controller's cgroup version: 1, 2, or 0 without one. */
int dcg_version(void);
unsigned dcg_controllers(void);

/* A group for domain domid (dom<domid>; one that exists is fine). -PV_EOPNOTSUPP
 * without any controller. */
int dcg_create(pv_domid_t domid, struct dcg **out);
/* A group for a launcher not yet a domain's (launch.<pid>), made and joined by the
 * pv engine's spawner thread ahead of need: moving a process into a v1 cgroup waits
 * for an RCU grace period (10-16 ms on this host, docs/BENCHMARKS.md), which is then
 * off the domain's create-to-banner path. */
int dcg_create_launcher(pid_t pid, struct dcg **out);
/* The launcher's group becomes domain domid's: renamed (v1), or, where the hierarchy
 * cannot rename (v2) or dom<domid> exists already, pid moves into dom<domid> and the
 * launcher's goes. g is named dom<domid> afterwards, also after a failure. */
int dcg_adopt(struct dcg *g, pv_domid_t domid, pid_t pid);
/* Move the whole process pid (every thread, and those it makes later) in. */
int dcg_attach(struct dcg *g, pid_t pid);
/* Limits: bytes of memory (0: none) and tasks (0: none). */
int dcg_set_limits(struct dcg *g, uint64_t mem_bytes, uint64_t pids);
/* xl's credit parameters: weight 1..65535 (256 = the host's default share), cap in
 * percent of one CPU (0 = none). -PV_EOPNOTSUPP without the cpu controller. */
int dcg_set_cpu(struct dcg *g, unsigned weight, unsigned cap);
/* Remove the group (its processes have gone; any left go to the parent). g may be
 * NULL. */
void dcg_destroy(struct dcg *g);

#endif
