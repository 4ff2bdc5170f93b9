/* vcpuctx: the save/restore hooks of the engine seam, driven from dom0 -- quiesce a
 * domain, read every vCPU's registers, write them back, read them again, resume.
 *   vcpuctx DOMID [cycles=N] [gap_ms=M] [until_stop=1] [verbose=1]
 * First it tries to read the registers of the running vCPU 0 (refused: EBUSY). Each
 * cycle then quiesces (up to 5 s), reads and writes back every vCPU (the second read
 * must equal the first), resumes and lets the guest run M ms. With until_stop=1 the
 * cycles end early, without error, when the domain stops or goes. Prints each vCPU's
 * state of the first cycle (every cycle with verbose=1):
 *   "vcpuctx: vcpu V: online rip=0x... rsp=0x... rflags=0x... fpu" or "... offline"
 * then "vcpuctx: vcpu V: cpu_time=NS" and
 *   "vcpuctx: N cycles, quiesce median X us, max Y us".
 * Exit status 0 when every step did what it should. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libpvctrl/pvctrl.h"
#include "util.h"

#define MAX_CYCLES 1000

static uint64_t cycles = 10, gap_ms = 50, until_stop, verbose;

static int vcpu_count(struct pvctrl *h, pv_domid_t dom, unsigned *n)
{
	struct pv_domctl_getdomaininfo info;
	int rc = pvctrl_domain_getinfo(h, dom, &info);

	if (rc == 0)
		*n = info.max_vcpu_id + 1;
	return rc;
}

static void show(unsigned v, const struct pv_vcpu_guest_context *g)
{
	if (!(g->flags & PV_VGCF_online)) {
		printf("vcpuctx: vcpu %u: offline\n", v);
		return;
	}
	printf("vcpuctx: vcpu %u: online rip=0x%llx rsp=0x%llx rflags=0x%llx%s\n", v,
	       (unsigned long long)g->user_regs.rip, (unsigned long long)g->user_regs.rsp,
	       (unsigned long long)g->user_regs.rflags,
	       g->flags & PV_VGCF_i387_valid ? " fpu" : "");
}

/* Read, write back, read again: the write must change nothing. */
static int roundtrip(struct pvctrl *h, pv_domid_t dom, unsigned v, int print)
{
	struct pv_vcpu_guest_context a, b;
	int rc = pvctrl_vcpu_getcontext(h, dom, v, &a);

	if (rc == 0)
		rc = pvctrl_vcpu_setcontext(h, dom, v, &a);
	if (rc == 0)
		rc = pvctrl_vcpu_getcontext(h, dom, v, &b);
	if (rc) {
		fprintf(stderr, "vcpuctx: vcpu %u: %s\n", v, strerror(-rc));
		return rc;
	}
	if (memcmp(&a.user_regs, &b.user_regs, sizeof(a.user_regs)) ||
	    memcmp(&a.fpu_ctxt, &b.fpu_ctxt, sizeof(a.fpu_ctxt)) || a.flags != b.flags ||
	    a.fs_base != b.fs_base || a.gs_base_kernel != b.gs_base_kernel) {
		fprintf(stderr, "vcpuctx: vcpu %u: writing its registers back changed them\n", v);
		return -EIO;
	}
	if (print)
		show(v, &a);
	return 0;
}

static int cycle(struct pvctrl *h, pv_domid_t dom, unsigned nr, int print, uint64_t *us)
{
	uint64_t t0 = util_now_ns();
	int rc = pvctrl_domain_quiesce(h, dom, 5000);

	*us = (util_now_ns() - t0) / 1000;
	if (rc == -EINVAL || rc == -ESRCH)
		return rc; /* the domain stopped: the caller decides */
	if (rc) {
		fprintf(stderr, "vcpuctx: quiesce: %s\n", strerror(-rc));
		return rc;
	}
	for (unsigned v = 0; v < nr && rc == 0; v++)
		rc = roundtrip(h, dom, v, print);
	if (pvctrl_domain_resume(h, dom) != 0 && rc == 0) {
		fprintf(stderr, "vcpuctx: resume failed\n");
		rc = -EIO;
	}
	return rc;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int run(struct pvctrl *h, pv_domid_t dom)
{
	static uint64_t us[MAX_CYCLES];
	struct pv_vcpu_guest_context g;
	struct timespec gap = { (time_t)(gap_ms / 1000), (long)(gap_ms % 1000) * 1000000 };
	uint64_t c;
	unsigned nr;
	int rc = vcpu_count(h, dom, &nr);

	if (rc)
		return rc;
	rc = pvctrl_vcpu_getcontext(h, dom, 0, &g);
	printf("vcpuctx: running vcpu 0: %s\n", rc ? strerror(-rc) : "read (not refused!)");
	if (rc != -EBUSY)
		return -EIO;
	for (c = 0; c < cycles; c++) {
		rc = cycle(h, dom, nr, verbose || c == 0, &us[c]);
		if (rc && c && until_stop && (rc == -EINVAL || rc == -ESRCH))
			break;
		if (rc) {
			fprintf(stderr, "vcpuctx: cycle %llu: %s\n", (unsigned long long)c,
				strerror(-rc));
			return rc;
		}
		nanosleep(&gap, NULL);
	}
	for (unsigned v = 0; v < nr; v++) {
		struct pv_domctl_getvcpuinfo vi;

		if (pvctrl_vcpu_getinfo(h, dom, v, &vi) == 0)
			printf("vcpuctx: vcpu %u: cpu_time=%llu\n", v,
			       (unsigned long long)vi.cpu_time);
	}
	qsort(us, c, sizeof(us[0]), cmp_u64);
	printf("vcpuctx: %llu cycles, quiesce median %llu us, max %llu us\n",
	       (unsigned long long)c, (unsigned long long)us[c / 2],
	       (unsigned long long)us[c - 1]);
	return 0;
}

static int parse_args(int argc, char **argv, uint64_t *dom)
{
	if (argc < 2 || util_parse_u64(argv[1], 0x7fef, dom) < 0)
		return -1;
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		uint64_t *dst = NULL;

		if (eq && !strncmp(argv[i], "cycles=", 7))
			dst = &cycles;
		else if (eq && !strncmp(argv[i], "gap_ms=", 7))
			dst = &gap_ms;
		else if (eq && !strncmp(argv[i], "until_stop=", 11))
			dst = &until_stop;
		else if (eq && !strncmp(argv[i], "verbose=", 8))
			dst = &verbose;
		if (!dst || util_parse_u64(eq + 1, UINT32_MAX, dst) < 0)
			return -1;
	}
	return cycles >= 1 && cycles <= MAX_CYCLES ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct pvctrl *h;
	uint64_t dom;
	int rc;

	if (parse_args(argc, argv, &dom) < 0) {
		fprintf(stderr,
			"usage: vcpuctx DOMID [cycles=1..%d] [gap_ms=M] [until_stop=1] "
			"[verbose=1]\n",
			MAX_CYCLES);
		return 2;
	}
	if ((rc = pvctrl_open(&h)) < 0) {
		fprintf(stderr, "vcpuctx: cannot reach pvisor: %s\n", strerror(-rc));
		return 1;
	}
	rc = run(h, (pv_domid_t)dom);
	pvctrl_close(h);
	return rc ? 1 : 0;
}
