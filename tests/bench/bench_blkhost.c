/* bench_blkhost: the host's (or a UML guest's) side of the disk benchmark: the same
 * matrix as the guest's app=blkbench (sequential 1 MiB and random 4 KiB, read and
 * write, queue depths 1 and 32), O_DIRECT on a file or device, printing the same
 * lines ("blkbench: test=... iops=... mibps=..."). Engines: io_uring (default;
 * qd requests in flight on one ring) or psync (qd threads doing pread/pwrite, for
 * kernels without io_uring such as UML's).
 *   bench_blkhost [-e uring|psync] [-m MS] [-r MIB] [-t tests] [-q qds] FILE */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifndef BLKHOST_NO_URING
#include <liburing.h>
#endif

#define MAX_QD  32
#define SEQ_BS  (1u << 20)
#define RAND_BS 4096u

struct test {
	const char *name;
	int write, random;
};

static const struct test tests[] = {
	{ "seqread", 0, 0 },
	{ "seqwrite", 1, 0 },
	{ "randread", 0, 1 },
	{ "randwrite", 1, 1 },
};

struct run {
	int fd;
	const struct test *t;
	uint32_t bs;
	uint64_t slots, ms;
	uint64_t next; /* sequential position (psync: shared, atomic) */
	uint64_t ops, errors;
	uint64_t end_ns;
	void *bufs[MAX_QD];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t rnd_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

static off_t pick(struct run *r, uint64_t *rs)
{
	uint64_t slot = r->t->random
				? rnd_next(rs) % r->slots
				: __atomic_fetch_add(&r->next, 1, __ATOMIC_RELAXED) % r->slots;

	return (off_t)(slot * r->bs);
}

struct worker {
	struct run *r;
	unsigned idx;
	uint64_t ops, errors;
};

static void *psync_worker(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->r;
	uint64_t rs = 88172645463325252ull + w->idx;

	while (now_ns() < r->end_ns) {
		off_t off = pick(r, &rs);
		ssize_t n = r->t->write ? pwrite(r->fd, r->bufs[w->idx], r->bs, off)
					: pread(r->fd, r->bufs[w->idx], r->bs, off);

		w->ops++;
		w->errors += n != (ssize_t)r->bs;
	}
	return NULL;
}

static void run_psync(struct run *r, unsigned qd)
{
	pthread_t th[MAX_QD];
	struct worker w[MAX_QD];

	for (unsigned i = 0; i < qd; i++) {
		w[i] = (struct worker){ .r = r, .idx = i };
		pthread_create(&th[i], NULL, psync_worker, &w[i]);
	}
	for (unsigned i = 0; i < qd; i++) {
		pthread_join(th[i], NULL);
		r->ops += w[i].ops;
		r->errors += w[i].errors;
	}
}

#ifndef BLKHOST_NO_URING
static void uring_submit_one(struct io_uring *ring, struct run *r, unsigned i, uint64_t *rs)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	off_t off = pick(r, rs);

	if (r->t->write)
		io_uring_prep_write(sqe, r->fd, r->bufs[i], r->bs, off);
	else
		io_uring_prep_read(sqe, r->fd, r->bufs[i], r->bs, off);
	io_uring_sqe_set_data64(sqe, i);
}

static int run_uring(struct run *r, unsigned qd)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	uint64_t rs = 12345;
	unsigned inflight = 0;
	int rc = io_uring_queue_init(MAX_QD, &ring, 0);

	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < qd; i++, inflight++)
		uring_submit_one(&ring, r, i, &rs);
	io_uring_submit(&ring);
	while (inflight) {
		unsigned i;

		if (io_uring_wait_cqe(&ring, &cqe) < 0)
			break;
		i = (unsigned)io_uring_cqe_get_data64(cqe);
		r->ops++;
		r->errors += cqe->res != (int)r->bs;
		io_uring_cqe_seen(&ring, cqe);
		inflight--;
		if (now_ns() < r->end_ns) {
			uring_submit_one(&ring, r, i, &rs);
			inflight++;
			io_uring_submit(&ring);
		}
	}
	io_uring_queue_exit(&ring);
	return 0;
}
#endif

static int in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : "")
		if (!strncmp(p, word, n) && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return !list;
}

static void one(struct run *r, const struct test *t, unsigned qd, uint64_t size, int uring)
{
	uint64_t start;

	r->t = t;
	r->bs = t->random ? RAND_BS : SEQ_BS;
	r->slots = size / r->bs;
	r->next = r->ops = r->errors = 0;
	start = now_ns();
	r->end_ns = start + r->ms * 1000000ull;
#ifndef BLKHOST_NO_URING
	if (uring)
		run_uring(r, qd);
	else
#endif
		run_psync(r, qd);
	start = now_ns() - start;
	printf("blkbench: test=%s bs=%u qd=%u ops=%llu bytes=%llu ns=%llu iops=%llu mibps=%llu "
	       "errors=%llu\n",
	       t->name, r->bs, qd, (unsigned long long)r->ops,
	       (unsigned long long)(r->ops * r->bs), (unsigned long long)start,
	       (unsigned long long)(r->ops * 1000000000ull / start),
	       (unsigned long long)(r->ops * r->bs * 1000000000ull / start / 1048576),
	       (unsigned long long)r->errors);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *list = NULL, *qds = NULL;
	struct run r = { .ms = 2000 };
	static const unsigned depths[] = { 1, 32 };
	uint64_t size, mib = 0;
	int uring = 1, opt;
	char q[8];

	while ((opt = getopt(argc, argv, "e:m:r:t:q:")) != -1) {
		switch (opt) {
		case 'e':
			uring = strcmp(optarg, "psync") != 0;
			break;
		case 'm':
			r.ms = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			mib = strtoull(optarg, NULL, 0);
			break;
		case 't':
			list = optarg;
			break;
		case 'q':
			qds = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind + 1 != argc)
		goto usage;
	r.fd = open(argv[optind], O_RDWR | O_DIRECT);
	if (r.fd < 0) {
		fprintf(stderr, "bench_blkhost: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	size = (uint64_t)lseek(r.fd, 0, SEEK_END);
	if (mib && mib << 20 < size)
		size = mib << 20;
	for (unsigned i = 0; i < MAX_QD; i++)
		if (posix_memalign(&r.bufs[i], 4096, SEQ_BS))
			return 1;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		for (unsigned d = 0; d < 2; d++) {
			snprintf(q, sizeof(q), "%u", depths[d]);
			if (in_list(list, tests[i].name) && in_list(qds, q))
				one(&r, &tests[i], depths[d], size, uring);
		}
	printf("blkbench: done\n");
	return 0;
usage:
	fprintf(stderr, "usage: bench_blkhost [-e uring|psync] [-m MS] [-r MIB] [-t TESTS] "
			"[-q QDS] FILE\n");
	return 2;
}
