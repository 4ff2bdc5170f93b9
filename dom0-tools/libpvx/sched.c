/* A domain's scheduling from its config, and the calls behind vcpu-pin and
 * sched-credit: hard and soft affinity per vCPU (cpus=, cpus_soft=, either form),
 * the credit weight and cap. */
#include <errno.h>
#include <string.h>

#include "libpvx/pvx.h"

int pvx_cpumap_to_ctl(const char *list, uint8_t out[PVCTRL_CPUMAP_BYTES], struct pvx_err *err)
{
	uint8_t map[PVX_CPUMAP_BYTES];
	int rc = pvx_cpumap_parse(list, map);

	if (rc == -ENOENT)
		return pvx_fail(err, rc, "\"%s\" names a NUMA node the host does not have", list);
	if (rc < 0)
		return pvx_fail(err, rc,
				"\"%s\" is not a CPU list such as \"all\", \"0-3,^1\" or "
				"\"nodes:0\"",
				list);
	memcpy(out, map, PVCTRL_CPUMAP_BYTES); /* CPUs past it: no host has them */
	return 0;
}

int pvx_vcpu_pin(struct pvctrl *h, pv_domid_t domid, unsigned vcpu, const char *hard,
		 const char *soft, struct pvx_err *err)
{
	uint8_t hmap[PVCTRL_CPUMAP_BYTES], smap[PVCTRL_CPUMAP_BYTES];
	int rc = 0;

	if (hard)
		rc = pvx_cpumap_to_ctl(hard, hmap, err);
	if (rc == 0 && soft)
		rc = pvx_cpumap_to_ctl(soft, smap, err);
	if (rc < 0)
		return rc;
	rc = pvctrl_vcpu_affinity(h, domid, vcpu, 1, hard ? hmap : NULL, soft ? smap : NULL);
	if (rc == -EINVAL && hard)
		return pvx_fail(err, rc, "vCPU %u: \"%s\" holds none of the host's CPUs", vcpu,
				hard);
	if (rc < 0)
		pvx_fail(err, rc, "setting the affinity of vCPU %u: %s", vcpu, strerror(-rc));
	return rc;
}

int pvx_sched_credit_set(struct pvctrl *h, pv_domid_t domid, unsigned weight, unsigned cap,
			 struct pvx_err *err)
{
	int rc = pvctrl_sched_credit(h, domid, 1, &weight, &cap);

	if (rc == -EOPNOTSUPP)
		return pvx_fail(err, rc,
				"the host gives pvisor no cgroup CPU controller for "
				"weights and caps ('pvx info sched_cgroup' says why)");
	if (rc == -EINVAL)
		return pvx_fail(err, rc, "weight 1..65535, cap 0..100 per vCPU");
	if (rc < 0)
		pvx_fail(err, rc, "setting the credit parameters: %s", strerror(-rc));
	return rc;
}

int pvx_domain_sched_apply(struct pvctrl *h, pv_domid_t domid, const struct domcfg *dc,
			   struct pvx_err *err)
{
	int rc = 0;

	for (unsigned i = 0; rc == 0 && i < dc->maxvcpus; i++) {
		const char *hard = domcfg_affinity_of(&dc->cpus, i);
		const char *soft = domcfg_affinity_of(&dc->cpus_soft, i);

		if (hard || soft)
			rc = pvx_vcpu_pin(h, domid, i, hard, soft, err);
	}
	if (rc == 0 && (dc->cpu_weight != DOMCFG_WEIGHT_DEFAULT || dc->cap))
		rc = pvx_sched_credit_set(h, domid, dc->cpu_weight, dc->cap, err);
	return rc;
}
