/* pvx trace record [-d DOM] [-t SECONDS] [-s SLOTS] FILE: record the hypervisor's
 * trace of hypercalls and events (xentrace's role) into FILE until the time is up,
 * the traced domain stops, or Ctrl-C; pvx trace report FILE summarises it
 * (trace_report.c). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libpvx/tracefile.h"
#include "pvx_cli.h"
#include "util.h"

#define TRACE_POLL_NS   2000000ull   /* an idle reader naps this long */
#define TRACE_CHECK_NS  100000000ull /* and looks at the domains this often */
#define TRACE_MAX_NAMES 1024

struct rec_state {
	struct pvctrl *h;
	const struct pv_trace_buf *buf;
	FILE *out;
	struct tracefile_hdr hdr;
	struct tracefile_name names[TRACE_MAX_NAMES];
	uint32_t nnames;
	uint64_t next, lost, deadline;
	int domid; /* -1: every domain */
};

static volatile sig_atomic_t trace_stop_flag;

static void trace_on_signal(int sig)
{
	(void)sig;
	trace_stop_flag = 1;
}

/* Remember the names of the domains there are now; 1 when the traced one still
 * runs (or every domain is traced). */
static int trace_look(struct rec_state *st)
{
	struct pv_privcmd_domext *e = NULL;
	int n = pvctrl_domext_list(st->h, &e), alive = st->domid < 0;

	for (int i = 0; i < n; i++) {
		uint32_t k = 0;

		while (k < st->nnames && st->names[k].domid != e[i].domid)
			k++;
		if (k == st->nnames && st->nnames < TRACE_MAX_NAMES)
			st->nnames++;
		if (k < TRACE_MAX_NAMES) {
			st->names[k].domid = e[i].domid;
			snprintf(st->names[k].name, sizeof(st->names[k].name), "%s", e[i].name);
		}
		if (e[i].domid == st->domid && e[i].state < PV_DOMSTATE_SHUTDOWN)
			alive = 1;
	}
	free(e);
	return n < 0 ? 0 : alive;
}

/* Copy every record there is to the file. Returns how many. */
static uint64_t trace_drain(struct rec_state *st)
{
	struct pv_trace_rec r;
	uint64_t n = 0;
	int rc;

	while ((rc = pvctrl_trace_take(st->buf, &st->next, &r, &st->lost)) != 0) {
		if (rc < 0)
			continue; /* lapped: lost is counted */
		r.seq = st->next; /* the record's own index, from 1 */
		if (fwrite(&r, sizeof(r), 1, st->out) == 1)
			n++;
	}
	st->hdr.records += n;
	return n;
}

static int trace_loop(struct rec_state *st)
{
	uint64_t check = 0;

	while (!trace_stop_flag) {
		uint64_t now = util_now_ns();

		if (now >= check) {
			if (!trace_look(st))
				break; /* the traced domain stopped */
			check = now + TRACE_CHECK_NS;
		}
		if (st->deadline && now >= st->deadline)
			break;
		if (trace_drain(st) == 0)
			nanosleep(&(struct timespec){ 0, TRACE_POLL_NS }, NULL);
	}
	return 0;
}

static int trace_finish(struct rec_state *st, const char *file)
{
	int rc = pvctrl_trace_stop(st->h); /* no writer runs after this */

	if (rc < 0)
		fprintf(stderr, "pvx: trace: stopping: %s\n", strerror(-rc));
	trace_drain(st);
	trace_look(st);
	pvctrl_trace_unmap(st->buf);
	st->hdr.end_ns = util_now_ns();
	st->hdr.lost = st->lost;
	st->hdr.nr_names = st->nnames;
	if (fwrite(st->names, sizeof(st->names[0]), st->nnames, st->out) != st->nnames ||
	    fseek(st->out, 0, SEEK_SET) < 0 ||
	    fwrite(&st->hdr, sizeof(st->hdr), 1, st->out) != 1 || fclose(st->out) != 0)
		return cli_fail("trace: writing %s: %s", file, strerror(errno));
	fprintf(stderr, "pvx: trace: %llu records (%llu lost) in %.2f s written to %s\n",
		(unsigned long long)st->hdr.records, (unsigned long long)st->lost,
		(double)(st->hdr.end_ns - st->hdr.start_ns) / 1e9, file);
	return 0;
}

static int trace_begin(struct rec_state *st, unsigned slots, const char *file)
{
	struct pv_privcmd_trace t = { .domid = st->domid < 0 ? PV_TRACE_ALL_DOMAINS
							     : (uint16_t)st->domid,
				      .flags = PV_TRACE_HCALLS | PV_TRACE_EVENTS,
				      .slots = slots };
	struct timespec real;
	int rc = pvctrl_trace_start(st->h, &t, &st->buf);

	if (rc == -EBUSY)
		return cli_fail("trace: another trace session runs in this hypervisor; stop it "
				"first");
	if (rc < 0)
		return cli_fail("trace: cannot start tracing: %s", strerror(-rc));
	st->out = fopen(file, "we");
	if (!st->out) {
		pvctrl_trace_stop(st->h);
		pvctrl_trace_unmap(st->buf);
		return cli_fail("trace: %s: %s", file, strerror(errno));
	}
	clock_gettime(CLOCK_REALTIME, &real);
	memcpy(st->hdr.magic, TRACEFILE_MAGIC, 8);
	st->hdr.version = TRACEFILE_VERSION;
	st->hdr.rec_size = sizeof(struct pv_trace_rec);
	st->hdr.start_ns = st->buf->start_ns;
	st->hdr.start_real_ns = (uint64_t)real.tv_sec * 1000000000ull + (uint64_t)real.tv_nsec -
				(util_now_ns() - st->buf->start_ns);
	st->hdr.domid = t.domid;
	st->hdr.flags = t.flags;
	if (fwrite(&st->hdr, sizeof(st->hdr), 1, st->out) != 1) {
		pvctrl_trace_stop(st->h);
		pvctrl_trace_unmap(st->buf);
		return cli_fail("trace: %s: %s", file, strerror(errno));
	}
	return 0;
}

struct rec_opts {
	const char *dom;
	uint64_t secs, slots;
};

static int record_opts(int argc, char **argv, struct rec_opts *o)
{
	int c, bad = 0;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while (!bad && (c = getopt(argc, argv, "+d:t:s:")) != -1) {
		switch (c) {
		case 'd':
			o->dom = optarg;
			break;
		case 't':
			bad = util_parse_u64(optarg, 86400, &o->secs) < 0 || !o->secs;
			break;
		case 's':
			bad = util_parse_u64(optarg, PV_TRACE_MAX_SLOTS, &o->slots) < 0 ||
			      (o->slots & (o->slots - 1));
			break;
		default:
			bad = 1;
		}
	}
	if (bad)
		return cli_fail("trace record: -d DOMAIN, -t SECONDS (1-86400), -s SLOTS (a "
				"power of two up to %u)",
				PV_TRACE_MAX_SLOTS);
	return optind == argc - 1 ? 0 : cli_usage("trace");
}

static int trace_record(int argc, char **argv)
{
	static struct rec_state st; /* the names table is large */
	struct rec_opts o;
	const char *dom;
	uint64_t secs, slots;
	int rc = record_opts(argc, argv, &o);

	if (rc)
		return rc;
	dom = o.dom;
	secs = o.secs;
	slots = o.slots;
	st.h = cli_connect();
	st.domid = dom ? (int)cli_domain(st.h, dom) : -1;
	rc = trace_begin(&st, (unsigned)slots, argv[optind]);
	if (rc)
		return rc;
	signal(SIGINT, trace_on_signal);
	signal(SIGTERM, trace_on_signal);
	st.deadline = secs ? util_now_ns() + secs * 1000000000ull : 0;
	fprintf(stderr, "pvx: trace: recording %s into %s (%u records buffered); %s\n",
		dom ? dom : "every domain", argv[optind], st.buf->slots,
		secs  ? "it stops when the time is up"
		: dom ? "it stops when the domain stops, "
			"or at Ctrl-C"
		      : "Ctrl-C stops it");
	trace_loop(&st);
	rc = trace_finish(&st, argv[optind]);
	pvctrl_close(st.h);
	return rc;
}

int cmd_trace(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "record") == 0)
		return trace_record(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "report") == 0)
		return trace_report(argc - 1, argv + 1);
	return cli_usage("trace");
}
