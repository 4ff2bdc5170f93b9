/* A guest's console in the browser: WebSocket protocol "pvx-console" at
 * /api/v1/domains/DOM/console, bridged to pvconsoled's client socket (the
 * protocol `pvx console` speaks: "attach DOMID\n", then "ok NAME TTY\n" and raw
 * bytes both ways, or "wait REASON\n" / "err REASON\n"). The browser gets one
 * text message {"type": "attached", ...} (or "waiting", "error", "detached")
 * and the console's bytes as binary messages; what it sends goes to the guest.
 * The pvconsoled side is adopted into the loop as protocol "pvx-consraw". */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "api.h"
#include "log.h"
#include "pvxweb.h"
#include "rundir.h"

#define CON_SOCKET   "pvconsoled.sock"
#define CON_WS_HIGH  (256u << 10) /* console output queued for the browser: stop reading */
#define CON_WS_LOW   (64u << 10)  /* ... and read again below this */
#define CON_IN_MAX   (64u << 10)  /* keystrokes the guest has not taken: more are dropped */
#define CON_RETRY_US 250000       /* "wait": ask pvconsoled again after this long */
#define CON_RETRIES  40           /* ... this many times (10 s) */

/* One browser console: both connections point at it; it goes with the last. */
struct con_sess {
	struct lws *ws, *raw;
	struct lws_context *ctx;
	pv_domid_t domid;
	char spec[API_SEG_MAX + 1];
	int attached;
	char line[128]; /* pvconsoled's answer line, until its newline */
	size_t line_len;
	struct wsq to_ws, to_raw;
	int throttled; /* the raw side is not read (browser behind) */
	lws_sorted_usec_list_t retry;
	int retries, waiting;
	int retry_pending; /* con_retry_cb is scheduled */
	int close_code;    /* close the browser side once to_ws is written */
};

struct con_pss {
	struct con_sess *s;
	int authorized;
	char spec[API_SEG_MAX + 1];
};

const size_t web_console_pss_size = sizeof(struct con_pss);

static void sess_free_if_done(struct con_sess *s)
{
	if (s->ws || s->raw)
		return;
	wsq_clear(&s->to_ws);
	wsq_clear(&s->to_raw);
	free(s);
}

/* A text message to the browser; code != 0: then close with it. */
static void con_tell(struct con_sess *s, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void con_tell(struct con_sess *s, int code, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	int n;

	if (!s->ws || s->close_code)
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n > 0)
		wsq_push(&s->to_ws, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1,
			 0);
	s->close_code = code;
	lws_callback_on_writable(s->ws);
}

/* JSON-safe copy of text from pvconsoled (names and reasons are plain words). */
static void con_clean(char *dst, size_t len, const char *src)
{
	size_t i = 0;

	for (; *src && i + 1 < len; src++)
		dst[i++] = (*src == '"' || *src == '\\' || (unsigned char)*src < 0x20) ? '?'
										       : *src;
	dst[i] = '\0';
}

static int con_connect(struct con_sess *s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char req[32];
	int fd, n;

	if (rundir_file(sa.sun_path, sizeof(sa.sun_path), CON_SOCKET) < 0)
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	n = snprintf(req, sizeof(req), "attach %u\n", s->domid);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || write(fd, req, n) != n) {
		int e = errno;

		close(fd);
		return -e;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static int con_adopt(struct con_sess *s)
{
	lws_adopt_desc_t ad;
	int fd = con_connect(s);

	if (fd < 0)
		return fd;
	memset(&ad, 0, sizeof(ad));
	ad.vh = lws_get_vhost(s->ws);
	ad.type = LWS_ADOPT_SOCKET;
	ad.fd.sockfd = fd;
	ad.vh_prot_name = "pvx-consraw";
	ad.opaque = s;
	s->raw = lws_adopt_descriptor_vhost_via_info(&ad); /* closes fd on failure */
	s->line_len = 0;
	return s->raw ? 0 : -ENOMEM;
}

static void con_start(struct con_sess *s)
{
	int rc = con_adopt(s);

	if (rc < 0)
		con_tell(s, 4503,
			 "{\"type\":\"error\",\"status\":503,\"code\":\"no-console-daemon\","
			 "\"message\":\"pvx: console %s: cannot reach pvconsoled: %s; 'pvx daemons "
			 "start' starts it\"}",
			 s->spec, strerror(-rc));
}

static void con_retry_cb(lws_sorted_usec_list_t *sul)
{
	struct con_sess *s = lws_container_of(sul, struct con_sess, retry);

	s->retry_pending = 0;
	if (s->ws)
		con_start(s);
}

/* pvconsoled's answer line. */
static void con_answer(struct con_sess *s, const char *line)
{
	char a[64] = "", b[64] = "", clean_a[64], clean_b[64];

	con_clean(clean_a, sizeof(clean_a), line);
	if (sscanf(line, "ok %63s %63s", a, b) >= 1) {
		s->attached = 1;
		con_clean(clean_a, sizeof(clean_a), a);
		con_clean(clean_b, sizeof(clean_b), b);
		con_tell(s, 0,
			 "{\"type\":\"attached\",\"domid\":%u,\"name\":\"%s\",\"tty\":\"%s\"}",
			 s->domid, clean_a, clean_b);
	} else if (strncmp(line, "wait ", 5) == 0 && s->retries++ < CON_RETRIES) {
		if (!s->waiting++)
			con_tell(s, 0,
				 "{\"type\":\"waiting\",\"message\":\"pvx: console %s: %s\"}",
				 s->spec, clean_a + 5);
		lws_set_timeout(s->raw, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		s->retry_pending = 1;
		lws_sul_schedule(s->ctx, 0, &s->retry, con_retry_cb, CON_RETRY_US);
	} else {
		con_tell(s, 4409,
			 "{\"type\":\"error\",\"status\":409,\"code\":\"no-console\","
			 "\"message\":\"pvx: console %s: %s\"}",
			 s->spec, strncmp(line, "err ", 4) == 0 ? clean_a + 4 : clean_a);
	}
}

static void con_output(struct con_sess *s, const void *in, size_t len)
{
	if (!s->ws || wsq_push(&s->to_ws, in, len, 1) < 0)
		return;
	lws_callback_on_writable(s->ws);
	if (s->to_ws.bytes > CON_WS_HIGH && !s->throttled) {
		s->throttled = 1;
		lws_rx_flow_control(s->raw, 0);
	}
}

static void raw_rx(struct con_sess *s, const char *in, size_t len)
{
	while (!s->attached && len && !s->close_code) {
		char ch = *in++;

		len--;
		if (ch != '\n' && s->line_len < sizeof(s->line) - 1) {
			s->line[s->line_len++] = ch;
			continue;
		}
		s->line[s->line_len] = '\0';
		con_answer(s, s->line);
		if (!s->attached)
			return;
	}
	if (s->attached && len)
		con_output(s, in, len);
}

static int raw_writeable(struct lws *wsi, struct con_sess *s)
{
	struct wsq_msg *m = s->to_raw.head;

	if (!m)
		return 0;
	if (lws_write(wsi, m->data + LWS_PRE, m->len, LWS_WRITE_RAW) < (int)m->len)
		return -1;
	s->to_raw.head = m->next;
	if (!s->to_raw.head)
		s->to_raw.tail = NULL;
	s->to_raw.bytes -= m->len;
	free(m);
	if (s->to_raw.head)
		lws_callback_on_writable(wsi);
	return 0;
}

static void raw_closed(struct con_sess *s)
{
	s->raw = NULL;
	if (s->attached)
		con_tell(s, 1000,
			 "{\"type\":\"detached\",\"message\":\"pvx: console %s: the "
			 "console closed (the domain stopped, or pvconsoled let go)\"}",
			 s->spec);
	else if (!s->close_code && !s->retry_pending)
		con_tell(s, 4503,
			 "{\"type\":\"error\",\"status\":503,\"code\":\"no-console\","
			 "\"message\":\"pvx: console %s: pvconsoled closed the connection\"}",
			 s->spec);
	sess_free_if_done(s);
}

int web_consraw_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		   size_t len)
{
	struct con_sess *s = lws_get_opaque_user_data(wsi);

	(void)user;
	if (!s)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_RAW_RX:
		raw_rx(s, in, len);
		return 0;
	case LWS_CALLBACK_RAW_WRITEABLE:
		return raw_writeable(wsi, s);
	case LWS_CALLBACK_RAW_CLOSE:
		if (s->raw == wsi)
			raw_closed(s);
		return 0;
	default:
		return 0;
	}
}

/* ---- the browser side ---- */

/* /api/v1/domains/DOM/console, DOM checked like any path segment. */
static int con_filter(struct lws *wsi, struct con_pss *ps)
{
	struct api_call c;
	char uri[256];

	memset(&c, 0, sizeof(c));
	if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) <= 0 ||
	    strncmp(uri, API_PREFIX, strlen(API_PREFIX)) != 0 ||
	    api_path_split(&c, uri + strlen(API_PREFIX)) < 0 || c.nseg != 3 ||
	    strcmp(c.segs[0], "domains") != 0 || strcmp(c.segs[2], "console") != 0)
		return 1;
	snprintf(ps->spec, sizeof(ps->spec), "%s", c.segs[1]);
	ps->authorized = web_authorized(web_of(wsi), wsi);
	return 0;
}

static void con_established(struct lws *wsi, struct con_pss *ps)
{
	struct con_sess *s = calloc(1, sizeof(*s));
	char err[512];
	int rc;

	ps->s = s;
	if (!s)
		return;
	s->ws = wsi;
	s->ctx = lws_get_context(wsi);
	snprintf(s->spec, sizeof(s->spec), "%s", ps->spec);
	if (!ps->authorized) {
		con_tell(s, 4401,
			 "{\"type\":\"error\",\"status\":401,\"code\":\"bad-token\","
			 "\"message\":\"pvx: missing or wrong access token\"}");
		return;
	}
	rc = web_domain_resolve(web_of(wsi), ps->spec, &s->domid, err, sizeof(err));
	if (rc < 0) {
		con_tell(s, rc == -ESRCH ? 4404 : 4503,
			 "{\"type\":\"error\",\"status\":%d,"
			 "\"code\":\"%s\",\"message\":\"%s\"}",
			 rc == -ESRCH ? 404 : 503,
			 rc == -ESRCH ? "no-such-domain" : "no-hypervisor", err);
		return;
	}
	con_start(s);
}

static void con_input(struct con_sess *s, const void *in, size_t len)
{
	if (!s->attached || !s->raw || s->to_raw.bytes + len > CON_IN_MAX)
		return; /* as pvx console: keys the guest cannot take now are dropped */
	if (wsq_push(&s->to_raw, in, len, 1) == 0)
		lws_callback_on_writable(s->raw);
}

static int con_writeable(struct lws *wsi, struct con_sess *s)
{
	int rc = wsq_write_one(&s->to_ws, wsi);

	if (rc < 0)
		return -1;
	if (rc > 0)
		lws_callback_on_writable(wsi);
	if (s->throttled && s->raw && s->to_ws.bytes < CON_WS_LOW) {
		s->throttled = 0;
		lws_rx_flow_control(s->raw, 1);
	}
	if (rc == 0 && s->close_code) {
		lws_close_reason(wsi, (enum lws_close_status)s->close_code, NULL, 0);
		return -1;
	}
	return 0;
}

static void con_closed(struct con_sess *s)
{
	s->ws = NULL;
	lws_sul_cancel(&s->retry);
	s->retry_pending = 0;
	if (s->raw)
		lws_set_timeout(s->raw, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
	sess_free_if_done(s);
}

int web_console_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		   size_t len)
{
	struct con_pss *ps = user;

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		return con_filter(wsi, ps);
	case LWS_CALLBACK_ESTABLISHED:
		con_established(wsi, ps);
		return ps->s ? 0 : -1;
	case LWS_CALLBACK_RECEIVE:
		if (ps->s)
			con_input(ps->s, in, len);
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return ps->s ? con_writeable(wsi, ps->s) : -1;
	case LWS_CALLBACK_CLOSED:
		if (ps->s)
			con_closed(ps->s);
		ps->s = NULL;
		return 0;
	default:
		return 0;
	}
}
