/* A fake in-process hypervisor for testing the reference kernel without pvisor: it
 * loads build/guest/pvkernel at the physmap address in a child process, fills the
 * hypercall page with stubs that call back into C, and answers the handful of
 * hypercalls the kernel makes. What the kernel prints and how it ends are returned. */
#ifndef TESTS_KBOOT_FAKEHV_H
#define TESTS_KBOOT_FAKEHV_H

#include <stddef.h>
#include <stdint.h>

/* Child exit codes. */
#define KBOOT_EXIT_SHUTDOWN(reason) (100 + (reason)) /* SCHEDOP_shutdown(reason) */
#define KBOOT_EXIT_BLOCKED          90 /* SCHEDOP_block with nothing that could wake it */
#define KBOOT_EXIT_SETUP            91 /* the image could not be loaded (see the output) */

/* The fake version the hypervisor reports (4.17.0-fake). */
#define KBOOT_XEN_MAJOR 4
#define KBOOT_XEN_MINOR 17
#define KBOOT_XEN_EXTRA ".0-fake"

struct kboot_opts {
	unsigned int mem_mib;    /* guest RAM; 0 means 16 */
	unsigned int timeout_ms; /* the child gets SIGALRM after this; 0 means 5000 */
	int deny_getpid;         /* seccomp-kill the child on getpid, like pvisor would */
};

struct kboot_result {
	int exit_code; /* child exit status, or -1 if it was killed */
	int signo;     /* the signal that killed it, or 0 */
	size_t len;
	char out[65536]; /* the console output and fakehv notes, NUL-terminated */
};

/*
 * Boot the ELF kernel image (bytes img[0..len)) with cmdline in a forked child and
 * collect its output. Returns 0 (res filled), or -errno if the child could not be
 * started.
 */
int kboot_run(const void *img, size_t len, const char *cmdline, const struct kboot_opts *opts,
	      struct kboot_result *res);

#endif
