/* pvx trace report [--png OUT.png | --no-png] FILE: what a trace holds -- per
 * domain the hypercalls, events, upcalls, blocks and wake-ups; per hypercall (and
 * sub-operation) the count and the percentiles of the time the hypervisor took to
 * answer; events sent per port -- and a PNG histogram of those times, drawn by
 * pvx-trace-plot (matplotlib) from the numbers computed here. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "libpvx/hcnames.h"
#include "libpvx/tracefile.h"
#include "pvx_cli.h"
#include "rundir.h"

#define RPT_HASH    4096u /* distinct (domain, hypercall, sub-op) and (domain, port) keys */
#define RPT_BINS    45    /* histogram: 5 per decade from 10 ns to 10 s */
#define RPT_BIN_MIN 10.0
#define RPT_SERIES  6 /* the most frequent calls get a line in the PNG */

struct hc_stat {
	int used;
	uint16_t domid;
	uint32_t nr;
	int64_t sub; /* the sub-operation, -1 when the call has none */
	uint64_t count;
	uint32_t *dur; /* service times, ns */
	size_t ndur, cap;
};

struct dom_stat {
	uint16_t domid;
	uint64_t c[6]; /* by enum pv_trace_type - 1 */
};

struct port_stat {
	int used;
	uint16_t domid;
	uint32_t port;
	uint64_t sends;
};

struct report {
	const struct tracefile *tf;
	struct hc_stat hc[RPT_HASH];
	struct port_stat ports[RPT_HASH];
	struct dom_stat dom[256];
	int ndom;
	uint64_t t0, t1;
};

static struct hc_stat *hc_slot(struct report *r, uint16_t domid, uint32_t nr, int64_t sub)
{
	unsigned h = (unsigned)((nr * 131u + (uint64_t)sub * 31u + domid * 7u) % RPT_HASH);

	for (unsigned i = 0; i < RPT_HASH; i++, h = (h + 1) % RPT_HASH) {
		struct hc_stat *s = &r->hc[h];

		if (!s->used) {
			*s = (struct hc_stat){ .used = 1, .domid = domid, .nr = nr, .sub = sub };
			return s;
		}
		if (s->domid == domid && s->nr == nr && s->sub == sub)
			return s;
	}
	return NULL;
}

static struct port_stat *port_slot(struct report *r, uint16_t domid, uint32_t port)
{
	unsigned h = (port * 131u + domid * 7u) % RPT_HASH;

	for (unsigned i = 0; i < RPT_HASH; i++, h = (h + 1) % RPT_HASH) {
		struct port_stat *s = &r->ports[h];

		if (!s->used)
			*s = (struct port_stat){ .used = 1, .domid = domid, .port = port };
		if (s->domid == domid && s->port == port)
			return s;
	}
	return NULL;
}

static struct dom_stat *dom_slot(struct report *r, uint16_t domid)
{
	for (int i = 0; i < r->ndom; i++)
		if (r->dom[i].domid == domid)
			return &r->dom[i];
	if (r->ndom == (int)(sizeof(r->dom) / sizeof(r->dom[0])))
		return NULL;
	r->dom[r->ndom] = (struct dom_stat){ .domid = domid };
	return &r->dom[r->ndom++];
}

static void hc_add(struct hc_stat *s, uint32_t dur)
{
	s->count++;
	if (s->ndur == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		uint32_t *nd = realloc(s->dur, cap * sizeof(*nd));

		if (!nd)
			return; /* the count stays right; percentiles use what fitted */
		s->dur = nd;
		s->cap = cap;
	}
	s->dur[s->ndur++] = dur;
}

static void rpt_take(struct report *r, const struct pv_trace_rec *x)
{
	struct dom_stat *d = dom_slot(r, x->domid);

	if (x->type < PV_TRACE_HCALL || x->type > PV_TRACE_WAKE)
		return;
	if (d)
		d->c[x->type - 1]++;
	if (x->type == PV_TRACE_HCALL) {
		int64_t sub = pvx_hypercall_has_subops(x->nr) ? (int64_t)x->arg : -1;
		struct hc_stat *s = hc_slot(r, x->domid, x->nr, sub);

		if (s)
			hc_add(s, x->dur_ns);
	} else if (x->type == PV_TRACE_EV_SEND) {
		struct port_stat *p = port_slot(r, x->domid, x->nr);

		if (p)
			p->sends++;
	}
	if (!r->t0 || x->t_ns < r->t0)
		r->t0 = x->t_ns;
	if (x->t_ns > r->t1)
		r->t1 = x->t_ns;
}

static const char *dom_label(const struct report *r, uint16_t domid, char *buf, size_t len)
{
	const char *n = tracefile_domain_name(r->tf, domid);

	snprintf(buf, len, "%s(%u)", n ? n : domid == 0 ? "Domain-0" : "?", domid);
	return buf;
}

static const char *hc_label(const struct hc_stat *s, char *buf, size_t len)
{
	const char *n = pvx_hypercall_name(s->nr), *sub = NULL;

	if (s->sub >= 0)
		sub = pvx_hypercall_subop(s->nr, (unsigned long long)s->sub);
	if (!n)
		snprintf(buf, len, "hypercall_%u", s->nr);
	else if (s->sub < 0)
		snprintf(buf, len, "%s", n);
	else if (sub)
		snprintf(buf, len, "%s/%s", n, sub);
	else
		snprintf(buf, len, "%s/%lld", n, (long long)s->sub);
	return buf;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The p-th percentile (nearest rank) of sorted v. */
static uint32_t pct(const uint32_t *v, size_t n, double p)
{
	size_t k = (size_t)ceil(p / 100.0 * (double)n);

	return n ? v[k ? k - 1 : 0] : 0;
}

static int hc_by_count(const void *a, const void *b)
{
	const struct hc_stat *x = *(const struct hc_stat *const *)a;
	const struct hc_stat *y = *(const struct hc_stat *const *)b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

/* The used entries, most frequent first (*out malloc'ed). */
static size_t hc_sorted(struct report *r, struct hc_stat ***out)
{
	size_t n = 0;

	*out = malloc(RPT_HASH * sizeof(**out));
	for (unsigned i = 0; *out && i < RPT_HASH; i++)
		if (r->hc[i].used) {
			qsort(r->hc[i].dur, r->hc[i].ndur, sizeof(uint32_t), u32_cmp);
			(*out)[n++] = &r->hc[i];
		}
	if (*out)
		qsort(*out, n, sizeof(**out), hc_by_count);
	return n;
}

static void print_domains(const struct report *r)
{
	char lbl[96];

	printf("\n%-28s %12s %10s %10s %10s %10s %10s\n", "domain", "hypercalls", "ev-sent",
	       "ev-recv", "upcalls", "blocks", "wakeups");
	for (int i = 0; i < r->ndom; i++) {
		const uint64_t *c = r->dom[i].c;

		printf("%-28s %12llu %10llu %10llu %10llu %10llu %10llu\n",
		       dom_label(r, r->dom[i].domid, lbl, sizeof(lbl)), (unsigned long long)c[0],
		       (unsigned long long)c[1], (unsigned long long)c[2],
		       (unsigned long long)c[3], (unsigned long long)c[4],
		       (unsigned long long)c[5]);
	}
}

static void print_hcalls(const struct report *r, struct hc_stat **hs, size_t n)
{
	char lbl[96], name[96];

	printf("\n%-36s %-20s %10s %9s %9s %9s %10s\n", "hypercall", "domain", "count", "p50 ns",
	       "p90 ns", "p99 ns", "max ns");
	for (size_t i = 0; i < n; i++) {
		const struct hc_stat *s = hs[i];

		printf("%-36s %-20s %10llu %9u %9u %9u %10u\n", hc_label(s, name, sizeof(name)),
		       dom_label(r, s->domid, lbl, sizeof(lbl)), (unsigned long long)s->count,
		       pct(s->dur, s->ndur, 50), pct(s->dur, s->ndur, 90),
		       pct(s->dur, s->ndur, 99), s->ndur ? s->dur[s->ndur - 1] : 0);
	}
}

static void print_ports(const struct report *r)
{
	char lbl[96];
	int any = 0;

	for (unsigned i = 0; i < RPT_HASH; i++) {
		const struct port_stat *p = &r->ports[i];

		if (!p->used)
			continue;
		if (!any++)
			printf("\n%-28s %8s %12s\n", "events sent by", "port", "count");
		printf("%-28s %8u %12llu\n", dom_label(r, p->domid, lbl, sizeof(lbl)), p->port,
		       (unsigned long long)p->sends);
	}
}

/* The histogram as JSON on the plot script's stdin. */
static void plot_json(FILE *f, const struct report *r, struct hc_stat **hs, size_t n,
		      const char *title)
{
	char name[96], lbl[96];

	fprintf(f, "{\"title\": \"%s\", \"edges_ns\": [", title);
	for (int b = 0; b <= RPT_BINS; b++)
		fprintf(f, "%s%.1f", b ? ", " : "", RPT_BIN_MIN * pow(10.0, b / 5.0));
	fprintf(f, "], \"series\": [");
	for (size_t i = 0; i < n && i < RPT_SERIES; i++) {
		uint64_t bins[RPT_BINS] = { 0 };

		for (size_t k = 0; k < hs[i]->ndur; k++) {
			double d = hs[i]->dur[k] < RPT_BIN_MIN ? RPT_BIN_MIN : hs[i]->dur[k];
			int b = (int)(log10(d / RPT_BIN_MIN) * 5.0);

			bins[b < 0 ? 0 : b >= RPT_BINS ? RPT_BINS - 1 : b]++;
		}
		fprintf(f, "%s{\"label\": \"%s %s\", \"counts\": [", i ? ", " : "",
			hc_label(hs[i], name, sizeof(name)),
			dom_label(r, hs[i]->domid, lbl, sizeof(lbl)));
		for (int b = 0; b < RPT_BINS; b++)
			fprintf(f, "%s%llu", b ? ", " : "", (unsigned long long)bins[b]);
		fprintf(f, "]}");
	}
	fprintf(f, "]}\n");
}

static int plot(const struct report *r, struct hc_stat **hs, size_t n, const char *file,
		const char *png)
{
	char cmd[2300], title[600];
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "'%s/pvx-trace-plot' '%s'", rundir_bindir(), png);
	if (strchr(png, '\'') || strchr(rundir_bindir(), '\''))
		return cli_fail("trace report: %s: a quote in the path; give --png another name",
				png);
	snprintf(title, sizeof(title), "Hypercalls by the time the hypervisor spent on them: %s",
		 file);
	for (char *c = title; *c; c++)
		if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20)
			*c = '?';
	p = popen(cmd, "w");
	if (!p)
		return cli_fail("trace report: cannot run pvx-trace-plot: %s", strerror(errno));
	plot_json(p, r, hs, n, title);
	st = pclose(p);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return cli_fail("trace report: no histogram: pvx-trace-plot failed (it needs "
				"python3-matplotlib: make deps)");
	printf("\nhistogram: %s\n", png);
	return 0;
}

static int report_run(const char *file, const char *png)
{
	static struct report r;
	struct tracefile tf;
	struct hc_stat **hs;
	char err[600], lbl[96];
	size_t n;
	int rc = 0;

	if (tracefile_read(file, &tf, err, sizeof(err)) < 0)
		return cli_fail("trace report: %s", err);
	memset(&r, 0, sizeof(r));
	r.tf = &tf;
	for (size_t i = 0; i < tf.nrec; i++)
		rpt_take(&r, &tf.rec[i]);
	printf("trace %s: %zu records, %llu lost, %.3f s, %s%s\n", file, tf.nrec,
	       (unsigned long long)tf.hdr.lost, (double)(r.t1 - r.t0) / 1e9,
	       tf.hdr.domid == PV_TRACE_ALL_DOMAINS ? "every domain" : "domain ",
	       tf.hdr.domid == PV_TRACE_ALL_DOMAINS
		       ? ""
		       : dom_label(&r, tf.hdr.domid, lbl, sizeof(lbl)));
	if (!tf.hdr.end_ns)
		printf("(the recording was cut short: the records in the file are read)\n");
	n = hc_sorted(&r, &hs);
	print_domains(&r);
	print_hcalls(&r, hs, n);
	print_ports(&r);
	fflush(stdout);
	if (png && hs && n)
		rc = plot(&r, hs, n, file, png);
	for (unsigned i = 0; i < RPT_HASH; i++)
		free(r.hc[i].dur);
	free(hs);
	tracefile_close(&tf);
	return rc;
}

int trace_report(int argc, char **argv)
{
	static const struct option lo[] = { { "png", required_argument, NULL, 'p' },
					    { "no-png", no_argument, NULL, 'n' },
					    { NULL, 0, NULL, 0 } };
	char def[1100];
	const char *png = NULL;
	int c, nopng = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", lo, NULL)) != -1) {
		if (c == 'p')
			png = optarg;
		else if (c == 'n')
			nopng = 1;
		else
			return cli_usage("trace");
	}
	if (optind != argc - 1)
		return cli_usage("trace");
	snprintf(def, sizeof(def), "%s.png", argv[optind]);
	return report_run(argv[optind], nopng ? NULL : png ? png : def);
}
