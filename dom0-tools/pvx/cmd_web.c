/* pvx web [--listen ADDR:PORT] [--allow-remote] | --stop: enable and start
 * pvxweb (the browser console and JSON API) in this run directory and print the
 * URL that opens the page, access token included; from then on `pvx daemons`
 * starts it with the others. --stop stops and disables it. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pvx_cli.h"
#include "rundir.h"
#include "util.h"

#define WEB_CONF     "pvxweb.conf"
#define WEB_URL_FILE "pvxweb.url"
#define WEB_TOKEN    "pvxweb.token"
#define WEB_WAIT_MS  10000

/* A small file of the run directory, first line only; NULL if absent. */
static char *web_read(const char *name)
{
	char buf[512];
	ssize_t n;
	int fd = rundir_open(name, O_RDONLY, 0); /* never through a link */

	if (fd < 0)
		return NULL;
	n = util_read_full(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}

/* Whole or not at all, never through a link (rundir_write_file). */
static int web_conf_write(const char *listen, int allow_remote)
{
	char text[512];
	int n = snprintf(text, sizeof(text),
			 "# written by pvx web; pvxweb reads it at start\nlisten %s\n%s", listen,
			 allow_remote ? "allow-remote 1\n" : "");

	if (n < 0 || (size_t)n >= sizeof(text))
		return -ENAMETOOLONG;
	return rundir_write_file(WEB_CONF, text, (size_t)n);
}

/* The URL pvxweb wrote once it listened (its own file, so a port 0 is resolved). */
static char *web_wait_url(void)
{
	struct timespec ms = { 0, 20000000 };

	for (int i = 0; i < WEB_WAIT_MS / 20; i++) {
		char *url = web_read(WEB_URL_FILE);

		if (url)
			return url;
		nanosleep(&ms, NULL);
	}
	return NULL;
}

static int web_stop(void)
{
	struct pvx_err err = { 0 };
	char path[1024];
	int rc = pvstart_daemon_stop("pvxweb", &err);

	if (rundir_file(path, sizeof(path), WEB_CONF) == 0)
		unlink(path);
	if (rc < 0)
		return cli_fail("web --stop: %s", pvx_err_text(&err, rc));
	fprintf(stderr, "pvx: pvxweb stopped and disabled in %s\n", rundir_path());
	return 0;
}

static int web_start(const char *listen, int allow_remote)
{
	struct pvx_err err = { 0 };
	char *url, *token, *conf;
	int rc = rundir_ensure(), restart;

	if (rc < 0)
		return cli_fail("web: %s", rundir_problem(rc));
	conf = web_read(WEB_CONF);
	restart = listen && conf != NULL;
	free(conf);
	if ((listen || !conf) &&
	    (rc = web_conf_write(listen ? listen : "127.0.0.1:8047", allow_remote)) < 0)
		return cli_fail("web: cannot write %s/%s: %s", rundir_path(), WEB_CONF,
				strerror(-rc));
	/* a new address takes a restart; the token stays, so open pages keep working */
	if (restart && (rc = pvstart_daemon_stop("pvxweb", &err)) < 0)
		return cli_fail("web: %s", pvx_err_text(&err, rc));
	if (restart)
		rundir_unlink(WEB_URL_FILE);
	if ((rc = pvstart_daemons_ensure(&err)) < 0)
		return cli_fail("web: %s", pvx_err_text(&err, rc));
	url = web_wait_url();
	token = web_read(WEB_TOKEN);
	if (!url || !token) {
		free(url);
		free(token);
		return cli_fail("web: pvxweb did not say where it listens; see %s/pvxweb.log",
				rundir_path());
	}
	if (!url[0])
		fprintf(stderr, "pvx: pvxweb listens on %s/pvxweb.sock only (--listen none)\n",
			rundir_path());
	else
		printf("%s/#token=%s\n", url, token);
	fprintf(stderr,
		"pvx: open that URL in a browser on this host; 'pvx web --stop' stops it\n");
	free(url);
	free(token);
	return 0;
}

int cmd_web(int argc, char **argv)
{
	static const struct option lo[] = { { "listen", required_argument, NULL, 'l' },
					    { "allow-remote", no_argument, NULL, 'r' },
					    { "stop", no_argument, NULL, 's' },
					    { NULL, 0, NULL, 0 } };
	const char *listen = NULL;
	int c, allow_remote = 0, stop = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", lo, NULL)) != -1) {
		switch (c) {
		case 'l':
			listen = optarg;
			break;
		case 'r':
			allow_remote = 1;
			break;
		case 's':
			stop = 1;
			break;
		default:
			return cli_usage("web");
		}
	}
	if (optind != argc || (stop && (listen || allow_remote)))
		return cli_usage("web");
	if (listen && strpbrk(listen, " \t\n"))
		return cli_fail("web: --listen %s: give ADDR:PORT, e.g. 127.0.0.1:8047", listen);
	return stop ? web_stop() : web_start(listen, allow_remote);
}
