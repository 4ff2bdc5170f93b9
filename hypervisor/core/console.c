/* Guest console_io output (a ring per domain, plus a log file in the run dir) and
 * the hypervisor's own message ring that `pvx dmesg` reads. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hv.h"
#include "log.h"
#include "rundir.h"

#define CONSOLE_LOG_MAX (4ull << 20) /* per-domain log file cap */

void console_init(struct console_buf *c)
{
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	c->data = NULL;
	c->head = 0;
	c->log_fd = -1;
	c->log_bytes = 0;
}

void console_fini(struct console_buf *c)
{
	if (c->log_fd >= 0)
		close(c->log_fd);
	free(c->data);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
}

void console_open_log(struct console_buf *c, const char *name)
{
	char path[512], dir[480];

	if (rundir_file(dir, sizeof(dir), "console") < 0)
		return;
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/%s.log", dir, name);
	pthread_mutex_lock(&c->lock);
	if (c->log_fd < 0)
		c->log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	pthread_mutex_unlock(&c->lock);
}

static void ring_put(uint8_t *ring, size_t size, uint64_t *head, const uint8_t *p,
		     size_t len)
{
	if (len > size) {
		*head += len - size;
		p += len - size;
		len = size;
	}
	while (len) {
		size_t off = *head % size, n = size - off < len ? size - off : len;

		memcpy(ring + off, p, n);
		*head += n;
		p += n;
		len -= n;
	}
}

static size_t ring_get(const uint8_t *ring, size_t size, uint64_t head, uint64_t offset,
		       uint8_t *out, size_t max, uint64_t *first)
{
	uint64_t oldest = head > size ? head - size : 0, pos;
	size_t got = 0;

	pos = offset < oldest ? oldest : offset > head ? head : offset;
	*first = pos;
	while (pos < head && got < max) {
		size_t off = pos % size, n = size - off;

		if (n > head - pos)
			n = head - pos;
		if (n > max - got)
			n = max - got;
		memcpy(out + got, ring + off, n);
		got += n;
		pos += n;
	}
	return got;
}

void console_append(struct console_buf *c, const void *buf, size_t len)
{
	pthread_mutex_lock(&c->lock);
	if (!c->data)
		c->data = malloc(HV_CONSOLE_BYTES);
	if (c->data) {
		ring_put(c->data, HV_CONSOLE_BYTES, &c->head, buf, len);
		pthread_cond_broadcast(&c->cond);
	}
	if (c->log_fd >= 0 && c->log_bytes < CONSOLE_LOG_MAX) {
		size_t n = len < CONSOLE_LOG_MAX - c->log_bytes ? len : CONSOLE_LOG_MAX - c->log_bytes;

		if (write(c->log_fd, buf, n) > 0)
			c->log_bytes += n;
		if (c->log_bytes >= CONSOLE_LOG_MAX) {
			static const char msg[] = "\n[pvisor: console log limit reached]\n";

			if (write(c->log_fd, msg, sizeof(msg) - 1) < 0)
				c->log_bytes = CONSOLE_LOG_MAX;
		}
	}
	pthread_mutex_unlock(&c->lock);
}

size_t console_read(struct console_buf *c, uint64_t offset, void *out, size_t max,
		    uint64_t *first)
{
	size_t n = 0;

	*first = c->head;
	if (c->data)
		n = ring_get(c->data, HV_CONSOLE_BYTES, c->head, offset, out, max, first);
	return n;
}

/* Consoles of destroyed domains: a small ring of buffers taken over at destroy. */
#define GRAVE_SLOTS 16
static struct grave {
	pv_domid_t domid;
	uint8_t *data;
	uint64_t head;
} graves[GRAVE_SLOTS];
static unsigned grave_next;
static pthread_mutex_t grave_lock = PTHREAD_MUTEX_INITIALIZER;

void console_bury(struct domain *d)
{
	struct grave *g;

	pthread_mutex_lock(&grave_lock);
	g = &graves[grave_next++ % GRAVE_SLOTS];
	free(g->data);
	pthread_mutex_lock(&d->console.lock);
	g->domid = d->domid;
	g->data = d->console.data;
	g->head = d->console.head;
	d->console.data = NULL;
	pthread_mutex_unlock(&d->console.lock);
	pthread_mutex_unlock(&grave_lock);
}

int console_grave_read(pv_domid_t domid, uint64_t offset, void *out, size_t max,
		       uint64_t *first)
{
	int n = -ESRCH;

	pthread_mutex_lock(&grave_lock);
	for (unsigned i = 0; i < GRAVE_SLOTS && n < 0; i++)
		if (graves[i].data && graves[i].domid == domid)
			n = (int)ring_get(graves[i].data, HV_CONSOLE_BYTES, graves[i].head, offset,
					  out, max, first);
	pthread_mutex_unlock(&grave_lock);
	return n;
}

/* The hypervisor's own messages. */
static struct {
	pthread_mutex_t lock;
	uint8_t data[HV_CONSOLE_BYTES];
	uint64_t head;
} hvlog = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void hvlog_sink(enum log_level lvl, const char *line)
{
	char buf[1100];
	int n = snprintf(buf, sizeof(buf), "(XEN) %s%s\n",
			 lvl == LOG_LVL_WARN ? "warning: " : "", line);

	if (n <= 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	pthread_mutex_lock(&hvlog.lock);
	ring_put(hvlog.data, sizeof(hvlog.data), &hvlog.head, (const uint8_t *)buf, n);
	pthread_mutex_unlock(&hvlog.lock);
}

void hvlog_init(void)
{
	log_set_sink(hvlog_sink);
}

size_t hvlog_read(uint64_t offset, void *out, size_t max, uint64_t *first, uint64_t *head)
{
	size_t n;

	pthread_mutex_lock(&hvlog.lock);
	n = ring_get(hvlog.data, sizeof(hvlog.data), hvlog.head, offset, out, max, first);
	*head = hvlog.head;
	pthread_mutex_unlock(&hvlog.lock);
	return n;
}

void hvlog_clear(void)
{
	pthread_mutex_lock(&hvlog.lock);
	hvlog.head = 0;
	pthread_mutex_unlock(&hvlog.lock);
}
