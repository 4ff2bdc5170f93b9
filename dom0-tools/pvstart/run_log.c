/* A program run on a user's behalf (pvstart.h: pvstart_run_logged): its output
 * kept in a log of the run directory, its failure said with its own last words. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pvstart/pvstart.h"
#include "rundir.h"

/* "<time> PROG ARG...: exit status N", then what it said. */
static void run_log_append(const char *logname, char *const argv[],
			   const struct pvstart_output *o, int rc)
{
	char path[512], when[32];
	time_t now = time(NULL);
	struct tm tm;
	FILE *f;

	if (rundir_file(path, sizeof(path), logname) < 0 || !(f = fopen(path, "ae")))
		return;
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(f, "%s", when);
	for (int i = 0; argv[i]; i++)
		fprintf(f, " %s", argv[i]);
	if (rc < 0)
		fprintf(f, ": %s\n", strerror(-rc));
	else
		fprintf(f, ": exit status %d\n", o->status);
	fprintf(f, "%s%s", o->out ? o->out : "", o->err ? o->err : "");
	fclose(f);
}

/* The last non-empty line of text, into buf ("" without one). */
static void run_last_line(const char *text, char *buf, size_t len)
{
	size_t end = text ? strlen(text) : 0, start;

	while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == ' '))
		end--;
	for (start = end; start > 0 && text[start - 1] != '\n'; start--)
		;
	snprintf(buf, len, "%.*s", (int)(end - start), text ? text + start : "");
}

int pvstart_run_logged(char *const argv[], const char *const *env_add, int timeout_ms,
		       const char *logname, struct pvx_err *err)
{
	struct pvstart_output o;
	char last[256];
	int rc = pvstart_run(argv, env_add, timeout_ms, &o);

	run_log_append(logname, argv, &o, rc);
	run_last_line(o.err, last, sizeof(last));
	if (rc == -ETIMEDOUT)
		pvx_fail(err, rc, "%s did not finish within %d s (killed)", argv[0],
			 timeout_ms / 1000);
	else if (rc < 0)
		pvx_fail(err, rc, "cannot run %s: %s", argv[0], strerror(-rc));
	else if (o.status != 0)
		rc = pvx_fail(err, -EIO, "%s failed (exit status %d)%s%s", argv[0], o.status,
			      last[0] ? ": " : "", last);
	pvstart_output_free(&o);
	return rc;
}
