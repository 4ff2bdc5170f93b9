/* pvxweb: options (command line over $RUNDIR/pvxweb.conf), the token, the
 * listeners, the sampler thread and the event loop. `pvx web` starts it and
 * prints the URL with the token; `pvx daemons` starts it when pvxweb.conf exists. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libpvctrl/pvctrl.h"
#include "libpvx/diskspec.h"
#include "libxs/xs.h"
#include "log.h"
#include "pvstart/pvstart.h"
#include "pvxweb.h"
#include "rundir.h"
#include "sampler.h"
#include "util.h"

static struct web g_web;

static void web_usage(void)
{
	fprintf(stderr,
		"usage: pvxweb [-v] [--listen ADDR:PORT|none] [--allow-remote] [--www DIR]\n"
		"              [--templates DIR]\n"
		"  --listen       TCP address of the page and the API (" WEB_DEFAULT_LISTEN
		"; port 0:\n"
		"                 any free one); $RUNDIR/" WEB_SOCKET " is served always\n"
		"  --allow-remote listen on an address other hosts can reach\n"
		"  --www          the page's files (BINDIR/../www)\n"
		"  --templates    xl.cfg files offered for create (BINDIR/../../examples)\n"
		"Defaults come from $RUNDIR/" WEB_CONF " (lines 'listen ADDR:PORT',\n"
		"'allow-remote 1', 'templates DIR'), written by 'pvx web'.\n");
	exit(2);
}

/* An option's value into its field; too long is a start-up error. */
static void opt_copy(char *dst, size_t len, const char *what, const char *val)
{
	size_t n = strlen(val);

	if (n >= len)
		fatalx("%s: longer than %zu characters", what, len - 1);
	memcpy(dst, val, n + 1);
}

static void web_conf_line(struct web_opts *o, const char *key, const char *val)
{
	if (strcmp(key, "listen") == 0)
		opt_copy(o->listen, sizeof(o->listen), "listen", val);
	else if (strcmp(key, "allow-remote") == 0)
		o->allow_remote = strcmp(val, "1") == 0;
	else if (strcmp(key, "templates") == 0)
		opt_copy(o->templates, sizeof(o->templates), "templates", val);
	else
		log_warnx("%s: unknown key '%s' ignored", WEB_CONF, key);
}

static void web_conf_read(struct web_opts *o)
{
	char line[1200], key[32], val[1100];
	int fd = rundir_open(WEB_CONF, O_RDONLY, 0); /* never through a link */
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#' && sscanf(line, "%31s %1099[^\n]", key, val) == 2)
			web_conf_line(o, key, val);
	fclose(f);
}

/* dir relative to our binary's directory, made absolute when it exists. */
static void web_bindir_path(char *out, size_t len, const char *rel, const char *fallback)
{
	char path[1024], *real;

	snprintf(path, sizeof(path), "%s/%s", rundir_bindir(), rel);
	real = realpath(path, NULL);
	opt_copy(out, len, rel, real ? real : fallback ? fallback : path);
	free(real);
}

static void web_defaults(struct web_opts *o)
{
	snprintf(o->listen, sizeof(o->listen), "%s", WEB_DEFAULT_LISTEN);
	web_bindir_path(o->www, sizeof(o->www), "../www", NULL);
	web_bindir_path(o->templates, sizeof(o->templates), "../../examples",
			"/etc/pvisor/templates");
	web_conf_read(o);
}

static void web_opts(int argc, char **argv, struct web_opts *o)
{
	static const struct option lo[] = { { "listen", required_argument, NULL, 'l' },
					    { "allow-remote", no_argument, NULL, 'r' },
					    { "www", required_argument, NULL, 'w' },
					    { "templates", required_argument, NULL, 't' },
					    { "verbose", no_argument, NULL, 'v' },
					    { NULL, 0, NULL, 0 } };
	int c;

	web_defaults(o);
	while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		switch (c) {
		case 'l':
			opt_copy(o->listen, sizeof(o->listen), "--listen", optarg);
			break;
		case 'r':
			o->allow_remote = 1;
			break;
		case 'w':
			opt_copy(o->www, sizeof(o->www), "--www", optarg);
			break;
		case 't':
			opt_copy(o->templates, sizeof(o->templates), "--templates", optarg);
			break;
		case 'v':
			o->verbose = 1;
			break;
		default:
			web_usage();
		}
	}
	if (optind != argc)
		web_usage();
}

struct pvctrl *web_pvctrl(struct web *w, char *err, size_t errlen)
{
	int rc;

	if (w->pc)
		return w->pc;
	rc = pvctrl_open(&w->pc);
	if (rc < 0) {
		w->pc = NULL;
		snprintf(err, errlen,
			 "cannot reach pvisor in %s: %s; 'pvx daemons start' starts it",
			 rundir_path(), strerror(-rc));
	}
	return w->pc;
}

void web_pvctrl_reset(struct web *w)
{
	if (w->pc)
		pvctrl_close(w->pc);
	w->pc = NULL;
}

struct xs_handle *web_store(struct web *w, char *err, size_t errlen)
{
	int rc;

	if (w->xs)
		return w->xs;
	rc = xs_open(&w->xs);
	if (rc < 0) {
		w->xs = NULL;
		snprintf(err, errlen, "cannot reach the store (xsd) in %s: %s", rundir_path(),
			 strerror(-rc));
	}
	return w->xs;
}

void web_store_reset(struct web *w)
{
	if (w->xs)
		xs_close(w->xs);
	w->xs = NULL;
}

static void web_on_signal(int sig)
{
	(void)sig;
	g_web.stop = 1;
	if (g_web.ctx)
		lws_cancel_service(g_web.ctx);
}

/* $RUNDIR/pvxweb.url: where `pvx web` finds the listener (a port 0 became one). */
static void web_url_write(struct web *w)
{
	char line[sizeof(w->url) + 1];
	int n = snprintf(line, sizeof(line), "%s\n", w->url);
	int rc = rundir_write_file(WEB_URL_FILE, line, (size_t)n);

	if (rc < 0)
		log_warnx("cannot write %s/%s: %s", rundir_path(), WEB_URL_FILE, strerror(-rc));
}

static void web_signals(void)
{
	struct sigaction sa = { .sa_handler = web_on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int main(int argc, char **argv)
{
	struct web *w = &g_web;
	char err[512];
	int rc;

	web_opts(argc, argv, &w->o);
	log_init("pvxweb", w->o.verbose);
	if ((rc = rundir_ensure()) < 0)
		fatalx("%s", rundir_problem(rc));
	if ((rc = web_token_load(w->token)) < 0)
		fatalx("cannot read or create %s/%s: %s", rundir_path(), WEB_TOKEN_FILE,
		       strerror(-rc));
	web_signals();
	pvx_disk_server_set(&pvstart_disk_server); /* qcow2 & co: qsd or qemu-nbd */
	rundir_unlink(WEB_URL_FILE);               /* pvx web waits for this run's */
	if (web_lws_start(w, err, sizeof(err)) < 0)
		fatalx("%s", err);
	if ((rc = sampler_start(&w->smp, w->ctx)) < 0)
		fatalx("cannot start the sampler thread: %s", strerror(-rc));
	if ((rc = rundir_pidfile_write(WEB_PID)) < 0)
		log_warnx("cannot write %s: %s", WEB_PID, strerror(-rc));
	web_url_write(w); /* last: pvx web waits for it, then everything is in place */
	log_info("serving %s and %s/%s (page from %s)", w->url[0] ? w->url : "no TCP listener",
		 rundir_path(), WEB_SOCKET, w->o.www);
	while (!w->stop && lws_service(w->ctx, 0) >= 0)
		;
	log_info("stopping");
	sampler_stop(w->smp);
	web_lws_stop(w);
	web_pvctrl_reset(w);
	web_store_reset(w);
	rundir_unlink(WEB_URL_FILE);
	rundir_unlink(WEB_PID);
	return 0;
}
