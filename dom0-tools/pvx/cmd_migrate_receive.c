/* pvx migrate-receive [-e] [-p] [--debug]: the receiving end of pvx migrate, run
 * by the sender on this host through ssh (or any SSHCOMMAND): the migration
 * stream comes on stdin, the answers go to stdout, and what happens is told on
 * stderr (ssh shows it on the sender's terminal). Nothing else may touch stdout:
 * it is kept for the channel and fd 1 points at stderr meanwhile. -p: leave it
 * paused; -e is accepted as xl's (the run directory's monitor, pvmon, carries out
 * every domain's restart actions). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pvx_cli.h"

static void receive_note(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "migration target: %s\n", line);
}

static int receive_parse(int argc, char **argv, struct pvx_migrate_recv_opts *o)
{
	static const struct option lo[] = { { "debug", no_argument, NULL, 'd' },
					    { NULL, 0, NULL, 0 } };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+epd", lo, NULL)) != -1) {
		if (c == 'p')
			o->flags |= PVX_MIGRATE_RECV_PAUSED;
		else if (c != 'd' && c != 'e') /* page sums are checked whenever they come */
			return -1;
	}
	return optind == argc ? 0 : -1;
}

int cmd_migrate_receive(int argc, char **argv)
{
	struct pvx_migrate_recv_opts o = { .note = receive_note };
	struct pvx_err err = { 0 };
	char *config_file = NULL;
	struct pvctrl *h;
	pv_domid_t id = 0;
	int out, rc;

	if (receive_parse(argc, argv, &o) < 0)
		return cli_usage("migrate-receive");
	signal(SIGPIPE, SIG_IGN);
	out = dup(STDOUT_FILENO); /* the channel; stdout itself goes to stderr */
	if (out < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		return cli_fail("migrate-receive: %s", strerror(errno));
	h = cli_connect();
	pvstart_daemons_ensure(&err);
	rc = pvx_domain_migrate_receive(h, STDIN_FILENO, out, &o, &id, &config_file, &err);
	close(out);
	free(config_file);
	pvctrl_close(h);
	return rc < 0 ? cli_fail("migrate-receive: %s", pvx_err_text(&err, rc)) : 0;
}
