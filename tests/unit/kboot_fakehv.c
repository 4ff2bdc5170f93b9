/* Fake in-process hypervisor for the reference-kernel tests (see kboot_fakehv.h).
 * The child maps guest RAM at PV_PHYSMAP_BASE, loads the PT_LOAD segments, reads the
 * Xen notes for the entry point and hypercall page, writes start_info and a PV clock,
 * and jumps to the kernel; each hypercall stub calls kboot_hypercall() on the
 * kernel's stack. Shutdown and block end the child with a telling exit code. */
#include <elf.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pvisor/errno.h>
#include <pvisor/event_channel.h>
#include <pvisor/memory.h>
#include <pvisor/pvisor.h>
#include <pvisor/sched.h>
#include <pvisor/vcpu.h>
#include <pvisor/version.h>
#include <pvisor/xen.h>

#include "kboot_fakehv.h"

#define PAGE             4096ULL
#define BOOT_STACK_PAGES 4

static uint64_t ram_bytes;  /* guest RAM; the shared-info page follows it */
static uint64_t free_start; /* first guest-physical byte after the boot pieces */

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && write(1, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1) < 0)
		_exit(KBOOT_EXIT_SETUP);
}

/* Host pointer for the guest range [va, va + len), or NULL if it leaves RAM. */
static void *guest_ptr(uint64_t va, uint64_t len)
{
	uint64_t limit = ram_bytes + PAGE;

	if (va < PV_PHYSMAP_BASE || va - PV_PHYSMAP_BASE > limit ||
	    len > limit - (va - PV_PHYSMAP_BASE))
		return NULL;
	return (void *)(uintptr_t)va;
}

static long hc_console_io(uint64_t cmd, uint64_t count, uint64_t buf)
{
	void *p = guest_ptr(buf, count);

	if (cmd != PV_CONSOLEIO_write)
		return -PV_ENOSYS;
	if (!p || count > 4096)
		return -PV_EFAULT;
	if (write(1, p, count) < 0)
		return -PV_EIO;
	return 0;
}

static long hc_xen_version(uint64_t cmd, uint64_t arg)
{
	char *p;

	switch (cmd) {
	case PV_XENVER_version:
		return KBOOT_XEN_MAJOR << 16 | KBOOT_XEN_MINOR;
	case PV_XENVER_extraversion:
		if (!(p = guest_ptr(arg, PV_EXTRAVERSION_LEN)))
			return -PV_EFAULT;
		strncpy(p, KBOOT_XEN_EXTRA, PV_EXTRAVERSION_LEN);
		return 0;
	case PV_XENVER_capabilities:
		if (!(p = guest_ptr(arg, PV_CAPABILITIES_INFO_LEN)))
			return -PV_EFAULT;
		strncpy(p, "xen-3.0-x86_64", PV_CAPABILITIES_INFO_LEN);
		return 0;
	default:
		return -PV_ENOSYS;
	}
}

static long hc_memory_op(uint64_t cmd, uint64_t arg)
{
	pv_domid_t *dom = guest_ptr(arg, sizeof(*dom));

	if (cmd != PV_XENMEM_current_reservation && cmd != PV_XENMEM_maximum_reservation)
		return -PV_ENOSYS;
	if (!dom)
		return -PV_EFAULT;
	return *dom == PV_DOMID_SELF ? (long)(ram_bytes / PAGE) : -PV_ESRCH;
}

/* Block: nothing can wake the guest, so report what it left in memory and stop. */
static void hc_block(void)
{
	uint64_t touched = 0;

	for (uint64_t pa = free_start; pa < ram_bytes; pa += PAGE)
		touched += *(volatile uint8_t *)(uintptr_t)(PV_PHYSMAP_BASE + pa) != 0;
	note("fakehv: blocked with %llu pages touched\n", (unsigned long long)touched);
	_exit(KBOOT_EXIT_BLOCKED);
}

static long hc_sched_op(uint64_t cmd, uint64_t arg)
{
	struct pv_sched_shutdown *sd;

	switch (cmd) {
	case PV_SCHEDOP_yield:
		return 0;
	case PV_SCHEDOP_block:
		hc_block();
		return 0;
	case PV_SCHEDOP_shutdown:
		if (!(sd = guest_ptr(arg, sizeof(*sd))))
			return -PV_EFAULT;
		note("fakehv: shutdown reason %u\n", sd->reason);
		_exit(KBOOT_EXIT_SHUTDOWN(sd->reason & 0xff));
	default:
		return -PV_ENOSYS;
	}
}

/* Event channels: enough for the kernel's boot (VIRQ_TIMER on vCPU 0, unmask);
 * nothing is ever raised, so no upcall happens. */
static long hc_event_channel_op(uint64_t cmd, uint64_t arg)
{
	struct pv_evtchn_bind_virq *bv;

	switch (cmd) {
	case PV_EVTCHNOP_bind_virq:
		if (!(bv = guest_ptr(arg, sizeof(*bv))))
			return -PV_EFAULT;
		if (bv->virq != PV_VIRQ_TIMER || bv->vcpu != 0)
			return -PV_EINVAL;
		bv->port = 1;
		return 0;
	case PV_EVTCHNOP_unmask:
		return guest_ptr(arg, sizeof(struct pv_evtchn_unmask)) ? 0 : -PV_EFAULT;
	default:
		return -PV_ENOSYS;
	}
}

/* Called from kboot_trampoline with the hypercall number and its five arguments. */
static __attribute__((used)) long kboot_hypercall(uint32_t nr, uint64_t a1, uint64_t a2,
						  uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)a4;
	(void)a5;
	switch (nr) {
	case PV_HYPERCALL_console_io:
		return hc_console_io(a1, a2, a3);
	case PV_HYPERCALL_xen_version:
		return hc_xen_version(a1, a2);
	case PV_HYPERCALL_memory_op:
		return hc_memory_op(a1, a2);
	case PV_HYPERCALL_vcpu_op:
		if (a1 != PV_VCPUOP_is_up)
			return -PV_ENOSYS;
		return a2 == 0 ? 1 : -PV_ENOENT;
	case PV_HYPERCALL_sched_op:
		return hc_sched_op(a1, a2);
	case PV_HYPERCALL_set_callbacks:
		return 0; /* recorded nowhere: no upcalls here */
	case PV_HYPERCALL_event_channel_op:
		return hc_event_channel_op(a1, a2);
	default:
		note("fakehv: hypercall %u not implemented\n", nr);
		return -PV_ENOSYS;
	}
}

/* rax = number, args rdi rsi rdx r10 r8 -> C call; r9 is kept for the guest. */
__asm__(".text\n"
	".type kboot_trampoline, @function\n"
	"kboot_trampoline:\n"
	"	push %rbp\n"
	"	mov %rsp, %rbp\n"
	"	push %r9\n"
	"	and $-16, %rsp\n"
	"	mov %r8, %r9\n"
	"	mov %r10, %r8\n"
	"	mov %rdx, %rcx\n"
	"	mov %rsi, %rdx\n"
	"	mov %rdi, %rsi\n"
	"	mov %eax, %edi\n"
	"	call kboot_hypercall\n"
	"	mov -8(%rbp), %r9\n"
	"	leave\n"
	"	ret\n");
void kboot_trampoline(void);

/* Slot i: push rcx; push r11; mov $i,%eax; movabs $tramp,%r11; call *%r11;
 * pop r11; pop rcx; ret (25 bytes). */
static void fill_hypercall_page(uint8_t *page)
{
	uint64_t tramp = (uint64_t)(uintptr_t)kboot_trampoline;

	memset(page, 0xcc, PAGE);
	for (uint32_t i = 0; i < PV_HCALL_SLOTS; i++) {
		uint8_t *s = page + i * PV_HCALL_SLOT_SIZE;
		static const uint8_t head[] = { 0x51, 0x41, 0x53, 0xb8 };
		static const uint8_t tail[] = { 0x41, 0xff, 0xd3, 0x41, 0x5b, 0x59, 0xc3 };

		memcpy(s, head, sizeof(head));
		memcpy(s + 4, &i, 4);
		s[8] = 0x49;
		s[9] = 0xbb;
		memcpy(s + 10, &tramp, 8);
		memcpy(s + 18, tail, sizeof(tail));
	}
}

struct kboot_image {
	uint64_t entry;          /* ENTRY note */
	uint64_t hypercall_page; /* HYPERCALL_PAGE note */
	uint64_t end;            /* end of the highest segment, guest-physical */
};

static int load_segment(const uint8_t *img, size_t len, const Elf64_Phdr *ph,
			struct kboot_image *ki)
{
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset ||
	    ph->p_filesz > ph->p_memsz || ph->p_vaddr != PV_PHYSMAP_BASE + ph->p_paddr ||
	    ph->p_paddr > ram_bytes || ph->p_memsz > ram_bytes - ph->p_paddr) {
		note("fakehv: bad PT_LOAD vaddr 0x%llx paddr 0x%llx\n",
		     (unsigned long long)ph->p_vaddr, (unsigned long long)ph->p_paddr);
		return -1;
	}
	memcpy((void *)(uintptr_t)ph->p_vaddr, img + ph->p_offset, ph->p_filesz);
	memset((void *)(uintptr_t)(ph->p_vaddr + ph->p_filesz), 0, ph->p_memsz - ph->p_filesz);
	if (ph->p_paddr + ph->p_memsz > ki->end)
		ki->end = ph->p_paddr + ph->p_memsz;
	return 0;
}

static void read_notes(const uint8_t *p, size_t len, struct kboot_image *ki)
{
	while (len >= 12) {
		uint32_t namesz, descsz, type;
		size_t nlen, dlen;

		memcpy(&namesz, p, 4);
		memcpy(&descsz, p + 4, 4);
		memcpy(&type, p + 8, 4);
		nlen = (namesz + 3u) & ~3u;
		dlen = (descsz + 3u) & ~3u;
		if (nlen > len - 12 || dlen > len - 12 - nlen)
			return;
		if (namesz == 4 && memcmp(p + 12, "Xen", 4) == 0 && descsz == 8) {
			if (type == 1)
				memcpy(&ki->entry, p + 12 + nlen, 8);
			if (type == 2)
				memcpy(&ki->hypercall_page, p + 12 + nlen, 8);
		}
		p += 12 + nlen + dlen;
		len -= 12 + nlen + dlen;
	}
}

static int load_elf(const uint8_t *img, size_t len, struct kboot_image *ki)
{
	const Elf64_Ehdr *eh = (const void *)img;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64 ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > len ||
	    (size_t)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff) {
		note("fakehv: not an x86-64 ELF64 image\n");
		return -1;
	}
	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(img + eh->e_phoff) + i;

		if (ph->p_type == PT_LOAD && load_segment(img, len, ph, ki) < 0)
			return -1;
		if (ph->p_type == PT_NOTE && ph->p_offset <= len &&
		    ph->p_filesz <= len - ph->p_offset)
			read_notes(img + ph->p_offset, ph->p_filesz, ki);
	}
	if (!guest_ptr(ki->entry, 1) || !guest_ptr(ki->hypercall_page, PAGE) ||
	    (ki->hypercall_page & (PAGE - 1))) {
		note("fakehv: missing or bad ENTRY/HYPERCALL_PAGE notes\n");
		return -1;
	}
	return 0;
}

/* start_info after the image, then the boot stack; returns the boot %rsp. */
static uint64_t write_boot_info(const struct kboot_image *ki, const char *cmdline,
				uint64_t *si_va)
{
	uint64_t si_pa = (ki->end + PAGE - 1) & ~(PAGE - 1);
	struct pv_start_info *si = (void *)(uintptr_t)(PV_PHYSMAP_BASE + si_pa);
	struct pv_shared_info *sh = (void *)(uintptr_t)(PV_PHYSMAP_BASE + ram_bytes);
	uint32_t lo, hi;

	memset(si, 0, sizeof(*si));
	memcpy(si->magic, PV_START_INFO_MAGIC, sizeof(PV_START_INFO_MAGIC));
	si->nr_pages = ram_bytes / PAGE;
	si->shared_info = ram_bytes;
	snprintf((char *)si->cmd_line, sizeof(si->cmd_line), "%s", cmdline);
	/* A 1 GHz clock: one TSC tick is one ns ((d << 1) * 2^31 >> 32). */
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	sh->vcpu_info[0].time.tsc_timestamp = (uint64_t)hi << 32 | lo;
	sh->vcpu_info[0].time.system_time = 0;
	sh->vcpu_info[0].time.tsc_to_system_mul = 0x80000000u;
	sh->vcpu_info[0].time.tsc_shift = 1;
	sh->vcpu_info[0].time.version = 2;
	*si_va = (uint64_t)(uintptr_t)si;
	free_start = si_pa + PAGE + BOOT_STACK_PAGES * PAGE;
	return PV_PHYSMAP_BASE + free_start;
}

static __attribute__((noreturn)) void enter_kernel(uint64_t entry, uint64_t si, uint64_t rsp)
{
	__asm__ volatile("mov %[sp], %%rsp\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "jmp *%[entry]"
			 :
			 : [entry] "r"(entry), "S"(si), [sp] "r"(rsp)
			 : "memory");
	__builtin_unreachable();
}

/* Kill the process on getpid (39), as pvisor's filter kills any real system call. */
static int deny_getpid(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

static __attribute__((noreturn)) void child_boot(const void *img, size_t len, const char *cmdline,
						 const struct kboot_opts *o)
{
	struct kboot_image ki = { 0 };
	struct itimerval it = { .it_value = { o->timeout_ms / 1000,
					      (o->timeout_ms % 1000) * 1000 } };
	uint64_t si, rsp;
	void *ram;

	ram_bytes = (uint64_t)o->mem_mib << 20;
	ram = mmap((void *)(uintptr_t)PV_PHYSMAP_BASE, ram_bytes + PAGE,
		   PROT_READ | PROT_WRITE | PROT_EXEC,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (ram != (void *)(uintptr_t)PV_PHYSMAP_BASE) {
		note("fakehv: cannot map guest RAM at 0x%llx: %s\n",
		     (unsigned long long)PV_PHYSMAP_BASE, strerror(errno));
		_exit(KBOOT_EXIT_SETUP);
	}
	if (load_elf(img, len, &ki) < 0)
		_exit(KBOOT_EXIT_SETUP);
	fill_hypercall_page((void *)(uintptr_t)ki.hypercall_page);
	rsp = write_boot_info(&ki, cmdline, &si);
	if ((o->deny_getpid && deny_getpid() < 0) || setitimer(ITIMER_REAL, &it, NULL) < 0) {
		note("fakehv: cannot set up the sandbox: %s\n", strerror(errno));
		_exit(KBOOT_EXIT_SETUP);
	}
	/* The guest's faults kill the child, as they kill a domain process: no handler
	 * of ours (a sanitizer build installs some) may catch them. */
	for (int sig = 1; sig < 32; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sig != SIGALRM)
			signal(sig, SIG_DFL);
	enter_kernel(ki.entry, si, rsp);
}

static void collect(int fd, struct kboot_result *res)
{
	ssize_t n;

	res->len = 0;
	while ((n = read(fd, res->out + res->len, sizeof(res->out) - 1 - res->len)) > 0 ||
	       (n < 0 && errno == EINTR))
		res->len += n > 0 ? (size_t)n : 0;
	res->out[res->len] = '\0';
}

int kboot_run(const void *img, size_t len, const char *cmdline, const struct kboot_opts *opts,
	      struct kboot_result *res)
{
	struct kboot_opts o = *opts;
	int fds[2], status;
	pid_t pid;

	o.mem_mib = o.mem_mib ? o.mem_mib : 16;
	o.timeout_ms = o.timeout_ms ? o.timeout_ms : 5000;
	if (pipe(fds) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(fds[0]);
		if (dup2(fds[1], 1) < 0 || dup2(fds[1], 2) < 0)
			_exit(KBOOT_EXIT_SETUP);
		child_boot(img, len, cmdline, &o);
	}
	close(fds[1]);
	collect(fds[0], res);
	close(fds[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	res->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	res->signo = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	return 0;
}
