/* Shared logging for the hypervisor and every dom0 process: one line per event,
 * prefixed with the process role and the object it concerns. */
#ifndef PV_COMMON_LOG_H
#define PV_COMMON_LOG_H

#include <stdarg.h>

enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN };

/* Set the role printed before every line ("pvisor", "xsd", ...) and where lines go:
 * fd 2 by default. `verbose` enables log_debug. */
void log_init(const char *role, int verbose);
/* Redirect output to an already open file descriptor (a log file in the run dir). */
void log_set_fd(int fd);
/* Optional sink that also receives every formatted line (e.g. the hypervisor's
 * console ring that `pvx dmesg` reads). Called with the line without newline. */
void log_set_sink(void (*sink)(enum log_level lvl, const char *line));

/* log_warn appends ": strerror(errno)"; the x variants do not. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Log and exit(1): only for start-up failures. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Rate-limited warning: at most `burst` lines per 10 s per call site key; returns 1
 * when the line was printed. Use for anything a guest or client can trigger. */
int log_ratelimit(unsigned *state_counter, long *state_window, int burst);

#endif
