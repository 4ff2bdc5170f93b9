/* pvxweb's libwebsockets setup: one context, a TCP vhost (loopback by default,
 * token required) and a Unix-socket vhost in the run directory (no token: only
 * the run directory's owner can reach it, and only root or our user is let in:
 * web_filter_cb), both serving the page's files at /,
 * the JSON API at /api and the WebSocket protocols. */
#include <arpa/inet.h>
#include <errno.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "peer.h"
#include "pvxweb.h"
#include "rundir.h"

/* Every accepted connection passes here first (lws gives protocol 0 the new
 * descriptor): one on the run directory's Unix socket -- served without a token --
 * must come from root or our own user (common/peer.h), as on every other socket
 * of the run directory. TCP connections are left to the token. */
static int web_filter_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
			 size_t len)
{
	if (reason == LWS_CALLBACK_FILTER_NETWORK_CONNECTION) {
		int fd = (int)(lws_intptr_t)in;
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);

		if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
			return -1;
		if (ss.ss_family == AF_UNIX && !peer_trusted(fd)) {
			log_warnx("refused a connection on %s from another user", WEB_SOCKET);
			return -1;
		}
		return 0;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static struct lws_protocols web_protocols[] = {
	{ "http", web_filter_cb, 0, 0, 0, NULL, 0 },
	{ "pvx-http", web_http_cb, 0, 0, 0, NULL, 0 },
	{ "pvx-events", web_events_cb, 0, 4096, 0, NULL, 0 },
	{ "pvx-console", web_console_cb, 0, 4096, 0, NULL, 0 },
	{ "pvx-consraw", web_consraw_cb, 0, 4096, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static const struct lws_http_mount mount_api = {
	.mountpoint = "/api",
	.mountpoint_len = 4,
	.protocol = "pvx-http",
	.origin_protocol = LWSMPRO_CALLBACK,
};

static struct lws_http_mount mount_www = {
	.mount_next = &mount_api,
	.mountpoint = "/",
	.mountpoint_len = 1,
	.def = "index.html",
	.origin_protocol = LWSMPRO_FILE,
	.cache_max_age = 0,
};

/* Every response: no sniffing, no referrer, scripts and connections only from here. */
static const struct lws_protocol_vhost_options hdr_csp = {
	NULL, NULL, "content-security-policy:",
	"default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
	"connect-src 'self'; frame-ancestors 'none'"
};
static const struct lws_protocol_vhost_options hdr_ref = { &hdr_csp, NULL,
							   "referrer-policy:", "no-referrer" };
static const struct lws_protocol_vhost_options web_headers = {
	&hdr_ref, NULL, "x-content-type-options:", "nosniff"
};

static void web_lws_log(int level, const char *line)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s", line);
	buf[strcspn(buf, "\n")] = '\0';
	if (level & LLL_ERR)
		log_warnx("libwebsockets: %s", buf);
	else
		log_info("libwebsockets: %s", buf);
}

/* "ADDR:PORT" / "[V6]:PORT" / "localhost:PORT" into an address and a port;
 * *loopback says whether only this host can connect. */
static int listen_parse(const char *s, char *addr, size_t alen, int *port, int *loopback)
{
	const char *colon = s[0] == '[' ? strstr(s, "]:") : strrchr(s, ':');
	unsigned char bin[16];
	char *end;
	long p;

	if (!colon || colon == s)
		return -EINVAL;
	p = strtol(colon + (s[0] == '[' ? 2 : 1), &end, 10);
	if (*end || p < 0 || p > 65535 || end == colon + 1)
		return -EINVAL;
	snprintf(addr, alen, "%.*s", (int)(colon - s - (s[0] == '[')), s + (s[0] == '['));
	if (strcmp(addr, "localhost") == 0)
		snprintf(addr, alen, "127.0.0.1");
	*port = (int)p;
	if (inet_pton(AF_INET, addr, bin) == 1)
		*loopback = bin[0] == 127;
	else if (inet_pton(AF_INET6, addr, bin) == 1)
		*loopback = IN6_IS_ADDR_LOOPBACK((struct in6_addr *)bin);
	else
		return -EINVAL;
	return 0;
}

static void vhost_info(struct web *w, struct lws_context_creation_info *info)
{
	memset(info, 0, sizeof(*info));
	mount_www.origin = w->o.www;
	info->protocols = web_protocols;
	info->mounts = &mount_www;
	info->headers = &web_headers;
	info->user = w;
}

static int vhost_tcp(struct web *w, char *err, size_t errlen)
{
	struct lws_context_creation_info info;
	char *addr = w->iface_tcp;
	int port, loop;

	if (listen_parse(w->o.listen, addr, sizeof(w->iface_tcp), &port, &loop) < 0) {
		snprintf(err, errlen,
			 "--listen %s: give ADDR:PORT (e.g. 127.0.0.1:8047, "
			 "[::1]:8047), or none",
			 w->o.listen);
		return -EINVAL;
	}
	if (!loop && !w->o.allow_remote) {
		snprintf(err, errlen,
			 "--listen %s: not a loopback address; anyone who can reach "
			 "it and learns the token controls every domain: add --allow-remote if "
			 "that is what you want",
			 w->o.listen);
		return -EPERM;
	}
	vhost_info(w, &info);
	info.vhost_name = "pvxweb-tcp";
	info.iface = addr;
	info.port = port; /* 0: the kernel picks one; the URL file says which */
	/* lws 4.1 binds an IPv6 socket to :: when given an IPv4 literal: take IPv4
	 * addresses on an IPv4 socket (t_web checks nothing else answers) */
	if (!strchr(addr, ':'))
		info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
	w->vh_tcp = lws_create_vhost(w->ctx, &info);
	if (!w->vh_tcp) {
		snprintf(err, errlen,
			 "cannot listen on %s (in use, or not an address of this "
			 "host); see pvxweb.log",
			 w->o.listen);
		return -EADDRINUSE;
	}
	snprintf(w->url, sizeof(w->url), strchr(addr, ':') ? "http://[%s]:%d" : "http://%s:%d",
		 addr, lws_get_vhost_listen_port(w->vh_tcp));
	return 0;
}

/* A socket file left by a pvxweb that died is replaced; a live one's is not. */
static int unix_path_free(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), live;

	if (fd < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	live = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	if (live)
		return -EADDRINUSE;
	unlink(path);
	return 0;
}

static int vhost_unix(struct web *w, char *err, size_t errlen)
{
	struct lws_context_creation_info info;
	char *path = w->iface_unix;

	if (rundir_file(path, sizeof(w->iface_unix), WEB_SOCKET) < 0) {
		snprintf(err, errlen, "run directory %s: path too long for a socket",
			 rundir_path());
		return -ENAMETOOLONG;
	}
	if (unix_path_free(path) < 0) {
		snprintf(err, errlen, "another pvxweb serves %s", path);
		return -EADDRINUSE;
	}
	vhost_info(w, &info);
	info.vhost_name = "pvxweb-unix";
	info.options = LWS_SERVER_OPTION_UNIX_SOCK;
	info.iface = path;
	info.port = 0; /* lws takes port 0 with UNIX_SOCK as "iface is a socket path" */
	w->vh_unix = lws_create_vhost(w->ctx, &info);
	if (!w->vh_unix) {
		snprintf(err, errlen, "cannot listen on %s; see pvxweb.log", path);
		return -EIO;
	}
	return 0;
}

int web_lws_start(struct web *w, char *err, size_t errlen)
{
	struct lws_context_creation_info info;
	int rc;

	web_protocols[1].per_session_data_size = web_http_pss_size;
	web_protocols[2].per_session_data_size = web_events_pss_size;
	web_protocols[3].per_session_data_size = web_console_pss_size;
	lws_set_log_level(LLL_ERR | LLL_WARN | (w->o.verbose ? LLL_NOTICE : 0), web_lws_log);
	memset(&info, 0, sizeof(info));
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
	info.user = w;
	w->ctx = lws_create_context(&info);
	if (!w->ctx) {
		snprintf(err, errlen, "cannot create the libwebsockets context");
		return -ENOMEM;
	}
	/* the Unix socket last: pvx takes it as "pvxweb is up" */
	rc = strcmp(w->o.listen, "none") != 0 ? vhost_tcp(w, err, errlen) : 0;
	return rc < 0 ? rc : vhost_unix(w, err, errlen);
}

void web_lws_stop(struct web *w)
{
	if (w->ctx)
		lws_context_destroy(w->ctx);
	w->ctx = NULL;
	rundir_unlink(WEB_SOCKET);
}

struct web *web_of(struct lws *wsi)
{
	return lws_context_user(lws_get_context(wsi));
}

int web_is_unix(struct web *w, struct lws *wsi)
{
	return lws_get_vhost(wsi) == w->vh_unix;
}

int web_authorized(struct web *w, struct lws *wsi)
{
	char buf[128];
	const char *t;

	if (web_is_unix(w, wsi))
		return 1;
	if (lws_hdr_copy(wsi, buf, sizeof(buf), WSI_TOKEN_HTTP_AUTHORIZATION) > 0 &&
	    (t = web_auth_bearer(buf)))
		return web_token_equal(w->token, t);
	t = lws_get_urlarg_by_name(wsi, "token=", buf, sizeof(buf));
	return t && web_token_equal(w->token, t);
}
