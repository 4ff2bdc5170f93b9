/* LD_PRELOAD for Debian's linux.uml 6.1 (the bench's UML peer, tests/tools/uml-peer.sh).
 * On hosts whose FPU state is large (AVX-512, AMX) UML sizes its xstate buffer too
 * small: PTRACE_SETREGSET(NT_X86_XSTATE) with that short buffer fails with EFAULT
 * and UML panics at boot ("ptrace set fp regs failed, errno = 14"). Here every traced
 * process gets a full-size copy of its xstate: a GET fills the copy from the kernel
 * and hands UML the part it asked for; a SET writes UML's part over the copy and
 * gives the kernel the whole. Built from the tree so that a fresh clone has it. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>

#define UX_FULL  16384 /* more than any x86 xstate so far (AMX: about 11 KiB) */
#define UX_SLOTS 65536 /* by pid, direct-mapped: a reused slot re-reads the state */

struct ux_copy {
	pid_t pid;
	size_t len; /* 0: not read from the kernel yet */
	unsigned char *buf;
};

static struct ux_copy ux_copies[UX_SLOTS];
static long (*ux_real)(int, pid_t, void *, void *);

static struct ux_copy *ux_find(pid_t pid, int create)
{
	struct ux_copy *c = &ux_copies[(unsigned)pid % UX_SLOTS];

	if (c->pid == pid && c->buf)
		return c;
	if (!create)
		return NULL;
	if (!c->buf && !(c->buf = malloc(UX_FULL)))
		return NULL;
	c->pid = pid;
	c->len = 0;
	return c;
}

static long ux_read(struct ux_copy *c)
{
	struct iovec io = { c->buf, UX_FULL };
	long r = ux_real(PTRACE_GETREGSET, c->pid, (void *)NT_X86_XSTATE, &io);

	if (r == 0)
		c->len = io.iov_len;
	return r;
}

static long ux_xstate(int req, pid_t pid, struct iovec *uio)
{
	struct ux_copy *c = ux_find(pid, 1);
	size_t n;

	if (!c)
		return ux_real(req, pid, (void *)NT_X86_XSTATE, uio);
	if ((req == PTRACE_GETREGSET || c->len == 0) && ux_read(c))
		return -1;
	n = uio->iov_len < c->len ? uio->iov_len : c->len;
	if (req == PTRACE_GETREGSET) {
		memcpy(uio->iov_base, c->buf, n);
		uio->iov_len = n;
		return 0;
	}
	memcpy(c->buf, uio->iov_base, n);
	struct iovec io = { c->buf, c->len };
	return ux_real(PTRACE_SETREGSET, pid, (void *)NT_X86_XSTATE, &io);
}

long ptrace(enum __ptrace_request req, ...)
{
	va_list ap;
	pid_t pid;
	void *addr, *data;
	struct ux_copy *c;

	va_start(ap, req);
	pid = va_arg(ap, pid_t);
	addr = va_arg(ap, void *);
	data = va_arg(ap, void *);
	va_end(ap);
	if (!ux_real)
		ux_real = (long (*)(int, pid_t, void *, void *))dlsym(RTLD_NEXT, "ptrace");
	if ((req == PTRACE_GETREGSET || req == PTRACE_SETREGSET) &&
	    (unsigned long)addr == NT_X86_XSTATE)
		return ux_xstate(req, pid, data);
	if ((req == PTRACE_KILL || req == PTRACE_DETACH) && (c = ux_find(pid, 0)))
		c->len = 0; /* the pid may come back as another process */
	return ux_real(req, pid, addr, data);
}
