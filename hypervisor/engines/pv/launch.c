/* pvisor-launch: the first code of every pv domain process. Maps guest memory at the
 * pseudo-physical base, installs fault handlers and the two seccomp filters, hands the
 * notification listener to the hypervisor, drops every descriptor, starts the vCPU
 * threads and enters the guest kernel. Its signal handler plays event upcalls and
 * stops a vCPU (VCPUOP_down, quiesce) with its registers in its frame (pvisor.h).
 * Freestanding: no libc, raw system calls. */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/ioctl.h>
#include <linux/userfaultfd.h>
#include <asm/unistd.h>
#include <stddef.h>
#include <stdint.h>

#include "pvisor/pvisor.h"
#include "launch_proto.h"
#include "launch_sys.h"

#define LAUNCH_STACK 16384
#define FD_CTRL      LAUNCH_FD_CTRL

/* Kernel ABI bits that uapi headers do not give a freestanding build. */
#define L_PROT_RWX                   7
#define L_MAP_SHARED                 0x01
#define L_MAP_FIXED_NOREPLACE        0x100000
#define L_SA_SIGINFO                 0x00000004
#define L_SA_ONSTACK                 0x08000000
#define L_SA_RESTORER                0x04000000
#define L_SA_RESTART                 0x10000000
#define L_SOL_SOCKET                 1
#define L_SCM_RIGHTS                 1
#define L_PR_SET_NO_NEW_PRIVS        38
#define L_PR_SET_DUMPABLE            4
#define L_PR_SET_PDEATHSIG           1
#define L_RLIMIT_NPROC               6
#define L_RLIMIT_AS                  9
#define L_SECCOMP_WAIT_KILLABLE_RECV (1ul << 5)
#define L_CLONE_THREAD_FLAGS         0x00050f00 /* VM|FS|FILES|SIGHAND|THREAD|SYSVSEM */
#define L_AT_HWCAP2                  26
#define L_HWCAP2_FSGSBASE            (1ul << 1)
#define L_FP_XSTATE_MAGIC1           0x46505853u /* the signal frame's FPU area is XSAVE format */
#define L_O_RDONLY_CLOEXEC           02000000
#define L_O_CLOEXEC_NONBLOCK         02004000
#define L_UFFD_USER_MODE_ONLY        1
#define L_UFFD_FEATURE_WP_ASYNC      (1ull << 15) /* Linux 6.7; Debian 12's headers lack it */

struct l_sigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};

struct l_stack {
	void *sp;
	int flags;
	unsigned long size;
};

struct l_iovec {
	void *base;
	unsigned long len;
};

struct l_msghdr {
	void *name;
	int namelen;
	struct l_iovec *iov;
	unsigned long iovlen;
	void *control;
	unsigned long controllen;
	int flags;
};

/* struct ucontext with its struct sigcontext (x86-64), up to the FPU area pointer. */
struct l_ucontext {
	unsigned long flags;
	void *link;
	struct l_stack stack;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
	uint64_t eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint8_t *fpstate; /* FXSAVE image, then (XSAVE format) the XSAVE header */
};

struct l_siginfo {
	int signo, errnum, code, pad;
	union {
		void *addr;
		struct {
			void *call_addr;
			int syscall;
			unsigned arch;
		} sys;
	} u;
};

static uint8_t vcpu_stacks[LAUNCH_MAX_VCPUS][LAUNCH_STACK] __attribute__((aligned(16)));
static volatile int threads_ready;
static uint64_t ctx_base;      /* guest virtual address of the first vCPU context page */
static uint64_t shared_info;   /* guest virtual address of shared_info */
static uint64_t upcall_stacks; /* guest virtual address of vCPU 0's upcall stack */
static uint64_t nr_upcall_stacks;
static uint64_t guest_end; /* guest virtual address past the domain's memory */
static int fsgsbase;       /* the kernel lets us use rd/wrfsbase */

/*
 * Entering the guest: wait in pvisor_vcpu_wait(vcpu = edi) until the hypervisor lets
 * the vCPU run, then load every register from its frame (rsi) and jump. Written in
 * assembly so that the handler knows the span: a signal taken between the wait and
 * the jump makes the handler load the frame itself (see upcall_handler). FPU and
 * fs/gs base first; then rsp, and rip and rflags through the guest's stack (16
 * bytes below its rsp, as Xen's bounce frame writes on a PV kernel's stack).
 */
__asm__(".text\n.globl launch_enter\nlaunch_enter:\n"
	"\tmov $0x70078, %eax\n"
	"\tsyscall\n"
	"launch_enter_waited:\n"
	"\ttest %rax, %rax\n"
	"\tjnz 3f\n"
	"\ttestl $1, 0xa8(%rsi)\n"
	"\tjz 1f\n"
	"\tfxrstor64 0x100(%rsi)\n"
	"1:\ttestl $2, 0xa8(%rsi)\n"
	"\tjz 2f\n"
	"\tmov 0x90(%rsi), %rax\n\twrfsbase %rax\n"
	"\tmov 0x98(%rsi), %rax\n\twrgsbase %rax\n"
	"2:\tmov %rsi, %rax\n"
	"\tmov 0x08(%rax), %rsp\n\tpush 0x00(%rax)\n\tpush 0x10(%rax)\n\tpopfq\n"
	"\tmov 0x20(%rax), %rbx\n\tmov 0x28(%rax), %rcx\n\tmov 0x30(%rax), %rdx\n"
	"\tmov 0x38(%rax), %rsi\n\tmov 0x40(%rax), %rdi\n\tmov 0x48(%rax), %rbp\n"
	"\tmov 0x50(%rax), %r8\n\tmov 0x58(%rax), %r9\n\tmov 0x60(%rax), %r10\n"
	"\tmov 0x68(%rax), %r11\n\tmov 0x70(%rax), %r12\n\tmov 0x78(%rax), %r13\n"
	"\tmov 0x80(%rax), %r14\n\tmov 0x88(%rax), %r15\n\tmov 0x18(%rax), %rax\n"
	"\tret\n"
	"launch_enter_end:\n"
	"3:\tmov $7, %edi\n\tmov $231, %eax\n\tsyscall\n\tud2\n");
_Static_assert(PV_HCALL_SYSNR_BASE + PV_HYPERCALL_pvisor_vcpu_wait == 0x70078, "wait nr");
_Static_assert(PV_FRAME_FPU == 1 && PV_FRAME_SEGBASE == 2, "frame flags");
_Static_assert(offsetof(struct pv_vcpu_frame, fs_base) == 0x90 &&
		       offsetof(struct pv_vcpu_frame, flags) == 0xa8 &&
		       offsetof(struct pv_vcpu_frame, fpu) == 0x100,
	       "frame layout");
extern __attribute__((noreturn)) void launch_enter(uint64_t vcpu,
						   const struct pv_vcpu_frame *frame);
extern const char launch_enter_waited[], launch_enter_end[];

static void launch_die(int code)
{
	for (;;)
		sys_call1(__NR_exit_group, code);
}

/* Wait for the hypervisor to hand this launcher a domain: sizes and the memory fd. */
static int recv_go(struct launch_go *go)
{
	union {
		char buf[24];
		uint64_t align;
	} cmsg = { { 0 } };
	struct l_iovec iov = { go, sizeof(*go) };
	struct l_msghdr msg = { 0, 0, &iov, 1, cmsg.buf, sizeof(cmsg.buf), 0 };
	const int *c = (const int *)cmsg.buf;

	if (sys_call3(__NR_recvmsg, FD_CTRL, &msg, 0) != (long)sizeof(*go))
		launch_die(2);
	if (c[0] != 20 || c[2] != L_SOL_SOCKET || c[3] != L_SCM_RIGHTS)
		launch_die(2);
	return c[4];
}

/* Report a fatal signal to the hypervisor; it kills the domain and never answers. */
static void fault_handler(int sig, struct l_siginfo *si, void *uctx)
{
	struct l_ucontext *uc = uctx;
	uint64_t addr = (uint64_t)si->u.addr, extra = 0;

	if (sig == 31 /* SIGSYS */) {
		addr = (uint64_t)si->u.sys.call_addr;
		extra = (uint64_t)(unsigned)si->u.sys.syscall;
	}
	launch_hypercall(PV_HYPERCALL_pvisor_fault, (long)sig | ((long)si->code << 32), addr,
			 uc->rip, uc->rsp, extra);
	launch_die(3);
}

__asm__(".text\n.align 16\nlaunch_restorer:\n\tmov $15, %eax\n\tsyscall\n\tud2\n");
extern void launch_restorer(void);

/* Byte copy that the compiler cannot turn into a memcpy call (there is no libc). */
static void l_copy(void *dst, const void *src, unsigned long n)
{
	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

/* The interrupted registers, FPU image and fs/gs base into the vCPU's frame. */
static void frame_capture(volatile struct pv_vcpu_frame *f, const struct l_ucontext *uc)
{
	uint32_t flags = 0;

	l_copy((void *)&f->r8, &uc->r8, 8 * sizeof(uint64_t)); /* r8 .. r15 */
	f->rdi = uc->rdi;
	f->rsi = uc->rsi;
	f->rbp = uc->rbp;
	f->rbx = uc->rbx;
	f->rdx = uc->rdx;
	f->rax = uc->rax;
	f->rcx = uc->rcx;
	f->rsp = uc->rsp;
	f->rip = uc->rip;
	f->rflags = uc->eflags;
	if (fsgsbase) {
		uint64_t fs, gs;

		__asm__ volatile("rdfsbase %0\n\trdgsbase %1" : "=r"(fs), "=r"(gs));
		f->fs_base = fs;
		f->gs_base = gs;
		flags |= PV_FRAME_SEGBASE;
	}
	if (uc->fpstate) {
		l_copy((void *)f->fpu, uc->fpstate, sizeof(f->fpu));
		flags |= PV_FRAME_FPU;
	}
	f->flags = flags;
}

/* The frame (maybe rewritten while the vCPU was stopped) into the signal frame that
 * rt_sigreturn loads; only the flags a guest may change come from the frame. */
static void frame_load(const volatile struct pv_vcpu_frame *f, struct l_ucontext *uc)
{
	l_copy(&uc->r8, (const void *)&f->r8, 8 * sizeof(uint64_t));
	uc->rdi = f->rdi;
	uc->rsi = f->rsi;
	uc->rbp = f->rbp;
	uc->rbx = f->rbx;
	uc->rdx = f->rdx;
	uc->rax = f->rax;
	uc->rcx = f->rcx;
	uc->rsp = f->rsp;
	uc->rip = f->rip;
	uc->eflags = (uc->eflags & ~0xcd5ull) | (f->rflags & 0xcd5ull);
	if (fsgsbase && (f->flags & PV_FRAME_SEGBASE)) {
		uint64_t fs = f->fs_base, gs = f->gs_base;

		__asm__ volatile("wrfsbase %0\n\twrgsbase %1" : : "r"(fs), "r"(gs));
	}
	if (uc->fpstate && (f->flags & PV_FRAME_FPU)) {
		uint32_t magic;

		l_copy(uc->fpstate, (const void *)f->fpu, sizeof(f->fpu));
		/* XSAVE format: mark x87 and SSE as present so the kernel loads them. */
		l_copy(&magic, uc->fpstate + 464, sizeof(magic));
		if (magic == L_FP_XSTATE_MAGIC1)
			uc->fpstate[512] |= 3;
	}
}

/* Stop here until the hypervisor lets the vCPU go: its registers wait in its frame,
 * where the hypervisor may read and rewrite them (quiesce: save/restore). */
static void vcpu_stop(unsigned vcpu, volatile struct pv_vcpu_frame *f, struct l_ucontext *uc)
{
	frame_capture(f, uc);
	launch_hypercall(PV_HYPERCALL_pvisor_vcpu_stop, vcpu, 0, 0, 0, 0);
	frame_load(f, uc);
}

/*
 * Event upcall (pvisor.h has the contract): the hypervisor signals the vCPU's
 * thread; on the vCPU's alternate stack we play Xen's bounce frame. Which vCPU we
 * are follows from which alternate stack we run on. The same signal stops the vCPU
 * when the hypervisor set park (VCPUOP_down) or stop (quiesce) first. Taken while
 * entering the guest (after the start wait, before the jump), the frame is the
 * vCPU's state already: we enter from here instead, after stopping if asked. In
 * other launcher code (a wait being restarted) the signal is left alone.
 */
static void upcall_handler(int sig, struct l_siginfo *si, void *uctx)
{
	struct l_ucontext *uc = uctx;
	uint64_t here = (uint64_t)__builtin_frame_address(0) - upcall_stacks;
	unsigned vcpu = (unsigned)(here / PV_UPCALL_STACK);
	volatile struct pv_vcpu_upcall *up;
	volatile struct pv_vcpu_frame *f;
	volatile uint8_t *vi; /* vcpu_info: [0] upcall_pending, [1] upcall_mask */
	void (*entry)(void *, unsigned);

	(void)sig;
	(void)si;
	if (here >= nr_upcall_stacks * PV_UPCALL_STACK)
		return; /* not on one of our stacks: not a delivery we made */
	f = (volatile struct pv_vcpu_frame *)(ctx_base + (uint64_t)vcpu * PV_PAGE_SIZE);
	up = (volatile struct pv_vcpu_upcall *)((uint64_t)f + PV_VCPU_UPCALL_OFFSET);
	if (uc->rip >= (uint64_t)launch_enter_waited && uc->rip < (uint64_t)launch_enter_end) {
		if (up->park || up->stop)
			launch_hypercall(PV_HYPERCALL_pvisor_vcpu_stop, vcpu, 0, 0, 0, 0);
		frame_load(f, uc);
	} else if (uc->rip < PV_PHYSMAP_BASE || uc->rip >= guest_end) {
		return;
	} else if (up->park || up->stop) {
		vcpu_stop(vcpu, f, uc);
	}
	entry = (void (*)(void *, unsigned))up->entry;
	if (!entry || vcpu >= 32)
		return;
	vi = (volatile uint8_t *)(shared_info + (uint64_t)vcpu * 64);
	while (!vi[1] && vi[0]) {
		vi[1] = 1;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		entry(&uc->r8, vcpu);
		vi[1] = 0;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	}
}

static void install_upcall_handler(void)
{
	struct l_sigaction sa = {
		.handler = (void *)upcall_handler,
		.flags = L_SA_SIGINFO | L_SA_ONSTACK | L_SA_RESTORER | L_SA_RESTART,
		.restorer = (void *)launch_restorer,
		.mask = 1ull << (PV_UPCALL_SIGNAL - 1),
	};

	if (sys_call4(__NR_rt_sigaction, PV_UPCALL_SIGNAL, &sa, 0, 8) < 0)
		launch_die(4);
}

static void install_fault_handlers(void)
{
	static const int sigs[] = { 4, 5, 7, 8, 11, 31 }; /* ILL TRAP BUS FPE SEGV SYS */
	struct l_sigaction sa = {
		.handler = (void *)fault_handler,
		.flags = L_SA_SIGINFO | L_SA_ONSTACK | L_SA_RESTORER,
		.restorer = (void *)launch_restorer,
		/* the fault signals, and the upcall signal: a report is not interrupted */
		.mask = (1ull << 3) | (1ull << 4) | (1ull << 6) | (1ull << 7) | (1ull << 10) |
			(1ull << 30) | (1ull << (PV_UPCALL_SIGNAL - 1)),
	};

	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sys_call4(__NR_rt_sigaction, sigs[i], &sa, 0, 8) < 0)
			launch_die(4);
}

static void set_altstack(unsigned vcpu)
{
	struct l_stack ss = { .sp = (void *)(upcall_stacks + (uint64_t)vcpu * PV_UPCALL_STACK),
			      .flags = 0,
			      .size = PV_UPCALL_STACK };

	sys_call2(__NR_sigaltstack, &ss, 0);
}

/* Filter 1 (carries the listener): the hypercall range goes to the hypervisor. */
static long install_listener_filter(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, PV_HCALL_SYSNR_BASE, 0, 2),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, PV_HCALL_SYSNR_BASE + PV_HCALL_SLOTS, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	long fd;

	/* Once the hypervisor has a hypercall, only a fatal signal may interrupt the
	 * wait: a restarted hypercall would run twice. Older kernels lack the flag. */
	fd = sys_call3(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
		       SECCOMP_FILTER_FLAG_NEW_LISTENER | L_SECCOMP_WAIT_KILLABLE_RECV, &prog);
	if (fd == -22 /* EINVAL */)
		fd = sys_call3(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
			       SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	return fd;
}

/* Filter 2 (all threads): hypercalls and rt_sigreturn pass, anything else traps to
 * the fault handler, which reports the call and dies. */
static long install_deny_filter(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_rt_sigreturn, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, PV_HCALL_SYSNR_BASE, 0, 1),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, PV_HCALL_SYSNR_BASE + PV_HCALL_SLOTS, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	return sys_call3(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
}

/* The listener, and for a lazy restore the userfaultfd (uffd >= 0), in one
 * message. */
static void send_listener(int fd, int uffd)
{
	union {
		char buf[24];
		uint64_t align;
	} cmsg = { 0 };
	char byte = 'L';
	struct l_iovec iov = { &byte, 1 };
	struct l_msghdr msg = { 0, 0, &iov, 1, cmsg.buf, 24, 0 };
	unsigned long *c = (unsigned long *)cmsg.buf;

	c[0] = uffd >= 0 ? 24 : 20; /* cmsg_len = CMSG_LEN(n * sizeof(int)) */
	((int *)cmsg.buf)[2] = L_SOL_SOCKET;
	((int *)cmsg.buf)[3] = L_SCM_RIGHTS;
	((int *)cmsg.buf)[4] = fd;
	((int *)cmsg.buf)[5] = uffd;
	if (sys_call3(__NR_sendmsg, FD_CTRL, &msg, 0) != 1)
		launch_die(6);
}

/*
 * Dirty-page tracking (the pv engine's dirty log, for live migration): a
 * userfaultfd of this process's mm set up for asynchronous write-protect, and this
 * mm's pagemap, through which the hypervisor write-protects guest memory and reads
 * back what was written since (PAGEMAP_SCAN). Only this process can make a
 * userfaultfd of its own mm, so it is made here, before the domain comes; nothing
 * is registered until a migration asks. A kernel that lacks either gives none, and
 * the domain cannot migrate live. An unprivileged launcher may only make one for
 * user-mode faults, which is all asynchronous write-protect needs.
 */
static void dirty_make(int fds[2])
{
	struct uffdio_api api = { .api = UFFD_API,
				  .features = L_UFFD_FEATURE_WP_ASYNC |
					      UFFD_FEATURE_WP_HUGETLBFS_SHMEM };
	long fd = sys_call1(__NR_userfaultfd, L_O_CLOEXEC_NONBLOCK);

	if (fd < 0)
		fd = sys_call1(__NR_userfaultfd, L_O_CLOEXEC_NONBLOCK | L_UFFD_USER_MODE_ONLY);
	if (fd >= 0 && sys_call3(__NR_ioctl, fd, UFFDIO_API, &api) < 0) {
		sys_call1(__NR_close, fd);
		fd = -1;
	}
	fds[0] = (int)fd;
	fd = sys_call3(__NR_open, "/proc/self/pagemap", L_O_RDONLY_CLOEXEC, 0);
	fds[1] = fd < 0 ? -1 : (int)fd;
}

/* After the listener: two bytes saying which of the dirty-log descriptors follow,
 * and those. */
static void send_dirty(const int fds[2])
{
	union {
		char buf[24];
		uint64_t align;
	} cmsg = { 0 };
	char have[2] = { fds[0] >= 0, fds[1] >= 0 };
	struct l_iovec iov = { have, 2 };
	struct l_msghdr msg = { 0, 0, &iov, 1, cmsg.buf, 24, 0 };
	int n = 0;

	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			((int *)cmsg.buf)[4 + n++] = fds[i];
	((unsigned long *)cmsg.buf)[0] = 16 + 4 * (unsigned long)n; /* CMSG_LEN(n ints) */
	((int *)cmsg.buf)[2] = L_SOL_SOCKET;
	((int *)cmsg.buf)[3] = L_SCM_RIGHTS;
	if (n == 0) {
		msg.control = 0;
		msg.controllen = 0;
	}
	if (sys_call3(__NR_sendmsg, FD_CTRL, &msg, 0) != 2)
		launch_die(6);
}

/* Lazy restore: missing pages of guest RAM fault to the pager. An unprivileged
 * launcher may only take faults of user code, which guest code is. */
static int lazy_register(uint64_t ram)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_MISSING_SHMEM };
	struct uffdio_register reg = { .range = { PV_PHYSMAP_BASE, ram },
				       .mode = UFFDIO_REGISTER_MODE_MISSING };
	long fd = sys_call1(__NR_userfaultfd, 02004000 /* O_CLOEXEC | O_NONBLOCK: poll() */);

	if (fd < 0)
		fd = sys_call1(__NR_userfaultfd, 02004000 | 1 /* UFFD_USER_MODE_ONLY */);
	if (fd < 0 || sys_call3(__NR_ioctl, fd, UFFDIO_API, &api) < 0 ||
	    sys_call3(__NR_ioctl, fd, UFFDIO_REGISTER, &reg) < 0)
		launch_die(13);
	return (int)fd;
}

/* Wait until the hypervisor starts this vCPU, then load its frame and jump. */
static __attribute__((noreturn)) void vcpu_enter(unsigned vcpu)
{
	launch_enter(vcpu,
		     (const struct pv_vcpu_frame *)(ctx_base + (uint64_t)vcpu * PV_PAGE_SIZE));
}

static void vcpu_thread(long vcpu)
{
	set_altstack(vcpu);
	__atomic_add_fetch(&threads_ready, 1, __ATOMIC_SEQ_CST);
	vcpu_enter(vcpu);
}

static void spawn_thread(unsigned vcpu)
{
	uint64_t *sp = (uint64_t *)(vcpu_stacks[vcpu] + LAUNCH_STACK);
	long ret;

	*--sp = vcpu;
	*--sp = (uint64_t)vcpu_thread;
	{
		register long r10 __asm__("r10") = 0;
		register long r8 __asm__("r8") = 0;

		__asm__ volatile("syscall\n\t"
				 "test %%rax, %%rax\n\t"
				 "jnz 1f\n\t"
				 "pop %%rax\n\t"
				 "pop %%rdi\n\t"
				 "call *%%rax\n\t"
				 "ud2\n"
				 "1:"
				 : "=a"(ret)
				 : "a"(__NR_clone), "D"(L_CLONE_THREAD_FLAGS), "S"(sp), "d"(0),
				   "r"(r10), "r"(r8)
				 : "rcx", "r11", "memory");
	}
	if (ret < 0)
		launch_die(8);
}

/* The limits only the domain's size decides (the rest was set before exec): as
 * much address space as is mapped now plus the guest's memory, and one task per
 * vCPU. Lowering needs no privilege. */
static void set_limits(const struct launch_go *go)
{
	struct {
		uint64_t cur, max;
	} r;

	if (go->rlim_as) {
		r.cur = r.max = go->rlim_as;
		if (sys_call4(__NR_prlimit64, 0, L_RLIMIT_AS, &r, 0) < 0)
			launch_die(14);
	}
	if (go->rlim_nproc) {
		r.cur = r.max = go->rlim_nproc;
		if (sys_call4(__NR_prlimit64, 0, L_RLIMIT_NPROC, &r, 0) < 0)
			launch_die(14);
	}
}

/* Checked in this order so a failure exit code tells the hypervisor which step. */
static void launch_main(void)
{
	struct launch_go go = { 0, 0, 0, 0, 0, 0 };
	uint64_t nr_vcpus, total, special_off;
	long listener, ret;
	int memfd, uffd = -1, dirty[2];

	/* A domain never outlives the hypervisor that serves its hypercalls. */
	sys_call2(__NR_prctl, L_PR_SET_PDEATHSIG, 9);
	if (sys_call0(__NR_getppid) == 1)
		launch_die(12);
	dirty_make(dirty); /* while no domain waits for us */
	memfd = recv_go(&go);
	nr_vcpus = go.nr_vcpus;
	special_off = go.special_off;
	total = go.total;
	if (nr_vcpus == 0 || nr_vcpus > LAUNCH_MAX_VCPUS || special_off >= total)
		launch_die(2);
	ctx_base = PV_PHYSMAP_BASE + special_off + PV_SPECIAL_VCPU_CTX * PV_PAGE_SIZE;
	shared_info = PV_PHYSMAP_BASE + special_off + PV_SPECIAL_SHARED_INFO * PV_PAGE_SIZE;
	upcall_stacks = PV_PHYSMAP_BASE + special_off +
			PV_SPECIAL_UPCALL_STACKS(nr_vcpus) * PV_PAGE_SIZE;
	nr_upcall_stacks = nr_vcpus;
	guest_end = PV_PHYSMAP_BASE + total;
	if (special_off + PV_SPECIAL_PAGES(nr_vcpus) * PV_PAGE_SIZE > total)
		launch_die(2);
	ret = sys_call6(__NR_mmap, PV_PHYSMAP_BASE, total, L_PROT_RWX,
			L_MAP_SHARED | L_MAP_FIXED_NOREPLACE, memfd, 0);
	if (ret != (long)PV_PHYSMAP_BASE)
		launch_die(5);
	if (go.flags & LAUNCH_LAZY)
		uffd = lazy_register(special_off);
	set_limits(&go);
	sys_call2(__NR_prctl, L_PR_SET_DUMPABLE, 0);
	install_fault_handlers();
	install_upcall_handler();
	set_altstack(0);
	if (sys_call2(__NR_prctl, L_PR_SET_NO_NEW_PRIVS, 1) < 0)
		launch_die(9);
	listener = install_listener_filter();
	if (listener < 0)
		launch_die(10);
	send_listener((int)listener, uffd);
	send_dirty(dirty);
	for (unsigned v = 1; v < nr_vcpus; v++)
		spawn_thread(v);
	while (__atomic_load_n(&threads_ready, __ATOMIC_SEQ_CST) != (int)nr_vcpus - 1)
		__asm__ volatile("pause");
	sys_call3(__NR_close_range, 0, ~0u, 0);
	if (install_deny_filter() != 0)
		launch_die(11);
	vcpu_enter(0);
}

/* The kernel's auxiliary vector, after argv and envp on the initial stack: does the
 * kernel let user code use rd/wrfsbase? */
static int auxv_fsgsbase(const uint64_t *sp)
{
	const uint64_t *p = sp + 1 + sp[0] + 1; /* argc, argv[], NULL: envp */

	while (*p)
		p++;
	for (p++; p[0]; p += 2)
		if (p[0] == L_AT_HWCAP2)
			return (p[1] & L_HWCAP2_FSGSBASE) != 0;
	return 0;
}

void launch_start_c(uint64_t *sp);
void launch_start_c(uint64_t *sp)
{
	fsgsbase = auxv_fsgsbase(sp);
	launch_main();
	launch_die(1);
}

__asm__(".text\n.globl _start\n_start:\n\txor %ebp, %ebp\n\tmov %rsp, %rdi\n"
	"\tand $-16, %rsp\n\tcall launch_start_c\n\tud2\n");
