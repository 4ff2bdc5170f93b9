/* pvx uptime [-s] [--json] [DOMAIN...]: how long domains have run, as xl uptime
 * (Name ID Uptime; -s: one line each the way uptime(1) prints it). A domain's
 * clock starts when it first runs; Domain-0's is the host's. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pvx_cli.h"

struct up_opts {
	int short_mode, json;
};

/* "D days, HH:MM:SS" as xl prints it (no seconds in short mode). */
static void up_format(unsigned long secs, int short_mode, char *out, size_t len)
{
	unsigned long day = secs / 86400, hour = secs / 3600 % 24, min = secs / 60 % 60,
		      sec = secs % 60;
	char days[32] = "";

	if (day > 0)
		snprintf(days, sizeof(days), "%lu day%s, ", day, day > 1 ? "s" : "");
	if (short_mode)
		snprintf(out, len, "%s%2lu:%02lu", days, hour, min);
	else
		snprintf(out, len, "%s%2lu:%02lu:%02lu", days, hour, min, sec);
}

static int up_host_seconds(double *secs)
{
	FILE *f = fopen("/proc/uptime", "re");
	int ok = f && fscanf(f, "%lf", secs) == 1;

	if (f)
		fclose(f);
	return ok ? 0 : -1;
}

/* A domain's uptime in seconds: from its first unpause to now (0 if never run). */
static double up_domain_seconds(const struct pv_privcmd_domext *e, const struct timespec *now)
{
	double t = (double)now->tv_sec + now->tv_nsec / 1e9 - (double)e->start_time / 1e9;

	return e->start_time == 0 || t < 0 ? 0 : t;
}

static void up_line(const struct up_opts *o, const char *name, unsigned id, double secs,
		    const struct timespec *now, yajl_gen g)
{
	char up[64], clock[16];
	struct tm tm;

	if (g) {
		yajl_gen_map_open(g);
		cli_json_kstr(g, "name", name);
		cli_json_kint(g, "domid", id);
		cli_json_kdouble(g, "uptime", secs);
		yajl_gen_map_close(g);
		return;
	}
	up_format((unsigned long)secs, o->short_mode, up, sizeof(up));
	if (!o->short_mode) {
		printf("%-33s %4u %s\n", name, id, up);
		return;
	}
	localtime_r(&now->tv_sec, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	printf(" %s up %s, %s (%u)\n", clock, up, name, id);
}

static int up_parse(int argc, char **argv, struct up_opts *o)
{
	static const struct option lo[] = { { "json", no_argument, NULL, 'j' },
					    { NULL, 0, NULL, 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "s", lo, NULL)) != -1) {
		if (c == 's')
			o->short_mode = 1;
		else if (c == 'j')
			o->json = 1;
		else
			return -1;
	}
	return 0;
}

int cmd_uptime(int argc, char **argv)
{
	struct up_opts o = { 0 };
	struct cli_domset s;
	struct timespec now;
	struct pvctrl *h;
	yajl_gen g = NULL;
	double host;

	if (up_parse(argc, argv, &o) < 0)
		return cli_usage("uptime");
	h = cli_connect();
	cli_domset_get(h, argc - optind, argv + optind, &s);
	pvctrl_close(h);
	clock_gettime(CLOCK_REALTIME, &now);
	if (o.json) {
		g = cli_json_open();
		yajl_gen_array_open(g);
	} else if (!o.short_mode) {
		printf("%-33s %4s %s\n", "Name", "ID", "Uptime");
	}
	if (s.dom0 && up_host_seconds(&host) == 0)
		up_line(&o, "Domain-0", 0, host, &now, g);
	for (int i = 0; i < s.n; i++)
		up_line(&o, s.e[i].name, s.e[i].domid, up_domain_seconds(&s.e[i], &now), &now, g);
	cli_domset_free(&s);
	if (!g)
		return 0;
	yajl_gen_array_close(g);
	return cli_json_close(g);
}
