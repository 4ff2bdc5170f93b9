/* Guest time: TSC calibration at start-up, vcpu_time_info (system time and TSC
 * scale, under the version seqlock) and the wallclock in shared_info. */
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#include "core/hv.h"
#include "log.h"

static uint32_t tsc_mul;
static int8_t tsc_shift;
static uint64_t tsc_hz;

uint64_t timeinfo_system_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* ns = ((tsc << shift) * mul) >> 32, with mul in [2^31, 2^32). */
static void timeinfo_scale(uint64_t hz)
{
	unsigned __int128 mul;
	int shift = 0;

	for (;;) {
		unsigned __int128 ticks = shift >= 0 ? (unsigned __int128)hz << shift
						     : (unsigned __int128)hz >> -shift;

		mul = ((unsigned __int128)1000000000ull << 32) / ticks;
		if (mul >= ((unsigned __int128)1 << 32))
			shift++;
		else if (mul < ((unsigned __int128)1 << 31))
			shift--;
		else
			break;
	}
	tsc_mul = (uint32_t)mul;
	tsc_shift = (int8_t)shift;
}

uint64_t timeinfo_tsc_khz(void)
{
	return tsc_hz / 1000;
}

void timeinfo_init(void)
{
	struct timespec req = { 0, 20 * 1000 * 1000 };
	uint64_t t0, t1, c0, c1;

	t0 = timeinfo_system_ns();
	c0 = __rdtsc();
	nanosleep(&req, NULL);
	t1 = timeinfo_system_ns();
	c1 = __rdtsc();
	tsc_hz = (uint64_t)((unsigned __int128)(c1 - c0) * 1000000000ull / (t1 - t0));
	timeinfo_scale(tsc_hz);
	log_info("TSC %lu kHz (mul %u shift %d)", (unsigned long)(tsc_hz / 1000), tsc_mul,
		 tsc_shift);
}

static void timeinfo_vcpu(struct pv_vcpu_time_info *t, uint64_t tsc, uint64_t sys)
{
	volatile uint32_t *ver = &t->version;

	*ver = *ver + 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->tsc_timestamp = tsc;
	t->system_time = sys;
	t->tsc_to_system_mul = tsc_mul;
	t->tsc_shift = tsc_shift;
	t->flags = 1; /* TSC stable: one invariant TSC on the host */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*ver = *ver + 1;
}

void timeinfo_update(struct domain *d)
{
	struct pv_shared_info *si = (void *)(d->mem + d->special_off);
	uint64_t tsc = __rdtsc(), sys = timeinfo_system_ns();
	struct timespec rt;
	uint64_t wc;
	unsigned n = d->max_vcpus < PV_LEGACY_MAX_VCPUS ? d->max_vcpus : PV_LEGACY_MAX_VCPUS;

	for (unsigned i = 0; i < n; i++)
		timeinfo_vcpu(&si->vcpu_info[i].time, tsc, sys);
	/* wallclock = the real time at system time 0 */
	clock_gettime(CLOCK_REALTIME, &rt);
	wc = (uint64_t)rt.tv_sec * 1000000000ull + rt.tv_nsec - sys +
	     (uint64_t)(d->time_offset * 1000000000ll);
	si->wc_version++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	si->wc_sec = (uint32_t)(wc / 1000000000ull);
	si->wc_sec_hi = (uint32_t)((wc / 1000000000ull) >> 32);
	si->wc_nsec = (uint32_t)(wc % 1000000000ull);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	si->wc_version++;
}
