/* pvx top [-b] [-i N] [-d S] [-f] [--json] [DOMAIN...]: xentop for pvisor -- its
 * columns (NAME STATE CPU(sec) CPU(%) MEM(k) MEM(%) MAXMEM(k) MAXMEM(%) VCPUS NETS
 * NETTX(k) NETRX(k) VBDS VBD_OO VBD_RD VBD_WR VBD_RSECT VBD_WSECT SSID), redrawn
 * every -d seconds (3) on a terminal (q quits, s sorts by the next column, d/D
 * shorter/longer delay), or printed -i times (forever without -i) in batch mode,
 * -b, as xentop -b does; --json: one JSON object per sample, one per line. */
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "libxs/xs.h"
#include "top.h"
#include "util.h"

struct top_opts {
	int batch, json, full_name;
	long iterations; /* 0: forever */
	unsigned delay;
	int sort; /* column index: 0 name, 2 CPU(sec), 3 CPU(%), 4 MEM */
};

static const char *const top_cols[] = { "NAME",     "STATE",     "CPU(sec)",  "CPU(%)", "MEM(k)",
					"MEM(%)",   "MAXMEM(k)", "MAXMEM(%)", "VCPUS",  "NETS",
					"NETTX(k)", "NETRX(k)",  "VBDS",      "VBD_OO", "VBD_RD",
					"VBD_WR",   "VBD_RSECT", "VBD_WSECT", "SSID" };
static const int top_width[] = { 10, 6, 10, 6, 10, 6, 10, 9, 5, 4, 8, 8, 4, 8, 8, 8, 10, 10, 4 };

static void top_header(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(top_cols); i++)
		printf("%s%*s", i ? " " : "", top_width[i], top_cols[i]);
	putchar('\n');
}

/* A traffic counter, or '-' when the backend does not report it. */
static void top_counter(int width, int known, uint64_t v)
{
	if (known)
		printf(" %*llu", width, (unsigned long long)v);
	else
		printf(" %*c", width, '-');
}

static void top_row(const struct top_opts *o, const struct top_sample *cur,
		    const struct top_sample *prev, const struct top_dom *t)
{
	double total = (double)cur->pi.total_pages * 4;

	if (o->full_name)
		printf("%10s", t->name);
	else
		printf("%10.10s", t->name);
	printf(" %6s %10llu %6.1f %10llu %6.1f", t->state,
	       (unsigned long long)(t->cpu_ns / 1000000000), top_cpu_pct(cur, prev, t),
	       (unsigned long long)t->mem_kb, total > 0 ? (double)t->mem_kb / total * 100 : 0.0);
	if (t->maxmem_kb == TOP_NO_LIMIT)
		printf(" %10s %9s", "no limit", "n/a");
	else
		printf(" %10llu %9.1f", (unsigned long long)t->maxmem_kb,
		       total > 0 ? (double)t->maxmem_kb / total * 100 : 0.0);
	printf(" %5u %4u", t->vcpus, t->nets);
	top_counter(8, t->counters, t->net_tx / 1024);
	top_counter(8, t->counters, t->net_rx / 1024);
	printf(" %4u", t->vbds);
	top_counter(8, t->counters, t->vbd_oo);
	top_counter(8, t->counters, t->vbd_rd);
	top_counter(8, t->counters, t->vbd_wr);
	top_counter(10, t->counters, t->vbd_rsect);
	top_counter(10, t->counters, t->vbd_wsect);
	printf(" %4u\n", 0u);
}

static void top_json(const struct top_sample *cur, const struct top_sample *prev)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	yajl_gen_map_open(g);
	cli_json_kint(g, "time", (long long)cur->wall);
	cli_json_str(g, "domains");
	yajl_gen_array_open(g);
	for (int i = 0; i < cur->n; i++) {
		const struct top_dom *t = &cur->doms[i];

		yajl_gen_map_open(g);
		cli_json_kstr(g, "name", t->name);
		cli_json_kint(g, "domid", t->domid);
		cli_json_kstr(g, "state", t->state);
		cli_json_kdouble(g, "cpu_sec", (double)t->cpu_ns / 1e9);
		cli_json_kdouble(g, "cpu_pct", top_cpu_pct(cur, prev, t));
		cli_json_kint(g, "mem_kb", (long long)t->mem_kb);
		if (t->maxmem_kb == TOP_NO_LIMIT)
			cli_json_kstr(g, "maxmem_kb", NULL);
		else
			cli_json_kint(g, "maxmem_kb", (long long)t->maxmem_kb);
		cli_json_kint(g, "vcpus", t->vcpus);
		cli_json_kint(g, "nets", t->nets);
		cli_json_kint(g, "vbds", t->vbds);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	fwrite(buf, 1, len, stdout);
	putchar('\n');
	yajl_gen_free(g);
}

/* Sort by the chosen column: name ascending, numbers descending (as xentop). */
static int top_sort_col;
static int top_cmp(const void *a, const void *b)
{
	const struct top_dom *x = a, *y = b;
	uint64_t vx = top_sort_col == 4 ? x->mem_kb : x->cpu_ns,
		 vy = top_sort_col == 4 ? y->mem_kb : y->cpu_ns;

	if (top_sort_col == 0)
		return strcmp(x->name, y->name);
	return vx < vy ? 1 : vx > vy ? -1 : 0;
}

/* xentop's summary lines above the table (interactive mode only). */
static void top_summary(const struct top_sample *s)
{
	unsigned run = 0, block = 0, pause = 0, crash = 0, dying = 0, down = 0;
	char clock[16];
	struct tm tm;

	localtime_r(&s->wall, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	for (int i = 0; i < s->n; i++) {
		const char *st = s->doms[i].state;

		run += st[5] == 'r';
		block += st[5] != 'r' && st[2] == 'b';
		pause += st[4] == 'p';
		crash += st[3] == 'c';
		dying += st[0] == 'd';
		down += st[1] == 's';
	}
	printf("pvx top - %s   pvisor (Xen 4.17 ABI)\n", clock);
	printf("%d domains: %u running, %u blocked, %u paused, %u crashed, %u dying, %u shutdown \n",
	       s->n, run, block, pause, crash, dying, down);
	printf("Mem: %lluk total, %lluk used, %lluk free    CPUs: %u @ %uMHz\n",
	       (unsigned long long)s->pi.total_pages * 4,
	       (unsigned long long)(s->pi.total_pages - s->pi.free_pages) * 4,
	       (unsigned long long)s->pi.free_pages * 4, s->pi.nr_cpus, s->pi.cpu_khz / 1000);
}

static void top_show(const struct top_opts *o, struct top_sample *cur,
		     const struct top_sample *prev)
{
	if (o->json) {
		top_json(cur, prev);
	} else {
		if (!o->batch) {
			printf("\033[H\033[J");
			top_summary(cur);
		}
		top_sort_col = o->sort;
		qsort(cur->doms, (size_t)cur->n, sizeof(*cur->doms), top_cmp);
		top_header();
		for (int i = 0; i < cur->n; i++)
			top_row(o, cur, prev, &cur->doms[i]);
		if (!o->batch)
			printf("\nq quit   s sort (now %s)   d/D delay (%us)\n",
			       top_cols[o->sort], o->delay);
	}
	fflush(stdout);
}

static struct termios top_saved;
static int top_raw;

static void top_restore(void)
{
	if (top_raw)
		tcsetattr(0, TCSAFLUSH, &top_saved);
	top_raw = 0;
}

/* Interactive: keys without Enter, no echo; restored at exit. */
static void top_keys_on(void)
{
	struct termios t;

	if (tcgetattr(0, &top_saved) < 0)
		return;
	t = top_saved;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(0, TCSAFLUSH, &t) == 0) {
		top_raw = 1;
		atexit(top_restore);
	}
}

/* Wait up to the delay for a key: 1 to go on (redraw), 0 to quit. */
static int top_wait(struct top_opts *o)
{
	static const int sortable[] = { 0, 2, 3, 4 };
	struct pollfd p = { .fd = 0, .events = POLLIN };
	char c;

	if (poll(&p, 1, (int)o->delay * 1000) <= 0 || read(0, &c, 1) != 1)
		return 1;
	if (c == 'q' || c == 'Q')
		return 0;
	if (c == 's' || c == 'S') {
		size_t i = 0;

		while (i < ARRAY_SIZE(sortable) && sortable[i] != o->sort)
			i++;
		o->sort = sortable[(i + 1) % ARRAY_SIZE(sortable)];
	} else if (c == 'd' && o->delay > 1) {
		o->delay--;
	} else if (c == 'D' && o->delay < 60) {
		o->delay++;
	}
	return 1;
}

static int top_parse(int argc, char **argv, struct top_opts *o)
{
	static const struct option lo[] = { { "batch", no_argument, NULL, 'b' },
					    { "iterations", required_argument, NULL, 'i' },
					    { "delay", required_argument, NULL, 'd' },
					    { "full-name", no_argument, NULL, 'f' },
					    { "json", no_argument, NULL, 'j' },
					    { NULL, 0, NULL, 0 } };
	uint64_t n;
	int c;

	while ((c = getopt_long(argc, argv, "bi:d:f", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = o->batch = 1;
			break;
		case 'b':
			o->batch = 1;
			break;
		case 'f':
			o->full_name = 1;
			break;
		case 'i':
			if (util_parse_u64(optarg, 1000000, &n) < 0 || n == 0)
				return -1;
			o->iterations = (long)n;
			break;
		case 'd':
			if (util_parse_u64(optarg, 3600, &n) < 0 || n == 0)
				return -1;
			o->delay = (unsigned)n;
			break;
		default:
			return -1;
		}
	}
	if (!isatty(0) || !isatty(1))
		o->batch = 1; /* no terminal: xentop's batch output */
	return 0;
}

int cmd_top(int argc, char **argv)
{
	struct top_opts o = { .delay = 3, .sort = 0 };
	struct top_sample cur, prev = { 0 };
	struct xs_handle *xs = NULL;
	struct pvctrl *h;
	int go = 1;

	if (top_parse(argc, argv, &o) < 0)
		return cli_usage("top");
	h = cli_connect();
	pvstart_store_open(&xs, NULL); /* without the store: no vif / vbd counts */
	if (!o.batch)
		top_keys_on();
	for (long done = 0; go; done++) {
		if (top_sample(h, xs, argc - optind, argv + optind, &cur) < 0)
			return cli_fail("top: asking the hypervisor failed");
		top_show(&o, &cur, &prev);
		top_sample_free(&prev);
		prev = cur;
		if (o.iterations && done + 1 >= o.iterations)
			break;
		if (o.batch)
			sleep(o.delay);
		else
			go = top_wait(&o);
	}
	top_sample_free(&prev);
	if (xs)
		xs_close(xs);
	pvctrl_close(h);
	return 0;
}
