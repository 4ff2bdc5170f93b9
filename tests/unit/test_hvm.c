/* The hvm engine's pieces that need no /dev/kvm: the initial page tables, GDT and
 * control state (hvm_pt.c), walked as the CPU would; and the hypercall page's stubs
 * (hvm_hcpage.c, engines/hcpage.c), decoded byte by byte. */
#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

#include "engines/hcpage.h"
#include "engines/hvm/hvm.h"
#include "pvisor/errno.h"

#define MIB (1ull << 20)

struct pt_walk {
	int present;
	uint64_t gpa;
	int user; /* U set at every level */
};

static struct domain *t_dom(uint64_t mem_size, int ring)
{
	struct domain *d = calloc(1, sizeof(*d));
	struct hvm_dom *h = calloc(1, sizeof(*h) + sizeof(h->vcpus[0]));

	d->mem_size = mem_size;
	d->max_vcpus = 1;
	d->engine_priv = h;
	h->ring = ring;
	h->nr_vcpus = 1;
	h->priv_size = hvm_pt_size(d);
	h->priv = calloc(1, h->priv_size);
	hvm_pt_build(d);
	return d;
}

static void t_dom_free(struct domain *d)
{
	free(hvm_dom(d)->priv);
	free(d->engine_priv);
	free(d);
}

/* A table entry: the region holds every table, at PV_HVM_PRIV_GPA. */
static uint64_t t_entry(struct domain *d, uint64_t table_gpa, unsigned idx)
{
	uint64_t off = table_gpa - PV_HVM_PRIV_GPA;

	CU_ASSERT_FATAL(table_gpa >= PV_HVM_PRIV_GPA && off < hvm_dom(d)->priv_size);
	return ((uint64_t *)(hvm_dom(d)->priv + off))[idx];
}

static struct pt_walk t_walk(struct domain *d, uint64_t va)
{
	struct pt_walk w = { 0, 0, 1 };
	uint64_t table = PV_HVM_PRIV_GPA, e = 0;

	for (int level = 3; level >= 0; level--) {
		e = t_entry(d, table, (unsigned)(va >> (12 + 9 * level) & 511));
		if (!(e & 1))
			return w;
		w.user &= (e & 4) != 0;
		if (level > 0 && level < 3 && (e & 0x80)) { /* a large page */
			uint64_t size = 1ull << (12 + 9 * level);

			w.present = 1;
			w.gpa = (e & 0xffffffffff000ull & ~(size - 1)) | (va & (size - 1));
			return w;
		}
		table = e & 0xffffffffff000ull;
	}
	w.present = 1;
	w.gpa = (e & 0xffffffffff000ull) | (va & 0xfff);
	return w;
}

static void t_physmap(uint64_t mem_size, int ring)
{
	struct domain *d = t_dom(mem_size, ring);
	const uint64_t probes[] = { 0, 0x1000, 2 * MIB - 1, 2 * MIB, mem_size / 2, mem_size - 1 };

	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		struct pt_walk w = t_walk(d, PV_PHYSMAP_BASE + probes[i]);

		CU_ASSERT(w.present);
		CU_ASSERT_EQUAL(w.gpa, probes[i]);
		CU_ASSERT_EQUAL(w.user, ring == 3);
	}
	CU_ASSERT(!t_walk(d, PV_PHYSMAP_BASE + ((mem_size + 0xfff) & ~0xfffull)).present);
	CU_ASSERT(!t_walk(d, 0).present);
	t_dom_free(d);
}

static void test_pt_physmap(void)
{
	t_physmap(16 * MIB, 3);            /* whole 2 MiB pages */
	t_physmap(16 * MIB + 0x45000, 3);  /* a partial last 2 MiB: 4 KiB pages */
	t_physmap(1100 * MIB + 0x1000, 0); /* over a GiB boundary, ring 0 */
}

static void test_pt_specials(void)
{
	struct domain *d = t_dom(32 * MIB, 3);
	struct pt_walk w = t_walk(d, PV_HVM_TRAP_VA + 8);

	CU_ASSERT(w.present);
	CU_ASSERT_EQUAL(w.gpa, PV_HVM_TRAP_GPA + 8);
	CU_ASSERT(w.user); /* the CPL 3 kernel stores there */
	w = t_walk(d, PV_HVM_PRIV_GPA + 0x1000);
	CU_ASSERT(w.present);
	CU_ASSERT_EQUAL(w.gpa, PV_HVM_PRIV_GPA + 0x1000);
	CU_ASSERT(!w.user); /* the tables are not the guest's to write at CPL 3 */
	CU_ASSERT(PV_HVM_TRAP_GPA >= d->mem_size && PV_HVM_TRAP_GPA < PV_HVM_PRIV_GPA);
	t_dom_free(d);
}

/* Decode a GDT entry's DPL, L and present bits. */
static void t_gdt(struct domain *d, const struct kvm_sregs *sr, uint16_t sel, int dpl, int l)
{
	uint64_t e = t_entry(d, sr->gdt.base & ~0xfffull, sel / 8u);

	CU_ASSERT(e >> 47 & 1);
	CU_ASSERT_EQUAL((int)(e >> 45 & 3), dpl);
	CU_ASSERT_EQUAL((int)(e >> 53 & 1), l);
}

static void test_pt_sregs(void)
{
	struct domain *d = t_dom(16 * MIB, 3);
	struct vcpu_state st = { .fs_base = 0x1234,
				 .gs_base = 0x5678,
				 .flags = VCPU_STATE_SEGBASE };
	struct kvm_sregs sr;

	memset(&sr, 0, sizeof(sr));
	hvm_pt_sregs(d, &sr, 3, &st);
	CU_ASSERT_EQUAL(sr.cs.selector, 0x33);
	CU_ASSERT_EQUAL(sr.cs.dpl, 3);
	CU_ASSERT(sr.cs.l);
	CU_ASSERT_EQUAL(sr.ss.selector, 0x2b);
	CU_ASSERT_EQUAL(sr.fs.base, 0x1234);
	CU_ASSERT_EQUAL(sr.gs.base, 0x5678);
	CU_ASSERT_EQUAL(sr.cr3, PV_HVM_PRIV_GPA);
	CU_ASSERT_EQUAL(sr.idt.limit, 0); /* any exception at CPL 3 is a triple fault */
	CU_ASSERT(sr.efer & 0x400);       /* LMA */
	t_gdt(d, &sr, 0x33, 3, 1);
	t_gdt(d, &sr, 0x2b, 3, 0);
	t_gdt(d, &sr, 0x10, 0, 1);
	{
		uint64_t lo = t_entry(d, sr.gdt.base & ~0xfffull, sr.tr.selector / 8u);
		uint64_t hi = t_entry(d, sr.gdt.base & ~0xfffull, sr.tr.selector / 8u + 1);

		CU_ASSERT_EQUAL(sr.tr.base,
				(lo >> 16 & 0xffffff) | (lo >> 56 & 0xff) << 24 | hi << 32);
		CU_ASSERT_EQUAL((lo >> 40) & 0x8f, 0x8b); /* present, busy 64-bit TSS */
	}
	hvm_pt_sregs(d, &sr, 0, &st);
	CU_ASSERT_EQUAL(sr.cs.selector, 0x10);
	CU_ASSERT_EQUAL(sr.cs.dpl, 0);
	t_dom_free(d);
}

/* Slot i: push rcx; push r11; mov eax, i; movabs [PV_HVM_TRAP_VA], rax; jmp tail. */
static void test_hcpage_stubs(void)
{
	struct domain *d = calloc(1, sizeof(*d));
	struct hvm_dom *h = calloc(1, sizeof(*h));
	uint64_t trap = PV_HVM_TRAP_VA, tail = PV_HCALL_TAIL_SLOT * PV_HCALL_SLOT_SIZE;
	uint8_t *p;

	d->max_pages = 4;
	d->mem_size = 6 * PV_PAGE_SIZE;
	d->special_off = 4 * PV_PAGE_SIZE;
	d->mem = calloc(1, d->mem_size);
	d->engine_priv = h;
	CU_ASSERT_EQUAL(hvm_hypercall_page(d, 4), -PV_EINVAL); /* not RAM */
	CU_ASSERT_EQUAL(hvm_hypercall_page(d, 1), 0);
	CU_ASSERT_EQUAL(h->hcpage_va, PV_PHYSMAP_BASE + PV_PAGE_SIZE);
	for (unsigned i = 0; i < PV_HCALL_TAIL_SLOT; i += 7) {
		int32_t rel;
		uint32_t nr;

		p = d->mem + PV_PAGE_SIZE + i * PV_HCALL_SLOT_SIZE;
		CU_ASSERT(p[0] == 0x51 && p[1] == 0x41 && p[2] == 0x53 && p[3] == 0xb8);
		memcpy(&nr, p + 4, 4);
		CU_ASSERT_EQUAL(nr, i);
		CU_ASSERT(p[8] == 0x48 && p[9] == 0xa3 && !memcmp(p + 10, &trap, 8));
		CU_ASSERT_EQUAL(p[18], 0xe9);
		memcpy(&rel, p + 19, 4);
		CU_ASSERT_EQUAL(i * PV_HCALL_SLOT_SIZE + 23 + rel, tail);
	}
	CU_ASSERT(hcpage_upcall_offset() > tail &&
		  hcpage_upcall_offset() < PV_HYPERCALL_pvisor_vcpu_wait * PV_HCALL_SLOT_SIZE);
	free(d->mem);
	free(h);
	free(d);
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("hvm engine without KVM", NULL, NULL);
	CU_add_test(s, "page tables: the physmap", test_pt_physmap);
	CU_add_test(s, "page tables: trap page and private region", test_pt_specials);
	CU_add_test(s, "control state and GDT", test_pt_sregs);
	CU_add_test(s, "hypercall page stubs", test_hcpage_stubs);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
