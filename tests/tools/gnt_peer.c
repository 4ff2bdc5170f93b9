/* gnt_peer: the dom0 partner of the reference kernel's grant apps, for the
 * integration tests and the grant benchmark (protocol: frontends/kernel/apps/
 * gnt_proto.h).
 *   gnt_peer map [-x] DOMID REF RO_REF OTHER_REF   partner of app=grant: map,
 *       exchange markers, check every refusal, unmap (-x: exit with the pages still
 *       mapped, leaving the unmap to the hypervisor when the connection closes)
 *   gnt_peer copy [-b OPS] [-m MAPS] DOMID CTRL_REF   partner of app=gcopy: copy
 *       the guest's source into a local buffer and back into its destination in
 *       batches of OPS, time it, and time MAPS map+unmap pairs
 * Prints "gnt_peer: ..." result lines; exits 1 with "gnt_peer: <what>: <why>". */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../../frontends/kernel/apps/gnt_proto.h"
#include "libpvctrl/pvctrl.h"
#include "pvisor/version.h"
#include "util.h"

#define PEER_WAIT_NS (120ull * 1000000000ull)

static __attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...)
{
	va_list ap;

	fputs("gnt_peer: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t arg_u64(const char *s, uint64_t max, const char *what)
{
	uint64_t v;

	if (util_parse_u64(s, max, &v))
		die("%s: '%s' is not a number up to %llu", what, s, (unsigned long long)max);
	return v;
}

static void expect_rc(int got, int want, const char *what)
{
	if (got != want)
		die("%s: got %d (%s), expected %d", what, got, strerror(-got), want);
}

/* Poll (1 ms) until cond(arg), or die after PEER_WAIT_NS. */
static void wait_for(int (*cond)(const void *), const void *arg, const char *what)
{
	uint64_t end = util_now_ns() + PEER_WAIT_NS;
	struct timespec ms = { 0, 1000000 };

	while (!cond(arg)) {
		if (util_now_ns() > end)
			die("timed out waiting for %s", what);
		nanosleep(&ms, NULL);
	}
}

/* ---- map: partner of app=grant ------------------------------------------------ */

static int guest_acked(const void *page)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return memcmp((const char *)page + GNT_ACK_OFF, GNT_GUEST_ACK, sizeof(GNT_GUEST_ACK)) ==
	       0;
}

/* Every refusal the grant entries call for, with the real errors. */
static void map_refusals(struct pvctrl *h, pv_domid_t dom, uint32_t ro_ref, uint32_t other_ref)
{
	void *p;
	uint32_t hd;

	expect_rc(pvctrl_gnttab_map(h, dom, ro_ref, 0, &p, &hd), -EACCES,
		  "writable map of the read-only grant");
	expect_rc(pvctrl_gnttab_map(h, dom, other_ref, 1, &p, &hd), -EPERM,
		  "map of a grant to another domain");
	expect_rc(pvctrl_gnttab_map(h, dom, 1u << 20, 1, &p, &hd), -EINVAL,
		  "map of a ref past the table");
	expect_rc(pvctrl_gnttab_map(h, 0x7000, 8, 1, &p, &hd), -ESRCH,
		  "map from a domain that does not exist");
	expect_rc(pvctrl_gnttab_unmap(h, NULL, 0x7fffffff), -ENOENT,
		  "unmap of an unknown handle");
}

/* A read-only map stays read-only whatever is done with what we got: its fd
 * reopened read-write through /proc/self/fd, the mapping's file through
 * /proc/self/map_files, a writable mmap of the fd, write() on it. */
static void ro_stays_ro(struct pvctrl *h, pv_domid_t dom, uint32_t ro_ref, const void *ro)
{
	struct pv_privcmd_gnt_map req = { .domid = dom,
					  .ref = ro_ref,
					  .flags = PV_PRIVCMD_GNT_READONLY };
	struct pv_privcmd_gnt_mapping m;
	struct pv_privcmd_gnt_unmap un;
	char path[96];
	int fd = -1, rw;
	void *p;

	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx", (unsigned long)(uintptr_t)ro,
		 (unsigned long)((uintptr_t)ro + PV_PAGE_SIZE));
	if ((rw = open(path, O_RDWR | O_CLOEXEC)) >= 0)
		die("read-only map reopened read-write through %s", path);
	expect_rc(pvctrl_request(h, PV_PRIVCMD_OP_GNT_MAP, &req, sizeof(req), &m, sizeof(m), NULL,
				 &fd),
		  0, "read-only map (raw)");
	if (fd < 0)
		die("read-only map (raw): no fd");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((rw = open(path, O_RDWR | O_CLOEXEC)) >= 0)
		die("read-only map's fd reopened read-write through %s", path);
	p = mmap(NULL, PV_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)m.offset);
	if (p != MAP_FAILED)
		die("read-only map's fd mapped writable");
	if (pwrite(fd, "x", 1, (off_t)m.offset) >= 0)
		die("read-only map's fd written");
	close(fd);
	un.handle = m.handle;
	expect_rc(pvctrl_request(h, PV_PRIVCMD_OP_GNT_UNMAP, &un, sizeof(un), NULL, 0, NULL,
				 NULL),
		  0, "unmap the raw read-only map");
	printf("gnt_peer: read-only map stays read-only (reopen, map_files, mmap, write "
	       "refused)\n");
}

static void cmd_map(struct pvctrl *h, pv_domid_t dom, uint32_t ref, uint32_t ro_ref,
		    uint32_t other_ref, int leave_mapped)
{
	char *rw, *ro;
	uint32_t h_rw, h_ro;

	expect_rc(pvctrl_gnttab_map(h, dom, ref, 0, (void **)&rw, &h_rw), 0, "map the grant");
	if (memcmp(rw, GNT_GUEST_HELLO, sizeof(GNT_GUEST_HELLO)) != 0)
		die("mapped page does not start with \"%s\"", GNT_GUEST_HELLO);
	expect_rc(pvctrl_gnttab_map(h, dom, ro_ref, 1, (void **)&ro, &h_ro), 0,
		  "read-only map of the read-only grant");
	if (memcmp(ro, GNT_RO_TEXT, sizeof(GNT_RO_TEXT)) != 0)
		die("read-only page does not hold \"%s\"", GNT_RO_TEXT);
	if (mprotect(ro, PV_PAGE_SIZE, PROT_READ | PROT_WRITE) == 0)
		die("read-only map could be made writable");
	ro_stays_ro(h, dom, ro_ref, ro);
	map_refusals(h, dom, ro_ref, other_ref);
	printf("gnt_peer: mapped ref %u (writable) and %u (read-only); refusals ok\n", ref,
	       ro_ref);
	fflush(stdout);
	memcpy(rw + GNT_DOM0_OFF, GNT_DOM0_HELLO, sizeof(GNT_DOM0_HELLO));
	__atomic_thread_fence(__ATOMIC_RELEASE);
	wait_for(guest_acked, rw, "the guest's acknowledgement");
	printf("gnt_peer: guest wrote \"%s\"\n", rw + GNT_ACK_OFF);
	if (leave_mapped) {
		printf("gnt_peer: map ok; exiting with both pages mapped\n");
		exit(0);
	}
	expect_rc(pvctrl_gnttab_unmap(h, ro, h_ro), 0, "unmap the read-only page");
	expect_rc(pvctrl_gnttab_unmap(h, rw, h_rw), 0, "unmap the page");
	expect_rc(pvctrl_gnttab_unmap(h, NULL, h_rw), -ENOENT, "second unmap of a handle");
	printf("gnt_peer: map ok\n");
}

static void cmd_map_args(struct pvctrl *h, int argc, char **argv)
{
	int leave = argc > 1 && strcmp(argv[1], "-x") == 0;

	if (argc - leave != 5)
		die("usage: gnt_peer map [-x] DOMID REF RO_REF OTHER_REF");
	argv += leave;
	cmd_map(h, (pv_domid_t)arg_u64(argv[1], 0x7fef, "DOMID"),
		(uint32_t)arg_u64(argv[2], UINT32_MAX, "REF"),
		(uint32_t)arg_u64(argv[3], UINT32_MAX, "RO_REF"),
		(uint32_t)arg_u64(argv[4], UINT32_MAX, "OTHER_REF"), leave);
}

/* ---- copy: partner of app=gcopy ------------------------------------------------ */

struct copy_run {
	struct pvctrl *h;
	pv_domid_t dom;
	volatile struct gcopy_ctrl *ctrl;
	uint64_t *buf;
	uint32_t pages;
	size_t batch;
	struct pv_gnttab_copy *ops;
};

struct state_wait {
	volatile struct gcopy_ctrl *ctrl;
	uint32_t state;
};

static int state_is(const void *arg)
{
	const struct state_wait *w = arg;

	return w->ctrl->magic == GCOPY_MAGIC &&
	       __atomic_load_n(&w->ctrl->state, __ATOMIC_ACQUIRE) == w->state;
}

static void wait_state(struct copy_run *r, uint32_t state)
{
	struct state_wait w = { r->ctrl, state };
	char what[32];

	snprintf(what, sizeof(what), "gcopy state %u", state);
	wait_for(state_is, &w, what);
}

/* One op: a granted page of the guest and page i of our buffer, either direction. */
static void copy_op(struct pv_gnttab_copy *op, pv_domid_t dom, uint32_t ref, uint64_t i,
		    int to_guest)
{
	struct pv_gnttab_copy_ptr granted = { .u.ref = ref, .domid = dom };
	struct pv_gnttab_copy_ptr local = { .u.gmfn = i, .domid = PV_DOMID_SELF };

	memset(op, 0, sizeof(*op));
	op->source = to_guest ? local : granted;
	op->dest = to_guest ? granted : local;
	op->len = PV_PAGE_SIZE;
	op->flags = to_guest ? PV_GNTCOPY_dest_gref : PV_GNTCOPY_source_gref;
}

/* Copy the current run in batches; returns the elapsed ns. */
static uint64_t copy_all(struct copy_run *r, int to_guest)
{
	uint32_t first = r->ctrl->first_ref;
	uint64_t t0;

	if (r->ctrl->count != r->pages)
		die("the guest published %u pages, then %u", r->pages, r->ctrl->count);
	for (uint32_t i = 0; i < r->pages; i++)
		copy_op(&r->ops[i], r->dom, first + i, i, to_guest);
	t0 = util_now_ns();
	for (size_t i = 0; i < r->pages; i += r->batch) {
		size_t n = r->pages - i < r->batch ? r->pages - i : r->batch;

		expect_rc(pvctrl_gnttab_copy(r->h, r->ops + i, n), 0, "GNTTABOP_copy");
	}
	t0 = util_now_ns() - t0;
	for (uint32_t i = 0; i < r->pages; i++)
		if (r->ops[i].status != PV_GNTST_okay)
			die("copy of ref %u: status %d", first + i, r->ops[i].status);
	return t0;
}

/* Ops the hypervisor must refuse, each with Xen's status. */
static void copy_probes(struct copy_run *r)
{
	struct pv_gnttab_copy ops[4];
	uint32_t ref = r->ctrl->first_ref;

	copy_op(&ops[0], r->dom, ref, 0, 1); /* into a read-only grant */
	copy_op(&ops[1], r->dom, ref, 0, 0);
	ops[1].source.offset = 1;                   /* across the page end */
	copy_op(&ops[2], r->dom, 0x7ffffff, 0, 0);  /* past the table */
	copy_op(&ops[3], r->dom, ref, r->pages, 0); /* past our buffer */
	expect_rc(pvctrl_gnttab_copy(r->h, ops, 4), 0, "GNTTABOP_copy probes");
	expect_rc(ops[0].status, PV_GNTST_general_error, "copy into a read-only grant");
	expect_rc(ops[1].status, PV_GNTST_bad_copy_arg, "copy across a page boundary");
	expect_rc(ops[2].status, PV_GNTST_bad_gntref, "copy from a ref past the table");
	expect_rc(ops[3].status, PV_GNTST_bad_page, "copy into a page past the buffer");
}

/* n map+unmap pairs of a writable grant (read-only maps of it with ro): ns per pair. */
static uint64_t map_bench(struct copy_run *r, uint32_t ref, uint64_t n, int ro)
{
	uint64_t t0 = util_now_ns();

	for (uint64_t i = 0; i < n; i++) {
		void *p;
		uint32_t hd;

		expect_rc(pvctrl_gnttab_map(r->h, r->dom, ref, ro, &p, &hd), 0, "bench map");
		*(volatile char *)p; /* the page is really there */
		expect_rc(pvctrl_gnttab_unmap(r->h, p, hd), 0, "bench unmap");
	}
	return n ? (util_now_ns() - t0) / n : 0;
}

/* n privcmd round trips (a xen_version hypercall): ns each, the floor under a map. */
static uint64_t privcmd_rt(struct pvctrl *h, uint64_t n)
{
	uint64_t t0 = util_now_ns();

	for (uint64_t i = 0; i < n; i++)
		expect_rc(pvctrl_xen_version(h, PV_XENVER_version, NULL, 0) > 0, 1,
			  "xen_version");
	return n ? (util_now_ns() - t0) / n : 0;
}

static double mib_per_s(uint32_t pages, uint64_t ns)
{
	return ns ? (double)pages * PV_PAGE_SIZE / (1 << 20) / ((double)ns / 1e9) : 0;
}

/* Each direction runs twice: the first pass also pays for first touches (page
 * faults in the hypervisor's mappings and our fresh buffer), the second is the
 * steady state a backend reusing its buffers sees. */
static void copy_phases(struct copy_run *r, uint64_t maps)
{
	uint64_t out_first, out_ns, in_first, in_ns, pair_ns, ro_ns, rt_ns, sum;

	wait_state(r, GCOPY_SRC_READY);
	r->pages = r->ctrl->count;
	if (r->pages == 0 || r->pages > PV_PRIVCMD_GNT_BUFFER_MAX_PAGES)
		die("the guest published %u pages", r->pages);
	expect_rc(pvctrl_gnttab_buffer(r->h, r->pages, (void **)&r->buf), 0, "copy buffer");
	r->ops = calloc(r->pages, sizeof(*r->ops));
	if (!r->ops)
		die("out of memory");
	copy_probes(r);
	out_first = copy_all(r, 0);
	out_ns = copy_all(r, 0);
	sum = gcopy_checksum(r->buf, (uint64_t)r->pages * (PV_PAGE_SIZE / 8));
	if (sum != r->ctrl->checksum)
		die("checksum of the copied source %016llx, guest says %016llx",
		    (unsigned long long)sum, (unsigned long long)r->ctrl->checksum);
	__atomic_store_n(&r->ctrl->state, GCOPY_SRC_COPIED, __ATOMIC_RELEASE);
	wait_state(r, GCOPY_DST_READY);
	in_first = copy_all(r, 1);
	in_ns = copy_all(r, 1);
	pair_ns = map_bench(r, r->ctrl->first_ref, maps, 0);
	ro_ns = map_bench(r, r->ctrl->first_ref, maps, 1);
	rt_ns = privcmd_rt(r->h, maps);
	__atomic_store_n(&r->ctrl->state, GCOPY_DST_COPIED, __ATOMIC_RELEASE);
	printf("gnt_peer: copy pages=%u batch=%zu out_first_mib_s=%.0f out_mib_s=%.0f "
	       "in_first_mib_s=%.0f in_mib_s=%.0f checksum=%016llx maps=%llu map_unmap_ns=%llu "
	       "ro_map_unmap_ns=%llu privcmd_rt_ns=%llu\n",
	       r->pages, r->batch, mib_per_s(r->pages, out_first), mib_per_s(r->pages, out_ns),
	       mib_per_s(r->pages, in_first), mib_per_s(r->pages, in_ns), (unsigned long long)sum,
	       (unsigned long long)maps, (unsigned long long)pair_ns, (unsigned long long)ro_ns,
	       (unsigned long long)rt_ns);
}

static void cmd_copy(struct pvctrl *h, int argc, char **argv)
{
	struct copy_run r = { .h = h, .batch = 1024 };
	uint64_t maps = 0;
	uint32_t ctrl_handle;
	void *ctrl;
	int c;

	while ((c = getopt(argc, argv, "b:m:")) != -1) {
		if (c == 'b')
			r.batch = arg_u64(optarg, 1u << 20, "-b");
		else if (c == 'm')
			maps = arg_u64(optarg, 1u << 24, "-m");
		else
			exit(2);
	}
	if (argc - optind != 2 || r.batch == 0)
		die("usage: gnt_peer copy [-b OPS] [-m MAPS] DOMID CTRL_REF");
	r.dom = (pv_domid_t)arg_u64(argv[optind], 0x7fef, "DOMID");
	expect_rc(pvctrl_gnttab_map(h, r.dom,
				    (uint32_t)arg_u64(argv[optind + 1], UINT32_MAX, "CTRL_REF"),
				    0, &ctrl, &ctrl_handle),
		  0, "map the control page");
	r.ctrl = ctrl;
	copy_phases(&r, maps);
	expect_rc(pvctrl_gnttab_unmap(h, ctrl, ctrl_handle), 0, "unmap the control page");
	munmap(r.buf, (size_t)r.pages * PV_PAGE_SIZE);
	free(r.ops);
}

int main(int argc, char **argv)
{
	struct pvctrl *h;
	int rc;

	if (argc < 2)
		die("usage: gnt_peer map [-x] DOMID REF RO_REF OTHER_REF | copy [-b OPS] "
		    "[-m MAPS] DOMID CTRL_REF");
	rc = pvctrl_open(&h);
	if (rc)
		die("connect to pvisor: %s (is it running in $PVISOR_RUNDIR?)", strerror(-rc));
	if (strcmp(argv[1], "map") == 0)
		cmd_map_args(h, argc - 1, argv + 1);
	else if (strcmp(argv[1], "copy") == 0)
		cmd_copy(h, argc - 1, argv + 1);
	else
		die("unknown command or wrong arguments: %s", argv[1]);
	pvctrl_close(h);
	return 0;
}
