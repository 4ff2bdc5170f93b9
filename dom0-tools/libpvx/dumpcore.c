/* pvx dump-core: a domain's memory and vCPU registers as an ELF core file that gdb
 * opens with the guest kernel's symbols (gdb KERNEL CORE). Guest memory is one
 * memory fd mapped at PV_PHYSMAP_BASE in the guest's address space, so each data
 * extent of the fd (pages never written are left out) is a PT_LOAD segment at
 * that virtual address; each vCPU is an NT_PRSTATUS note (its general registers)
 * with an NT_FPREGSET (its FXSAVE image). A running domain is stopped at a
 * consistent point (quiesce) while it is written and goes on after; a crashed one
 * gives the registers it last had. Xen's own dump-core format ("xen" notes, a p2m
 * table) is not written: no debugger reads it. */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/procfs.h>
#include <unistd.h>

#include "libpvx/pvx.h"
#include "libpvx/sr_state.h"
#include "util.h"

#define PAGE          PV_PAGE_SIZE
#define CORE_MAX_SEGS 4096

struct core_seg {
	uint64_t off, len; /* in the memory fd */
};

struct core_ctx {
	int out, memfd;
	uint8_t *mem;
	struct pv_privcmd_memory mi;
	struct sr_hvstate_view v;
	struct core_seg seg[CORE_MAX_SEGS];
	unsigned nseg;
};

/* The memory fd's data extents, merged into at most CORE_MAX_SEGS segments. */
static void core_segments(struct core_ctx *c)
{
	off_t pos = 0, end = (off_t)c->mi.size;

	while (pos < end) {
		off_t d = lseek(c->memfd, pos, SEEK_DATA), h;

		if (d < 0 || d >= end)
			break;
		h = lseek(c->memfd, d, SEEK_HOLE);
		if (h < 0 || h > end)
			h = end;
		if (c->nseg == CORE_MAX_SEGS)
			c->seg[c->nseg - 1].len = (uint64_t)h - c->seg[c->nseg - 1].off;
		else
			c->seg[c->nseg++] = (struct core_seg){ (uint64_t)d, (uint64_t)(h - d) };
		pos = h;
	}
}

/* The registers of one vCPU in Linux's x86-64 user_regs_struct order. */
static void core_prstatus(struct elf_prstatus *ps, const struct pv_sr_vcpu *r)
{
	struct user_regs_struct *g = (struct user_regs_struct *)&ps->pr_reg;

	memset(ps, 0, sizeof(*ps));
	ps->pr_pid = (pid_t)r->id + 1; /* gdb's threads: one per vCPU */
	g->r15 = r->r15;
	g->r14 = r->r14;
	g->r13 = r->r13;
	g->r12 = r->r12;
	g->rbp = r->rbp;
	g->rbx = r->rbx;
	g->r11 = r->r11;
	g->r10 = r->r10;
	g->r9 = r->r9;
	g->r8 = r->r8;
	g->rax = r->rax;
	g->rcx = r->rcx;
	g->rdx = r->rdx;
	g->rsi = r->rsi;
	g->rdi = r->rdi;
	g->orig_rax = ~0ull;
	g->rip = r->rip;
	g->cs = 0x33;
	g->eflags = r->rflags | 0x202;
	g->rsp = r->rsp;
	g->ss = 0x2b;
	g->fs_base = r->fs_base;
	g->gs_base = r->gs_base;
}

static size_t note_size(size_t desc)
{
	return sizeof(Elf64_Nhdr) + 8 /* "CORE\0" padded */ + ((desc + 3) & ~(size_t)3);
}

static uint8_t *note_put(uint8_t *p, uint32_t type, const void *desc, size_t len)
{
	Elf64_Nhdr n = { .n_namesz = 5, .n_descsz = (Elf64_Word)len, .n_type = type };

	memcpy(p, &n, sizeof(n));
	memcpy(p + sizeof(n), "CORE\0\0\0", 8);
	memcpy(p + sizeof(n) + 8, desc, len);
	return p + note_size(len);
}

/* Every vCPU's NT_PRSTATUS and NT_FPREGSET. *len set; malloc'ed. */
static uint8_t *core_notes(const struct core_ctx *c, size_t *len)
{
	size_t per = note_size(sizeof(struct elf_prstatus)) + note_size(512);
	uint8_t *buf = calloc(c->v.h->nr_vcpus, per), *p = buf;

	for (uint32_t i = 0; buf && i < c->v.h->nr_vcpus; i++) {
		struct elf_prstatus ps;

		core_prstatus(&ps, c->v.vcpu[i]);
		ps.pr_fpvalid = (c->v.vcpu[i]->state_flags & PV_SR_STATE_FPU) != 0;
		p = note_put(p, NT_PRSTATUS, &ps, sizeof(ps));
		p = note_put(p, NT_FPREGSET, c->v.vcpu[i]->fpu, 512);
	}
	*len = (size_t)(p - buf);
	return buf;
}

static int core_headers(struct core_ctx *c, size_t notes_len, uint64_t *data_off)
{
	size_t ph = (1 + c->nseg) * sizeof(Elf64_Phdr);
	Elf64_Ehdr e = { .e_type = ET_CORE,
			 .e_machine = EM_X86_64,
			 .e_version = EV_CURRENT,
			 .e_phoff = sizeof(e),
			 .e_ehsize = sizeof(e),
			 .e_phentsize = sizeof(Elf64_Phdr),
			 .e_phnum = (Elf64_Half)(1 + c->nseg) };
	Elf64_Phdr *p = calloc(1 + c->nseg, sizeof(*p));
	uint64_t off = (sizeof(e) + ph + notes_len + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	int rc;

	if (!p)
		return -ENOMEM;
	memcpy(e.e_ident, ELFMAG, SELFMAG);
	e.e_ident[EI_CLASS] = ELFCLASS64;
	e.e_ident[EI_DATA] = ELFDATA2LSB;
	e.e_ident[EI_VERSION] = EV_CURRENT;
	p[0] = (Elf64_Phdr){ .p_type = PT_NOTE,
			     .p_offset = sizeof(e) + ph,
			     .p_filesz = notes_len,
			     .p_align = 4 };
	*data_off = off;
	for (unsigned i = 0; i < c->nseg; i++) {
		p[1 + i] = (Elf64_Phdr){ .p_type = PT_LOAD,
					 .p_flags = PF_R | PF_W | PF_X,
					 .p_offset = off,
					 .p_vaddr = PV_PHYSMAP_BASE + c->seg[i].off,
					 .p_paddr = c->seg[i].off,
					 .p_filesz = c->seg[i].len,
					 .p_memsz = c->seg[i].len,
					 .p_align = PAGE };
		off += c->seg[i].len;
	}
	rc = util_write_full(c->out, &e, sizeof(e));
	if (rc == 0)
		rc = util_write_full(c->out, p, ph);
	free(p);
	return rc;
}

static int core_write(struct core_ctx *c)
{
	size_t notes_len = 0;
	uint8_t *notes = core_notes(c, &notes_len);
	uint64_t data_off;
	int rc = notes ? 0 : -ENOMEM;

	core_segments(c);
	if (rc == 0)
		rc = core_headers(c, notes_len, &data_off);
	if (rc == 0)
		rc = util_write_full(c->out, notes, notes_len);
	if (rc == 0 && lseek(c->out, (off_t)data_off, SEEK_SET) < 0)
		rc = -errno;
	for (unsigned i = 0; i < c->nseg && rc == 0; i++)
		rc = util_write_full(c->out, c->mem + c->seg[i].off, c->seg[i].len);
	free(notes);
	return rc;
}

int pvx_domain_dump_core(struct pvctrl *h, pv_domid_t domid, int fd, struct pvx_err *err)
{
	struct core_ctx *c = calloc(1, sizeof(*c));
	uint8_t *hv = NULL;
	size_t hv_len = 0;
	int rc, quiesced;

	if (!c)
		return pvx_fail(err, -ENOMEM, "out of memory");
	c->out = fd;
	c->memfd = -1;
	if ((rc = pvx_domain_lazy_fill(domid, err)) < 0)
		goto out;
	quiesced = pvctrl_domain_quiesce(h, domid, 10000) == 0; /* not for a crashed one */
	rc = pvctrl_sr_save(h, domid, &hv, &hv_len);
	if (rc == 0 && sr_hvstate_parse(hv, hv_len, &c->v) < 0)
		rc = -EPROTO;
	if (rc == 0)
		rc = pvctrl_map_foreign_fd(h, domid, (void **)&c->mem, &c->mi, &c->memfd);
	if (rc < 0)
		pvx_fail(err, rc, "reading domain %u: %s", domid, strerror(-rc));
	else if ((rc = core_write(c)) < 0)
		pvx_fail(err, rc, "writing the core: %s", strerror(-rc));
	if (quiesced)
		pvctrl_domain_resume(h, domid);
out:
	if (c->mem)
		munmap(c->mem, c->mi.size);
	if (c->memfd >= 0)
		close(c->memfd);
	free(hv);
	free(c);
	return rc;
}
