/* Boot entry of the reference PV kernel (x86-64): _start, the kernel stack and the
 * hypercall page that pvisor fills before the first instruction runs. */

/*
 * Entry state, as on Xen x86-64 PV: %rsi = virtual address of start_info, %rsp on
 * a small bootstrap stack that the domain builder placed after the image; .bss is
 * already zero (p_memsz > p_filesz). We keep the bootstrap %rsp (it marks the end
 * of what the builder used) and move to our own 64 KiB stack.
 */
	.section .text.boot, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	cld
	movq	%rsp, boot_rsp(%rip)
	leaq	kernel_stack_top(%rip), %rsp
	xorl	%ebp, %ebp
	movq	%rsi, %rdi
	call	kmain
1:	ud2			/* kmain never returns */
	jmp	1b
	.size _start, . - _start

/*
 * 128 slots of 32 bytes; slot N performs hypercall N. Filled by the domain builder
 * (ELF note HYPERCALL_PAGE points here); until then every byte is int3, so calling
 * an unfilled page stops the domain with SIGTRAP instead of running garbage.
 */
	.section .text.hypercall_page, "ax", @progbits
	.balign 4096
	.globl hypercall_page
	.type hypercall_page, @object
hypercall_page:
	.fill 4096, 1, 0xcc
	.size hypercall_page, 4096

	.section .bss, "aw", @nobits
	.balign 16
	.globl boot_rsp
	.type boot_rsp, @object
boot_rsp:
	.skip 8
	.size boot_rsp, 8

	.balign 16
kernel_stack:
	.skip 65536
kernel_stack_top:

	.section .note.GNU-stack, "", @progbits
