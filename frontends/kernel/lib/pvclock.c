/* PV clock arithmetic (see pvclock.h). */
#include "pvclock.h"

uint64_t pvclock_scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
	__extension__ unsigned __int128 prod;

	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	prod = (unsigned __int128)delta * mul;
	return (uint64_t)(prod >> 32);
}

uint64_t pvclock_ns(const struct pvclock_params *p, uint64_t tsc)
{
	uint64_t delta = tsc > p->tsc_timestamp ? tsc - p->tsc_timestamp : 0;

	return p->system_time + pvclock_scale_delta(delta, p->mul, p->shift);
}

uint64_t pvclock_tsc_khz(const struct pvclock_params *p)
{
	/* 1 ms = ((ticks << shift) * mul) >> 32 ns, solved for ticks. */
	uint64_t khz;

	if (p->mul == 0)
		return 0;
	khz = (1000000ULL << 32) / p->mul;
	if (p->shift < 0)
		khz <<= -p->shift;
	else
		khz >>= p->shift;
	return khz;
}
