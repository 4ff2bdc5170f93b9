/* blkhot: follows disk hot-plug on a running guest (partner: pvx block-attach /
 * block-detach in tests/integration/t_blk_hotplug.sh). Every 50 ms it brings up
 * disks that appeared under device/vbd, checks the first mib=N MiB of each against
 * the host's pattern (seed=S, build/bin/blkpattern), and closes disks whose backend
 * left Connected (the toolstack's unplug). After rounds=R detaches it powers off. */
#include <pvisor/errno.h>
#include <pvisor/sched.h>

#include "apps/app.h"
#include "kernel/blkfront.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/timer.h"
#include "lib/blkpattern.h"

#define HOT_POLL_NS     50000000ull
#define HOT_MAX_SECONDS 600

static uint64_t arg_u64(const struct app_env *env, const char *key, uint64_t def)
{
	const char *v = cmdline_get(env->cmdline, key);
	uint64_t x;

	return v && cmdline_parse_u64(v, &x) == 0 ? x : def;
}

static void hot_check(struct blkfront *bf, uint64_t seed, uint64_t mib, uint8_t *buf)
{
	const struct blkfront_info *in = blkfront_info(bf);

	for (uint64_t m = 0; m < mib; m++) {
		int rc = blkfront_rw(bf, 0, m * 2048, buf, 2048);

		if (rc < 0 || blkpattern_check(seed, m * 2048, 2048, buf) != 2048) {
			printk("blkhot: %s attached, MiB %llu does not match (%d)\n", in->name,
			       (unsigned long long)m, rc);
			return;
		}
	}
	printk("blkhot: %s attached, %llu sectors, %llu MiB verified\n", in->name,
	       (unsigned long long)in->sectors, (unsigned long long)mib);
}

/* Disks already checked, by vdev (0: free entry). */
static unsigned checked[BLKFRONT_MAX_DISKS];

static int checked_has(unsigned vdev, int remove)
{
	for (unsigned i = 0; i < BLKFRONT_MAX_DISKS; i++)
		if (checked[i] == vdev) {
			if (remove)
				checked[i] = 0;
			return 1;
		}
	return 0;
}

/* Close bf if its backend is going away; returns 1 when it did. */
static int hot_unplug(struct blkfront *bf)
{
	const struct blkfront_info *in = blkfront_info(bf);
	char name[sizeof(in->name)];
	unsigned vdev = in->vdev;

	if (!blkfront_backend_closing(bf))
		return 0;
	for (unsigned k = 0; k < sizeof(name); k++)
		name[k] = in->name[k];
	blkfront_close(bf);
	checked_has(vdev, 1);
	printk("blkhot: %s detached\n", name);
	return 1;
}

int app_blkhot_run(const struct app_env *env)
{
	uint64_t seed = arg_u64(env, "seed", 3), mib = arg_u64(env, "mib", 4);
	uint64_t rounds = arg_u64(env, "rounds", 1), detached = 0;
	uint8_t *buf = mm_alloc_pages(256);

	if (!buf)
		return PV_SHUTDOWN_crash;
	printk("blkhot: waiting for disks\n");
	for (uint64_t t = 0; t < HOT_MAX_SECONDS * 20 && detached < rounds; t++) {
		struct blkfront *bf;

		blkfront_probe();
		for (unsigned i = 0; (bf = blkfront_get(i)); i++) {
			if (hot_unplug(bf)) {
				detached++;
				i--; /* the next disk moved down */
				continue;
			}
			if (!checked_has(blkfront_info(bf)->vdev, 0)) {
				for (unsigned k = 0; k < BLKFRONT_MAX_DISKS; k++)
					if (!checked[k]) {
						checked[k] = blkfront_info(bf)->vdev;
						break;
					}
				hot_check(bf, seed, mib, buf);
			}
		}
		timer_sleep_ns(HOT_POLL_NS);
	}
	printk("blkhot: done after %llu detaches\n", (unsigned long long)detached);
	return PV_SHUTDOWN_poweroff;
}
