/* netback: a vif's transmit rate limit with Xen's semantics: a credit of
 * `bytes` is granted every `interval`; unused credit carries over up to a burst
 * of max(bytes, 128 KiB), so one packet always fits in a fresh window. */
#ifndef NETBACK_NB_RATE_H
#define NETBACK_NB_RATE_H

#include <stdint.h>

#define NB_RATE_MIN_BURST 131072u

struct nb_rate {
	uint64_t credit; /* bytes per interval; 0 = no limit */
	uint64_t interval_ns;
	uint64_t remaining; /* bytes that may pass in this window */
	uint64_t window_ns; /* when the current window began */
};

/* Start with a full credit at now_ns. bytes == 0 or usecs == 0: unlimited. */
void nb_rate_init(struct nb_rate *r, uint64_t bytes, uint32_t usecs, uint64_t now_ns);
/* May size bytes pass at now_ns? 1: yes, and they are charged. 0: not before
 * *retry_ns (the next window). */
int nb_rate_take(struct nb_rate *r, uint32_t size, uint64_t now_ns, uint64_t *retry_ns);

#endif
