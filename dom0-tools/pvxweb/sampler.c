/* The sampler thread (see sampler.h): looks, compares with the last look, and
 * publishes JSON messages under one lock that the loop thread takes them from. */
#include "sampler.h"

#include <errno.h>
#include <libwebsockets.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_gen.h>

#include "api.h"
#include "log.h"
#include "util.h"

#define SAMPLER_MAX_QUEUED 256 /* messages the loop has not taken: older ones go */

struct sampler {
	pthread_t th;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct lws_context *ctx;
	int stop, kick;
	/* published, under lock */
	struct smsg *head, *tail;
	unsigned queued;
	char *snapshot;
	uint64_t snap_seq;
	/* the thread's own */
	uint64_t seq;
	struct pvctrl *pc;
	int hv_down;
	struct sample_set prev, mprev;
	uint64_t next_metrics;
};

static void sampler_publish(struct sampler *s, yajl_gen g, int snapshot)
{
	const unsigned char *buf;
	size_t len;
	struct smsg *m;

	yajl_gen_get_buf(g, &buf, &len);
	m = malloc(sizeof(*m) + len + 1);
	if (!m)
		return;
	m->next = NULL;
	m->seq = s->seq;
	m->len = len;
	memcpy(m->text, buf, len);
	m->text[len] = '\0';
	pthread_mutex_lock(&s->lock);
	if (snapshot) {
		free(s->snapshot);
		s->snapshot = strdup(m->text);
		s->snap_seq = s->seq;
		free(m);
	} else {
		if (s->queued == SAMPLER_MAX_QUEUED) { /* the loop is stuck: keep the newest */
			struct smsg *old = s->head;

			s->head = old->next;
			free(old);
			s->queued--;
		}
		if (s->tail)
			s->tail->next = m;
		else
			s->head = m;
		s->tail = m;
		s->queued++;
	}
	pthread_mutex_unlock(&s->lock);
}

static yajl_gen msg_open(const char *type)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (g) {
		yajl_gen_map_open(g);
		json_kstr(g, "type", type);
	}
	return g;
}

static void msg_close(struct sampler *s, yajl_gen g, int snapshot)
{
	yajl_gen_map_close(g);
	sampler_publish(s, g, snapshot);
	yajl_gen_free(g);
}

static const struct dom_sample *set_find(const struct sample_set *set, pv_domid_t domid)
{
	for (int i = 0; i < set->n; i++)
		if (set->d[i].e.domid == domid)
			return &set->d[i];
	return NULL;
}

/* What a person would call a change: running and blocked are one state here (an
 * idle guest flips between them all the time); the letters otherwise count. */
static int dom_changed(const struct dom_sample *a, const struct dom_sample *b)
{
	uint32_t sa = a->e.state == PV_DOMSTATE_BLOCKED ? PV_DOMSTATE_RUNNING : a->e.state;
	uint32_t sb = b->e.state == PV_DOMSTATE_BLOCKED ? PV_DOMSTATE_RUNNING : b->e.state;

	return sa != sb || strcmp(a->e.name, b->e.name) || a->e.nr_vcpus != b->e.nr_vcpus ||
	       a->e.max_pages != b->e.max_pages || strcmp(a->e.crash_reason, b->e.crash_reason) ||
	       strcmp(a->letters + 2, b->letters + 2) || a->io.nr_vbd != b->io.nr_vbd ||
	       a->io.nr_vif != b->io.nr_vif;
}

static void publish_domain(struct sampler *s, const char *event, const struct dom_sample *d)
{
	yajl_gen g = msg_open("domain");

	if (!g)
		return;
	json_kstr(g, "event", event);
	json_key(g, "domain");
	sample_domain_json(g, d);
	msg_close(s, g, 0);
}

static void publish_changes(struct sampler *s, const struct sample_set *cur)
{
	for (int i = 0; i < cur->n; i++) {
		const struct dom_sample *old = set_find(&s->prev, cur->d[i].e.domid);

		if (!old)
			publish_domain(s, "added", &cur->d[i]);
		else if (dom_changed(old, &cur->d[i]))
			publish_domain(s, "changed", &cur->d[i]);
	}
	for (int i = 0; i < s->prev.n; i++)
		if (!set_find(cur, s->prev.d[i].e.domid))
			publish_domain(s, "removed", &s->prev.d[i]);
}

static void publish_snapshot(struct sampler *s, const struct sample_set *cur)
{
	yajl_gen g = msg_open("snapshot");

	if (!g)
		return;
	json_kbool(g, "hypervisor", !s->hv_down);
	json_key(g, "domains");
	yajl_gen_array_open(g);
	for (int i = 0; i < cur->n; i++)
		sample_domain_json(g, &cur->d[i]);
	yajl_gen_array_close(g);
	msg_close(s, g, 1);
}

/* A per-second rate of counter k between two looks, or null when either lacks it. */
static void rate_io(yajl_gen g, const char *key, const struct dom_sample *a,
		    const struct dom_sample *b, enum bk_counter k, double dt)
{
	uint32_t bit = 1u << k;

	if (!(a->io.have & bit) || !(b->io.have & bit) || b->io.c[k] < a->io.c[k] || dt <= 0) {
		json_knull(g, key);
		return;
	}
	json_knum(g, key, (double)(b->io.c[k] - a->io.c[k]) / dt);
}

/* A per-second rate of a hypervisor counter, or null when either look lacks it. */
static void rate_ctr(yajl_gen g, const char *key, const struct dom_sample *a,
		     const struct dom_sample *b, uint64_t va, uint64_t vb, double dt)
{
	if (!a->have_ctr || !b->have_ctr || vb < va || dt <= 0)
		json_knull(g, key);
	else
		json_knum(g, key, (double)(vb - va) / dt);
}

static void metrics_one(yajl_gen g, const struct dom_sample *a, const struct dom_sample *b,
			double dt)
{
	double cpu = b->e.cpu_time >= a->e.cpu_time && dt > 0
			     ? (double)(b->e.cpu_time - a->e.cpu_time) / 1e9 / dt * 100.0
			     : 0.0;

	yajl_gen_map_open(g);
	json_kint(g, "domid", b->e.domid);
	json_kstr(g, "name", b->e.name);
	json_knum(g, "cpu_pct", cpu);
	json_kint(g, "cpu_time_ns", (long long)b->e.cpu_time);
	json_kint(g, "mem_kib", (long long)b->e.tot_pages * 4);
	rate_ctr(g, "hypercalls_per_s", a, b, a->ctr.hypercalls_total, b->ctr.hypercalls_total,
		 dt);
	rate_ctr(g, "events_per_s", a, b, a->ctr.events_received, b->ctr.events_received, dt);
	rate_ctr(g, "events_sent_per_s", a, b, a->ctr.events_sent, b->ctr.events_sent, dt);
	rate_ctr(g, "upcalls_per_s", a, b, a->ctr.upcalls, b->ctr.upcalls, dt);
	rate_io(g, "disk_read_Bps", a, b, BK_RD_BYTES, dt);
	rate_io(g, "disk_write_Bps", a, b, BK_WR_BYTES, dt);
	rate_io(g, "net_rx_Bps", a, b, BK_RX_BYTES, dt);
	rate_io(g, "net_tx_Bps", a, b, BK_TX_BYTES, dt);
	yajl_gen_map_close(g);
}

static void publish_metrics(struct sampler *s, const struct sample_set *cur)
{
	double dt = (double)(cur->t_ns - s->mprev.t_ns) / 1e9;
	struct timespec now;
	yajl_gen g = msg_open("metrics");

	if (!g)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	json_knum(g, "time", (double)now.tv_sec + now.tv_nsec / 1e9);
	json_knum(g, "interval_s", dt);
	json_key(g, "domains");
	yajl_gen_array_open(g);
	for (int i = 0; i < cur->n; i++) {
		const struct dom_sample *old = set_find(&s->mprev, cur->d[i].e.domid);

		if (old)
			metrics_one(g, old, &cur->d[i], dt);
	}
	yajl_gen_array_close(g);
	msg_close(s, g, 0);
}

static void set_copy(struct sample_set *dst, const struct sample_set *src)
{
	sample_set_free(dst);
	*dst = *src;
	dst->d = malloc((src->n ? src->n : 1) * sizeof(*dst->d));
	if (dst->d)
		memcpy(dst->d, src->d, src->n * sizeof(*dst->d));
	else
		dst->n = 0;
}

/* The hypervisor went away or came back: one message each time. */
static void publish_hv(struct sampler *s, int down)
{
	yajl_gen g;

	if (s->hv_down == down)
		return;
	s->hv_down = down;
	g = msg_open("hypervisor");
	if (!g)
		return;
	json_kbool(g, "up", !down);
	msg_close(s, g, 0);
}

/* Looks between metrics keep the devices' counters of the last one. */
static void carry_io(struct sample_set *cur, const struct sample_set *prev)
{
	for (int i = 0; i < cur->n; i++) {
		const struct dom_sample *old = set_find(prev, cur->d[i].e.domid);

		if (old) {
			cur->d[i].io = old->io;
			cur->d[i].ctr = old->ctr;
			cur->d[i].have_ctr = old->have_ctr;
		}
	}
}

static void sampler_look(struct sampler *s)
{
	int due = util_now_ns() >= s->next_metrics, rc = s->pc ? 0 : pvctrl_open(&s->pc);
	struct sample_set cur;

	if (rc == 0 && (rc = sample_take(s->pc, &cur, due)) < 0) {
		pvctrl_close(s->pc);
		s->pc = NULL;
	}
	s->seq++;
	if (rc < 0) {
		publish_hv(s, 1);
		memset(&cur, 0, sizeof(cur));
		cur.t_ns = util_now_ns();
	} else {
		publish_hv(s, 0);
	}
	if (!due)
		carry_io(&cur, &s->prev);
	publish_changes(s, &cur);
	if (due) {
		if (s->mprev.t_ns)
			publish_metrics(s, &cur);
		set_copy(&s->mprev, &cur);
		s->next_metrics = cur.t_ns + SAMPLER_METRICS_MS * 1000000ull;
	}
	publish_snapshot(s, &cur);
	sample_set_free(&s->prev);
	s->prev = cur;
}

static void *sampler_main(void *arg)
{
	struct sampler *s = arg;

	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		struct timespec dl;

		pthread_mutex_unlock(&s->lock);
		sampler_look(s);
		lws_cancel_service(s->ctx);
		pthread_mutex_lock(&s->lock);
		clock_gettime(CLOCK_MONOTONIC, &dl);
		dl.tv_nsec += SAMPLER_STATE_MS * 1000000L;
		dl.tv_sec += dl.tv_nsec / 1000000000L;
		dl.tv_nsec %= 1000000000L;
		while (!s->stop && !s->kick &&
		       pthread_cond_timedwait(&s->cond, &s->lock, &dl) != ETIMEDOUT)
			;
		s->kick = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int sampler_start(struct sampler **out, struct lws_context *ctx)
{
	struct sampler *s = calloc(1, sizeof(*s));
	pthread_condattr_t ca;
	int rc;

	if (!s)
		return -ENOMEM;
	s->ctx = ctx;
	s->hv_down = -1; /* neither: the first look says which */
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &ca);
	pthread_condattr_destroy(&ca);
	rc = pthread_create(&s->th, NULL, sampler_main, s);
	if (rc) {
		free(s);
		return -rc;
	}
	*out = s;
	return 0;
}

void sampler_kick(struct sampler *s)
{
	pthread_mutex_lock(&s->lock);
	s->kick = 1;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

void sampler_stop(struct sampler *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->th, NULL);
	smsg_free_list(s->head);
	free(s->snapshot);
	sample_set_free(&s->prev);
	sample_set_free(&s->mprev);
	if (s->pc)
		pvctrl_close(s->pc);
	free(s);
}

struct smsg *sampler_take(struct sampler *s)
{
	struct smsg *m;

	pthread_mutex_lock(&s->lock);
	m = s->head;
	s->head = s->tail = NULL;
	s->queued = 0;
	pthread_mutex_unlock(&s->lock);
	return m;
}

void smsg_free_list(struct smsg *m)
{
	while (m) {
		struct smsg *next = m->next;

		free(m);
		m = next;
	}
}

char *sampler_snapshot(struct sampler *s, uint64_t *seq)
{
	char *copy;

	pthread_mutex_lock(&s->lock);
	copy = s->snapshot ? strdup(s->snapshot) : NULL;
	*seq = s->snap_seq;
	pthread_mutex_unlock(&s->lock);
	return copy;
}
