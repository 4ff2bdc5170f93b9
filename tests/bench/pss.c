/* bench_pss: host memory of a group of processes -- the sum of Pss over their
 * /proc/<pid>/smaps_rollup, counting each address space once (UML's helpers, for
 * one, are clone(CLONE_VM) processes: each shows the whole shared mm's Pss). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#define PSS_MAX_PIDS 4096
#ifndef KCMP_VM
#define KCMP_VM 1
#endif

/* 1 when a and b share one mm, 0 when not, -errno when the kernel cannot tell. */
static int pss_same_vm(pid_t a, pid_t b)
{
	long r = syscall(SYS_kcmp, a, b, KCMP_VM, 0, 0);

	if (r < 0)
		return -errno;
	return r == 0;
}

/* Pss in kB from smaps_rollup; -errno when the process is gone or unreadable. */
static long pss_read_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Pss:", 4) == 0) {
			kib = strtol(line + 4, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kib;
}

/* Index of an earlier pid sharing pid[i]'s mm, or -1. Counts kcmp failures. */
static int pss_find_twin(const pid_t *pids, int i, int *kcmp_failed)
{
	for (int j = 0; j < i; j++) {
		int r = pss_same_vm(pids[i], pids[j]);

		if (r == 1)
			return j;
		if (r < 0 && r != -ESRCH)
			(*kcmp_failed)++;
	}
	return -1;
}

static int pss_parse_pids(int argc, char **argv, pid_t *pids)
{
	int n = 0;

	for (int i = 1; i < argc; i++) {
		uint64_t v;

		if (util_parse_u64(argv[i], 0x3fffffff, &v) < 0 || v == 0) {
			fprintf(stderr, "bench_pss: '%s' is not a process id\n", argv[i]);
			return -EINVAL;
		}
		if (n == PSS_MAX_PIDS) {
			fprintf(stderr, "bench_pss: more than %d processes\n", PSS_MAX_PIDS);
			return -E2BIG;
		}
		pids[n++] = (pid_t)v;
	}
	return n;
}

int main(int argc, char **argv)
{
	static pid_t pids[PSS_MAX_PIDS];
	int n = pss_parse_pids(argc, argv, pids), spaces = 0, procs = 0, kcmp_failed = 0;
	long sum = 0;

	if (n < 0) {
		fprintf(stderr, "usage: bench_pss PID...\n");
		return 2;
	}
	for (int i = 0; i < n; i++) {
		long kib = pss_read_kib(pids[i]);

		if (kib < 0)
			continue; /* gone meanwhile, or a kernel thread */
		procs++;
		if (pss_find_twin(pids, i, &kcmp_failed) >= 0)
			continue;
		spaces++;
		sum += kib;
	}
	printf("pss_kib=%ld processes=%d address_spaces=%d%s\n", sum, procs, spaces,
	       kcmp_failed ? " kcmp=failed" : "");
	return 0;
}
