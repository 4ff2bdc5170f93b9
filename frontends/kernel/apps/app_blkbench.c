/* blkbench: disk throughput from the guest. For each test of the matrix (sequential
 * 1 MiB and random 4 KiB, read and write, queue depths 1 and 32, or what the
 * arguments pick) it keeps qd requests in flight for ms milliseconds over the
 * first mib MiB of the disk and prints one line:
 *   blkbench: test=randread bs=4096 qd=32 ops=N bytes=N ns=N iops=N mibps=N errors=N
 * Arguments: disk=xvda mib=N (whole disk) ms=MS (2000) tests=seqread,randwrite,..
 * qds=1,32 seq_bs=KIB (1024) rand_bs=KIB (4) persistent=0|1 (1) queues=N (1). All requests share one buffer (the
 * data is not looked at). build/bin/bench_blkhost prints the same lines on the
 * host. */
#include <pvisor/errno.h>
#include <pvisor/sched.h>

#include "apps/app.h"
#include "kernel/blkfront.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "lib/blkpattern.h"
#include "lib/format.h"
#include "lib/kstring.h"

struct bench {
	struct blkfront *bf;
	uint8_t *buf;
	uint64_t region; /* sectors */
	uint64_t ms;
	uint64_t rnd;
};

struct bench_test {
	const char *name;
	int write, random;
};

static const struct bench_test tests[] = {
	{ "seqread", 0, 0 },
	{ "seqwrite", 1, 0 },
	{ "randread", 0, 1 },
	{ "randwrite", 1, 1 },
};

static uint64_t arg_u64(const struct app_env *env, const char *key, uint64_t def)
{
	const char *v = cmdline_get(env->cmdline, key);
	uint64_t x;

	return v && cmdline_parse_u64(v, &x) == 0 ? x : def;
}

/* word is an element of the comma-separated list (NULL list: everything). */
static int in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	if (!list)
		return 1;
	for (const char *p = list; *p;) {
		if (!strncmp(p, word, n) && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	return 0;
}

static void bench_run(struct bench *b, const struct bench_test *t, uint32_t bs, unsigned qd)
{
	uint32_t nsect = bs / BLKFRONT_SECTOR;
	uint64_t slots = b->region / nsect, next = 0, ops = 0, errors = 0;
	uint64_t start = monotonic_ns(), end = start + b->ms * 1000000ull, ns;
	struct blkfront_done d[32];
	int stop = 0;

	while (!stop || blkfront_inflight(b->bf)) {
		int n;

		while (!stop && blkfront_inflight(b->bf) < qd) {
			uint64_t slot = t->random ? blkpattern_rand(&b->rnd) % slots
						  : next++ % slots;

			if (blkfront_submit(b->bf,
					    t->write ? PV_BLKIF_OP_WRITE : PV_BLKIF_OP_READ,
					    slot * nsect, b->buf, nsect, slot) < 0)
				break;
		}
		blkfront_kick(b->bf);
		n = blkfront_poll(b->bf, d, 32);
		for (int i = 0; i < n; i++)
			errors += d[i].status != PV_BLKIF_RSP_OKAY;
		ops += (uint64_t)n;
		if (!n)
			blkfront_wait(b->bf);
		if (!stop && monotonic_ns() >= end)
			stop = 1;
	}
	ns = monotonic_ns() - start;
	printk("blkbench: test=%s bs=%u qd=%u ops=%llu bytes=%llu ns=%llu iops=%llu mibps=%llu "
	       "errors=%llu\n",
	       t->name, bs, qd, (unsigned long long)ops, (unsigned long long)(ops * bs),
	       (unsigned long long)ns, (unsigned long long)(ns ? ops * 1000000000ull / ns : 0),
	       (unsigned long long)(ns ? ops * bs * 1000000000ull / ns / 1048576 : 0),
	       (unsigned long long)errors);
}

int app_blkbench_run(const struct app_env *env)
{
	const char *disk = cmdline_get(env->cmdline, "disk");
	const char *list = cmdline_get(env->cmdline, "tests"),
		   *qds = cmdline_get(env->cmdline, "qds");
	uint32_t seq_bs = (uint32_t)arg_u64(env, "seq_bs", 1024) * 1024;
	uint32_t rand_bs = (uint32_t)arg_u64(env, "rand_bs", 4) * 1024;
	static const unsigned depths[] = { 1, 32 };
	struct bench b = { .ms = arg_u64(env, "ms", 2000), .rnd = 12345 };
	uint64_t mib = arg_u64(env, "mib", 0);
	char qdname[8];

	blkfront_allow_persistent((int)arg_u64(env, "persistent", 1));
	blkfront_set_queues((unsigned)arg_u64(env, "queues", 1));
	blkfront_probe();
	b.bf = disk ? blkfront_find(disk) : blkfront_get(0);
	b.buf = mm_alloc_pages(seq_bs > rand_bs ? seq_bs / 4096 : rand_bs / 4096);
	if (!b.bf || !b.buf || seq_bs % 4096 || rand_bs % 4096 || !seq_bs || !rand_bs ||
	    seq_bs / 4096 > blkfront_info(b.bf)->max_segs) {
		printk("blkbench: FAIL no disk, no memory or bad sizes\n");
		return PV_SHUTDOWN_crash;
	}
	b.region = blkfront_info(b.bf)->sectors;
	if (mib && mib * 2048 < b.region)
		b.region = mib * 2048;
	for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		for (unsigned q = 0; q < 2; q++) {
			ksnprintf(qdname, sizeof(qdname), "%u", depths[q]);
			if (in_list(list, tests[i].name) && in_list(qds, qdname))
				bench_run(&b, &tests[i], tests[i].random ? rand_bs : seq_bs,
					  depths[q]);
		}
	printk("blkbench: done\n");
	return PV_SHUTDOWN_poweroff;
}
