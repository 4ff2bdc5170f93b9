/* libpvctrl: scheduling calls (xl's vcpu-pin, sched-credit, the host's CPU
 * controller). */
#include <errno.h>
#include <string.h>

#include "pvctrl.h"
#include "pvctrl_priv.h"

int pvctrl_vcpu_affinity(struct pvctrl *h, pv_domid_t domid, unsigned vcpu, int set,
			 uint8_t hard[PVCTRL_CPUMAP_BYTES], uint8_t soft[PVCTRL_CPUMAP_BYTES])
{
	struct pv_domctl dc = { .cmd = set ? PV_DOMCTL_setvcpuaffinity
					   : PV_DOMCTL_getvcpuaffinity,
				.domain = domid };
	struct pv_domctl_vcpuaffinity *a = &dc.u.vcpuaffinity;
	uint8_t buf[2 * PVCTRL_CPUMAP_BYTES] = { 0 };
	int rc;

	a->vcpu = vcpu;
	a->flags = (hard ? PV_VCPUAFFINITY_HARD : 0) | (soft ? PV_VCPUAFFINITY_SOFT : 0);
	a->cpumap_hard = (struct pv_xenctl_bitmap){ PV_PRIVCMD_BUF_ADDR,
						    PVCTRL_CPUMAP_BYTES * 8 };
	a->cpumap_soft = (struct pv_xenctl_bitmap){ PV_PRIVCMD_BUF_ADDR + PVCTRL_CPUMAP_BYTES,
						    PVCTRL_CPUMAP_BYTES * 8 };
	if (set && hard)
		memcpy(buf, hard, PVCTRL_CPUMAP_BYTES);
	if (set && soft)
		memcpy(buf + PVCTRL_CPUMAP_BYTES, soft, PVCTRL_CPUMAP_BYTES);
	rc = pvctrl_domctl(h, &dc, buf, sizeof(buf));
	if (rc == 0 && !set && hard)
		memcpy(hard, buf, PVCTRL_CPUMAP_BYTES);
	if (rc == 0 && !set && soft)
		memcpy(soft, buf + PVCTRL_CPUMAP_BYTES, PVCTRL_CPUMAP_BYTES);
	return rc;
}

int pvctrl_sched_credit(struct pvctrl *h, pv_domid_t domid, int set, unsigned *weight,
			unsigned *cap)
{
	struct pv_domctl dc = { .cmd = PV_DOMCTL_scheduler_op, .domain = domid };
	struct pv_domctl_scheduler_op *op = &dc.u.scheduler_op;
	int rc;

	op->sched_id = PV_SCHEDULER_CREDIT;
	op->cmd = set ? PV_DOMCTL_SCHEDOP_putinfo : PV_DOMCTL_SCHEDOP_getinfo;
	if (set) {
		op->u.credit.weight = (uint16_t)*weight; /* 0: unchanged */
		op->u.credit.cap = (uint16_t)*cap;       /* 0xffff: unchanged */
	}
	rc = pvctrl_domctl(h, &dc, NULL, 0);
	if (rc == 0 && !set) {
		*weight = op->u.credit.weight;
		*cap = op->u.credit.cap;
	}
	return rc;
}

int pvctrl_sched_info(struct pvctrl *h, struct pv_privcmd_schedinfo *si)
{
	size_t len = 0;
	int rc = pvctrl_request(h, PV_PRIVCMD_OP_SCHED_INFO, NULL, 0, si, sizeof(*si), &len,
				NULL);

	if (rc == 0 && len != sizeof(*si))
		rc = -EPROTO;
	return rc;
}
