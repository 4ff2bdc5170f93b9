/* blkcheck: the guest side of the disk integration tests (tests/integration/
 * t_blk_*.sh; host side build/bin/blkpattern).
 *   op=write  mib=N seed=S  write the pattern over the first N MiB: 1 MiB pieces in
 *                           random order, each split into random-sized requests
 *                           (up to 16 in flight, buffers at random sector offsets
 *                           in their pages), then flush
 *   op=verify mib=N seed=S  read it back the same way and compare
 *   op=ro                   a write must be refused (read-only disk)
 *   op=discard mib=N        discard the first N MiB, which must then read as zeros
 *   op=bad                  hostile requests must each get an error, then a good
 *                           read must still work
 *   op=churn mib=N seed=S rounds=R  R rounds of write (seed S+round), flush, verify:
 *                           a backend killed meanwhile must lose nothing that was
 *                           acknowledged (the host checks the last round's pattern)
 * disk=NAME (the first disk by default); persistent=0 grants every request's pages
 * afresh (the backend then copies) instead of using persistent grants; queues=N
 * spreads the requests over N rings (multi-queue); hold=MS waits before powering off (the host
 * looks at the image meanwhile). Lines start with "blkcheck:"; the last is
 * "blkcheck: PASS ..." or "blkcheck: FAIL ...". */
#include <pvisor/errno.h>
#include <pvisor/sched.h>

#include "apps/app.h"
#include "kernel/blkfront.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/timer.h"
#include "lib/blkpattern.h"
#include "lib/kstring.h"

#define PIECE_SECTORS 2048u /* 1 MiB */
#define MAX_INFLIGHT  16

struct check {
	struct blkfront *bf;
	uint64_t seed, rnd;
	uint8_t *buf; /* one piece plus a page of slack for misalignment */
	int write;
};

static uint64_t arg_u64(const struct app_env *env, const char *key, uint64_t def)
{
	const char *v = cmdline_get(env->cmdline, key);
	uint64_t x;

	return v && cmdline_parse_u64(v, &x) == 0 ? x : def;
}

static int wait_all(struct check *c, int *failed)
{
	struct blkfront_done d[MAX_INFLIGHT];

	while (blkfront_inflight(c->bf)) {
		int n = blkfront_poll(c->bf, d, MAX_INFLIGHT);

		for (int i = 0; i < n; i++)
			if (d[i].status != PV_BLKIF_RSP_OKAY)
				(*failed)++;
		if (!n)
			blkfront_wait(c->bf);
	}
	return 0;
}

/* One piece as random-sized requests, at most MAX_INFLIGHT at a time. */
static int piece_io(struct check *c, uint64_t sector, uint8_t *buf)
{
	uint32_t max = (blkfront_info(c->bf)->max_segs - 1) * 8, done = 0;
	int failed = 0;

	while (done < PIECE_SECTORS) {
		uint32_t n = 1 + (uint32_t)(blkpattern_rand(&c->rnd) % max);
		int rc;

		if (n > PIECE_SECTORS - done)
			n = PIECE_SECTORS - done;
		if (blkfront_inflight(c->bf) == MAX_INFLIGHT)
			wait_all(c, &failed);
		rc = blkfront_submit(c->bf, c->write ? PV_BLKIF_OP_WRITE : PV_BLKIF_OP_READ,
				     sector + done, buf + (uint64_t)done * 512, n, done);
		if (rc == -PV_EAGAIN) {
			blkfront_kick(c->bf);
			wait_all(c, &failed);
			continue;
		}
		if (rc < 0)
			return rc;
		done += n;
		blkfront_kick(c->bf);
	}
	wait_all(c, &failed);
	return failed ? -PV_EIO : 0;
}

static int pattern_pass(struct check *c, uint64_t mib)
{
	uint32_t *order = mm_alloc_pages((mib * 4 + 4095) / 4096);

	if (!order)
		return -PV_ENOMEM;
	for (uint32_t i = 0; i < mib; i++)
		order[i] = i;
	for (uint32_t i = (uint32_t)mib - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(blkpattern_rand(&c->rnd) % (i + 1)), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (uint64_t k = 0; k < mib; k++) {
		uint64_t sector = (uint64_t)order[k] * PIECE_SECTORS, bad;
		uint8_t *buf = c->buf + (blkpattern_rand(&c->rnd) % 8) * 512;
		int rc;

		if (c->write)
			blkpattern_fill(c->seed, sector, PIECE_SECTORS, buf);
		if ((rc = piece_io(c, sector, buf)) < 0) {
			printk("blkcheck: FAIL %s at sector %llu: %d\n",
			       c->write ? "write" : "read", (unsigned long long)sector, rc);
			return rc;
		}
		if (!c->write && (bad = blkpattern_check(c->seed, sector, PIECE_SECTORS, buf)) !=
					 PIECE_SECTORS) {
			printk("blkcheck: FAIL mismatch at sector %llu\n",
			       (unsigned long long)(sector + bad));
			return -PV_EIO;
		}
	}
	return 0;
}

static int op_pattern(struct check *c, uint64_t mib, int write)
{
	int rc;

	if (mib * PIECE_SECTORS > blkfront_info(c->bf)->sectors) {
		printk("blkcheck: FAIL the disk is smaller than %llu MiB\n",
		       (unsigned long long)mib);
		return -PV_EINVAL;
	}
	c->write = write;
	if ((rc = pattern_pass(c, mib)) < 0)
		return rc;
	if (write && (rc = blkfront_flush(c->bf)) < 0) {
		printk("blkcheck: FAIL flush: %d\n", rc);
		return rc;
	}
	printk("blkcheck: PASS %s %llu MiB%s\n", write ? "wrote" : "verified",
	       (unsigned long long)mib, write ? " and flushed" : "");
	return 0;
}

static int op_ro(struct check *c)
{
	int rc = blkfront_rw(c->bf, 1, 0, c->buf, 8);

	printk("blkcheck: disk is %s; write answered %d\n",
	       blkfront_info(c->bf)->readonly ? "read-only" : "writable", rc);
	if (rc == -PV_EIO) {
		printk("blkcheck: PASS write refused with an error\n");
		return 0;
	}
	printk("blkcheck: FAIL write was not refused\n");
	return -PV_EINVAL;
}

/* Discard the first mib MiB (in 1 MiB requests), then read it back: all zeros. */
static int op_discard(struct check *c, uint64_t mib)
{
	struct blkfront_done d;

	for (uint64_t m = 0; m < mib; m++) {
		int rc = blkfront_submit(c->bf, PV_BLKIF_OP_DISCARD, m * PIECE_SECTORS, 0,
					 PIECE_SECTORS, m);

		if (rc < 0) {
			printk("blkcheck: FAIL discard: %d\n", rc);
			return rc;
		}
		blkfront_kick(c->bf);
		while (blkfront_poll(c->bf, &d, 1) == 0)
			blkfront_wait(c->bf);
		if (d.status != PV_BLKIF_RSP_OKAY) {
			printk("blkcheck: FAIL discard answered %d\n", d.status);
			return -PV_EIO;
		}
		if (blkfront_rw(c->bf, 0, m * PIECE_SECTORS, c->buf, PIECE_SECTORS) < 0)
			return printk("blkcheck: FAIL read after discard\n"), -PV_EIO;
		for (uint64_t i = 0; i < PIECE_SECTORS * 512ull; i++)
			if (c->buf[i])
				return printk("blkcheck: FAIL byte %llu not zero after discard\n",
					      (unsigned long long)(m * PIECE_SECTORS * 512 + i)),
				       -PV_EIO;
	}
	printk("blkcheck: PASS discarded %llu MiB, reads back zeros\n", (unsigned long long)mib);
	return 0;
}

/* op=churn: every round writes the pattern of its own seed, flushes and reads it
 * all back; a round's verify also sees what was acknowledged before a backend
 * restart that happened in its write. */
static int op_churn(struct check *c, uint64_t mib, uint64_t rounds)
{
	uint64_t seed = c->seed;
	int rc;

	for (uint64_t r = 0; r < rounds; r++) {
		c->seed = seed + r;
		if ((rc = op_pattern(c, mib, 1)) < 0 || (rc = op_pattern(c, mib, 0)) < 0)
			return rc;
		printk("blkcheck: round %llu ok (seed %llu)\n", (unsigned long long)r,
		       (unsigned long long)c->seed);
	}
	printk("blkcheck: PASS churned %llu rounds of %llu MiB, last seed %llu, %u reconnects\n",
	       (unsigned long long)rounds, (unsigned long long)mib, (unsigned long long)c->seed,
	       blkfront_reconnects(c->bf));
	return 0;
}

int app_blkcheck_op_bad(struct blkfront *bf, uint8_t *buf);

int app_blkcheck_run(const struct app_env *env)
{
	const char *op = cmdline_get(env->cmdline, "op"),
		   *disk = cmdline_get(env->cmdline, "disk");
	struct check c = { .seed = arg_u64(env, "seed", 1) };
	uint64_t mib = arg_u64(env, "mib", 256), hold = arg_u64(env, "hold", 0);
	int rc, n;

	blkfront_allow_persistent((int)arg_u64(env, "persistent", 1));
	blkfront_set_queues((unsigned)arg_u64(env, "queues", 1));
	n = blkfront_probe();

	c.rnd = c.seed * 7 + 3;
	c.bf = disk ? blkfront_find(disk) : blkfront_get(0);
	c.buf = mm_alloc_pages(PIECE_SECTORS / 8 + 1);
	if (!c.bf || !c.buf) {
		printk("blkcheck: FAIL no disk %s (%d up)\n", disk ? disk : "", n);
		return PV_SHUTDOWN_crash;
	}
	if (!op || !strcmp(op, "write"))
		rc = op_pattern(&c, mib, 1);
	else if (!strcmp(op, "verify"))
		rc = op_pattern(&c, mib, 0);
	else if (!strcmp(op, "ro"))
		rc = op_ro(&c);
	else if (!strcmp(op, "discard"))
		rc = op_discard(&c, mib);
	else if (!strcmp(op, "bad"))
		rc = app_blkcheck_op_bad(c.bf, c.buf);
	else if (!strcmp(op, "churn"))
		rc = op_churn(&c, mib, arg_u64(env, "rounds", 10));
	else
		rc = -PV_EINVAL, printk("blkcheck: FAIL unknown op %s\n", op);
	if (hold)
		timer_sleep_ns(hold * 1000000ull);
	return rc < 0 ? PV_SHUTDOWN_crash : PV_SHUTDOWN_poweroff;
}
