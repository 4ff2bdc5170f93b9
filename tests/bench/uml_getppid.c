/* uml_getppid: system-call cost inside a User-Mode Linux guest, built static by
 * tests/tools/uml-peer.sh into the UML initramfs (not by make: it runs under UML).
 * Times batches of getppid() because a clock read is itself a system call under UML;
 * prints "uml_getppid n=.. median_ns=.. p99_ns=.. mean_ns=.. min_ns=.." (per call). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define UG_BATCH  20
#define UG_WARMUP 200
#define UG_MAX_N  10000000L

static uint64_t ug_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int ug_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One sample per batch: the batch's time divided by its calls. */
static uint64_t ug_batch(void)
{
	uint64_t t0 = ug_now();

	for (int i = 0; i < UG_BATCH; i++)
		syscall(SYS_getppid);
	return (ug_now() - t0) / UG_BATCH;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
	long batches, i;
	uint64_t *s, sum = 0;

	if (n < UG_BATCH || n > UG_MAX_N) {
		fprintf(stderr, "uml_getppid: calls %ld: want %d..%ld\n", n, UG_BATCH, UG_MAX_N);
		return 2;
	}
	batches = n / UG_BATCH;
	s = calloc((size_t)batches, sizeof(*s));
	if (!s)
		return 1;
	for (i = 0; i < UG_WARMUP; i++)
		syscall(SYS_getppid);
	for (i = 0; i < batches; i++)
		s[i] = ug_batch();
	for (i = 0; i < batches; i++)
		sum += s[i];
	qsort(s, (size_t)batches, sizeof(*s), ug_cmp);
	printf("uml_getppid n=%ld median_ns=%llu p99_ns=%llu mean_ns=%llu min_ns=%llu\n",
	       batches * UG_BATCH, (unsigned long long)s[batches / 2],
	       (unsigned long long)s[batches * 99 / 100], (unsigned long long)(sum / batches),
	       (unsigned long long)s[0]);
	return 0;
}
