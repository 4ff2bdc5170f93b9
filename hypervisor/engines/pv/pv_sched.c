/* Scheduling a pv domain on the host (engine ops set_affinity, set_sched,
 * vcpu_cpu): a vCPU is a thread of the domain process, so its hard affinity is
 * the thread's CPU affinity; the process lives in its domain cgroup (core/dcg),
 * whose CPU controller carries the credit weight and cap (the same group bounds
 * its tasks and memory: docs/SECURITY.md). */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/dcg.h"
#include "engines/pv/pv.h"
#include "pv_errno.h"
#include "pvisor/errno.h"

/* v's hard affinity as a host cpu_set_t, cut to the CPUs the host has. */
static int pv_cpuset(const struct vcpu *v, cpu_set_t *set)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	CPU_ZERO(set);
	for (long c = 0; c < ncpu && c < HV_CPUMAP_BITS && c < CPU_SETSIZE; c++)
		if (v->affinity_hard[c / 8] >> (c % 8) & 1)
			CPU_SET((int)c, set);
	return CPU_COUNT(set) ? 0 : -PV_EINVAL;
}

int pv_apply_affinity(struct domain *d, struct vcpu *v)
{
	struct pv_vcpu *pv = pv_vcpu(d, v);
	cpu_set_t set;
	int rc = pv_cpuset(v, &set);

	if (rc || !pv->tid || d->reaped)
		return rc; /* applied when its thread binds (pv_launcher.c) */
	return sched_setaffinity(pv->tid, sizeof(set), &set) < 0 ? pv_errno_last() : 0;
}

/* Before the start, and until the spawner settled the domain's cgroup, the
 * settling applies the weight and cap as they are then (pv_spawn.c). */
int pv_set_sched(struct domain *d)
{
	struct pv_dom *p = pv_dom(d);

	if (!(dcg_controllers() & DCG_CPU))
		return -PV_EOPNOTSUPP;
	if (!d->started || !pv_spawn_cgroup_settled(&p->cg_job))
		return 0;
	return dcg_set_cpu(p->cg, d->sched_weight, d->sched_cap);
}

void pv_sched_end(struct domain *d)
{
	struct pv_dom *p = pv_dom(d);

	pv_spawn_cgroup_drop(&p->cg_job, p->cg);
	p->cg = NULL;
}

/* The processor field (39th) of the thread's /proc stat line. */
int pv_vcpu_cpu(struct domain *d, struct vcpu *v)
{
	struct pv_vcpu *pv = pv_vcpu(d, v);
	char path[64], buf[1024], *p;
	int fd, cpu = -1, field = 2;
	ssize_t n;

	if (!pv->tid || pv_dom(d)->pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pv_dom(d)->pid, (int)pv->tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the name may hold blanks; fields start after it */
	for (; p && *p && field < 39; p++)
		field += *p == ' ';
	if (p && field == 39)
		sscanf(p, "%d", &cpu);
	return cpu;
}
