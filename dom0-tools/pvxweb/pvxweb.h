/* pvxweb: the JSON API and browser console of pvisor, served over HTTP and
 * WebSocket by libwebsockets. One event-loop thread serves every connection and
 * calls the toolstack; one sampler thread measures the domains and publishes
 * snapshots and events to it. Shared declarations of the daemon's files. */
#ifndef PVXWEB_H
#define PVXWEB_H

#include <libwebsockets.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "pvisor/xen.h"

struct pvctrl;
struct xs_handle;

#define WEB_TOKEN_LEN      32 /* hex characters of the access token */
#define WEB_CONF           "pvxweb.conf"
#define WEB_TOKEN_FILE     "pvxweb.token"
#define WEB_URL_FILE       "pvxweb.url"
#define WEB_SOCKET         "pvxweb.sock"
#define WEB_PID            "pvxweb.pid"
#define WEB_DEFAULT_LISTEN "127.0.0.1:8047"

struct web_opts {
	char listen[128];     /* "ADDR:PORT", "[V6]:PORT" or "none" */
	int allow_remote;     /* listen on a non-loopback address */
	char www[1024];       /* the page's files */
	char templates[1024]; /* xl.cfg templates offered for create */
	int verbose;
};

/* A message queued for one WebSocket client; data has LWS_PRE bytes of headroom. */
struct wsq_msg {
	struct wsq_msg *next;
	size_t len;
	int binary;
	unsigned char data[]; /* LWS_PRE + len */
};

/* A WebSocket client's outgoing queue, written out on each writable callback. */
struct wsq {
	struct wsq_msg *head, *tail;
	size_t bytes;
};

struct sampler;

struct web {
	struct web_opts o;
	struct lws_context *ctx;
	struct lws_vhost *vh_tcp, *vh_unix;
	char token[WEB_TOKEN_LEN + 1];
	char url[256];      /* http://ADDR:PORT of the TCP listener, "" if none */
	char iface_tcp[64]; /* lws keeps pointers to these for the vhosts' life */
	char iface_unix[108];
	struct pvctrl *pc;    /* the loop thread's hypervisor connection */
	struct xs_handle *xs; /* the loop thread's store connection (lazy) */
	struct sampler *smp;
	volatile int stop;
};

/* main.c: the loop thread's connections, reopened after a failure. NULL with
 * *err set when the daemon is not reachable. */
struct pvctrl *web_pvctrl(struct web *w, char *err, size_t errlen);
struct xs_handle *web_store(struct web *w, char *err, size_t errlen);
/* Forget a connection that failed (the next call reconnects). */
void web_pvctrl_reset(struct web *w);
void web_store_reset(struct web *w);

/* web_auth.c */
/* Load the token from the run directory, creating a fresh random one (mode 0600)
 * when there is none. 0 or -errno. */
int web_token_load(char out[WEB_TOKEN_LEN + 1]);
/* 1 when given equals the token (in time independent of where they differ). */
int web_token_equal(const char *token, const char *given);
/* The token of an "Authorization: Bearer TOKEN" header value, or NULL. */
const char *web_auth_bearer(const char *header);

/* web_lws.c: create the context and the listeners (TCP when o.listen is not
 * "none", and always the Unix socket in the run directory). 0 or -errno with err. */
int web_lws_start(struct web *w, char *err, size_t errlen);
void web_lws_stop(struct web *w);
/* 1 when wsi came in over the Unix socket (no token needed: the run directory's
 * permissions guard it). */
int web_is_unix(struct web *w, struct lws *wsi);
/* Check the request of wsi: Unix socket, or the token in the Authorization
 * header or the "token" query argument. 1 allowed, 0 not. */
int web_authorized(struct web *w, struct lws *wsi);

/* The web from any of its connections. */
struct web *web_of(struct lws *wsi);

/* web_http.c: the "pvx-http" protocol behind the /api mount. */
int web_http_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		size_t len);
extern const size_t web_http_pss_size;
/* web_events.c: the "pvx-events" WebSocket protocol. */
int web_events_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		  size_t len);
extern const size_t web_events_pss_size;
/* Move what the sampler published to every events client (loop thread). */
void web_events_pump(struct web *w);
/* web_console.c: "pvx-console" (browser side) and "pvx-consraw" (pvconsoled side). */
int web_console_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		   size_t len);
int web_consraw_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		   size_t len);
extern const size_t web_console_pss_size;

/* wsq.c */
/* Queue a copy of data. 0 or -ENOMEM. */
int wsq_push(struct wsq *q, const void *data, size_t len, int binary);
/* Write the head message to wsi; 1 when more are left, 0 when empty, -1 on error. */
int wsq_write_one(struct wsq *q, struct lws *wsi);
void wsq_clear(struct wsq *q);

/* Shared by the API and the events stream: the argument of a URL that names a
 * domain, as pvx resolves it. 0 and *domid, -ESRCH (none), or -errno. */
int web_domain_resolve(struct web *w, const char *spec, pv_domid_t *domid, char *err,
		       size_t errlen);

#endif
