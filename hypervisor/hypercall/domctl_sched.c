/* domctl's scheduling commands (xl's vcpu-pin, vcpu-list and sched-credit): vCPU
 * affinity, the credit scheduler's weight and cap of a domain, where a vCPU runs.
 * The core keeps the settings; the engine applies them to the host context. */
#include <string.h>

#include "engines/engine.h"
#include "hypercall/hypercall.h"
#include "pvisor/domctl.h"
#include "pvisor/errno.h"

/* A guest-handle bitmap into map (bits past nr_bits: clear; past the map: must be
 * clear, as a host cannot have those CPUs). */
static long ds_map_in(struct hc_ctx *ctx, const struct pv_xenctl_bitmap *b, uint8_t *map)
{
	uint8_t buf[HV_CPUMAP_BYTES * 4];
	size_t bytes = (b->nr_bits + 7) / 8;

	if (bytes == 0 || bytes > sizeof(buf))
		return -PV_EINVAL;
	memset(buf, 0, sizeof(buf));
	if (hc_copy_from(ctx, b->bitmap, buf, bytes))
		return -PV_EFAULT;
	if (b->nr_bits % 8)
		buf[bytes - 1] &= (uint8_t)((1u << (b->nr_bits % 8)) - 1);
	for (size_t i = HV_CPUMAP_BYTES; i < bytes; i++)
		if (buf[i])
			return -PV_EINVAL;
	memcpy(map, buf, HV_CPUMAP_BYTES);
	return 0;
}

static long ds_map_out(struct hc_ctx *ctx, const struct pv_xenctl_bitmap *b, const uint8_t *map)
{
	size_t bytes = (b->nr_bits + 7) / 8;

	if (bytes > HV_CPUMAP_BYTES)
		bytes = HV_CPUMAP_BYTES;
	return bytes && hc_copy_to(ctx, b->bitmap, map, bytes) ? -PV_EFAULT : 0;
}

/* setvcpuaffinity: hard (pinning, applied by the engine) and/or soft (kept). */
static long ds_set_affinity(struct hc_ctx *ctx, struct domain *d, struct pv_domctl *dc)
{
	struct pv_domctl_vcpuaffinity *a = &dc->u.vcpuaffinity;
	uint8_t hard[HV_CPUMAP_BYTES], soft[HV_CPUMAP_BYTES];
	struct vcpu *v;
	long rc = 0;

	if (a->vcpu >= d->max_vcpus)
		return -PV_EINVAL;
	v = &d->vcpus[a->vcpu];
	if ((a->flags & PV_VCPUAFFINITY_HARD) && (rc = ds_map_in(ctx, &a->cpumap_hard, hard)))
		return rc;
	if ((a->flags & PV_VCPUAFFINITY_SOFT) && (rc = ds_map_in(ctx, &a->cpumap_soft, soft)))
		return rc;
	if (a->flags & PV_VCPUAFFINITY_HARD) {
		uint8_t old[HV_CPUMAP_BYTES];

		memcpy(old, v->affinity_hard, sizeof(old));
		memcpy(v->affinity_hard, hard, sizeof(hard));
		rc = d->engine->set_affinity ? d->engine->set_affinity(d, v) : -PV_EOPNOTSUPP;
		if (rc)
			memcpy(v->affinity_hard, old, sizeof(old)); /* e.g. no host CPU in it */
	}
	if (rc == 0 && (a->flags & PV_VCPUAFFINITY_SOFT))
		memcpy(v->affinity_soft, soft, sizeof(soft));
	return rc;
}

static long ds_get_affinity(struct hc_ctx *ctx, struct domain *d, struct pv_domctl *dc)
{
	struct pv_domctl_vcpuaffinity *a = &dc->u.vcpuaffinity;
	struct vcpu *v;
	long rc = 0;

	if (a->vcpu >= d->max_vcpus)
		return -PV_EINVAL;
	v = &d->vcpus[a->vcpu];
	if (a->flags & PV_VCPUAFFINITY_HARD)
		rc = ds_map_out(ctx, &a->cpumap_hard, v->affinity_hard);
	if (rc == 0 && (a->flags & PV_VCPUAFFINITY_SOFT))
		rc = ds_map_out(ctx, &a->cpumap_soft, v->affinity_soft);
	return rc;
}

/* scheduler_op on the credit scheduler (credit2 accepted as the same): putinfo
 * sets weight (0: unchanged) and cap (0xffff: unchanged), as Xen's credit does. */
static long ds_credit(struct domain *d, struct pv_domctl *dc)
{
	struct pv_domctl_scheduler_op *op = &dc->u.scheduler_op;
	unsigned weight = d->sched_weight, cap = d->sched_cap;
	long rc;

	if (op->sched_id != PV_SCHEDULER_CREDIT && op->sched_id != PV_SCHEDULER_CREDIT2)
		return -PV_EINVAL;
	if (op->cmd == PV_DOMCTL_SCHEDOP_getinfo) {
		op->u.credit.weight = (uint16_t)d->sched_weight;
		op->u.credit.cap = (uint16_t)d->sched_cap;
		return 0;
	}
	if (op->cmd != PV_DOMCTL_SCHEDOP_putinfo)
		return -PV_EINVAL;
	if (op->u.credit.weight)
		d->sched_weight = op->u.credit.weight;
	if (op->u.credit.cap != 0xffff) {
		if (op->u.credit.cap > 100 * d->max_vcpus)
			return -PV_EINVAL;
		d->sched_cap = op->u.credit.cap;
	}
	rc = d->engine->set_sched ? d->engine->set_sched(d) : -PV_EOPNOTSUPP;
	if (rc) {
		d->sched_weight = weight;
		d->sched_cap = cap;
	}
	return rc;
}

long domctl_sched_locked(struct hc_ctx *ctx, struct domain *d, struct pv_domctl *dc)
{
	switch (dc->cmd) {
	case PV_DOMCTL_setvcpuaffinity:
		return ds_set_affinity(ctx, d, dc);
	case PV_DOMCTL_getvcpuaffinity:
		return ds_get_affinity(ctx, d, dc);
	case PV_DOMCTL_scheduler_op:
		return ds_credit(d, dc);
	default:
		return -PV_ENOSYS;
	}
}

int domctl_vcpu_cpu_locked(struct domain *d, struct vcpu *v)
{
	int cpu = d->started && !d->reaped && d->engine->vcpu_cpu ? d->engine->vcpu_cpu(d, v)
								  : -1;

	return cpu < 0 ? 0 : cpu;
}
