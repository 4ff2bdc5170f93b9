/* privguest: proves a guest of the hvm engine owns its CPU at ring 0. It installs its
 * own page tables (the physmap and the trap page mapped again, by its own tables),
 * its own GDT and IDT, executes cli/sti, and takes #DE and #UD through its IDT; then
 * it prints "privguest: ok" and powers off. Under the pv engine it runs in ring 3 and
 * its first privileged instruction kills it (crashed), as the issue asks. */
#include <stddef.h>
#include <stdint.h>

#include <pvisor/pvisor.h>
#include <pvisor/sched.h>
#include <pvisor/xen.h>

extern char hypercall_page[4096];
void pg_main(struct pv_start_info *si);
void pg_trap(unsigned vec, uint64_t *frame);
void pg_trap_other(uint64_t *frame);
void pg_load_segments(uint64_t cs);
void pg_load_data(uint64_t ds);
void pg_trap_de(void);
void pg_trap_ud(void);
void pg_trap_other_entry(void);

#define PG_CS  0x08
#define PG_DS  0x10
#define PTE    0x63ull /* present, writable, accessed, dirty */
#define PTE_PS 0x80ull

static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd_low[512] __attribute__((aligned(4096)));
static uint64_t pt_trap[512] __attribute__((aligned(4096)));
static uint64_t pd_map[512] __attribute__((aligned(4096)));
static uint64_t gdt[4] __attribute__((aligned(16)));
static uint64_t idt[512] __attribute__((aligned(16)));
static volatile unsigned traps[32];

static long pg_hypercall2(unsigned nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t rax __asm__("rax");
	register uint64_t rdi __asm__("rdi") = a1;
	register uint64_t rsi __asm__("rsi") = a2;
	register uint64_t rdx __asm__("rdx") = a3;

	__asm__ volatile("call *%[slot]"
			 : "=r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx)
			 : [slot] "r"(hypercall_page + nr * PV_HCALL_SLOT_SIZE)
			 : "memory", "cc", "r8", "r10", "rcx", "r11");
	return (long)rax;
}

static void pg_puts(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	pg_hypercall2(PV_HYPERCALL_console_io, PV_CONSOLEIO_write, n, (uintptr_t)s);
}

/* "text 0x<hex>" */
static void pg_put_hex(const char *text, uint64_t v)
{
	char buf[96];
	size_t n = 0;

	while (*text && n < 60)
		buf[n++] = *text++;
	buf[n++] = '0';
	buf[n++] = 'x';
	for (int sh = 60; sh >= 0; sh -= 4)
		buf[n++] = "0123456789abcdef"[v >> sh & 15];
	buf[n++] = '\n';
	buf[n] = 0;
	pg_puts(buf);
}

static void pg_poweroff(unsigned reason)
{
	struct pv_sched_shutdown s = { reason };

	pg_hypercall2(PV_HYPERCALL_sched_op, PV_SCHEDOP_shutdown, (uintptr_t)&s, 0);
}

static uint64_t pg_phys(const void *p)
{
	return (uint64_t)(uintptr_t)p - PV_PHYSMAP_BASE;
}

/* Our own tables: the first GiB of the physmap in 2 MiB pages, the trap page. */
static void pg_page_tables(void)
{
	uint64_t cr3;

	for (uint64_t i = 0; i < 512; i++)
		pd_map[i] = i << 21 | PTE | PTE_PS;
	pt_trap[PV_HVM_TRAP_VA >> 12 & 511] = PV_HVM_TRAP_GPA | PTE;
	pd_low[PV_HVM_TRAP_VA >> 21 & 511] = pg_phys(pt_trap) | PTE;
	pdpt[0] = pg_phys(pd_low) | PTE;
	pdpt[PV_PHYSMAP_BASE >> 30] = pg_phys(pd_map) | PTE;
	pml4[0] = pg_phys(pdpt) | PTE;
	__asm__ volatile("mov %0, %%cr3" : : "r"(pg_phys(pml4)) : "memory");
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	pg_put_hex("privguest: own page tables, cr3 ", cr3);
}

static void pg_idt_gate(unsigned vec, void (*fn)(void))
{
	uint64_t a = (uint64_t)(uintptr_t)fn;

	idt[vec * 2] = (a & 0xffff) | (uint64_t)PG_CS << 16 | 0x8eull << 40 |
		       (a >> 16 & 0xffff) << 48;
	idt[vec * 2 + 1] = a >> 32;
}

static void pg_descriptors(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} gd, id, check;

	gdt[PG_CS / 8] = 0x00af9b000000ffffull; /* code, 64-bit, DPL 0 */
	gdt[PG_DS / 8] = 0x00cf93000000ffffull; /* data, DPL 0 */
	gd.limit = sizeof(gdt) - 1;
	gd.base = (uint64_t)(uintptr_t)gdt;
	__asm__ volatile("lgdt %0" : : "m"(gd));
	pg_load_segments(PG_CS);
	pg_load_data(PG_DS);
	for (unsigned v = 0; v < 32; v++)
		pg_idt_gate(v, pg_trap_other_entry);
	pg_idt_gate(0, pg_trap_de);
	pg_idt_gate(6, pg_trap_ud);
	id.limit = sizeof(idt) - 1;
	id.base = (uint64_t)(uintptr_t)idt;
	__asm__ volatile("lidt %0" : : "m"(id));
	__asm__ volatile("sidt %0" : "=m"(check));
	pg_put_hex("privguest: own GDT and IDT, idt base ", check.base);
}

void pg_trap(unsigned vec, uint64_t *frame)
{
	traps[vec]++;
	frame[0] += vec == 6 ? 2 : 3; /* past the ud2 / the div %rcx */
}

void pg_trap_other(uint64_t *frame)
{
	pg_put_hex("privguest: unexpected exception at rip ", frame[0]);
	pg_poweroff(PV_SHUTDOWN_crash);
}

void pg_main(struct pv_start_info *si)
{
	uint64_t cs;

	(void)si;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	pg_put_hex("privguest: started, cs ", cs);
	__asm__ volatile("cli");
	pg_page_tables();
	pg_descriptors();
	__asm__ volatile("sti; nop; cli");
	__asm__ volatile("xor %%ecx, %%ecx; div %%rcx" : : : "rax", "rcx", "rdx", "cc");
	__asm__ volatile("ud2");
	if (traps[0] != 1 || traps[6] != 1) {
		pg_puts("privguest: FAILED: #DE or #UD not taken through our IDT\n");
		pg_poweroff(PV_SHUTDOWN_crash);
	}
	pg_puts("privguest: cli/sti, #DE and #UD through our IDT: ok\n");
	pg_puts("privguest: ok\n");
	pg_poweroff(PV_SHUTDOWN_poweroff);
}
