/* pvx: the xl-style command line of pvisor -- global options, dispatch through the
 * command table (cli_table.c), and the helpers every verb shares. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/diskspec.h"
#include "pvx_cli.h"

struct cli_globals cli;

int cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("pvx: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

void cli_note(int level, const char *fmt, ...)
{
	va_list ap;

	if (cli.verbose < level)
		return;
	fputs("pvx: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct pvctrl *cli_connect(void)
{
	struct pvx_err err = { 0 };
	struct pvctrl *h;
	int rc = pvstart_connect(&h, &err);

	if (rc < 0)
		exit(cli_fail("%s", pvx_err_text(&err, rc)));
	return h;
}

struct xs_handle *cli_store(void)
{
	struct pvx_err err = { 0 };
	struct xs_handle *xs;
	int rc = pvstart_store_open(&xs, &err);

	if (rc < 0)
		exit(cli_fail("%s", pvx_err_text(&err, rc)));
	return xs;
}

pv_domid_t cli_domain(struct pvctrl *h, const char *spec)
{
	pv_domid_t id;
	int rc = pvx_domain_resolve(h, spec, &id);

	if (rc == -ESRCH)
		exit(cli_fail("%s: no such domain; 'pvx list' shows the domains", spec));
	if (rc < 0)
		exit(cli_fail("%s: cannot look up the domain: %s", spec, strerror(-rc)));
	return id;
}

/* xl's global options before the command: -v (repeatable), -f, -N. Returns the
 * index of the command word, or -1 after a bad option. */
static int cli_globals_parse(int argc, char **argv)
{
	int c;

	opterr = 0;
	while ((c = getopt(argc, argv, "+vfN")) != -1) {
		switch (c) {
		case 'v':
			cli.verbose++;
			break;
		case 'f':
			cli.force = 1;
			break;
		case 'N':
			cli.dryrun = 1;
			break;
		default:
			cli_fail("-%c: not a global option (pvx [-v] [-f] [-N] COMMAND ...)",
				 optopt);
			return -1;
		}
	}
	opterr = 1;
	return optind;
}

int main(int argc, char **argv)
{
	const struct pvx_cmd *c;
	int amb, first = cli_globals_parse(argc, argv);

	if (first < 0)
		return 2;
	if (first >= argc)
		return cli_help_of(NULL) ? 1 : 2;
	argc -= first;
	argv += first;
	if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0)
		return cli_help_of(NULL);
	c = cli_find(argv[0], &amb);
	if (!c)
		return cli_fail("'%s' is %s command; 'pvx help' lists them", argv[0],
				amb ? "an ambiguous" : "not a");
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
		return cli_help_of(c->name);
	if (cli.dryrun && !(c->flags & CLI_DRYRUN))
		return cli_fail("%s does not implement -N (dry run)", c->name);
	optind = 1;
	pvx_disk_server_set(&pvstart_disk_server); /* qsd or qemu-nbd for qcow2 & co */
	return c->fn(argc, argv);
}
