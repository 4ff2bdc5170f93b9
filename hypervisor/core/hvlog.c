/* The hypervisor's log (Xen's console ring): its own messages, prefixed "(XEN)",
 * and the lines guests write with console_io, prefixed "(d<id>)" (console.c).
 * `pvx dmesg` reads it with sysctl readconsole; nothing of it goes to a file
 * under console/, which belongs to pvconsoled. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/hv.h"
#include "log.h"

static struct {
	pthread_mutex_t lock;
	uint8_t data[HV_CONSOLE_BYTES];
	uint64_t head;  /* stream offset one past the newest byte */
	uint64_t start; /* oldest offset still readable: a clear moves it to head */
} hvlog = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Append len bytes; the oldest fall out when the ring is full. hvlog.lock held. */
static void hvlog_put_locked(const uint8_t *p, size_t len)
{
	const size_t size = sizeof(hvlog.data);

	if (len > size) {
		hvlog.head += len - size;
		p += len - size;
		len = size;
	}
	while (len) {
		size_t off = hvlog.head % size, n = size - off < len ? size - off : len;

		memcpy(hvlog.data + off, p, n);
		hvlog.head += n;
		p += n;
		len -= n;
	}
}

void hvlog_put(const void *buf, size_t len)
{
	pthread_mutex_lock(&hvlog.lock);
	hvlog_put_locked(buf, len);
	pthread_mutex_unlock(&hvlog.lock);
}

static void hvlog_sink(enum log_level lvl, const char *line)
{
	char buf[1100];
	int n = snprintf(buf, sizeof(buf), "(XEN) %s%s\n", lvl == LOG_LVL_WARN ? "warning: " : "",
			 line);

	if (n <= 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	hvlog_put(buf, (size_t)n);
}

void hvlog_init(void)
{
	log_set_sink(hvlog_sink);
}

size_t hvlog_read(uint64_t offset, void *out, size_t max, uint64_t *first, uint64_t *head)
{
	const size_t size = sizeof(hvlog.data);
	uint64_t oldest, pos;
	size_t got = 0;

	pthread_mutex_lock(&hvlog.lock);
	oldest = hvlog.head > size ? hvlog.head - size : 0;
	if (oldest < hvlog.start)
		oldest = hvlog.start;
	pos = offset < oldest ? oldest : offset > hvlog.head ? hvlog.head : offset;
	*first = pos;
	while (pos < hvlog.head && got < max) {
		size_t off = pos % size, n = size - off;

		if (n > hvlog.head - pos)
			n = hvlog.head - pos;
		if (n > max - got)
			n = max - got;
		memcpy((uint8_t *)out + got, hvlog.data + off, n);
		got += n;
		pos += n;
	}
	*head = hvlog.head;
	pthread_mutex_unlock(&hvlog.lock);
	return got;
}

uint64_t hvlog_head(void)
{
	uint64_t head;

	pthread_mutex_lock(&hvlog.lock);
	head = hvlog.head;
	pthread_mutex_unlock(&hvlog.lock);
	return head;
}

/* As Xen's clear: what is there is forgotten, but offsets keep counting, so an
 * incremental reader's index stays valid. */
void hvlog_clear(void)
{
	pthread_mutex_lock(&hvlog.lock);
	hvlog.start = hvlog.head;
	pthread_mutex_unlock(&hvlog.lock);
}
