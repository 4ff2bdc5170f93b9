/* count: the save/restore tests' guest. A counter in memory goes up by one every
 * ms=T and each value is printed, so a console log shows whether a save and
 * restore lost or repeated any; with mib=N, N MiB of memory hold a pattern that is
 * checked again after each restore (unless verify=0: a lazy restore's test wants the
 * pages left alone). With disk=xvda each value is first written to
 * sector N of the disk ("count N"), so the host can check that every write the
 * guest saw acknowledged is in the image; with ping=A each value also pings A.
 * count_value is what a debugger reads in a dump-core. */
#include <pvisor/errno.h>
#include <pvisor/sched.h>

#include "apps/app.h"
#include "kernel/blkfront.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/suspend.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "lib/format.h"
#include "lib/kstring.h"
#include "net/net.h"

#define COUNT_PAGES_PER_MIB (1ULL << (20 - PV_PAGE_SHIFT))

volatile uint64_t count_value;

/* The pattern after a restore: the line the tests look for. */
static int count_check(uint64_t first, uint64_t npages, unsigned gen)
{
	if (app_mem_verify(first, npages)) {
		printk("count: memory lost after restore %u\n", gen);
		return -1;
	}
	if (npages)
		printk("count: %llu MiB verified after restore %u\n",
		       (unsigned long long)(npages / COUNT_PAGES_PER_MIB), gen);
	return 0;
}

struct count_io {
	struct blkfront *disk;
	uint32_t ping;
	uint8_t *sector; /* one 512-byte aligned buffer */
	uint64_t pings, lost;
};

static int count_io_init(const struct app_env *env, struct count_io *io)
{
	const char *disk = cmdline_get(env->cmdline, "disk"),
		   *ping = cmdline_get(env->cmdline, "ping");

	io->sector = mm_alloc_pages(1);
	if (disk && (blkfront_probe() < 0 || !(io->disk = blkfront_find(disk)))) {
		printk("count: no disk %s\n", disk);
		return -1;
	}
	if (ping && (!net_up() || net_parse_ip(ping, &io->ping, NULL))) {
		printk("count: cannot ping %s (boot with ip= and a vif)\n", ping);
		return -1;
	}
	return 0;
}

/* Sector n says "count n"; a ping of the peer. Before the value is printed. */
static int count_io_tick(struct count_io *io, uint64_t n)
{
	struct ping_result r;

	if (io->disk) {
		memset(io->sector, 0, 512);
		ksnprintf((char *)io->sector, 512, "count %llu\n", (unsigned long long)n);
		if (blkfront_rw(io->disk, 1, n, io->sector, 1) < 0) {
			printk("count: writing sector %llu failed\n", (unsigned long long)n);
			return -1;
		}
	}
	if (io->ping) {
		io->pings++;
		if (net_ping(io->ping, 1, 56, 0, 500000000ull, 0, &r) < 0) {
			io->lost++;
			printk("count: ping %llu lost (%llu of %llu)\n", (unsigned long long)n,
			       (unsigned long long)io->lost, (unsigned long long)io->pings);
		}
	}
	return 0;
}

int app_count_run(const struct app_env *env)
{
	uint64_t ms, limit, mib, verify, first = 0, npages;
	unsigned gen = suspend_generation();
	struct count_io io = { 0 };

	if (app_mem_check_size(env, &mib) < 0 || count_io_init(env, &io) < 0)
		return PV_SHUTDOWN_crash;
	cmdline_get_u64(env->cmdline, "ms", 20, &ms);
	cmdline_get_u64(env->cmdline, "n", 0, &limit);
	cmdline_get_u64(env->cmdline, "verify", 1, &verify);
	npages = mib * COUNT_PAGES_PER_MIB;
	if (npages)
		first = mm_virt_to_gfn(mm_alloc_pages(npages));
	app_mem_touch(first, npages);
	printk("count: counting every %llu ms, %llu MiB of pattern\n", (unsigned long long)ms,
	       (unsigned long long)mib);
	while (!limit || count_value < limit) {
		count_value++;
		if (count_io_tick(&io, count_value) < 0)
			return PV_SHUTDOWN_crash;
		printk("count: %llu\n", (unsigned long long)count_value);
		if (gen != suspend_generation() && verify) {
			gen = suspend_generation();
			if (count_check(first, npages, gen) < 0)
				return PV_SHUTDOWN_crash;
		}
		timer_sleep_ns(ms * 1000000ull);
	}
	printk("count: done at %llu, %llu of %llu pings lost\n", (unsigned long long)count_value,
	       (unsigned long long)io.lost, (unsigned long long)io.pings);
	return PV_SHUTDOWN_poweroff;
}
