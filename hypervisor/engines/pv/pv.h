/* The pv engine's private interface between its files. A pv domain is a host process
 * started by pvisor-launch (launch.c): it maps the domain's memory, and its vCPUs are
 * threads whose hypercalls arrive as seccomp user notifications on one listener,
 * served in order by one thread of ours (pv_service.c). All that makes a domain a
 * process -- pid, pidfd, listener, thread ids -- lives here, in struct pv_dom. */
#ifndef PV_ENGINE_PV_H
#define PV_ENGINE_PV_H

#include <pthread.h>
#include <sys/types.h>

#include "core/dcg.h"
#include "core/hv.h"
#include "engines/engine.h"
#include "pvisor/pvisor.h"

/* Per vCPU; under hv_lock unless said otherwise. */
struct pv_vcpu {
	pid_t tid;         /* its thread, bound at its first pvisor_vcpu_wait */
	uint64_t notif_id; /* the thread's hypercall being served or kept waiting (a
			     * thread makes one at a time; written by the service thread) */
	int held;          /* waits in pvisor_vcpu_wait / _vcpu_stop: runs no guest code */
	uint64_t cpu_ns;   /* CPU time last read, kept for when the thread is gone */
};

/* A started domain's cgroup is settled by the spawner thread, off the
 * create-to-banner path: the launcher's group becomes dom<domid>, with the limits
 * the domain's size decides and the credit weight and cap (pv_spawn.c). Under the
 * spawner's lock. */
enum pv_cg_state { PV_CG_NONE, PV_CG_QUEUED, PV_CG_BUSY, PV_CG_DONE };
struct pv_cg_job {
	struct pv_cg_job *next;
	enum pv_cg_state state;
	struct domain *d;
	pid_t pid;
	uint64_t mem, pids;
};

struct pv_dom {
	pid_t pid;               /* the domain process, 0 before start */
	uid_t uid;               /* its own uid from the range, or (uid_t)-1 (pv_sandbox.c) */
	struct dcg *cg;          /* its cgroup (core/dcg.h), NULL without one */
	struct pv_cg_job cg_job; /* settling it after the start */
	int pidfd;               /* the reaper waits on it */
	int listener;            /* seccomp notification fd */
	pthread_t service;
	int service_created;
	int service_running; /* atomic: the service thread has not ended */
	volatile int service_stop;
	int hcpage_set;   /* a hypercall page with the tail code was written */
	int quiescing;    /* a quiesce was asked and not resumed */
	int quiesce_told; /* ... and its end reported to the core */
	int fsgsbase;     /* the host lets user code use rd/wrfsbase */
	int dirty_uffd;   /* dirty log (pv_dirty.c): the process's userfaultfd for */
	int pagemap;      /* asynchronous write-protect and its pagemap, or -1 */
	int dirty_on;     /* guest memory is registered for write-protect */
	int lazy_uffd;    /* lazy restore: the launcher's userfaultfd, or -1 */
	unsigned nr_vcpus;
	struct pv_vcpu vcpus[];
};

static inline struct pv_dom *pv_dom(struct domain *d)
{
	return d->engine_priv;
}

static inline struct pv_vcpu *pv_vcpu(struct domain *d, struct vcpu *v)
{
	return &pv_dom(d)->vcpus[v->id];
}

/* The launcher-private context page of vCPU id (pvisor.h): frame, then upcall area. */
static inline struct pv_vcpu_frame *pv_frame(struct domain *d, unsigned id)
{
	return (void *)(d->mem + d->special_off + (PV_SPECIAL_VCPU_CTX + id) * PV_PAGE_SIZE);
}

static inline struct pv_vcpu_upcall *pv_upcall_area(struct domain *d, unsigned id)
{
	return (void *)((uint8_t *)pv_frame(d, id) + PV_VCPU_UPCALL_OFFSET);
}

/* A launcher waiting for a domain: process, control socket, uid, cgroup. */
struct pv_launcher {
	pid_t pid;
	int ctrl;
	uid_t uid;      /* its own, or (uid_t)-1 */
	struct dcg *cg; /* launch.<pid>, or NULL without cgroups */
	int pagemap;    /* its /proc/<pid>/pagemap, or -1 (pv_dirty_pagemap_open) */
};

/* Launchers started ahead of need (pv_spawn.c). init: the sandbox and the spawner
 * thread. take: the waiting launcher. handover: send it the domain (sizes, limits,
 * memory fd) and receive its seccomp listener into p->listener. */
int pv_spawn_init(void);
int pv_spawn_take(struct pv_launcher *l);
/* At daemon exit, after every domain went: no more launchers; the waiting one is
 * killed, its launch.<pid> cgroup removed and its uid given back (else they would
 * stay behind until the next daemon's sweep). */
void pv_spawn_fini(void);
int pv_spawn_handover(struct domain *d, int ctrl, int own_uid);
/* Queue j for the spawner thread / the domain is reaped: j's cgroup goes, whether
 * the spawner settled it already or not. */
void pv_spawn_cgroup_settle(struct pv_cg_job *j);
void pv_spawn_cgroup_drop(struct pv_cg_job *j, struct dcg *g);
/* The spawner has settled j (the group is dom<domid> with its limits). */
int pv_spawn_cgroup_settled(struct pv_cg_job *j);

/* The second wall (pv_sandbox.c): launchers start without root, in namespaces of
 * their own. init: with the launcher's path; spawn: one launcher on control socket
 * ctrl (its end), its pid and uid ((uid_t)-1: none of its own). uid_put: a domain's
 * uid is free again (its process is gone). summary: the walls, for pvx info. */
int pv_sandbox_init(const char *launcher);
int pv_sandbox_spawn(int ctrl, pid_t *pid, uid_t *uid);
void pv_sandbox_uid_put(uid_t uid);
const char *pv_sandbox_summary(void);

/* The service thread (pv_service.c). */
int pv_service_start(struct domain *d);
void pv_service_stop(struct domain *d);
/* Ask the service thread to stop without waiting (the domain is being killed):
 * pv_service_stop then only joins it. hv_lock may be held. */
void pv_service_stop_soon(struct domain *d);
/* Answer hypercall `id` of d's process with ret. */
void pv_answer(struct domain *d, uint64_t id, long ret);
/* Interrupt v's thread with the upcall signal (upcall, park or stop). */
void pv_signal(struct domain *d, struct vcpu *v);
/* engine ops complete and kick (hv_lock). */
void pv_complete(struct domain *d, struct vcpu *v, long ret);
void pv_kick(struct domain *d, struct vcpu *v);

/* The launcher's private hypercalls (pv_launcher.c): answered or kept waiting there.
 * `from` is what the seccomp notification says about the caller. */
struct pv_call_origin {
	pid_t tid;    /* the calling thread (the kernel's word) */
	uint64_t rip; /* its syscall instruction (the kernel's word) */
};
void pv_launcher_call(struct domain *d, struct vcpu *v, unsigned nr, uint64_t id,
		      const struct pv_call_origin *from, const uint64_t a[5]);
/* Let a held vCPU go on with ret (hv_lock): clears its stop and park flags. */
void pv_release(struct domain *d, struct vcpu *v, long ret);

/* Quiesce and vCPU registers (pv_vcpu.c); engine ops, hv_lock. */
int pv_quiesce(struct domain *d);
void pv_resume(struct domain *d);
/* After a vCPU was held or let run while quiescing: report the end once all stop. */
void pv_quiesce_check(struct domain *d);
/* A vCPU kept waiting in SCHEDOP_block/_poll while a quiesce wants it: wake it with 0
 * (after the stop signal, so it stops as the call returns). */
void pv_stop_waiting(struct domain *d, struct vcpu *v);
int pv_get_vcpu(struct domain *d, struct vcpu *v, struct vcpu_state *st);
int pv_set_vcpu(struct domain *d, struct vcpu *v, const struct vcpu_state *st);
void pv_set_callback(struct domain *d, struct vcpu *v);

/* The reaper (pv_reaper.c): one thread waiting on every domain process's pidfd,
 * reporting each exit to the core with domain_reaped(). */
int pv_reaper_init(void);
int pv_reaper_watch(struct domain *d);

/* The dirty log (pv_dirty.c): engine ops, hv_lock. */
int pv_dirty_log_start(struct domain *d);
int pv_dirty_log_collect(struct domain *d, uint64_t *bitmap);
void pv_dirty_log_stop(struct domain *d);
/* Close its descriptors (release). */
void pv_dirty_close(struct pv_dom *p);
/* A launcher walled in a mount namespace without /proc sends no pagemap: the
 * spawner opens the process's own (the same mm) once it has exec'd and before its
 * domain comes -- while it is still dumpable, so a pvisor that is not root may
 * read it too. The descriptor, or -1 (the domain then cannot migrate live, as on
 * a kernel without the means). take: p keeps *fd unless the launcher sent its own. */
int pv_dirty_pagemap_open(pid_t pid);
void pv_dirty_pagemap_take(struct pv_dom *p, int *fd);
/* Scheduling (pv_sched.c): engine ops set_affinity (pv_apply_affinity, also when a
 * vCPU's thread binds), set_sched, vcpu_cpu; the domain cgroup at its end (made
 * with the launcher, settled after the start: pv_spawn.c). */
int pv_apply_affinity(struct domain *d, struct vcpu *v);
int pv_set_sched(struct domain *d);
int pv_vcpu_cpu(struct domain *d, struct vcpu *v);
/* The domain's cgroup goes (its process is gone), settled or not. */
void pv_sched_end(struct domain *d);

/* The hypercall page (pv_hcpage.c). */
int pv_hypercall_page(struct domain *d, uint64_t gpfn);

#endif
