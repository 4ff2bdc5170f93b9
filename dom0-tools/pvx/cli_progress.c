/* Progress of a save or restore on a terminal -- a bar with the pages and bytes
 * done, redrawn at most every 50 ms on stderr -- and the figures as JSON for
 * --json (the phases and their times). Nothing is drawn when stderr is not a
 * terminal. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "pvx_cli.h"
#include "util.h"

#define BAR_WIDTH 30
#define REDRAW_NS 50000000ull

void cli_progress_init(struct cli_progress *p, const char *verb, int json)
{
	memset(p, 0, sizeof(*p));
	p->verb = verb;
	p->tty = !json && isatty(STDERR_FILENO);
}

static void bar_draw(struct cli_progress *p, const struct pvx_sr_report *r)
{
	uint64_t total = r->pages_total > r->pages ? r->pages_total : r->pages;
	unsigned fill = total ? (unsigned)(r->pages * BAR_WIDTH / total) : 0;
	char bar[BAR_WIDTH + 1];

	memset(bar, '#', fill);
	memset(bar + fill, '.', BAR_WIDTH - fill);
	bar[BAR_WIDTH] = '\0';
	fprintf(stderr, "\r%-9s [%s] %3u%% %8.1f MiB %7llu/%-7llu pages  %-8s", p->verb, bar,
		total ? (unsigned)(r->pages * 100 / total) : 0, r->bytes / 1048576.0,
		(unsigned long long)r->pages, (unsigned long long)total,
		pvx_sr_phase_name(r->phase));
	p->drawn = 1;
}

void cli_progress_cb(void *ctx, const struct pvx_sr_report *r)
{
	struct cli_progress *p = ctx;
	uint64_t now = util_now_ns();

	if (!p->tty || (now - p->last_ns < REDRAW_NS && r->phase == p->last_phase))
		return;
	p->last_ns = now;
	p->last_phase = r->phase;
	bar_draw(p, r);
}

void cli_progress_end(struct cli_progress *p, const struct pvx_sr_report *r, int ok)
{
	if (!p->drawn)
		return;
	if (ok)
		bar_draw(p, r);
	fputc('\n', stderr);
}

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_ms(yajl_gen g, const char *key, uint64_t ns)
{
	char num[32];

	gen_str(g, key);
	snprintf(num, sizeof(num), "%.3f", ns / 1e6);
	yajl_gen_number(g, num, strlen(num));
}

static void gen_u64(yajl_gen g, const char *key, uint64_t v)
{
	gen_str(g, key);
	yajl_gen_integer(g, (long long)v);
}

void cli_progress_json(const char *op, const char *name, pv_domid_t domid, const char *file,
		       const struct pvx_sr_report *r)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (!g)
		return;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_map_open(g);
	gen_str(g, "operation");
	gen_str(g, op);
	gen_str(g, "domain");
	gen_str(g, name);
	gen_u64(g, "domid", domid);
	gen_str(g, "file");
	gen_str(g, file);
	gen_str(g, "phases");
	yajl_gen_map_open(g);
	for (int i = 0; i < PVX_SR_NPHASES; i++) {
		char key[32];

		snprintf(key, sizeof(key), "%s_ms", pvx_sr_phase_name(i));
		gen_ms(g, key, r->phase_ns[i]);
	}
	yajl_gen_map_close(g);
	gen_ms(g, "total_ms", r->total_ns);
	if (r->running_ns)
		gen_ms(g, "running_ms", r->running_ns);
	gen_u64(g, "pages", r->pages);
	gen_u64(g, "zero_pages", r->zero_pages);
	gen_u64(g, "bytes", r->bytes);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		printf("%.*s", (int)len, (const char *)buf);
	yajl_gen_free(g);
}
