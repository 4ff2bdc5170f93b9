/* privguest: a tiny guest that wants ring 0 (the hvm engine grants it; under the pv
 * engine it is killed at its first privileged instruction). Entry, stack, hypercall
 * page, Xen ELF notes with supervisor_mode_kernel, and the exception entry points its
 * own IDT names. */
#include <pvisor/elfnote.h>

	.section .text.boot, "ax", @progbits
	.globl _start
_start:
	cld
	leaq	stack_top(%rip), %rsp
	movq	%rsi, %rdi
	call	pg_main
1:	ud2
	jmp	1b

/* Reload CS (far return) and the data segments after lgdt: cs in %edi, ds in %esi. */
	.globl pg_load_segments
pg_load_segments:
	popq	%rax
	pushq	%rdi
	pushq	%rax
	lretq
	.globl pg_load_data
pg_load_data:
	movl	%edi, %ss
	movl	%edi, %ds
	movl	%edi, %es
	ret

/* Exception entries: vector to %edi, the frame (rip, cs, rflags, rsp, ss) to %rsi;
 * the C handler may change the saved rip. No error code for 0 and 6; others go to
 * pg_trap_other, which never returns. (Not int3: KVM's emulator, which runs ring 0 on
 * a PVM host, cannot emulate a software interrupt in long mode.) */
.macro trap_entry name, vec
	.globl \name
\name:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	movl	$\vec, %edi
	leaq	72(%rsp), %rsi
	call	pg_trap
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
	iretq
.endm
	trap_entry pg_trap_de, 0
	trap_entry pg_trap_ud, 6

	.globl pg_trap_other_entry
pg_trap_other_entry:
	movq	%rsp, %rdi
	call	pg_trap_other
2:	hlt
	jmp	2b

	.section .text.hypercall_page, "ax", @progbits
	.balign 4096
	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0xcc

	.section .bss, "aw", @nobits
	.balign 16
	.skip 32768
stack_top:

	.section .note.Xen, "a", @note
	xen_note_str  PV_ELFNOTE_GUEST_OS,       "pvisor-privguest"
	xen_note_str  PV_ELFNOTE_XEN_VERSION,    "xen-3.0"
	xen_note_str  PV_ELFNOTE_LOADER,         "generic"
	xen_note_str  PV_ELFNOTE_FEATURES,       "supervisor_mode_kernel"
	xen_note_quad PV_ELFNOTE_VIRT_BASE,      0x40000000
	xen_note_quad PV_ELFNOTE_PADDR_OFFSET,   0x40000000
	xen_note_quad PV_ELFNOTE_ENTRY,          _start
	xen_note_quad PV_ELFNOTE_HYPERCALL_PAGE, hypercall_page

	.section .note.GNU-stack, "", @progbits
