/* Host resource control for domains: one cgroup per domain in every hierarchy that
 * offers the pids, memory or cpu controller -- cgroup v1, or v2 where pvisor's own
 * cgroup delegates them -- under "<pvisor's cgroup>/pvisor-<pid>/". Engines put
 * their host context in it (the pv engine: the domain process); the limits come
 * from the domain's configuration; the scheduler's weight and cap (sched-credit)
 * map onto the cpu controller. A controller the host lacks is reported by
 * cgroup_summary() and otherwise skipped: domains run without that limit.
 * Names are the caller's ("d7" for domain 7, "l<uid>" for a launcher not yet a
 * domain). Functions return 0 or -PV_E*. */
#ifndef PV_CORE_CGROUP_H
#define PV_CORE_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Find the controllers, make our directories, remove those a dead pvisor left. */
int cgroup_init(void);
/* Remove every directory of ours (at exit; busy ones stay for the next sweep). */
void cgroup_fini(void);
/* One line for `pvx info`: which controllers, where; which are missing and why. */
const char *cgroup_summary(void);
/* Controllers in use (CGROUP_PIDS | CGROUP_MEMORY | CGROUP_CPU). */
#define CGROUP_PIDS   1u
#define CGROUP_MEMORY 2u
#define CGROUP_CPU    4u
unsigned cgroup_controllers(void);

/* Make cgroup `name` (an existing one is fine). */
int cgroup_new(const char *name);
/* Move process pid (all its threads) into `name`. */
int cgroup_attach(const char *name, pid_t pid);
/* `from` becomes `to`: renamed, or, when `to` exists already (sched-credit set
 * before the domain ran), pid moves into it and `from` goes. */
int cgroup_adopt(const char *from, const char *to, pid_t pid);
/* Limits: bytes of memory (0: none) and tasks (0: none). */
int cgroup_set_limits(const char *name, uint64_t mem_bytes, uint64_t pids);
/* Scheduling (xl's sched-credit): weight 1..65535 (256 is a CPU's fair share) and
 * cap in percent of one CPU (0: none). The cgroup is made if missing. */
int cgroup_set_cpu(const char *name, unsigned weight, unsigned cap);
/* Remove `name` (its processes must be gone). */
void cgroup_remove(const char *name);
/* "<hierarchy mount>/<path>" of `name` in the memory (else first) hierarchy, for
 * tests and `pvx list -l`. 0 or -PV_ENOENT when no controller is in use. */
int cgroup_path(const char *name, char *buf, size_t len);

#endif
