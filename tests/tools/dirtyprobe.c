/* dirtyprobe: measures the ways this host kernel can tell which pages of a pv
 * domain's memory its process wrote, as live migration needs (docs/NOTES-migrate.md
 * has the figures). A child plays the domain process: it maps a memfd shared, as
 * pvisor-launch does, and writes pages when told; the parent plays the hypervisor,
 * with a mapping of its own. Candidates: userfaultfd write-protect in asynchronous
 * mode read back with the PAGEMAP_SCAN ioctl, synchronous userfaultfd
 * write-protect (a fault message per first write), soft-dirty bits (clear_refs +
 * pagemap), and no tracking at all: checksumming every page each round.
 *   dirtyprobe [-m MIB] [-k PAGES]   (defaults 64 MiB, 4096 pages written per round) */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Linux 6.7+ (Debian 12's headers predate them). */
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
struct probe_page_region {
	uint64_t start, end, categories;
};
struct probe_pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PROBE_PAGEMAP_SCAN          _IOWR('f', 16, struct probe_pm_scan_arg)
#define PROBE_PM_SCAN_WP_MATCHING   (1ull << 0)
#define PROBE_PM_SCAN_CHECK_WPASYNC (1ull << 1)
#define PROBE_PAGE_IS_WRITTEN       (1ull << 1)

#define PAGE 4096ul

static size_t mem_size = 64ul << 20;
static unsigned nr_write = 4096;
static int sock[2];
static uint8_t *child_mem;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* ---- the child: the domain process ---- */

struct cmd {
	uint32_t op;    /* 0 quit, 1 write pages, 2 make a uffd and send it, 3 drop the
			 * mapping's page table entries (the pages stay in the memfd) */
	uint32_t count; /* pages to write, every stride-th from first */
	uint32_t first, stride;
	uint32_t flags; /* op 2: uffdio_api features */
};
struct reply {
	int64_t val;   /* op 1: ns spent; op 2: 0 or -errno */
	uint64_t addr; /* where the memfd is mapped */
};

static void send_fd(int fd, const struct reply *r)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { (void *)r, sizeof(*r) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (fd >= 0) {
		m.msg_control = cbuf;
		m.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	if (sendmsg(sock[1], &m, 0) < 0)
		_exit(3);
}

static int recv_fd(struct reply *r)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { r, sizeof(*r) };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int fd = -1;

	if (recvmsg(sock[0], &m, 0) != sizeof(*r))
		return -1;
	c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* The child makes the uffd in its own mm (only the mm's owner can). */
static int child_uffd(uint32_t features, int *err)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	*err = 0;
	if (fd < 0)
		*err = -errno;
	else if (features != ~0u && ioctl(fd, UFFDIO_API, &api) < 0)
		*err = -errno;
	return fd;
}

static void child_main(int memfd)
{
	struct cmd c;
	struct reply r = { 0, 0 };

	child_mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (child_mem == MAP_FAILED)
		_exit(2);
	for (size_t i = 0; i < mem_size; i += PAGE) /* the guest has touched its memory */
		(void)*(volatile uint8_t *)(child_mem + i);
	r.addr = (uint64_t)child_mem;
	send_fd(-1, &r);
	while (read(sock[1], &c, sizeof(c)) == sizeof(c) && c.op) {
		if (c.op == 1) {
			uint64_t t = now_ns();

			for (uint32_t i = 0; i < c.count; i++)
				child_mem[(size_t)(c.first + i * c.stride) % (mem_size / PAGE) *
					  PAGE]++;
			r.val = (int64_t)(now_ns() - t);
			send_fd(-1, &r);
		} else if (c.op == 3) {
			r.val = madvise(child_mem, mem_size, MADV_DONTNEED) < 0 ? -errno : 0;
			send_fd(-1, &r);
		} else {
			int err, fd = child_uffd(c.flags, &err);

			r.val = err;
			send_fd(err ? -1 : fd, &r);
			if (fd >= 0)
				close(fd);
		}
	}
	_exit(0);
}

/* ---- the parent: the hypervisor ---- */

static void report(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static pid_t child;
static uint64_t child_addr;

static int64_t child_write(uint32_t count, uint32_t first, uint32_t stride)
{
	struct cmd c = { 1, count, first, stride, 0 };
	struct reply r;

	if (write(sock[0], &c, sizeof(c)) != sizeof(c) || recv_fd(&r) != -1)
		return -1;
	return r.val;
}

static int64_t child_drop(void)
{
	struct cmd c = { 3, 0, 0, 0, 0 };
	struct reply r;

	if (write(sock[0], &c, sizeof(c)) != sizeof(c) || recv_fd(&r) != -1)
		return -1;
	return r.val;
}

/* The floor: what a write costs that faults without any tracking (a page of the
 * memfd whose entry the writer's page table lost), and one that does not fault. */
static void probe_baseline(void)
{
	int64_t t;

	child_drop();
	t = child_write(nr_write, 0, 3);
	report("no tracking, first write (fault)", "%.3f us each", t / 1e3 / nr_write);
	t = child_write(nr_write, 0, 3);
	report("no tracking, write, no fault", "%.3f us each", t / 1e3 / nr_write);
}

static int child_get_uffd(uint32_t features, int64_t *err)
{
	struct cmd c = { 2, 0, 0, 0, features };
	struct reply r;
	int fd;

	if (write(sock[0], &c, sizeof(c)) != sizeof(c))
		return -1;
	fd = recv_fd(&r);
	*err = r.val;
	return fd;
}

static int pagemap_open(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)child);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* One PAGEMAP_SCAN over the child's mapping: written pages into vec, write-protected
 * again. Returns pages found or -errno. */
static long scan(int pm, struct probe_page_region *vec, size_t nvec)
{
	struct probe_pm_scan_arg a = {
		.size = sizeof(a),
		.flags = PROBE_PM_SCAN_WP_MATCHING | PROBE_PM_SCAN_CHECK_WPASYNC,
		.start = child_addr,
		.end = child_addr + mem_size,
		.vec = (uint64_t)vec,
		.vec_len = nvec,
		.category_mask = PROBE_PAGE_IS_WRITTEN,
		.return_mask = PROBE_PAGE_IS_WRITTEN,
	};
	long n = 0, r;

	do {
		r = ioctl(pm, PROBE_PAGEMAP_SCAN, &a);
		if (r < 0)
			return -errno;
		for (long i = 0; i < r; i++)
			n += (long)((vec[i].end - vec[i].start) / PAGE);
		a.start = a.walk_end;
	} while (a.walk_end < a.end);
	return n;
}

static void report(const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("%-34s ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static int uffd_register_wp(int uffd, const char **who)
{
	struct uffdio_register reg = { .range = { child_addr, mem_size },
				       .mode = UFFDIO_REGISTER_MODE_WP };

	*who = "by the hypervisor (another mm)";
	return ioctl(uffd, UFFDIO_REGISTER, &reg) < 0 ? -errno : 0;
}

/* Asynchronous write-protect: the kernel resolves the fault itself and leaves the
 * PTE's written state for PAGEMAP_SCAN to read. */
static void probe_async(uint8_t *hv_mem)
{
	struct probe_page_region *vec = calloc(mem_size / PAGE, sizeof(*vec));
	int64_t err, t_w;
	int uffd = child_get_uffd(UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_HUGETLBFS_SHMEM |
					  UFFD_FEATURE_WP_UNPOPULATED,
				  &err),
	    pm;
	const char *who;
	uint64_t t;
	long n;

	if (uffd < 0) {
		report("uffd-wp async", "unavailable: UFFDIO_API %s", strerror((int)-err));
		return;
	}
	if ((err = uffd_register_wp(uffd, &who)) < 0) {
		report("uffd-wp async", "UFFDIO_REGISTER %s: %s", who, strerror((int)-err));
		return;
	}
	report("uffd-wp async register", "ok %s", who);
	pm = pagemap_open();
	t = now_ns();
	n = scan(pm, vec, mem_size / PAGE);
	report("PAGEMAP_SCAN first (protect all)", "%ld pages, %.2f ms (%ld)", n,
	       (now_ns() - t) / 1e6, n < 0 ? -n : 0);
	if (n < 0)
		return;
	for (int round = 0; round < 3; round++) {
		t_w = child_write(nr_write, (uint32_t)round * 7, 3);
		t = now_ns();
		n = scan(pm, vec, mem_size / PAGE);
		report("uffd-wp async round", "%u writes %.3f us each; scan found %ld in %.3f ms",
		       nr_write, t_w / 1e3 / nr_write, n, (now_ns() - t) / 1e6);
	}
	t = now_ns();
	n = scan(pm, vec, mem_size / PAGE);
	report("PAGEMAP_SCAN, nothing written", "%ld pages, %.3f ms", n, (now_ns() - t) / 1e6);
	for (uint32_t i = 0; i < 64; i++) /* the hypervisor writes through its own mapping */
		hv_mem[i * PAGE]++;
	n = scan(pm, vec, mem_size / PAGE);
	report("writes through another mapping", "64 written, scan sees %ld", n);
	t_w = child_write(nr_write, 1, 1);
	report("uffd-wp async, rewrite cost", "%.3f us per write of a written page",
	       child_write(nr_write, 1, 1) / 1e3 / nr_write);
	/* Pages the process has no page table entry for (never touched by the guest,
	 * written only by the builder through another mapping): still caught? */
	scan(pm, vec, mem_size / PAGE);
	child_drop();
	scan(pm, vec, mem_size / PAGE);
	t_w = child_write(nr_write, 5, 2);
	n = scan(pm, vec, mem_size / PAGE);
	report("uffd-wp async, unmapped pages", "%u first writes %.3f us each, scan found %ld",
	       nr_write, t_w / 1e3 / nr_write, n);
	close(pm);
	close(uffd);
	free(vec);
}

/* Synchronous write-protect: every first write is a fault message we answer. */
struct sync_srv {
	int uffd;
	volatile int stop;
	unsigned long faults;
};

static void *sync_thread(void *arg)
{
	struct sync_srv *s = arg;
	struct uffd_msg msg;
	struct pollfd p = { s->uffd, POLLIN, 0 };

	while (!s->stop) {
		if (poll(&p, 1, 50) <= 0)
			continue;
		while (read(s->uffd, &msg, sizeof(msg)) == sizeof(msg)) {
			struct uffdio_writeprotect wp = {
				.range = { msg.arg.pagefault.address & ~(PAGE - 1), PAGE },
				.mode = 0
			};

			ioctl(s->uffd, UFFDIO_WRITEPROTECT, &wp);
			s->faults++;
		}
	}
	return NULL;
}

static void probe_sync(void)
{
	int64_t err;
	int uffd = child_get_uffd(UFFD_FEATURE_WP_HUGETLBFS_SHMEM, &err);
	struct sync_srv s = { uffd, 0, 0 };
	struct uffdio_writeprotect wp = { .range = { child_addr, mem_size },
					  .mode = UFFDIO_WRITEPROTECT_MODE_WP };
	const char *who;
	pthread_t th;
	uint64_t t;

	if (uffd < 0 || uffd_register_wp(uffd, &who) < 0) {
		report("uffd-wp sync", "unavailable (%s)", strerror((int)-err));
		return;
	}
	t = now_ns();
	if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp) < 0) {
		report("uffd-wp sync", "UFFDIO_WRITEPROTECT: %s", strerror(errno));
		return;
	}
	report("uffd-wp sync protect all", "%.2f ms", (now_ns() - t) / 1e6);
	pthread_create(&th, NULL, sync_thread, &s);
	t = (uint64_t)child_write(nr_write, 0, 3);
	report("uffd-wp sync round", "%u writes %.3f us each, %lu faults", nr_write,
	       t / 1e3 / nr_write, s.faults);
	s.stop = 1;
	pthread_join(th, NULL);
	close(uffd);
}

static void probe_soft_dirty(void)
{
	char path[64];
	uint64_t ent;
	int fd, pm;

	snprintf(path, sizeof(path), "/proc/%d/clear_refs", (int)child);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "4", 1) != 1) {
		report("soft-dirty", "clear_refs: %s", strerror(errno));
		return;
	}
	close(fd);
	child_write(1, 0, 1);
	pm = pagemap_open();
	if (pread(pm, &ent, 8, (off_t)(child_addr / PAGE * 8)) != 8)
		ent = 0;
	report("soft-dirty",
	       "written page's bit 55 = %d (0: the kernel keeps none, "
	       "CONFIG_MEM_SOFT_DIRTY off)",
	       (int)(ent >> 55 & 1));
	close(pm);
}

/* No tracking: a checksum of every page per round, compared with the last. */
static void probe_hash(const uint8_t *mem)
{
	size_t n = mem_size / PAGE;
	uint64_t *sums = calloc(n, 8), t = now_ns();

	for (size_t p = 0; p < n; p++) {
		const uint64_t *w = (const uint64_t *)(mem + p * PAGE);
		uint64_t h = 0;

		for (size_t i = 0; i < PAGE / 8; i++)
			h = (h ^ w[i]) * 0x100000001b3ull;
		sums[p] = h;
	}
	report("checksum every page (no tracking)", "%.2f ms for %zu MiB", (now_ns() - t) / 1e6,
	       mem_size >> 20);
	free(sums);
}

int main(int argc, char **argv)
{
	struct reply r;
	uint8_t *hv_mem;
	int memfd, opt;

	while ((opt = getopt(argc, argv, "m:k:")) != -1) {
		if (opt == 'm')
			mem_size = strtoul(optarg, NULL, 0) << 20;
		else if (opt == 'k')
			nr_write = (unsigned)strtoul(optarg, NULL, 0);
		else
			return fprintf(stderr, "usage: dirtyprobe [-m MIB] [-k PAGES]\n"), 2;
	}
	memfd = memfd_create("dirtyprobe", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, (off_t)mem_size) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sock) < 0)
		return perror("dirtyprobe"), 1;
	hv_mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	memset(hv_mem, 1, mem_size);
	child = fork();
	if (child == 0)
		child_main(memfd);
	if (recv_fd(&r) != -1)
		return fprintf(stderr, "dirtyprobe: child failed\n"), 1;
	child_addr = r.addr;
	printf("dirtyprobe: %zu MiB memfd, %u pages written per round, kernel tracking in "
	       "the writer's mm\n",
	       mem_size >> 20, nr_write);
	probe_baseline();
	probe_async(hv_mem);
	probe_sync();
	probe_soft_dirty();
	probe_hash(hv_mem);
	{
		struct cmd c = { 0, 0, 0, 0, 0 };

		if (write(sock[0], &c, sizeof(c)) < 0)
			perror("dirtyprobe");
	}
	waitpid(child, NULL, 0);
	return 0;
}
