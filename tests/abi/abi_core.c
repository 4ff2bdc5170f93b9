/* ABI conformance, core guest interface: include/pvisor/xen.h and errno.h
 * against Debian's Xen 4.17 headers (sizes, offsets, constants). */
#include "abi_check.h"

#include <string.h>

#ifdef ABI_HAVE_XEN
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/elfnote.h>

#include "pvisor/elfnote.h"
#include "pvisor/errno.h"
#include "pvisor/xen.h"

static void check_hypercall_numbers(void)
{
	CHECK_CONST(PV_HYPERCALL_set_trap_table, __HYPERVISOR_set_trap_table);
	CHECK_CONST(PV_HYPERCALL_mmu_update, __HYPERVISOR_mmu_update);
	CHECK_CONST(PV_HYPERCALL_set_gdt, __HYPERVISOR_set_gdt);
	CHECK_CONST(PV_HYPERCALL_stack_switch, __HYPERVISOR_stack_switch);
	CHECK_CONST(PV_HYPERCALL_set_callbacks, __HYPERVISOR_set_callbacks);
	CHECK_CONST(PV_HYPERCALL_fpu_taskswitch, __HYPERVISOR_fpu_taskswitch);
	CHECK_CONST(PV_HYPERCALL_sched_op_compat, __HYPERVISOR_sched_op_compat);
	CHECK_CONST(PV_HYPERCALL_platform_op, __HYPERVISOR_platform_op);
	CHECK_CONST(PV_HYPERCALL_set_debugreg, __HYPERVISOR_set_debugreg);
	CHECK_CONST(PV_HYPERCALL_get_debugreg, __HYPERVISOR_get_debugreg);
	CHECK_CONST(PV_HYPERCALL_update_descriptor, __HYPERVISOR_update_descriptor);
	CHECK_CONST(PV_HYPERCALL_memory_op, __HYPERVISOR_memory_op);
	CHECK_CONST(PV_HYPERCALL_multicall, __HYPERVISOR_multicall);
	CHECK_CONST(PV_HYPERCALL_update_va_mapping, __HYPERVISOR_update_va_mapping);
	CHECK_CONST(PV_HYPERCALL_set_timer_op, __HYPERVISOR_set_timer_op);
	CHECK_CONST(PV_HYPERCALL_event_channel_op_compat, __HYPERVISOR_event_channel_op_compat);
	CHECK_CONST(PV_HYPERCALL_xen_version, __HYPERVISOR_xen_version);
	CHECK_CONST(PV_HYPERCALL_console_io, __HYPERVISOR_console_io);
	CHECK_CONST(PV_HYPERCALL_physdev_op_compat, __HYPERVISOR_physdev_op_compat);
	CHECK_CONST(PV_HYPERCALL_grant_table_op, __HYPERVISOR_grant_table_op);
	CHECK_CONST(PV_HYPERCALL_vm_assist, __HYPERVISOR_vm_assist);
	CHECK_CONST(PV_HYPERCALL_update_va_mapping_otherdomain,
		    __HYPERVISOR_update_va_mapping_otherdomain);
	CHECK_CONST(PV_HYPERCALL_iret, __HYPERVISOR_iret);
	CHECK_CONST(PV_HYPERCALL_vcpu_op, __HYPERVISOR_vcpu_op);
	CHECK_CONST(PV_HYPERCALL_set_segment_base, __HYPERVISOR_set_segment_base);
	CHECK_CONST(PV_HYPERCALL_mmuext_op, __HYPERVISOR_mmuext_op);
	CHECK_CONST(PV_HYPERCALL_xsm_op, __HYPERVISOR_xsm_op);
	CHECK_CONST(PV_HYPERCALL_nmi_op, __HYPERVISOR_nmi_op);
	CHECK_CONST(PV_HYPERCALL_sched_op, __HYPERVISOR_sched_op);
	CHECK_CONST(PV_HYPERCALL_callback_op, __HYPERVISOR_callback_op);
	CHECK_CONST(PV_HYPERCALL_xenoprof_op, __HYPERVISOR_xenoprof_op);
	CHECK_CONST(PV_HYPERCALL_event_channel_op, __HYPERVISOR_event_channel_op);
	CHECK_CONST(PV_HYPERCALL_physdev_op, __HYPERVISOR_physdev_op);
	CHECK_CONST(PV_HYPERCALL_hvm_op, __HYPERVISOR_hvm_op);
	CHECK_CONST(PV_HYPERCALL_sysctl, __HYPERVISOR_sysctl);
	CHECK_CONST(PV_HYPERCALL_domctl, __HYPERVISOR_domctl);
	CHECK_CONST(PV_HYPERCALL_kexec_op, __HYPERVISOR_kexec_op);
	CHECK_CONST(PV_HYPERCALL_tmem_op, __HYPERVISOR_tmem_op);
	CHECK_CONST(PV_HYPERCALL_argo_op, __HYPERVISOR_argo_op);
	CHECK_CONST(PV_HYPERCALL_xenpmu_op, __HYPERVISOR_xenpmu_op);
	CHECK_CONST(PV_HYPERCALL_dm_op, __HYPERVISOR_dm_op);
	CHECK_CONST(PV_HYPERCALL_hypfs_op, __HYPERVISOR_hypfs_op);
	CHECK_CONST(PV_HYPERCALL_arch_0, __HYPERVISOR_arch_0);
	CHECK_CONST(PV_HYPERCALL_arch_1, __HYPERVISOR_arch_1);
	CHECK_CONST(PV_HYPERCALL_arch_2, __HYPERVISOR_arch_2);
	CHECK_CONST(PV_HYPERCALL_arch_3, __HYPERVISOR_arch_3);
	CHECK_CONST(PV_HYPERCALL_arch_4, __HYPERVISOR_arch_4);
	CHECK_CONST(PV_HYPERCALL_arch_5, __HYPERVISOR_arch_5);
	CHECK_CONST(PV_HYPERCALL_arch_6, __HYPERVISOR_arch_6);
	CHECK_CONST(PV_HYPERCALL_arch_7, __HYPERVISOR_arch_7);
}

static void check_virqs(void)
{
	CHECK_CONST(PV_VIRQ_TIMER, VIRQ_TIMER);
	CHECK_CONST(PV_VIRQ_DEBUG, VIRQ_DEBUG);
	CHECK_CONST(PV_VIRQ_CONSOLE, VIRQ_CONSOLE);
	CHECK_CONST(PV_VIRQ_DOM_EXC, VIRQ_DOM_EXC);
	CHECK_CONST(PV_VIRQ_TBUF, VIRQ_TBUF);
	CHECK_CONST(PV_VIRQ_DEBUGGER, VIRQ_DEBUGGER);
	CHECK_CONST(PV_VIRQ_XENOPROF, VIRQ_XENOPROF);
	CHECK_CONST(PV_VIRQ_CON_RING, VIRQ_CON_RING);
	CHECK_CONST(PV_VIRQ_PCPU_STATE, VIRQ_PCPU_STATE);
	CHECK_CONST(PV_VIRQ_MEM_EVENT, VIRQ_MEM_EVENT);
	CHECK_CONST(PV_VIRQ_ARGO, VIRQ_ARGO);
	CHECK_CONST(PV_VIRQ_ENOMEM, VIRQ_ENOMEM);
	CHECK_CONST(PV_VIRQ_XENPMU, VIRQ_XENPMU);
	CHECK_CONST(PV_VIRQ_ARCH_0, VIRQ_ARCH_0);
	CHECK_CONST(PV_VIRQ_ARCH_1, VIRQ_ARCH_1);
	CHECK_CONST(PV_VIRQ_ARCH_2, VIRQ_ARCH_2);
	CHECK_CONST(PV_VIRQ_ARCH_3, VIRQ_ARCH_3);
	CHECK_CONST(PV_VIRQ_ARCH_4, VIRQ_ARCH_4);
	CHECK_CONST(PV_VIRQ_ARCH_5, VIRQ_ARCH_5);
	CHECK_CONST(PV_VIRQ_ARCH_6, VIRQ_ARCH_6);
	CHECK_CONST(PV_VIRQ_ARCH_7, VIRQ_ARCH_7);
	CHECK_CONST(PV_NR_VIRQS, NR_VIRQS);
}

static void check_misc_constants(void)
{
	CHECK_CONST(PV_LATEST_INTERFACE_VERSION, __XEN_LATEST_INTERFACE_VERSION__);
	CHECK_CONST(PV_CONSOLEIO_write, CONSOLEIO_write);
	CHECK_CONST(PV_CONSOLEIO_read, CONSOLEIO_read);
	CHECK_CONST(PV_DOMID_FIRST_RESERVED, DOMID_FIRST_RESERVED);
	CHECK_CONST(PV_DOMID_SELF, DOMID_SELF);
	CHECK_CONST(PV_DOMID_IO, DOMID_IO);
	CHECK_CONST(PV_DOMID_XEN, DOMID_XEN);
	CHECK_CONST(PV_DOMID_COW, DOMID_COW);
	CHECK_CONST(PV_DOMID_INVALID, DOMID_INVALID);
	CHECK_CONST(PV_DOMID_IDLE, DOMID_IDLE);
	CHECK_CONST(PV_DOMID_MASK, DOMID_MASK);
	CHECK_CONST(PV_MMU_NORMAL_PT_UPDATE, MMU_NORMAL_PT_UPDATE);
	CHECK_CONST(PV_MMU_MACHPHYS_UPDATE, MMU_MACHPHYS_UPDATE);
	CHECK_CONST(PV_MMU_PT_UPDATE_PRESERVE_AD, MMU_PT_UPDATE_PRESERVE_AD);
	CHECK_CONST(PV_MMU_PT_UPDATE_NO_TRANSLATE, MMU_PT_UPDATE_NO_TRANSLATE);
	CHECK_CONST(PV_EVTCHN_2L_NR_CHANNELS, EVTCHN_2L_NR_CHANNELS);
	CHECK_CONST(PV_PVCLOCK_TSC_STABLE_BIT, XEN_PVCLOCK_TSC_STABLE_BIT);
	CHECK_CONST(PV_PVCLOCK_GUEST_STOPPED, XEN_PVCLOCK_GUEST_STOPPED);
	CHECK_CONST(PV_LEGACY_MAX_VCPUS, XEN_LEGACY_MAX_VCPUS);
	CHECK_CONST(PV_MAX_GUEST_CMDLINE, MAX_GUEST_CMDLINE);
	CHECK_CONST(PV_SIF_PRIVILEGED, SIF_PRIVILEGED);
	CHECK_CONST(PV_SIF_INITDOMAIN, SIF_INITDOMAIN);
	CHECK_CONST(PV_SIF_MULTIBOOT_MOD, SIF_MULTIBOOT_MOD);
	CHECK_CONST(PV_SIF_MOD_START_PFN, SIF_MOD_START_PFN);
	CHECK_CONST(PV_SIF_VIRT_P2M_4TOOLS, SIF_VIRT_P2M_4TOOLS);
	CHECK_CONST(PV_SIF_PM_MASK, SIF_PM_MASK);
}

static void check_vcpu_constants(void)
{
	CHECK_CONST(PV_VGCF_I387_VALID, VGCF_I387_VALID);
	CHECK_CONST(PV_VGCF_IN_KERNEL, VGCF_IN_KERNEL);
	CHECK_CONST(PV_VGCF_i387_valid, VGCF_i387_valid);
	CHECK_CONST(PV_VGCF_in_kernel, VGCF_in_kernel);
	CHECK_CONST(PV_VGCF_failsafe_disables_events, VGCF_failsafe_disables_events);
	CHECK_CONST(PV_VGCF_syscall_disables_events, VGCF_syscall_disables_events);
	CHECK_CONST(PV_VGCF_online, VGCF_online);
	CHECK_CONST(PV_VGCF_in_syscall, VGCF_in_syscall);
	CHECK_CONST(PV_VGCF_IN_SYSCALL, VGCF_IN_SYSCALL);
	CHECK_CONST(PV_SEGBASE_FS, SEGBASE_FS);
	CHECK_CONST(PV_SEGBASE_GS_USER, SEGBASE_GS_USER);
	CHECK_CONST(PV_SEGBASE_GS_KERNEL, SEGBASE_GS_KERNEL);
	CHECK_CONST(PV_SEGBASE_GS_USER_SEL, SEGBASE_GS_USER_SEL);
}

static void check_errno(void)
{
	CHECK_CONST(PV_EPERM, XEN_EPERM);
	CHECK_CONST(PV_ENOENT, XEN_ENOENT);
	CHECK_CONST(PV_ESRCH, XEN_ESRCH);
	CHECK_CONST(PV_EIO, XEN_EIO);
	CHECK_CONST(PV_ENXIO, XEN_ENXIO);
	CHECK_CONST(PV_E2BIG, XEN_E2BIG);
	CHECK_CONST(PV_ENOEXEC, XEN_ENOEXEC);
	CHECK_CONST(PV_EBADF, XEN_EBADF);
	CHECK_CONST(PV_ECHILD, XEN_ECHILD);
	CHECK_CONST(PV_EAGAIN, XEN_EAGAIN);
	CHECK_CONST(PV_EWOULDBLOCK, XEN_EWOULDBLOCK);
	CHECK_CONST(PV_ENOMEM, XEN_ENOMEM);
	CHECK_CONST(PV_EACCES, XEN_EACCES);
	CHECK_CONST(PV_EFAULT, XEN_EFAULT);
	CHECK_CONST(PV_EBUSY, XEN_EBUSY);
	CHECK_CONST(PV_EEXIST, XEN_EEXIST);
	CHECK_CONST(PV_EXDEV, XEN_EXDEV);
	CHECK_CONST(PV_ENODEV, XEN_ENODEV);
	CHECK_CONST(PV_ENOTDIR, XEN_ENOTDIR);
	CHECK_CONST(PV_EISDIR, XEN_EISDIR);
	CHECK_CONST(PV_EINVAL, XEN_EINVAL);
	CHECK_CONST(PV_ENFILE, XEN_ENFILE);
	CHECK_CONST(PV_EMFILE, XEN_EMFILE);
	CHECK_CONST(PV_ENOSPC, XEN_ENOSPC);
	CHECK_CONST(PV_EROFS, XEN_EROFS);
	CHECK_CONST(PV_EMLINK, XEN_EMLINK);
	CHECK_CONST(PV_EDOM, XEN_EDOM);
	CHECK_CONST(PV_ERANGE, XEN_ERANGE);
	CHECK_CONST(PV_EDEADLK, XEN_EDEADLK);
	CHECK_CONST(PV_EDEADLOCK, XEN_EDEADLOCK);
	CHECK_CONST(PV_ENAMETOOLONG, XEN_ENAMETOOLONG);
	CHECK_CONST(PV_ENOLCK, XEN_ENOLCK);
	CHECK_CONST(PV_ENOSYS, XEN_ENOSYS);
	CHECK_CONST(PV_ENOTEMPTY, XEN_ENOTEMPTY);
	CHECK_CONST(PV_ENODATA, XEN_ENODATA);
	CHECK_CONST(PV_ETIME, XEN_ETIME);
	CHECK_CONST(PV_EBADMSG, XEN_EBADMSG);
	CHECK_CONST(PV_EOVERFLOW, XEN_EOVERFLOW);
	CHECK_CONST(PV_EILSEQ, XEN_EILSEQ);
	CHECK_CONST(PV_ENOTSOCK, XEN_ENOTSOCK);
	CHECK_CONST(PV_EMSGSIZE, XEN_EMSGSIZE);
	CHECK_CONST(PV_EOPNOTSUPP, XEN_EOPNOTSUPP);
	CHECK_CONST(PV_EADDRINUSE, XEN_EADDRINUSE);
	CHECK_CONST(PV_EADDRNOTAVAIL, XEN_EADDRNOTAVAIL);
	CHECK_CONST(PV_ENOBUFS, XEN_ENOBUFS);
	CHECK_CONST(PV_EISCONN, XEN_EISCONN);
	CHECK_CONST(PV_ENOTCONN, XEN_ENOTCONN);
	CHECK_CONST(PV_ETIMEDOUT, XEN_ETIMEDOUT);
	CHECK_CONST(PV_ECONNREFUSED, XEN_ECONNREFUSED);
}

static void check_scalar_types(void)
{
	CHECK_TYPE(pv_domid_t, domid_t);
	CHECK_TYPE(pv_evtchn_port_t, evtchn_port_t);
	CHECK_TYPE(pv_gpfn_t, xen_pfn_t);
	CHECK_TYPE(pv_gpfn_t, xen_ulong_t);
}

static void check_time_and_vcpu_info(void)
{
	CHECK_SIZE(pv_vcpu_time_info, vcpu_time_info);
	CHECK_FIELDS(pv_vcpu_time_info, vcpu_time_info, version, pad0, tsc_timestamp, system_time,
		     tsc_to_system_mul, tsc_shift, flags, pad1);
	CHECK_SIZE(pv_arch_vcpu_info, arch_vcpu_info);
	CHECK_FIELDS(pv_arch_vcpu_info, arch_vcpu_info, cr2, pad);
	CHECK_SIZE(pv_vcpu_info, vcpu_info);
	CHECK_FIELDS(pv_vcpu_info, vcpu_info, evtchn_upcall_pending, evtchn_upcall_mask,
		     evtchn_pending_sel, arch, time);
}

static void check_shared_info(void)
{
	CHECK_SIZE(pv_arch_shared_info, arch_shared_info);
	CHECK_FIELDS(pv_arch_shared_info, arch_shared_info, max_pfn, pfn_to_mfn_frame_list_list,
		     nmi_reason, p2m_cr3, p2m_vaddr, p2m_generation);
	CHECK_SIZE(pv_shared_info, shared_info);
	CHECK_FIELDS(pv_shared_info, shared_info, vcpu_info, evtchn_pending, evtchn_mask,
		     wc_version, wc_sec, wc_nsec, wc_sec_hi, arch);
	CHECK_OFF(pv_shared_info, arch.p2m_generation, shared_info, arch.p2m_generation);
	CHECK_OFF(pv_shared_info, vcpu_info[31].time.flags, shared_info,
		  vcpu_info[31].time.flags);
}

static void check_start_info(void)
{
	CHECK_SIZE(pv_start_info, start_info);
	CHECK_FIELDS(pv_start_info, start_info, magic, nr_pages, shared_info, flags, store_mfn,
		     store_evtchn, console, pt_base, nr_pt_frames, mfn_list, mod_start, mod_len,
		     cmd_line, first_p2m_pfn, nr_p2m_frames);
	CHECK_FIELDS(pv_start_info, start_info, console.domU.mfn, console.domU.evtchn,
		     console.dom0.info_off, console.dom0.info_size);
}

static void check_small_structs(void)
{
	CHECK_SIZE(pv_mmu_update, mmu_update);
	CHECK_FIELDS(pv_mmu_update, mmu_update, ptr, val);
	CHECK_SIZE(pv_multicall_entry, multicall_entry);
	CHECK_FIELDS(pv_multicall_entry, multicall_entry, op, result, args);
	CHECK_SIZE(pv_trap_info, trap_info);
	CHECK_FIELDS(pv_trap_info, trap_info, vector, flags, cs, address);
	CHECK_SIZE(pv_iret_context, iret_context);
	CHECK_FIELDS(pv_iret_context, iret_context, rax, r11, rcx, flags, rip, cs, rflags, rsp,
		     ss);
}

static void check_cpu_user_regs(void)
{
	CHECK_SIZE(pv_cpu_user_regs, cpu_user_regs);
	CHECK_FIELDS(pv_cpu_user_regs, cpu_user_regs, r15, r14, r13, r12, rbp, rbx, r11, r10, r9,
		     r8, rax, rcx, rdx, rsi, rdi, error_code, entry_vector, rip);
	CHECK_FIELDS(pv_cpu_user_regs, cpu_user_regs, cs, _pad0, saved_upcall_mask, _pad1, rflags,
		     rsp, ss, _pad2, es, _pad3, ds, _pad4, fs, _pad5, gs, _pad6);
}

static void check_vcpu_guest_context(void)
{
	CHECK_SIZE(pv_vcpu_guest_context, vcpu_guest_context);
	CHECK_FIELDS(pv_vcpu_guest_context, vcpu_guest_context, fpu_ctxt, flags, user_regs,
		     trap_ctxt, ldt_base, ldt_ents, gdt_frames, gdt_ents, kernel_ss, kernel_sp,
		     ctrlreg, debugreg, event_callback_eip, failsafe_callback_eip,
		     syscall_callback_eip, vm_assist, fs_base, gs_base_kernel, gs_base_user);
	CHECK_OFF(pv_vcpu_guest_context, user_regs.rip, vcpu_guest_context, user_regs.rip);
	CHECK_OFF(pv_vcpu_guest_context, trap_ctxt[255].address, vcpu_guest_context,
		  trap_ctxt[255].address);
}

static void check_elfnotes(void)
{
	CHECK_CONST(PV_ELFNOTE_INFO, XEN_ELFNOTE_INFO);
	CHECK_CONST(PV_ELFNOTE_ENTRY, XEN_ELFNOTE_ENTRY);
	CHECK_CONST(PV_ELFNOTE_HYPERCALL_PAGE, XEN_ELFNOTE_HYPERCALL_PAGE);
	CHECK_CONST(PV_ELFNOTE_VIRT_BASE, XEN_ELFNOTE_VIRT_BASE);
	CHECK_CONST(PV_ELFNOTE_PADDR_OFFSET, XEN_ELFNOTE_PADDR_OFFSET);
	CHECK_CONST(PV_ELFNOTE_XEN_VERSION, XEN_ELFNOTE_XEN_VERSION);
	CHECK_CONST(PV_ELFNOTE_GUEST_OS, XEN_ELFNOTE_GUEST_OS);
	CHECK_CONST(PV_ELFNOTE_GUEST_VERSION, XEN_ELFNOTE_GUEST_VERSION);
	CHECK_CONST(PV_ELFNOTE_LOADER, XEN_ELFNOTE_LOADER);
	CHECK_CONST(PV_ELFNOTE_PAE_MODE, XEN_ELFNOTE_PAE_MODE);
	CHECK_CONST(PV_ELFNOTE_FEATURES, XEN_ELFNOTE_FEATURES);
	CHECK_CONST(PV_ELFNOTE_BSD_SYMTAB, XEN_ELFNOTE_BSD_SYMTAB);
	CHECK_CONST(PV_ELFNOTE_HV_START_LOW, XEN_ELFNOTE_HV_START_LOW);
	CHECK_CONST(PV_ELFNOTE_L1_MFN_VALID, XEN_ELFNOTE_L1_MFN_VALID);
	CHECK_CONST(PV_ELFNOTE_SUSPEND_CANCEL, XEN_ELFNOTE_SUSPEND_CANCEL);
	CHECK_CONST(PV_ELFNOTE_INIT_P2M, XEN_ELFNOTE_INIT_P2M);
	CHECK_CONST(PV_ELFNOTE_MOD_START_PFN, XEN_ELFNOTE_MOD_START_PFN);
	CHECK_CONST(PV_ELFNOTE_SUPPORTED_FEATURES, XEN_ELFNOTE_SUPPORTED_FEATURES);
	CHECK_CONST(PV_ELFNOTE_PHYS32_ENTRY, XEN_ELFNOTE_PHYS32_ENTRY);
	CHECK_CONST(PV_ELFNOTE_MAX, XEN_ELFNOTE_MAX);
	CHECK_CONST(PV_ELFNOTE_CRASH_INFO, XEN_ELFNOTE_CRASH_INFO);
	CHECK_CONST(PV_ELFNOTE_CRASH_REGS, XEN_ELFNOTE_CRASH_REGS);
	CHECK_CONST(PV_ELFNOTE_DUMPCORE_NONE, XEN_ELFNOTE_DUMPCORE_NONE);
	CHECK_CONST(PV_ELFNOTE_DUMPCORE_HEADER, XEN_ELFNOTE_DUMPCORE_HEADER);
	CHECK_CONST(PV_ELFNOTE_DUMPCORE_XEN_VERSION, XEN_ELFNOTE_DUMPCORE_XEN_VERSION);
	CHECK_CONST(PV_ELFNOTE_DUMPCORE_FORMAT_VERSION, XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION);
}

int main(void)
{
	check_hypercall_numbers();
	check_elfnotes();
	check_virqs();
	check_misc_constants();
	check_vcpu_constants();
	check_errno();
	check_scalar_types();
	check_time_and_vcpu_info();
	check_shared_info();
	check_start_info();
	check_small_structs();
	check_cpu_user_regs();
	check_vcpu_guest_context();
	/* The magic string is a value too, not only a size. */
	abi_eq("PV_START_INFO_MAGIC is \"xen-3.0-x86_64\"",
	       strcmp(PV_START_INFO_MAGIC, "xen-3.0-x86_64") == 0, 1);
	return abi_report("abi_core");
}
#else
int main(void)
{
	return abi_skip("abi_core");
}
#endif
