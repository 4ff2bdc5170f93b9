/* bench_kvm_floor: the raw KVM exit floor of this host -- a minimal VM (memfd RAM in one
 * slot, long mode, the guest looping on one exiting instruction) timed round trip by
 * round trip from user space. It is what a hypercall of the hvm engine is compared
 * with, and it tells which instruction exits to user space here at all (docs/NOTES-hvm.md). */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>

#include "pvisor/pvisor.h"
#include "util.h"

#define FL_RAM      (4u << 20) /* guest RAM, pseudo-physical 0.. */
#define FL_PT       0x100000u  /* PML4, PDPT, PD, PT: 4 pages from here */
#define FL_CODE     0x1000u    /* guest code */
#define FL_STACK    0x80000u
#define FL_MMIO_GPA 0xd0000000ull                /* no memory slot: a store here exits */
#define FL_MMIO_VA  (PV_PHYSMAP_BASE + 0x200000) /* mapped to FL_MMIO_GPA */
#define FL_WARMUP   200
#define FL_GIVEUP_S 2 /* no exit within this: KVM kept it */

/* One way out of the guest: the code that loops on it, the CPL it runs at, the exit it
 * must produce, and whether each round trip must put rip back (a fault). */
struct fl_mode {
	const char *name;
	uint8_t code[24];
	unsigned len;
	int cpl;
	int exit_reason;
	int rewind;
};

static const struct fl_mode fl_modes[] = {
	{ "immediate", { 0xeb, 0xfe }, 2, 0, KVM_EXIT_INTR, 0 },
	{ "out", { 0xe6, 0x80 }, 2, 0, KVM_EXIT_IO, 0 },
	{ "hlt", { 0xf4 }, 1, 0, KVM_EXIT_HLT, 0 },
	{ "mmio", { 0x48, 0xa3 }, 10, 0, KVM_EXIT_MMIO, 0 }, /* movabs %rax, FL_MMIO_VA */
	{ "mmio", { 0x48, 0xa3 }, 10, 3, KVM_EXIT_MMIO, 0 },
	{ "vmcall", { 0x0f, 0x01, 0xc1 }, 3, 0, KVM_EXIT_HYPERCALL, 0 },
	{ "vmmcall", { 0x0f, 0x01, 0xd9 }, 3, 0, KVM_EXIT_HYPERCALL, 0 },
	{ "ud2", { 0x0f, 0x0b }, 2, 3, KVM_EXIT_SHUTDOWN, 1 },
};

/* Guest speed between exits: FL_SPIN iterations of dec/jnz, then a store to the MMIO
 * page (which exits at either CPL). */
#define FL_SPIN 200000
static const struct fl_mode fl_spin[] = {
	{ "spin",
	  { 0x48, 0xc7, 0xc1, FL_SPIN & 0xff, FL_SPIN >> 8 & 0xff, FL_SPIN >> 16, 0, 0x48, 0xff,
	    0xc9, 0x75, 0xfb, 0x48, 0xa3 },
	  22,
	  0,
	  KVM_EXIT_MMIO,
	  0 },
	{ "spin",
	  { 0x48, 0xc7, 0xc1, FL_SPIN & 0xff, FL_SPIN >> 8 & 0xff, FL_SPIN >> 16, 0, 0x48, 0xff,
	    0xc9, 0x75, 0xfb, 0x48, 0xa3 },
	  22,
	  3,
	  KVM_EXIT_MMIO,
	  0 },
};

struct fl_vm {
	int kvm, vm, vcpu, memfd;
	uint8_t *ram;
	struct kvm_run *run;
	size_t run_size;
};

struct fl_stats {
	uint64_t n, median, p99, mean, min;
};

static volatile sig_atomic_t fl_alarm;

static void fl_on_alarm(int sig)
{
	(void)sig;
	fl_alarm = 1;
}

/* VA PV_PHYSMAP_BASE + P -> P for the first 2 MiB (4 KiB pages), the MMIO page after
 * it; U set for a CPL 3 guest. */
static void fl_page_tables(uint8_t *ram, int user)
{
	uint64_t *pml4 = (uint64_t *)(ram + FL_PT), *pdpt = pml4 + 512;
	uint64_t *pd = pml4 + 1024, *pt = pml4 + 1536, u = user ? 4 : 0;

	pml4[PV_PHYSMAP_BASE >> 39 & 511] = (FL_PT + 0x1000) | 3 | u;
	pdpt[PV_PHYSMAP_BASE >> 30 & 511] = (FL_PT + 0x2000) | 3 | u;
	pd[0] = (FL_PT + 0x3000) | 3 | u;
	pd[1] = (FL_PT + 0x4000) | 3 | u;
	for (uint64_t i = 0; i < 512; i++)
		pt[i] = i << 12 | 3 | u;
	pt[512] = FL_MMIO_GPA | 3 | u | 0x18; /* the next table: PCD|PWT */
}

static void fl_segment(struct kvm_segment *s, uint16_t sel, int code, int dpl)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xfffff;
	s->g = 1;
	s->present = 1;
	s->s = 1;
	s->dpl = dpl;
	s->type = code ? 0xb : 0x3;
	s->l = code;
	s->db = !code;
}

/* Long mode at the mode's CPL; the selectors are the ones Linux uses, which is what
 * PVM expects of a CPL 3 guest. */
static int fl_enter(struct fl_vm *m, const struct fl_mode *mode)
{
	struct kvm_sregs sr;
	struct kvm_regs r = { 0 };

	if (ioctl(m->vcpu, KVM_GET_SREGS, &sr) < 0)
		return -errno;
	fl_segment(&sr.cs, mode->cpl ? 0x33 : 0x10, 1, mode->cpl);
	fl_segment(&sr.ss, mode->cpl ? 0x2b : 0x18, 0, mode->cpl);
	sr.ds = sr.es = sr.ss;
	sr.cr3 = FL_PT;
	sr.cr0 = 0x80050033; /* PG WP AM NE ET MP PE */
	sr.cr4 = 0x10020;    /* FSGSBASE PAE */
	sr.efer = 0xd01;     /* NXE LMA LME SCE */
	if (ioctl(m->vcpu, KVM_SET_SREGS, &sr) < 0)
		return -errno;
	r.rip = PV_PHYSMAP_BASE + FL_CODE;
	r.rsp = PV_PHYSMAP_BASE + FL_STACK;
	r.rflags = 2;
	return ioctl(m->vcpu, KVM_SET_REGS, &r) < 0 ? -errno : 0;
}

static int fl_cpuid(struct fl_vm *m)
{
	struct {
		struct kvm_cpuid2 h;
		struct kvm_cpuid_entry2 e[128];
	} c = { .h.nent = 128 };

	if (ioctl(m->kvm, KVM_GET_SUPPORTED_CPUID, &c) < 0 ||
	    ioctl(m->vcpu, KVM_SET_CPUID2, &c) < 0)
		return -errno;
	return 0;
}

static int fl_vm_memory(struct fl_vm *m)
{
	struct kvm_userspace_memory_region reg = { .slot = 0, .memory_size = FL_RAM };

	m->memfd = memfd_create("kvm_floor", MFD_CLOEXEC);
	if (m->memfd < 0 || ftruncate(m->memfd, FL_RAM) < 0)
		return -errno;
	m->ram = mmap(NULL, FL_RAM, PROT_READ | PROT_WRITE, MAP_SHARED, m->memfd, 0);
	if (m->ram == MAP_FAILED)
		return -errno;
	reg.userspace_addr = (uint64_t)(uintptr_t)m->ram;
	return ioctl(m->vm, KVM_SET_USER_MEMORY_REGION, &reg) < 0 ? -errno : 0;
}

static void fl_vm_close(struct fl_vm *m)
{
	if (m->run && m->run != MAP_FAILED)
		munmap(m->run, m->run_size);
	if (m->ram && m->ram != MAP_FAILED)
		munmap(m->ram, FL_RAM);
	if (m->memfd >= 0)
		close(m->memfd);
	if (m->vcpu >= 0)
		close(m->vcpu);
	if (m->vm >= 0)
		close(m->vm);
	if (m->kvm >= 0)
		close(m->kvm);
}

/* A VM whose one vCPU loops on the mode's instruction. 0 or -errno. */
static int fl_vm_open(struct fl_vm *m, const struct fl_mode *mode)
{
	uint64_t mmio_va = FL_MMIO_VA;
	uint8_t *code;
	int rc;

	memset(m, 0, sizeof(*m));
	m->vm = m->vcpu = m->memfd = -1;
	m->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (m->kvm < 0)
		return -errno;
	m->vm = ioctl(m->kvm, KVM_CREATE_VM, 0);
	if (m->vm < 0 || (rc = fl_vm_memory(m)) < 0)
		return m->vm < 0 ? -errno : rc;
	m->vcpu = ioctl(m->vm, KVM_CREATE_VCPU, 0);
	m->run_size = (size_t)ioctl(m->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (m->vcpu < 0)
		return -errno;
	m->run = mmap(NULL, m->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, m->vcpu, 0);
	if (m->run == MAP_FAILED || (rc = fl_cpuid(m)) < 0)
		return m->run == MAP_FAILED ? -errno : rc;
	fl_page_tables(m->ram, mode->cpl == 3);
	code = m->ram + FL_CODE;
	memcpy(code, mode->code, mode->len);
	if (mode->len >= 10 && mode->code[mode->len - 9] == 0xa3)
		memcpy(code + mode->len - 8, &mmio_va, 8);
	code[mode->len] = 0xeb; /* jmp back */
	code[mode->len + 1] = (uint8_t) - (int)(mode->len + 2);
	return fl_enter(m, mode);
}

/* One KVM_RUN; the exit reason or -errno (-EINTR when nothing exited in time). */
static int fl_run_once(struct fl_vm *m, const struct fl_mode *mode)
{
	struct kvm_regs r;

	if (mode->rewind) {
		if (ioctl(m->vcpu, KVM_GET_REGS, &r) < 0)
			return -errno;
		r.rip = PV_PHYSMAP_BASE + FL_CODE;
		if (ioctl(m->vcpu, KVM_SET_REGS, &r) < 0)
			return -errno;
	}
	m->run->immediate_exit = mode->exit_reason == KVM_EXIT_INTR;
	if (ioctl(m->vcpu, KVM_RUN, 0) < 0)
		return errno == EINTR && m->run->immediate_exit ? KVM_EXIT_INTR : -errno;
	return (int)m->run->exit_reason;
}

/* The first exit, under a watchdog: KVM may keep an instruction to itself forever. */
static int fl_first_exit(struct fl_vm *m, const struct fl_mode *mode)
{
	struct itimerval it = { .it_value = { FL_GIVEUP_S, 0 } };
	struct itimerval off = { 0 };
	int rc;

	fl_alarm = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	rc = fl_run_once(m, mode);
	setitimer(ITIMER_REAL, &off, NULL);
	return rc;
}

static int fl_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void fl_stats_compute(uint64_t *s, uint64_t n, struct fl_stats *st)
{
	uint64_t sum = 0;

	qsort(s, n, sizeof(*s), fl_cmp_u64);
	for (uint64_t i = 0; i < n; i++)
		sum += s[i];
	*st = (struct fl_stats){ n, s[n / 2], s[n * 99 / 100], sum / n, s[0] };
}

/* n timed round trips; 0, or -errno / the unexpected exit reason (> 0). */
static int fl_time(struct fl_vm *m, const struct fl_mode *mode, uint64_t *s, uint64_t n)
{
	for (uint64_t i = 0; i < n + FL_WARMUP; i++) {
		uint64_t t0 = util_now_ns();
		int rc = fl_run_once(m, mode);

		if (rc != mode->exit_reason)
			return rc < 0 ? rc : 1000 + rc;
		if (i >= FL_WARMUP)
			s[i - FL_WARMUP] = util_now_ns() - t0;
	}
	return 0;
}

static void fl_report(const struct fl_mode *mode, int sync, const char *result,
		      const struct fl_stats *st)
{
	printf("kvm_floor exit=%s cpl=%d sync_regs=%d", mode->name, mode->cpl, sync);
	if (st)
		printf(" n=%llu median_ns=%llu p99_ns=%llu mean_ns=%llu min_ns=%llu\n",
		       (unsigned long long)st->n, (unsigned long long)st->median,
		       (unsigned long long)st->p99, (unsigned long long)st->mean,
		       (unsigned long long)st->min);
	else
		printf(" result=none why=\"%s\"\n", result);
	fflush(stdout);
}

/* Measure one mode: it must exit to user space with its reason first. */
static void fl_measure(const struct fl_mode *mode, int sync, uint64_t n, uint64_t *s)
{
	struct fl_vm m;
	struct fl_stats st;
	char why[160];
	int rc = fl_vm_open(&m, mode);

	if (rc == 0) {
		m.run->kvm_valid_regs = sync ? KVM_SYNC_X86_REGS : 0;
		rc = fl_first_exit(&m, mode);
	}
	if (rc == -EINTR && fl_alarm)
		snprintf(why, sizeof(why), "no exit to user space within %d s", FL_GIVEUP_S);
	else if (rc < 0)
		snprintf(why, sizeof(why), "%s", strerror(-rc));
	else if (rc != mode->exit_reason)
		snprintf(why, sizeof(why), "exit reason %d, not %d", rc, mode->exit_reason);
	else if ((rc = fl_time(&m, mode, s, n)) != 0)
		snprintf(why, sizeof(why), "round trip failed (%d)", rc);
	if (rc == 0 || rc == mode->exit_reason) {
		fl_stats_compute(s, n, &st);
		fl_report(mode, sync, NULL, &st);
	} else {
		fl_report(mode, sync, why, NULL);
	}
	fl_vm_close(&m);
}

static void fl_usage(void)
{
	fprintf(stderr,
		"usage: bench_kvm_floor [-n round-trips] [-m name[:cpl],...] [-s] [-c]\n"
		"  names: immediate out hlt mmio vmcall vmmcall ud2 (default: all)\n"
		"  -s     also with KVM_SYNC_X86_REGS (registers copied out on every exit)\n"
		"  -c     also guest speed: 200000 dec/jnz iterations between two exits\n"
		"output: kvm_floor exit=out cpl=0 sync_regs=0 n=.. median_ns=.. p99_ns=.. ..\n"
		"        or result=none why=\"..\" when the instruction does not exit here\n");
}

static int fl_selected(const struct fl_mode *mode, const char *list)
{
	char want[32];

	if (!list)
		return 1;
	snprintf(want, sizeof(want), "%s:%d", mode->name, mode->cpl);
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		if ((len == strlen(mode->name) && !strncmp(p, mode->name, len)) ||
		    (len == strlen(want) && !strncmp(p, want, len)))
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = fl_on_alarm };
	const char *list = NULL;
	uint64_t n = 20000, *s;
	int c, sync = 0, spin = 0;

	while ((c = getopt(argc, argv, "n:m:sch")) != -1) {
		if (c == 'n' && util_parse_u64(optarg, 10000000, &n) == 0 && n > 0)
			continue;
		if (c == 'm' || c == 's' || c == 'c') {
			list = c == 'm' ? optarg : list;
			sync |= c == 's';
			spin |= c == 'c';
			continue;
		}
		fl_usage();
		return c == 'h' ? 0 : 2;
	}
	if (access("/dev/kvm", R_OK | W_OK) < 0) {
		printf("kvm_floor result=none why=\"/dev/kvm: %s\"\n", strerror(errno));
		return 0;
	}
	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: the alarm ends a stuck KVM_RUN */
	s = malloc(n * sizeof(*s));
	if (!s)
		return 1;
	for (size_t i = 0; i < ARRAY_SIZE(fl_modes); i++) {
		for (int sy = 0; sy <= sync; sy++)
			if (fl_selected(&fl_modes[i], list))
				fl_measure(&fl_modes[i], sy, n, s);
	}
	for (size_t i = 0; spin && i < ARRAY_SIZE(fl_spin); i++)
		fl_measure(&fl_spin[i], 0, 20, s);
	free(s);
	return 0;
}
