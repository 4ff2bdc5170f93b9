/*
 * Copied into every hypercall page (slots PV_HCALL_TAIL_SLOT..), whatever the engine:
 * the code each hypercall stub jumps to after its trap. A result whose top 16 bits are
 * PV_UPCALL_MARK means "an event upcall is due on vCPU (bits 32-47)"; the real
 * result is the sign-extended low 32 bits. Then, instead of a host signal, we play
 * the bounce frame here, in guest context: save every register as a
 * struct pv_upcall_regs on the caller's stack, call the vCPU's event callback
 * with its mask set until nothing is pending, and resume at the (possibly changed)
 * frame. Position-independent; the two quadwords at hcpage_data are filled by
 * the hypervisor: shared_info's and the first vCPU context page's guest addresses.
 *
 * Entry: [rsp] = caller's r11, [rsp+8] = caller's rcx, [rsp+16] = return address.
 *
 * hcpage_upcall: the same bounce frame for an engine that stops a vCPU between two
 * instructions itself (hvm) and has written the frame already: rsp = the frame (16-byte
 * aligned, every field of struct pv_upcall_regs filled), ebx = the vCPU.
 */
	.section .rodata.hcpage, "a"
	.globl hcpage_tail, hcpage_tail_end, hcpage_data, hcpage_upcall
	.balign 16
hcpage_tail:
	movq	%rax, %rcx
	shrq	$48, %rcx
	cmpw	$0x5056, %cx
	je	1f
	popq	%r11
	popq	%rcx
	ret
1:	popq	%r11
	popq	%rcx
	subq	$152, %rsp		/* the frame; 16-byte aligned for the call */
	movq	%r8, 0(%rsp)
	movq	%r9, 8(%rsp)
	movq	%r10, 16(%rsp)
	movq	%r11, 24(%rsp)
	movq	%r12, 32(%rsp)
	movq	%r13, 40(%rsp)
	movq	%r14, 48(%rsp)
	movq	%r15, 56(%rsp)
	movq	%rdi, 64(%rsp)
	movq	%rsi, 72(%rsp)
	movq	%rbp, 80(%rsp)
	movq	%rbx, 88(%rsp)
	movq	%rdx, 96(%rsp)
	movslq	%eax, %rdx
	movq	%rdx, 104(%rsp)		/* rax: the hypercall's real result */
	movq	%rcx, 112(%rsp)
	leaq	160(%rsp), %rdx
	movq	%rdx, 120(%rsp)		/* rsp after the return */
	movq	152(%rsp), %rdx
	movq	%rdx, 128(%rsp)		/* rip: the return address */
	pushfq
	popq	%rdx
	movq	%rdx, 136(%rsp)
	movq	%rax, %rbx
	shrq	$32, %rbx
	andl	$0xffff, %ebx		/* vCPU */
4:	movq	%rbx, %r12
	shlq	$6, %r12
	addq	hcpage_data(%rip), %r12	/* its vcpu_info */
	movq	%rbx, %r13
	shlq	$12, %r13
	addq	hcpage_data+8(%rip), %r13
	movq	0x800(%r13), %r13	/* pv_vcpu_upcall.entry */
	testq	%r13, %r13
	jz	3f
2:	cmpb	$0, 1(%r12)		/* evtchn_upcall_mask */
	jne	3f
	cmpb	$0, 0(%r12)		/* evtchn_upcall_pending */
	je	3f
	movb	$1, 1(%r12)
	mfence
	movq	%rsp, %rdi
	movl	%ebx, %esi
	call	*%r13
	movb	$0, 1(%r12)
	mfence
	jmp	2b
3:	movq	136(%rsp), %rdx
	pushq	%rdx
	popfq
	movq	120(%rsp), %rax		/* resume: rip and rax go just below the new rsp */
	movq	128(%rsp), %rdx
	movq	%rdx, -8(%rax)
	movq	104(%rsp), %rdx
	movq	%rdx, -16(%rax)
	movq	0(%rsp), %r8
	movq	8(%rsp), %r9
	movq	16(%rsp), %r10
	movq	24(%rsp), %r11
	movq	32(%rsp), %r12
	movq	40(%rsp), %r13
	movq	48(%rsp), %r14
	movq	56(%rsp), %r15
	movq	64(%rsp), %rdi
	movq	72(%rsp), %rsi
	movq	80(%rsp), %rbp
	movq	88(%rsp), %rbx
	movq	96(%rsp), %rdx
	movq	112(%rsp), %rcx
	movq	120(%rsp), %rsp
	subq	$16, %rsp
	popq	%rax
	ret
hcpage_upcall:
	andl	$0xffff, %ebx
	jmp	4b
	.balign 8
hcpage_data:
	.quad	0, 0
hcpage_tail_end:
	.section .note.GNU-stack, "", @progbits
