/* netback: the token-bucket transmit limit (see nb_rate.h). */
#include "netback/nb_rate.h"

void nb_rate_init(struct nb_rate *r, uint64_t bytes, uint32_t usecs, uint64_t now_ns)
{
	r->credit = usecs ? bytes : 0;
	r->interval_ns = (uint64_t)usecs * 1000u;
	r->remaining = r->credit;
	r->window_ns = now_ns;
}

static void rate_refill(struct nb_rate *r)
{
	uint64_t burst = r->credit > NB_RATE_MIN_BURST ? r->credit : NB_RATE_MIN_BURST;
	uint64_t sum = r->remaining + r->credit;

	if (sum < r->remaining) /* wrapped */
		sum = UINT64_MAX;
	r->remaining = sum < burst ? sum : burst;
}

int nb_rate_take(struct nb_rate *r, uint32_t size, uint64_t now_ns, uint64_t *retry_ns)
{
	uint64_t next;

	if (r->credit == 0)
		return 1;
	next = r->window_ns + r->interval_ns;
	if (now_ns >= next) {
		/* A window boundary passed. Windows that passed unused add no more
		 * than one credit (burst cap); the new window starts at the boundary
		 * when we are close to it so the long-run rate does not drift down. */
		r->window_ns = now_ns - next < r->interval_ns ? next : now_ns;
		rate_refill(r);
		next = r->window_ns + r->interval_ns;
	}
	if (size > r->remaining) {
		*retry_ns = next;
		return 0;
	}
	r->remaining -= size;
	return 1;
}
