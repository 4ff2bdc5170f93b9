/* The hvm engine's private region (guest-physical PV_HVM_PRIV_GPA, the same virtual
 * address): the initial page tables -- the physmap at PV_PHYSMAP_BASE, the trap page,
 * the region itself -- a GDT with Linux's selectors and a TSS; and the control state
 * that enters long mode on them at the vCPU's ring. */
#include <string.h>

#include "hvm.h"

/* Page offsets in the region. */
enum {
	PT_PML4,   /* one PML4 ... */
	PT_PDPT,   /* ... and one PDPT: everything lives below 512 GiB */
	PT_PD_LOW, /* GiB 0: the trap page, just below PV_PHYSMAP_BASE */
	PT_PT_TRAP,
	PT_PD_PRIV, /* GiB 511: this region */
	PT_PT_PRIV,
	PT_GDT,
	PT_TSS,
	PT_PT_TAIL, /* the physmap's last 2 MiB when it is not a whole one */
	PT_PD_MAP,  /* first of the physmap's PDs, one per GiB */
};

#define PTE_P   0x001ull
#define PTE_W   0x002ull
#define PTE_U   0x004ull
#define PTE_PWT 0x008ull
#define PTE_PCD 0x010ull
#define PTE_AD  0x060ull /* accessed and dirty preset: the MMU never writes them */
#define PTE_PS  0x080ull
#define GIB     (1ull << 30)
#define MIB2    (2ull << 20)

#define HVM_SEL_KCODE 0x10 /* Linux's: PVM wants the host's user selectors at CPL 3 */
#define HVM_SEL_KDATA 0x18
#define HVM_SEL_UCODE 0x33
#define HVM_SEL_UDATA 0x2b
#define HVM_SEL_TSS   0x40

static uint64_t hvm_pt_map_gib(const struct domain *d)
{
	return (d->mem_size + GIB - 1) / GIB;
}

uint64_t hvm_pt_size(const struct domain *d)
{
	return (PT_PD_MAP + hvm_pt_map_gib(d)) * PV_PAGE_SIZE;
}

static uint64_t *hvm_pt_page(struct domain *d, unsigned page)
{
	return (uint64_t *)(hvm_dom(d)->priv + (uint64_t)page * PV_PAGE_SIZE);
}

static uint64_t hvm_pt_gpa(unsigned page)
{
	return PV_HVM_PRIV_GPA + (uint64_t)page * PV_PAGE_SIZE;
}

/* Physmap: 2 MiB pages, 4 KiB ones for a last partial 2 MiB. */
static void hvm_pt_physmap(struct domain *d, uint64_t *pdpt, uint64_t u)
{
	uint64_t first = PV_PHYSMAP_BASE / GIB;

	for (uint64_t off = 0; off < d->mem_size; off += MIB2) {
		uint64_t g = off / GIB, *pd = hvm_pt_page(d, PT_PD_MAP + (unsigned)g);

		pdpt[first + g] = hvm_pt_gpa(PT_PD_MAP + (unsigned)g) | PTE_P | PTE_W | PTE_AD |
				  u;
		if (d->mem_size - off >= MIB2) {
			pd[off / MIB2 % 512] = off | PTE_P | PTE_W | PTE_AD | PTE_PS | u;
			continue;
		}
		pd[off / MIB2 % 512] = hvm_pt_gpa(PT_PT_TAIL) | PTE_P | PTE_W | PTE_AD | u;
		for (uint64_t p = off; p < d->mem_size; p += PV_PAGE_SIZE)
			hvm_pt_page(d, PT_PT_TAIL)[(p - off) / PV_PAGE_SIZE] = p | PTE_P | PTE_W |
									       PTE_AD | u;
	}
}

/* The trap page below the physmap, this region at its own address. */
static void hvm_pt_specials(struct domain *d, uint64_t *pdpt, uint64_t u)
{
	uint64_t *pd = hvm_pt_page(d, PT_PD_LOW), *pt = hvm_pt_page(d, PT_PT_TRAP);
	uint64_t va = PV_HVM_TRAP_VA;

	pdpt[va / GIB] = hvm_pt_gpa(PT_PD_LOW) | PTE_P | PTE_W | PTE_AD | u;
	pd[va / MIB2 % 512] = hvm_pt_gpa(PT_PT_TRAP) | PTE_P | PTE_W | PTE_AD | u;
	pt[va / PV_PAGE_SIZE % 512] = PV_HVM_TRAP_GPA | PTE_P | PTE_W | PTE_AD | PTE_PCD |
				      PTE_PWT | u;
	pd = hvm_pt_page(d, PT_PD_PRIV);
	pt = hvm_pt_page(d, PT_PT_PRIV);
	pdpt[PV_HVM_PRIV_GPA / GIB] = hvm_pt_gpa(PT_PD_PRIV) | PTE_P | PTE_W | PTE_AD;
	pd[PV_HVM_PRIV_GPA / MIB2 % 512] = hvm_pt_gpa(PT_PT_PRIV) | PTE_P | PTE_W | PTE_AD;
	for (unsigned i = 0; i < hvm_dom(d)->priv_size / PV_PAGE_SIZE; i++)
		pt[i] = hvm_pt_gpa(i) | PTE_P | PTE_W | PTE_AD;
}

/* Flat descriptors: code64 / data, at a DPL. */
static uint64_t hvm_gdt_entry(int code, int dpl)
{
	uint64_t type = code ? 0xb : 0x3, flags = code ? 0xa : 0xc; /* L or D/B, with G */

	return 0xffffull | (type | 0x10 | (uint64_t)dpl << 5 | 0x80) << 40 |
	       (0xfull | flags << 4) << 48;
}

static void hvm_pt_gdt(struct domain *d)
{
	uint64_t *gdt = hvm_pt_page(d, PT_GDT), tss = hvm_pt_gpa(PT_TSS);

	gdt[HVM_SEL_KCODE / 8] = hvm_gdt_entry(1, 0);
	gdt[HVM_SEL_KDATA / 8] = hvm_gdt_entry(0, 0);
	gdt[0x20 / 8] = hvm_gdt_entry(0, 3) | 0x0008ull << 40; /* 32-bit user code (unused) */
	gdt[HVM_SEL_UDATA / 8] = hvm_gdt_entry(0, 3);
	gdt[HVM_SEL_UCODE / 8] = hvm_gdt_entry(1, 3);
	/* 64-bit TSS, busy: limit 0x67, base split over both halves. */
	gdt[HVM_SEL_TSS / 8] = 0x67ull | (tss & 0xffffff) << 16 | 0x8bull << 40 |
			       (tss >> 24 & 0xff) << 56;
	gdt[HVM_SEL_TSS / 8 + 1] = tss >> 32;
}

void hvm_pt_build(struct domain *d)
{
	uint64_t *pml4 = hvm_pt_page(d, PT_PML4), *pdpt = hvm_pt_page(d, PT_PDPT);
	uint64_t u = 0;

	memset(hvm_dom(d)->priv, 0, hvm_dom(d)->priv_size);
	/* User pages for a CPL 3 kernel. */
	if (hvm_dom(d)->ring == 3)
		u = PTE_U;
	pml4[0] = hvm_pt_gpa(PT_PDPT) | PTE_P | PTE_W | PTE_AD | u;
	hvm_pt_physmap(d, pdpt, u);
	hvm_pt_specials(d, pdpt, u);
	hvm_pt_gdt(d);
	/* TSS: all zeros (no interrupt stack; the IDT is empty at CPL 3 anyway). */
}

static void hvm_pt_segment(struct kvm_segment *s, uint16_t sel, int code, int dpl)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->g = 1;
	s->present = 1;
	s->s = 1;
	s->dpl = (uint8_t)dpl;
	s->type = code ? 0xb : 0x3;
	s->l = (uint8_t)code;
	s->db = (uint8_t)!code;
}

/* Long mode at `ring`: at 3 with the host's user selectors (what PVM runs natively)
 * and an empty IDT, so that any exception is a triple fault on every KVM. */
void hvm_pt_sregs(struct domain *d, struct kvm_sregs *sr, int ring, const struct vcpu_state *st)
{
	int u = ring == 3;

	hvm_pt_segment(&sr->cs, u ? HVM_SEL_UCODE : HVM_SEL_KCODE, 1, ring);
	hvm_pt_segment(&sr->ss, u ? HVM_SEL_UDATA : HVM_SEL_KDATA, 0, ring);
	sr->ds = sr->es = sr->ss;
	hvm_pt_segment(&sr->fs, 0, 0, ring);
	sr->gs = sr->fs;
	sr->fs.base = st->flags & VCPU_STATE_SEGBASE ? st->fs_base : 0;
	sr->gs.base = st->flags & VCPU_STATE_SEGBASE ? st->gs_base : 0;
	memset(&sr->tr, 0, sizeof(sr->tr));
	sr->tr.selector = HVM_SEL_TSS;
	sr->tr.base = hvm_pt_gpa(PT_TSS);
	sr->tr.limit = 0x67;
	sr->tr.type = 0xb;
	sr->tr.present = 1;
	memset(&sr->ldt, 0, sizeof(sr->ldt));
	sr->ldt.type = 2;
	sr->ldt.unusable = 1;
	sr->gdt.base = hvm_pt_gpa(PT_GDT);
	sr->gdt.limit = HVM_SEL_TSS + 15;
	sr->idt.base = 0;
	sr->idt.limit = 0;
	sr->cr0 = 0x80050033; /* PG AM WP NE ET MP PE */
	sr->cr3 = hvm_pt_gpa(PT_PML4);
	sr->cr4 = 0x620 | hvm_kvm_cr4_extra(); /* OSXMMEXCPT OSFXSR PAE [FSGSBASE] */
	sr->efer = 0xd01;                      /* NXE LMA LME SCE */
	(void)d;
}
