/* What guests write with console_io goes where Xen sends it: into the hypervisor's
 * log (hvlog.c, `pvx dmesg`), one line at a time with a "(d<id>) " prefix. A
 * partial line waits in the domain until its newline or until it fills
 * CONSOLE_LINE_MAX; control characters are dropped so a guest cannot drive the
 * terminal of whoever reads dmesg. A token bucket per domain keeps a flooding
 * guest from pushing everyone else's messages out of the ring; what it drops is
 * counted and said in the log. The guest's console proper (ring, pty, log file)
 * is pvconsoled's business, not ours. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/hv.h"
#include "log.h"

#define CONSOLE_RATE      1024u         /* bytes per second a domain may add */
#define CONSOLE_BURST     (16u << 10)   /* bucket: a boot's worth of lines at once */
#define CONSOLE_REPORT_NS 5000000000ull /* say "N lines dropped" at most this often */

static uint64_t console_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void console_init(struct console_buf *c)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	c->tokens = CONSOLE_BURST;
	c->refill_ns = console_now_ns();
}

void console_fini(struct console_buf *c)
{
	pthread_mutex_destroy(&c->lock);
}

/* Top the bucket up for the time since the last line. c->lock held. */
static void console_refill(struct console_buf *c, uint64_t now)
{
	uint64_t add;

	if (now <= c->refill_ns)
		return;
	add = (now - c->refill_ns) * CONSOLE_RATE / 1000000000ull;
	if (c->tokens + add >= CONSOLE_BURST) {
		c->tokens = CONSOLE_BURST;
		c->refill_ns = now;
		return;
	}
	/* Advance only by the time the whole bytes took, so short gaps add up. */
	c->tokens += add;
	c->refill_ns += add * 1000000000ull / CONSOLE_RATE;
}

/* Tell the log how many lines were dropped, if any and not too recently (force: now,
 * the domain is going). c->lock held. */
static void console_report(struct console_buf *c, pv_domid_t domid, uint64_t now, int force)
{
	if (!c->dropped || (!force && c->reported_ns && now - c->reported_ns < CONSOLE_REPORT_NS))
		return;
	log_warnx("d%u: %llu console_io line%s dropped: over the rate limit (%u bytes/s, "
		  "burst %u)",
		  domid, (unsigned long long)c->dropped, c->dropped == 1 ? "" : "s", CONSOLE_RATE,
		  CONSOLE_BURST);
	c->dropped = 0;
	c->reported_ns = now;
}

/* The pending line, prefixed, into the hypervisor log (or counted as dropped when
 * the bucket is empty). 1 when a line went to the log. c->lock held. */
static int console_emit(struct console_buf *c, pv_domid_t domid, uint64_t now)
{
	char out[CONSOLE_LINE_MAX + 16];
	int n;

	n = snprintf(out, sizeof(out), "(d%u) %.*s\n", domid, (int)c->len, c->line);
	c->len = 0;
	if (n <= 0)
		return 0;
	if ((size_t)n >= sizeof(out))
		n = sizeof(out) - 1;
	console_refill(c, now);
	if (c->tokens < (uint64_t)n) {
		c->dropped++;
		c->dropped_total++;
		return 0;
	}
	c->tokens -= (uint64_t)n;
	c->lines++;
	hvlog_put(out, (size_t)n);
	return 1;
}

int console_write(struct domain *d, const void *buf, size_t len)
{
	struct console_buf *c = &d->console;
	const uint8_t *p = buf;
	uint64_t now = console_now_ns();
	int lines = 0;

	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < len; i++) {
		uint8_t ch = p[i];

		if (ch == '\n') {
			lines += console_emit(c, d->domid, now);
			continue;
		}
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			continue; /* \r, escapes, bells: not for someone's terminal */
		c->line[c->len++] = (char)ch;
		if (c->len == CONSOLE_LINE_MAX)
			lines += console_emit(c, d->domid, now);
	}
	console_report(c, d->domid, now, 0);
	pthread_mutex_unlock(&c->lock);
	return lines;
}

void console_flush(struct domain *d)
{
	struct console_buf *c = &d->console;
	uint64_t now = console_now_ns();

	pthread_mutex_lock(&c->lock);
	if (c->len)
		console_emit(c, d->domid, now);
	console_report(c, d->domid, now, 1);
	pthread_mutex_unlock(&c->lock);
}
