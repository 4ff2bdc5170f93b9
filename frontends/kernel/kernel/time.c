/* Kernel clock (see time.h). The hypervisor bumps version to odd before it rewrites
 * the record and to even after, so a copy taken between two equal even versions is
 * consistent. */
#include <stddef.h>

#include <pvisor/errno.h>

#include "arch/x86_64/cpu.h"
#include "time.h"

#define TIME_MAX_TRIES 1000000

static const volatile struct pv_vcpu_time_info *time_info;
static const volatile struct pv_shared_info *time_shared;
static uint64_t time_last_ns;

static uint64_t time_boot_ns;

uint64_t time_since_boot_ns(void)
{
	return monotonic_ns() - time_boot_ns;
}

void time_init(struct pv_shared_info *si)
{
	time_info = si ? &si->vcpu_info[0].time : NULL;
	time_shared = si;
	time_last_ns = 0;
	time_boot_ns = monotonic_ns();
}

static uint32_t time_copy(struct pvclock_params *p, uint64_t *tsc)
{
	const volatile struct pv_vcpu_time_info *t = time_info;
	uint32_t version = t->version;

	cpu_rmb();
	p->tsc_timestamp = t->tsc_timestamp;
	p->system_time = t->system_time;
	p->mul = t->tsc_to_system_mul;
	p->shift = t->tsc_shift;
	*tsc = cpu_rdtsc();
	cpu_rmb();
	return version;
}

int time_read_params(struct pvclock_params *p, uint64_t *tsc)
{
	if (!time_info) {
		*p = (struct pvclock_params){ 0 };
		*tsc = 0;
		return -PV_ENODEV;
	}
	for (int i = 0; i < TIME_MAX_TRIES; i++) {
		uint32_t version = time_copy(p, tsc);

		if (!(version & 1) && version == time_info->version)
			return 0;
		cpu_relax();
	}
	return -PV_EAGAIN;
}

uint64_t monotonic_ns(void)
{
	struct pvclock_params p;
	uint64_t tsc, now;

	time_read_params(&p, &tsc);
	now = pvclock_ns(&p, tsc);
	/* Two records may disagree by a little; never let the caller see time reverse. */
	if (now < time_last_ns)
		return time_last_ns;
	time_last_ns = now;
	return now;
}

uint64_t time_tsc_to_ns(uint64_t ticks)
{
	struct pvclock_params p;
	uint64_t tsc;

	time_read_params(&p, &tsc);
	return pvclock_scale_delta(ticks, p.mul, p.shift);
}

int time_wallclock(uint64_t *sec, uint32_t *nsec)
{
	const volatile struct pv_shared_info *si = time_shared;
	uint64_t base, now;
	uint32_t v, ns;

	if (!si)
		return -PV_ENODEV;
	for (int tries = 0; tries < TIME_MAX_TRIES; tries++) {
		v = si->wc_version;
		cpu_rmb();
		base = (uint64_t)si->wc_sec_hi << 32 | si->wc_sec;
		ns = si->wc_nsec;
		cpu_rmb();
		if (!(v & 1) && v == si->wc_version)
			break;
	}
	/* the wallclock is that of system time 0: add the system time */
	now = base * 1000000000ull + ns + monotonic_ns();
	*sec = now / 1000000000ull;
	*nsec = (uint32_t)(now % 1000000000ull);
	return 0;
}
