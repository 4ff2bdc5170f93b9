/* pvxweb's sampler: a thread that looks at every domain four times a second
 * (state) and once a second (metrics: CPU, memory, the hypervisor's counters,
 * the backends' device counters), and publishes to the loop thread a snapshot of
 * everything plus the events since the last look, as JSON text. */
#ifndef PVXWEB_SAMPLER_H
#define PVXWEB_SAMPLER_H

#include <stdint.h>

#include "libpvx/bkstat.h"
#include "libpvctrl/pvctrl.h"

struct lws_context;

#define SAMPLER_STATE_MS   250
#define SAMPLER_METRICS_MS 1000

/* One domain as one look saw it. */
struct dom_sample {
	struct pv_privcmd_domext e;
	char letters[7];                /* xl's r b p s <reason> d */
	struct bk_totals io;            /* the backends' counters of its devices */
	struct pv_privcmd_counters ctr; /* the hypervisor's counters (metrics looks) */
	int have_ctr;
};

struct sample_set {
	uint64_t t_ns; /* monotonic time of the look */
	int n;
	struct dom_sample *d;
};

/* A published message: JSON text, in the order it was made. */
struct smsg {
	struct smsg *next;
	uint64_t seq; /* the look that made it */
	size_t len;
	char text[];
};

struct sampler;

/* Start the thread; it wakes ctx's loop (lws_cancel_service) after each look
 * that published something. 0 or -errno. */
int sampler_start(struct sampler **out, struct lws_context *ctx);
void sampler_stop(struct sampler *s);
/* Loop thread: the messages published since the last take (a list the caller
 * frees with smsg_free_list). */
struct smsg *sampler_take(struct sampler *s);
void smsg_free_list(struct smsg *m);
/* Loop thread: a copy of the latest snapshot message (malloc'ed; NULL before the
 * first look) and the look it belongs to. */
char *sampler_snapshot(struct sampler *s, uint64_t *seq);
/* Ask for a look now (after an action changed something). */
void sampler_kick(struct sampler *s);

/* sample.c: one look (own connection), and the JSON of what it saw; backends:
 * ask the backends for the devices' counters too. 0 or -errno. */
int sample_take(struct pvctrl *pc, struct sample_set *out, int backends);
void sample_set_free(struct sample_set *s);
/* The domain object of the API and the events ({domid, name, state, ...}). */
struct yajl_gen_t;
void sample_domain_json(struct yajl_gen_t *g, const struct dom_sample *d);
/* The word for a pvisor domain state ("running", "paused", ...). */
const char *sample_state_name(uint32_t state);

#endif
