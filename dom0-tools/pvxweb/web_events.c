/* The live stream, WebSocket protocol "pvx-events" at /api/v1/events: a client
 * first gets the latest snapshot ({"type": "snapshot", "domains": [...]}), then
 * every message the sampler publishes after it: "domain" (added, changed,
 * removed), "metrics" (once a second) and "hypervisor" (gone, back). The client
 * sends nothing. A client that stops reading is dropped before it costs much. */
#include <string.h>

#include "api.h"
#include "log.h"
#include "pvxweb.h"
#include "sampler.h"

#define EV_CLIENT_QMAX (4u << 20) /* queued bytes before a client is dropped */
#define EV_CLOSE_AUTH  4401       /* WebSocket close codes: 4000 + the HTTP status */
#define EV_CLOSE_SLOW  4408

struct ev_pss {
	struct ev_pss *next;
	struct lws *wsi;
	struct wsq q;
	uint64_t seq; /* messages of this look or older are in its snapshot */
	int authorized;
	int close_code; /* close once the queue is written */
};

const size_t web_events_pss_size = sizeof(struct ev_pss);

static struct ev_pss *ev_clients;

static void ev_unlink(struct ev_pss *ps)
{
	for (struct ev_pss **pp = &ev_clients; *pp; pp = &(*pp)->next)
		if (*pp == ps) {
			*pp = ps->next;
			return;
		}
}

/* Queue text and ask to write; an over-full client is closed instead. */
static void ev_send(struct ev_pss *ps, const char *text, size_t len)
{
	if (ps->close_code)
		return;
	if (ps->q.bytes + len > EV_CLIENT_QMAX) {
		log_warnx("events client reads too slowly (%zu bytes queued): dropped",
			  ps->q.bytes);
		wsq_clear(&ps->q);
		ps->close_code = EV_CLOSE_SLOW;
	} else if (wsq_push(&ps->q, text, len, 0) < 0) {
		ps->close_code = EV_CLOSE_SLOW;
	}
	lws_callback_on_writable(ps->wsi);
}

static void ev_refuse(struct ev_pss *ps)
{
	static const char msg[] = "{\"type\":\"error\",\"status\":401,\"code\":\"bad-token\","
				  "\"message\":\"pvx: missing or wrong access token; open the URL "
				  "that 'pvx web' prints\"}";

	wsq_push(&ps->q, msg, sizeof(msg) - 1, 0);
	ps->close_code = EV_CLOSE_AUTH;
	lws_callback_on_writable(ps->wsi);
}

static void ev_established(struct lws *wsi, struct ev_pss *ps)
{
	struct web *w = web_of(wsi);
	char *snap;

	ps->wsi = wsi;
	if (!ps->authorized) {
		ev_refuse(ps);
		return;
	}
	ps->next = ev_clients;
	ev_clients = ps;
	snap = sampler_snapshot(w->smp, &ps->seq);
	if (snap)
		ev_send(ps, snap, strlen(snap));
	free(snap);
}

void web_events_pump(struct web *w)
{
	struct smsg *list = sampler_take(w->smp);

	for (struct ev_pss *ps = ev_clients; ps; ps = ps->next)
		for (struct smsg *m = list; m; m = m->next)
			if (m->seq > ps->seq)
				ev_send(ps, m->text, m->len);
	smsg_free_list(list);
}

static int ev_writeable(struct lws *wsi, struct ev_pss *ps)
{
	int rc = wsq_write_one(&ps->q, wsi);

	if (rc < 0)
		return -1;
	if (rc > 0) {
		lws_callback_on_writable(wsi);
		return 0;
	}
	if (ps->close_code) {
		lws_close_reason(wsi, (enum lws_close_status)ps->close_code, NULL, 0);
		return -1;
	}
	return 0;
}

/* Only /api/v1/events speaks this protocol. */
static int ev_filter(struct lws *wsi, struct ev_pss *ps)
{
	char uri[64];

	if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) <= 0 ||
	    strcmp(uri, API_PREFIX "events") != 0)
		return 1;
	ps->authorized = web_authorized(web_of(wsi), wsi);
	return 0;
}

int web_events_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		  size_t len)
{
	struct ev_pss *ps = user;

	(void)in;
	(void)len;
	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		return ev_filter(wsi, ps);
	case LWS_CALLBACK_ESTABLISHED:
		ev_established(wsi, ps);
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return ev_writeable(wsi, ps);
	case LWS_CALLBACK_CLOSED:
		ev_unlink(ps);
		wsq_clear(&ps->q);
		return 0;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		web_events_pump(web_of(wsi));
		return 0;
	default:
		return 0;
	}
}
