/* Wait for a guest's console_io line in the hypervisor log (see dmesg_wait.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dmesg_wait.h"
#include "pvisor/xen.h"
#include "util.h"

#define DMESG_CHUNK   (8u << 10) /* per read: the buffer crosses the privcmd socket twice */
#define DMESG_POLL_MS 10

struct dmesg_scan {
	char buf[2 * DMESG_CHUNK]; /* an unfinished line, then the newest bytes */
	size_t have;
	char prefix[16];
	const char *needle;
};

/* Look for the needle in the complete lines of s->buf, keeping the unfinished
 * tail for the next read. 1 (and the line in out) when found. */
static int dmesg_scan_lines(struct dmesg_scan *s, char *out, size_t len)
{
	char *p = s->buf, *end = s->buf + s->have, *nl;
	size_t plen = strlen(s->prefix);

	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		*nl = '\0';
		if (strncmp(p, s->prefix, plen) == 0 && strstr(p + plen, s->needle)) {
			snprintf(out, len, "%s", p + plen);
			return 1;
		}
		p = nl + 1;
	}
	s->have = (size_t)(end - p);
	if (s->have > DMESG_CHUNK)
		s->have = 0; /* no newline in a whole ring's worth: not a line */
	memmove(s->buf, p, s->have);
	return 0;
}

/* Sleep until VIRQ_CON_RING fires or ms pass. */
static void dmesg_nap(struct pvctrl_evtchn *ev, int port, int ms)
{
	struct timespec ts = { 0, (long)ms * 1000000L };

	if (port < 0) {
		nanosleep(&ts, NULL);
		return;
	}
	port = pvctrl_evtchn_wait(ev, ms);
	if (port >= 0)
		pvctrl_evtchn_unmask(ev, (uint32_t)port);
}

static int dmesg_follow(struct pvctrl *h, struct dmesg_scan *s, struct pvctrl_evtchn *ev,
			int port, uint32_t index, int timeout_ms, char *line, size_t len)
{
	uint64_t deadline = util_now_ns() + (uint64_t)timeout_ms * 1000000ull;

	for (;;) {
		int n = pvctrl_readconsole_from(h, &index, s->buf + s->have, DMESG_CHUNK);

		if (n < 0)
			return n;
		s->have += (size_t)n;
		if (dmesg_scan_lines(s, line, len))
			return 0;
		if (n == DMESG_CHUNK)
			continue; /* more is waiting */
		if (util_now_ns() >= deadline)
			return -ETIMEDOUT;
		dmesg_nap(ev, port, port < 0 ? DMESG_POLL_MS : 100);
	}
}

/* VIRQ_CON_RING on a handle kept for the life of the process (a per-call handle
 * would put its set-up into every wait a benchmark times): its port, or -1. */
static int dmesg_virq(struct pvctrl_evtchn **ev)
{
	static struct pvctrl_evtchn *handle;
	static int port = -2;

	if (port == -2) {
		port = -1;
		if (pvctrl_evtchn_open(&handle) == 0)
			port = pvctrl_evtchn_bind_virq(handle, PV_VIRQ_CON_RING);
		if (port < 0)
			port = -1;
	}
	*ev = handle;
	return port;
}

int dmesg_mark(struct pvctrl *h, uint32_t *index)
{
	static char buf[DMESG_CHUNK];
	int n;

	*index = 0;
	while ((n = pvctrl_readconsole_from(h, index, buf, sizeof(buf))) == (int)sizeof(buf))
		;
	return n < 0 ? n : 0;
}

int dmesg_wait_line(struct pvctrl *h, pv_domid_t domid, const char *needle, uint32_t from,
		    int timeout_ms, char *line, size_t len)
{
	static struct dmesg_scan s;
	struct pvctrl_evtchn *ev;
	int port = dmesg_virq(&ev); /* bound before the first read: later lines wake us */

	s.have = 0;
	s.needle = needle;
	snprintf(s.prefix, sizeof(s.prefix), "(d%u) ", domid);
	return dmesg_follow(h, &s, ev, port, from, timeout_ms, line, len);
}
