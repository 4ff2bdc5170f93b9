/* pvisor public ABI: shared request/response rings between a frontend and a
 * backend (Xen 4.17 io/ring.h layout and index protocol), as type-generating
 * macros (PV_DEFINE_RING_TYPES) plus index helpers, written for pvisor. */
#ifndef PVISOR_IO_RING_H
#define PVISOR_IO_RING_H

#include <stdint.h>

/*
 * Layout of a shared ring page: a 64-byte header (producer and event indices,
 * one 4-byte private word, padding), then nr_ents entries, each a union of one
 * request and one response. nr_ents is a power of two; indices are free-running
 * uint32_t and wrap modulo 2^32; slot = idx & (nr_ents - 1).
 *
 * Deviation from Xen: the entry array is a flexible array member, so
 * sizeof(struct pv_<name>_sring) is the 64-byte header alone (Xen's includes
 * one entry). Offsets are identical.
 */
typedef uint32_t pv_ring_idx_t;

#define PV_RING_HDR_SIZE 64u

/* Memory barriers. Override by defining them before including this header. */
#ifndef PV_RING_MB
#define PV_RING_MB() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#ifndef PV_RING_RMB
#define PV_RING_RMB() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#endif
#ifndef PV_RING_WMB
#define PV_RING_WMB() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

/*
 * Largest power of two <= x (x a 32-bit value > 0), as a constant expression:
 * smear the top bit into every lower bit, then keep only the top one.
 */
#define PV_RING_SMEAR1_(x)        ((uint32_t)(x) | ((uint32_t)(x) >> 1))
#define PV_RING_SMEAR2_(x)        (PV_RING_SMEAR1_(x) | (PV_RING_SMEAR1_(x) >> 2))
#define PV_RING_SMEAR4_(x)        (PV_RING_SMEAR2_(x) | (PV_RING_SMEAR2_(x) >> 4))
#define PV_RING_SMEAR8_(x)        (PV_RING_SMEAR4_(x) | (PV_RING_SMEAR4_(x) >> 8))
#define PV_RING_SMEAR16_(x)       (PV_RING_SMEAR8_(x) | (PV_RING_SMEAR8_(x) >> 16))
#define PV_RING_ROUNDDOWN_POW2(x) (PV_RING_SMEAR16_(x) - (PV_RING_SMEAR16_(x) >> 1))

/* Entries of ring type `name` that fit in `bytes` of shared memory (constant). */
#define PV_CONST_RING_SIZE(name, bytes) \
	PV_RING_ROUNDDOWN_POW2(((bytes)-PV_RING_HDR_SIZE) / sizeof(union pv_##name##_sring_entry))

/* Same from a pointer to the shared ring (Xen's __RING_SIZE). */
#define PV_RING_SIZE_FOR(s, bytes) \
	PV_RING_ROUNDDOWN_POW2(((bytes)-PV_RING_HDR_SIZE) / sizeof((s)->ring[0]))

/*
 * PV_DEFINE_RING_TYPES(name, req_type, rsp_type) declares
 *   union  pv_<name>_sring_entry  one slot: { req; rsp; }
 *   struct pv_<name>_sring        the shared page
 *   struct pv_<name>_front_ring   the frontend's private view
 *   struct pv_<name>_back_ring    the backend's private view
 */
#define PV_DEFINE_RING_TYPES(name, req_type, rsp_type) \
	union pv_##name##_sring_entry { \
		req_type req; \
		rsp_type rsp; \
	}; \
	struct pv_##name##_sring { \
		pv_ring_idx_t req_prod, req_event; \
		pv_ring_idx_t rsp_prod, rsp_event; \
		union { \
			struct { \
				uint8_t smartpoll_active; \
			} netif; \
			struct { \
				uint8_t msg; \
			} tapif_user; \
			uint8_t pvt_pad[4]; \
		} pvt; \
		uint8_t __pad[44]; \
		union pv_##name##_sring_entry ring[]; \
	}; \
	struct pv_##name##_front_ring { \
		pv_ring_idx_t req_prod_pvt; \
		pv_ring_idx_t rsp_cons; \
		uint32_t nr_ents; \
		struct pv_##name##_sring *sring; \
	}; \
	struct pv_##name##_back_ring { \
		pv_ring_idx_t rsp_prod_pvt; \
		pv_ring_idx_t req_cons; \
		uint32_t nr_ents; \
		struct pv_##name##_sring *sring; \
	}

/* Largest power of two <= x at run time (0 for 0). */
static inline uint32_t pv_ring_rounddown_pow2(uint32_t x)
{
	uint32_t p = 1;

	if (x == 0)
		return 0;
	while (x >> 1) {
		x >>= 1;
		p <<= 1;
	}
	return p;
}

/*
 * Requests the back end may consume: what the front published, but never more
 * than a ring's worth beyond the responses the back end has produced, so a
 * hostile front cannot make the back end overrun its own responses.
 */
static inline pv_ring_idx_t pv_ring_unconsumed_requests(pv_ring_idx_t req_prod,
							pv_ring_idx_t req_cons,
							pv_ring_idx_t rsp_prod_pvt,
							uint32_t nr_ents)
{
	pv_ring_idx_t published = req_prod - req_cons;
	pv_ring_idx_t room = nr_ents - (req_cons - rsp_prod_pvt);

	return published < room ? published : room;
}

/* Whether a producer moving from old to new passed the consumer's event index:
 * event in the window (old, new] modulo 2^32. */
static inline int pv_ring_need_notify(pv_ring_idx_t old, pv_ring_idx_t new_idx,
				      pv_ring_idx_t event)
{
	return (pv_ring_idx_t)(new_idx - event) < (pv_ring_idx_t)(new_idx - old);
}

/* Copy a ring entry out of shared memory exactly once (the peer may change it
 * at any time): callers validate the private copy only. */
static inline void pv_ring_copy_entry(void *dst, const volatile void *src, uint32_t len)
{
	uint8_t *d = dst;
	const volatile uint8_t *s = src;
	uint32_t i;

	for (i = 0; i < len; i++)
		d[i] = s[i];
}

/* Initialise a fresh shared ring (the frontend does this before granting it). */
#define PV_SHARED_RING_INIT(s) \
	do { \
		uint32_t pv_i_; \
		(s)->req_prod = 0; \
		(s)->rsp_prod = 0; \
		(s)->req_event = 1; \
		(s)->rsp_event = 1; \
		for (pv_i_ = 0; pv_i_ < sizeof((s)->pvt.pvt_pad); pv_i_++) \
			(s)->pvt.pvt_pad[pv_i_] = 0; \
		for (pv_i_ = 0; pv_i_ < sizeof((s)->__pad); pv_i_++) \
			(s)->__pad[pv_i_] = 0; \
	} while (0)

/* Private views. The _ATTACH forms resume at a given index (e.g. after restore). */
#define PV_FRONT_RING_ATTACH(r, s, i, bytes) \
	do { \
		(r)->req_prod_pvt = (i); \
		(r)->rsp_cons = (i); \
		(r)->nr_ents = PV_RING_SIZE_FOR(s, bytes); \
		(r)->sring = (s); \
	} while (0)
#define PV_FRONT_RING_INIT(r, s, bytes) PV_FRONT_RING_ATTACH(r, s, 0, bytes)
/* Shared and front init together (Xen's XEN_FRONT_RING_INIT). */
#define PV_FRONT_RING_SETUP(r, s, bytes) \
	do { \
		PV_SHARED_RING_INIT(s); \
		PV_FRONT_RING_INIT(r, s, bytes); \
	} while (0)

#define PV_BACK_RING_ATTACH(r, s, i, bytes) \
	do { \
		(r)->rsp_prod_pvt = (i); \
		(r)->req_cons = (i); \
		(r)->nr_ents = PV_RING_SIZE_FOR(s, bytes); \
		(r)->sring = (s); \
	} while (0)
#define PV_BACK_RING_INIT(r, s, bytes) PV_BACK_RING_ATTACH(r, s, 0, bytes)

#define PV_RING_SIZE(r) ((r)->nr_ents)

/* Front end: request slots not yet answered and reusable. */
#define PV_RING_FREE_REQUESTS(r) (PV_RING_SIZE(r) - ((r)->req_prod_pvt - (r)->rsp_cons))
#define PV_RING_FULL(r)          (PV_RING_FREE_REQUESTS(r) == 0)

#define PV_RING_NR_UNCONSUMED_RESPONSES(r) ((pv_ring_idx_t)((r)->sring->rsp_prod - (r)->rsp_cons))
#define PV_RING_NR_UNCONSUMED_REQUESTS(r) \
	pv_ring_unconsumed_requests((r)->sring->req_prod, (r)->req_cons, (r)->rsp_prod_pvt, \
				    PV_RING_SIZE(r))
#define PV_RING_HAS_UNCONSUMED_RESPONSES(r) PV_RING_NR_UNCONSUMED_RESPONSES(r)
#define PV_RING_HAS_UNCONSUMED_REQUESTS(r)  PV_RING_NR_UNCONSUMED_REQUESTS(r)

/* Pointers into the shared page (read them through PV_RING_COPY_*). */
#define PV_RING_GET_REQUEST(r, idx)  (&((r)->sring->ring[(idx) & (PV_RING_SIZE(r) - 1)].req))
#define PV_RING_GET_RESPONSE(r, idx) (&((r)->sring->ring[(idx) & (PV_RING_SIZE(r) - 1)].rsp))

/* Copy entry idx into *dst once, before any check. */
#define PV_RING_COPY_REQUEST(r, idx, dst) \
	pv_ring_copy_entry((dst), PV_RING_GET_REQUEST(r, idx), sizeof(*(dst)))
#define PV_RING_COPY_RESPONSE(r, idx, dst) \
	pv_ring_copy_entry((dst), PV_RING_GET_RESPONSE(r, idx), sizeof(*(dst)))

/* Back end sanity checks: a consumer index more than a ring ahead of the
 * responses, or a published producer more than a ring ahead, is bogus. */
#define PV_RING_REQUEST_CONS_OVERFLOW(r, cons) \
	((pv_ring_idx_t)((cons) - (r)->rsp_prod_pvt) >= PV_RING_SIZE(r))
#define PV_RING_REQUEST_PROD_OVERFLOW(r, prod) \
	((pv_ring_idx_t)((prod) - (r)->rsp_prod_pvt) > PV_RING_SIZE(r))
/* Front end: a response producer more than a ring ahead of our consumer. */
#define PV_RING_RESPONSE_PROD_OVERFLOW(r, prod) \
	((pv_ring_idx_t)((prod) - (r)->rsp_cons) > PV_RING_SIZE(r))

/* Publish privately produced entries, without notification check. */
#define PV_RING_PUSH_REQUESTS(r) \
	do { \
		PV_RING_WMB(); \
		(r)->sring->req_prod = (r)->req_prod_pvt; \
	} while (0)
#define PV_RING_PUSH_RESPONSES(r) \
	do { \
		PV_RING_WMB(); \
		(r)->sring->rsp_prod = (r)->rsp_prod_pvt; \
	} while (0)

/* Publish, and set `notify` if the peer asked to be woken in the range. */
#define PV_RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(r, notify) \
	do { \
		pv_ring_idx_t pv_old_ = (r)->sring->req_prod; \
		pv_ring_idx_t pv_new_ = (r)->req_prod_pvt; \
		PV_RING_WMB(); \
		(r)->sring->req_prod = pv_new_; \
		PV_RING_MB(); \
		(notify) = pv_ring_need_notify(pv_old_, pv_new_, (r)->sring->req_event); \
	} while (0)
#define PV_RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(r, notify) \
	do { \
		pv_ring_idx_t pv_old_ = (r)->sring->rsp_prod; \
		pv_ring_idx_t pv_new_ = (r)->rsp_prod_pvt; \
		PV_RING_WMB(); \
		(r)->sring->rsp_prod = pv_new_; \
		PV_RING_MB(); \
		(notify) = pv_ring_need_notify(pv_old_, pv_new_, (r)->sring->rsp_event); \
	} while (0)

/*
 * Before sleeping: if nothing is pending, ask to be woken by the next entry
 * (event = cons + 1), then look again to close the race with the producer.
 * `work` ends non-zero when there is something to consume.
 */
#define PV_RING_FINAL_CHECK_FOR_REQUESTS(r, work) \
	do { \
		(work) = PV_RING_HAS_UNCONSUMED_REQUESTS(r); \
		if (work) \
			break; \
		(r)->sring->req_event = (r)->req_cons + 1; \
		PV_RING_MB(); \
		(work) = PV_RING_HAS_UNCONSUMED_REQUESTS(r); \
	} while (0)
#define PV_RING_FINAL_CHECK_FOR_RESPONSES(r, work) \
	do { \
		(work) = PV_RING_HAS_UNCONSUMED_RESPONSES(r); \
		if (work) \
			break; \
		(r)->sring->rsp_event = (r)->rsp_cons + 1; \
		PV_RING_MB(); \
		(work) = PV_RING_HAS_UNCONSUMED_RESPONSES(r); \
	} while (0)

#endif
