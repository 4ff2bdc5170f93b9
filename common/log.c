/* Shared logging for the hypervisor and every dom0 process. */
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *log_role = "pvisor";
static int log_verbose;
static int log_fd = 2;
static void (*log_sink)(enum log_level, const char *);
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void log_init(const char *role, int verbose)
{
	log_role = role;
	log_verbose = verbose;
}

void log_set_fd(int fd)
{
	log_fd = fd;
}

void log_set_sink(void (*sink)(enum log_level, const char *))
{
	log_sink = sink;
}

static void log_emit(enum log_level lvl, int with_errno, int saved_errno, const char *fmt,
		     va_list ap)
{
	char msg[1024], line[1200];
	struct timespec ts;
	struct tm tm;
	int n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno) {
		size_t len = strlen(msg);
		snprintf(msg + len, sizeof(msg) - len, ": %s", strerror(saved_errno));
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line), "%04d-%02d-%02d %02d:%02d:%02d.%03ld %s: %s%s\n",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		     tm.tm_sec, ts.tv_nsec / 1000000, log_role,
		     lvl == LOG_LVL_WARN ? "warning: " : "", msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	pthread_mutex_lock(&log_lock);
	if (write(log_fd, line, n) < 0) {
		/* nowhere else to report it */
	}
	if (log_sink)
		log_sink(lvl, msg);
	pthread_mutex_unlock(&log_lock);
}

#define LOG_BODY(lvl, with_errno) \
	do { \
		int saved = errno; \
		va_list ap; \
		va_start(ap, fmt); \
		log_emit(lvl, with_errno, saved, fmt, ap); \
		va_end(ap); \
		errno = saved; \
	} while (0)

void log_warn(const char *fmt, ...)
{
	LOG_BODY(LOG_LVL_WARN, 1);
}

void log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_LVL_WARN, 0);
}

void log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_LVL_INFO, 0);
}

void log_debug(const char *fmt, ...)
{
	if (!log_verbose)
		return;
	LOG_BODY(LOG_LVL_DEBUG, 0);
}

void fatal(const char *fmt, ...)
{
	LOG_BODY(LOG_LVL_WARN, 1);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_LVL_WARN, 0);
	exit(1);
}

int log_ratelimit(unsigned *counter, long *window, int burst)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ts.tv_sec / 10 != *window) {
		*window = ts.tv_sec / 10;
		*counter = 0;
	}
	return (*counter)++ < (unsigned)burst;
}
