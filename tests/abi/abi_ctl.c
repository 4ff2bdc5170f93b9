/* ABI conformance, control interface: include/pvisor/domctl.h and sysctl.h
 * against Debian's Xen 4.17 headers (struct xen_domctl / xen_sysctl and the
 * sub-op structs pvisor implements). */
#include "abi_check.h"

#ifdef ABI_HAVE_XEN
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>

#include "pvisor/domctl.h"
#include "pvisor/sysctl.h"

static void check_domctl_consts(void)
{
	CHECK_CONST(PV_DOMCTL_INTERFACE_VERSION, XEN_DOMCTL_INTERFACE_VERSION);
	CHECK_CONST(PV_DOMAIN_HANDLE_LEN, sizeof(xen_domain_handle_t));
	CHECK_CONST(PV_DOMCTL_CDF_hvm, XEN_DOMCTL_CDF_hvm);
	CHECK_CONST(PV_DOMCTL_CDF_hap, XEN_DOMCTL_CDF_hap);
	CHECK_CONST(PV_DOMCTL_CDF_s3_integrity, XEN_DOMCTL_CDF_s3_integrity);
	CHECK_CONST(PV_DOMCTL_CDF_oos_off, XEN_DOMCTL_CDF_oos_off);
	CHECK_CONST(PV_DOMCTL_CDF_xs_domain, XEN_DOMCTL_CDF_xs_domain);
	CHECK_CONST(PV_DOMCTL_CDF_iommu, XEN_DOMCTL_CDF_iommu);
	CHECK_CONST(PV_DOMCTL_CDF_nested_virt, XEN_DOMCTL_CDF_nested_virt);
	CHECK_CONST(PV_DOMCTL_CDF_vpmu, XEN_DOMCTL_CDF_vpmu);
	CHECK_CONST(PV_DOMCTL_CDF_MAX, XEN_DOMCTL_CDF_MAX);
	CHECK_CONST(PV_DOMCTL_IOMMU_no_sharept, XEN_DOMCTL_IOMMU_no_sharept);
	CHECK_CONST(PV_DOMCTL_GRANT_version_mask, XEN_DOMCTL_GRANT_version_mask);
	CHECK_CONST(PV_DOMCTL_GRANT_version(0x21), XEN_DOMCTL_GRANT_version(0x21));
	CHECK_CONST(PV_DOMINF_dying, XEN_DOMINF_dying);
	CHECK_CONST(PV_DOMINF_hvm_guest, XEN_DOMINF_hvm_guest);
	CHECK_CONST(PV_DOMINF_shutdown, XEN_DOMINF_shutdown);
	CHECK_CONST(PV_DOMINF_paused, XEN_DOMINF_paused);
	CHECK_CONST(PV_DOMINF_blocked, XEN_DOMINF_blocked);
	CHECK_CONST(PV_DOMINF_running, XEN_DOMINF_running);
	CHECK_CONST(PV_DOMINF_debugged, XEN_DOMINF_debugged);
	CHECK_CONST(PV_DOMINF_xs_domain, XEN_DOMINF_xs_domain);
	CHECK_CONST(PV_DOMINF_hap, XEN_DOMINF_hap);
	CHECK_CONST(PV_DOMINF_shutdownmask, XEN_DOMINF_shutdownmask);
	CHECK_CONST(PV_DOMINF_shutdownshift, XEN_DOMINF_shutdownshift);
	CHECK_CONST(PV_INVALID_MAX_VCPU_ID, XEN_INVALID_MAX_VCPU_ID);
	CHECK_CONST(PV_VCPUAFFINITY_HARD, XEN_VCPUAFFINITY_HARD);
	CHECK_CONST(PV_VCPUAFFINITY_SOFT, XEN_VCPUAFFINITY_SOFT);
	CHECK_CONST(PV_VCPUAFFINITY_FORCE, XEN_VCPUAFFINITY_FORCE);
}

static void check_x86_consts(void)
{
	CHECK_CONST(PV_X86_EMU_LAPIC, XEN_X86_EMU_LAPIC);
	CHECK_CONST(PV_X86_EMU_HPET, XEN_X86_EMU_HPET);
	CHECK_CONST(PV_X86_EMU_PM, XEN_X86_EMU_PM);
	CHECK_CONST(PV_X86_EMU_RTC, XEN_X86_EMU_RTC);
	CHECK_CONST(PV_X86_EMU_IOAPIC, XEN_X86_EMU_IOAPIC);
	CHECK_CONST(PV_X86_EMU_PIC, XEN_X86_EMU_PIC);
	CHECK_CONST(PV_X86_EMU_VGA, XEN_X86_EMU_VGA);
	CHECK_CONST(PV_X86_EMU_IOMMU, XEN_X86_EMU_IOMMU);
	CHECK_CONST(PV_X86_EMU_PIT, XEN_X86_EMU_PIT);
	CHECK_CONST(PV_X86_EMU_USE_PIRQ, XEN_X86_EMU_USE_PIRQ);
	CHECK_CONST(PV_X86_EMU_VPCI, XEN_X86_EMU_VPCI);
	CHECK_CONST(PV_X86_MSR_RELAXED, XEN_X86_MSR_RELAXED);
	CHECK_CONST(PV_SCHEDULER_CREDIT, XEN_SCHEDULER_CREDIT);
	CHECK_CONST(PV_SCHEDULER_CREDIT2, XEN_SCHEDULER_CREDIT2);
	CHECK_CONST(PV_SCHEDULER_ARINC653, XEN_SCHEDULER_ARINC653);
	CHECK_CONST(PV_SCHEDULER_RTDS, XEN_SCHEDULER_RTDS);
	CHECK_CONST(PV_SCHEDULER_NULL, XEN_SCHEDULER_NULL);
	CHECK_CONST(PV_DOMCTL_SCHEDOP_putinfo, XEN_DOMCTL_SCHEDOP_putinfo);
	CHECK_CONST(PV_DOMCTL_SCHEDOP_getinfo, XEN_DOMCTL_SCHEDOP_getinfo);
	CHECK_CONST(PV_DOMCTL_SCHEDOP_putvcpuinfo, XEN_DOMCTL_SCHEDOP_putvcpuinfo);
	CHECK_CONST(PV_DOMCTL_SCHEDOP_getvcpuinfo, XEN_DOMCTL_SCHEDOP_getvcpuinfo);
}

static void check_domctl_cmds(void)
{
	CHECK_CONST(PV_DOMCTL_createdomain, XEN_DOMCTL_createdomain);
	CHECK_CONST(PV_DOMCTL_destroydomain, XEN_DOMCTL_destroydomain);
	CHECK_CONST(PV_DOMCTL_pausedomain, XEN_DOMCTL_pausedomain);
	CHECK_CONST(PV_DOMCTL_unpausedomain, XEN_DOMCTL_unpausedomain);
	CHECK_CONST(PV_DOMCTL_getdomaininfo, XEN_DOMCTL_getdomaininfo);
	CHECK_CONST(PV_DOMCTL_setvcpuaffinity, XEN_DOMCTL_setvcpuaffinity);
	CHECK_CONST(PV_DOMCTL_shadow_op, XEN_DOMCTL_shadow_op);
	CHECK_CONST(PV_DOMCTL_max_mem, XEN_DOMCTL_max_mem);
	CHECK_CONST(PV_DOMCTL_setvcpucontext, XEN_DOMCTL_setvcpucontext);
	CHECK_CONST(PV_DOMCTL_getvcpucontext, XEN_DOMCTL_getvcpucontext);
	CHECK_CONST(PV_DOMCTL_getvcpuinfo, XEN_DOMCTL_getvcpuinfo);
	CHECK_CONST(PV_DOMCTL_max_vcpus, XEN_DOMCTL_max_vcpus);
	CHECK_CONST(PV_DOMCTL_scheduler_op, XEN_DOMCTL_scheduler_op);
	CHECK_CONST(PV_DOMCTL_setdomainhandle, XEN_DOMCTL_setdomainhandle);
	CHECK_CONST(PV_DOMCTL_setdebugging, XEN_DOMCTL_setdebugging);
	CHECK_CONST(PV_DOMCTL_irq_permission, XEN_DOMCTL_irq_permission);
	CHECK_CONST(PV_DOMCTL_iomem_permission, XEN_DOMCTL_iomem_permission);
	CHECK_CONST(PV_DOMCTL_ioport_permission, XEN_DOMCTL_ioport_permission);
	CHECK_CONST(PV_DOMCTL_hypercall_init, XEN_DOMCTL_hypercall_init);
	CHECK_CONST(PV_DOMCTL_settimeoffset, XEN_DOMCTL_settimeoffset);
	CHECK_CONST(PV_DOMCTL_getvcpuaffinity, XEN_DOMCTL_getvcpuaffinity);
	CHECK_CONST(PV_DOMCTL_resumedomain, XEN_DOMCTL_resumedomain);
	CHECK_CONST(PV_DOMCTL_sendtrigger, XEN_DOMCTL_sendtrigger);
	CHECK_CONST(PV_DOMCTL_subscribe, XEN_DOMCTL_subscribe);
	CHECK_CONST(PV_DOMCTL_gethvmcontext, XEN_DOMCTL_gethvmcontext);
	CHECK_CONST(PV_DOMCTL_sethvmcontext, XEN_DOMCTL_sethvmcontext);
	CHECK_CONST(PV_DOMCTL_set_address_size, XEN_DOMCTL_set_address_size);
	CHECK_CONST(PV_DOMCTL_get_address_size, XEN_DOMCTL_get_address_size);
	CHECK_CONST(PV_DOMCTL_set_ext_vcpucontext, XEN_DOMCTL_set_ext_vcpucontext);
	CHECK_CONST(PV_DOMCTL_get_ext_vcpucontext, XEN_DOMCTL_get_ext_vcpucontext);
	CHECK_CONST(PV_DOMCTL_set_target, XEN_DOMCTL_set_target);
	CHECK_CONST(PV_DOMCTL_gettscinfo, XEN_DOMCTL_gettscinfo);
	CHECK_CONST(PV_DOMCTL_settscinfo, XEN_DOMCTL_settscinfo);
	CHECK_CONST(PV_DOMCTL_getpageframeinfo3, XEN_DOMCTL_getpageframeinfo3);
	CHECK_CONST(PV_DOMCTL_setvcpuextstate, XEN_DOMCTL_setvcpuextstate);
	CHECK_CONST(PV_DOMCTL_getvcpuextstate, XEN_DOMCTL_getvcpuextstate);
	CHECK_CONST(PV_DOMCTL_set_virq_handler, XEN_DOMCTL_set_virq_handler);
	CHECK_CONST(PV_DOMCTL_setnodeaffinity, XEN_DOMCTL_setnodeaffinity);
	CHECK_CONST(PV_DOMCTL_getnodeaffinity, XEN_DOMCTL_getnodeaffinity);
	CHECK_CONST(PV_DOMCTL_get_vcpu_msrs, XEN_DOMCTL_get_vcpu_msrs);
	CHECK_CONST(PV_DOMCTL_set_vcpu_msrs, XEN_DOMCTL_set_vcpu_msrs);
	CHECK_CONST(PV_DOMCTL_soft_reset, XEN_DOMCTL_soft_reset);
	CHECK_CONST(PV_DOMCTL_get_cpu_policy, XEN_DOMCTL_get_cpu_policy);
	CHECK_CONST(PV_DOMCTL_set_cpu_policy, XEN_DOMCTL_set_cpu_policy);
}

static void check_domctl_header(void)
{
	CHECK_SIZE(pv_domctl, xen_domctl);
	CHECK_FIELDS(pv_domctl, xen_domctl, cmd, interface_version, domain, _pad, u, u.pad,
		     u.createdomain, u.getdomaininfo, u.vcpuaffinity, u.max_mem, u.vcpucontext,
		     u.getvcpuinfo, u.max_vcpus, u.scheduler_op, u.setdomainhandle,
		     u.hypercall_init, u.settimeoffset);
	CHECK_SIZE(pv_xenctl_bitmap, xenctl_bitmap);
	CHECK_FIELDS(pv_xenctl_bitmap, xenctl_bitmap, bitmap, nr_bits);
	CHECK_SIZE(pv_arch_domainconfig, xen_arch_domainconfig);
	CHECK_FIELDS(pv_arch_domainconfig, xen_arch_domainconfig, emulation_flags, misc_flags);
}

static void check_domctl_create_info(void)
{
	CHECK_SIZE(pv_domctl_createdomain, xen_domctl_createdomain);
	CHECK_FIELDS(pv_domctl_createdomain, xen_domctl_createdomain, ssidref, handle, flags,
		     iommu_opts, max_vcpus, max_evtchn_port, max_grant_frames,
		     max_maptrack_frames, grant_opts, vmtrace_size, cpupool_id, arch);
	CHECK_SIZE(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo);
	CHECK_FIELDS(pv_domctl_getdomaininfo, xen_domctl_getdomaininfo, domain, pad1, flags,
		     tot_pages, max_pages, outstanding_pages, shr_pages, paged_pages,
		     shared_info_frame, cpu_time, nr_online_vcpus, max_vcpu_id, ssidref, handle,
		     cpupool, gpaddr_bits, pad2, arch_config);
}

static void check_domctl_vcpu(void)
{
	CHECK_SIZE(pv_domctl_max_mem, xen_domctl_max_mem);
	CHECK_FIELDS(pv_domctl_max_mem, xen_domctl_max_mem, max_memkb);
	CHECK_SIZE(pv_domctl_vcpucontext, xen_domctl_vcpucontext);
	CHECK_FIELDS(pv_domctl_vcpucontext, xen_domctl_vcpucontext, vcpu, ctxt);
	CHECK_SIZE(pv_domctl_getvcpuinfo, xen_domctl_getvcpuinfo);
	CHECK_FIELDS(pv_domctl_getvcpuinfo, xen_domctl_getvcpuinfo, vcpu, online, blocked,
		     running, cpu_time, cpu);
	CHECK_SIZE(pv_domctl_vcpuaffinity, xen_domctl_vcpuaffinity);
	CHECK_FIELDS(pv_domctl_vcpuaffinity, xen_domctl_vcpuaffinity, vcpu, flags, cpumap_hard,
		     cpumap_soft);
	CHECK_SIZE(pv_domctl_max_vcpus, xen_domctl_max_vcpus);
	CHECK_FIELDS(pv_domctl_max_vcpus, xen_domctl_max_vcpus, max);
	CHECK_SIZE(pv_domctl_setdomainhandle, xen_domctl_setdomainhandle);
	CHECK_FIELDS(pv_domctl_setdomainhandle, xen_domctl_setdomainhandle, handle);
	CHECK_SIZE(pv_domctl_hypercall_init, xen_domctl_hypercall_init);
	CHECK_FIELDS(pv_domctl_hypercall_init, xen_domctl_hypercall_init, gmfn);
	CHECK_SIZE(pv_domctl_settimeoffset, xen_domctl_settimeoffset);
	CHECK_FIELDS(pv_domctl_settimeoffset, xen_domctl_settimeoffset, time_offset_seconds);
}

static void check_domctl_sched(void)
{
	CHECK_SIZE(pv_domctl_sched_credit, xen_domctl_sched_credit);
	CHECK_FIELDS(pv_domctl_sched_credit, xen_domctl_sched_credit, weight, cap);
	CHECK_SIZE(pv_domctl_sched_credit2, xen_domctl_sched_credit2);
	CHECK_FIELDS(pv_domctl_sched_credit2, xen_domctl_sched_credit2, weight, cap);
	CHECK_SIZE(pv_domctl_sched_rtds, xen_domctl_sched_rtds);
	CHECK_FIELDS(pv_domctl_sched_rtds, xen_domctl_sched_rtds, period, budget, flags);
	CHECK_SIZE(pv_domctl_scheduler_op, xen_domctl_scheduler_op);
	CHECK_FIELDS(pv_domctl_scheduler_op, xen_domctl_scheduler_op, sched_id, cmd, u, u.credit,
		     u.credit2, u.rtds, u.v.vcpus, u.v.nr_vcpus, u.v.padding);
}

static void check_sysctl_consts(void)
{
	CHECK_CONST(PV_SYSCTL_INTERFACE_VERSION, XEN_SYSCTL_INTERFACE_VERSION);
	CHECK_CONST(PV_SYSCTL_PHYSCAP_hvm, XEN_SYSCTL_PHYSCAP_hvm);
	CHECK_CONST(PV_SYSCTL_PHYSCAP_pv, XEN_SYSCTL_PHYSCAP_pv);
	CHECK_CONST(PV_SYSCTL_PHYSCAP_directio, XEN_SYSCTL_PHYSCAP_directio);
	CHECK_CONST(PV_SYSCTL_PHYSCAP_hap, XEN_SYSCTL_PHYSCAP_hap);
	CHECK_CONST(PV_SYSCTL_PHYSCAP_shadow, XEN_SYSCTL_PHYSCAP_shadow);
	CHECK_CONST(PV_SYSCTL_PHYSCAP_iommu_hap_pt_share, XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share);
	CHECK_CONST(PV_SYSCTL_PHYSCAP_vmtrace, XEN_SYSCTL_PHYSCAP_vmtrace);
	CHECK_CONST(PV_SYSCTL_PHYSCAP_vpmu, XEN_SYSCTL_PHYSCAP_vpmu);
	CHECK_CONST(PV_SYSCTL_PHYSCAP_gnttab_v1, XEN_SYSCTL_PHYSCAP_gnttab_v1);
	CHECK_CONST(PV_SYSCTL_PHYSCAP_gnttab_v2, XEN_SYSCTL_PHYSCAP_gnttab_v2);
	CHECK_CONST(PV_SYSCTL_PHYSCAP_MAX, XEN_SYSCTL_PHYSCAP_MAX);
}

static void check_sysctl_cmds(void)
{
	CHECK_CONST(PV_SYSCTL_readconsole, XEN_SYSCTL_readconsole);
	CHECK_CONST(PV_SYSCTL_tbuf_op, XEN_SYSCTL_tbuf_op);
	CHECK_CONST(PV_SYSCTL_physinfo, XEN_SYSCTL_physinfo);
	CHECK_CONST(PV_SYSCTL_sched_id, XEN_SYSCTL_sched_id);
	CHECK_CONST(PV_SYSCTL_perfc_op, XEN_SYSCTL_perfc_op);
	CHECK_CONST(PV_SYSCTL_getdomaininfolist, XEN_SYSCTL_getdomaininfolist);
	CHECK_CONST(PV_SYSCTL_debug_keys, XEN_SYSCTL_debug_keys);
	CHECK_CONST(PV_SYSCTL_getcpuinfo, XEN_SYSCTL_getcpuinfo);
	CHECK_CONST(PV_SYSCTL_availheap, XEN_SYSCTL_availheap);
	CHECK_CONST(PV_SYSCTL_get_pmstat, XEN_SYSCTL_get_pmstat);
	CHECK_CONST(PV_SYSCTL_cpu_hotplug, XEN_SYSCTL_cpu_hotplug);
	CHECK_CONST(PV_SYSCTL_pm_op, XEN_SYSCTL_pm_op);
	CHECK_CONST(PV_SYSCTL_page_offline_op, XEN_SYSCTL_page_offline_op);
	CHECK_CONST(PV_SYSCTL_lockprof_op, XEN_SYSCTL_lockprof_op);
	CHECK_CONST(PV_SYSCTL_cputopoinfo, XEN_SYSCTL_cputopoinfo);
	CHECK_CONST(PV_SYSCTL_numainfo, XEN_SYSCTL_numainfo);
	CHECK_CONST(PV_SYSCTL_cpupool_op, XEN_SYSCTL_cpupool_op);
	CHECK_CONST(PV_SYSCTL_scheduler_op, XEN_SYSCTL_scheduler_op);
	CHECK_CONST(PV_SYSCTL_coverage_op, XEN_SYSCTL_coverage_op);
	CHECK_CONST(PV_SYSCTL_psr_cmt_op, XEN_SYSCTL_psr_cmt_op);
	CHECK_CONST(PV_SYSCTL_pcitopoinfo, XEN_SYSCTL_pcitopoinfo);
	CHECK_CONST(PV_SYSCTL_psr_alloc, XEN_SYSCTL_psr_alloc);
	CHECK_CONST(PV_SYSCTL_get_cpu_levelling_caps, XEN_SYSCTL_get_cpu_levelling_caps);
	CHECK_CONST(PV_SYSCTL_get_cpu_featureset, XEN_SYSCTL_get_cpu_featureset);
	CHECK_CONST(PV_SYSCTL_livepatch_op, XEN_SYSCTL_livepatch_op);
	CHECK_CONST(PV_SYSCTL_get_cpu_policy, XEN_SYSCTL_get_cpu_policy);
}

static void check_sysctl_structs(void)
{
	CHECK_SIZE(pv_sysctl, xen_sysctl);
	CHECK_FIELDS(pv_sysctl, xen_sysctl, cmd, interface_version, u, u.pad, u.readconsole,
		     u.physinfo, u.cputopoinfo, u.sched_id, u.getdomaininfolist, u.getcpuinfo);
	CHECK_SIZE(pv_sysctl_readconsole, xen_sysctl_readconsole);
	CHECK_FIELDS(pv_sysctl_readconsole, xen_sysctl_readconsole, clear, incremental, pad0,
		     pad1, index, buffer, count);
	CHECK_SIZE(pv_sysctl_physinfo, xen_sysctl_physinfo);
	CHECK_FIELDS(pv_sysctl_physinfo, xen_sysctl_physinfo, threads_per_core, cores_per_socket,
		     nr_cpus, max_cpu_id, nr_nodes, max_node_id, cpu_khz, capabilities,
		     arch_capabilities, pad, total_pages, free_pages, scrub_pages,
		     outstanding_pages, max_mfn, hw_cap);
	CHECK_SIZE(pv_sysctl_sched_id, xen_sysctl_sched_id);
	CHECK_FIELDS(pv_sysctl_sched_id, xen_sysctl_sched_id, sched_id);
	CHECK_SIZE(pv_sysctl_getdomaininfolist, xen_sysctl_getdomaininfolist);
	CHECK_FIELDS(pv_sysctl_getdomaininfolist, xen_sysctl_getdomaininfolist, first_domain,
		     max_domains, buffer, num_domains);
	CHECK_SIZE(pv_sysctl_cpuinfo, xen_sysctl_cpuinfo);
	CHECK_FIELDS(pv_sysctl_cpuinfo, xen_sysctl_cpuinfo, idletime);
	CHECK_SIZE(pv_sysctl_getcpuinfo, xen_sysctl_getcpuinfo);
	CHECK_FIELDS(pv_sysctl_getcpuinfo, xen_sysctl_getcpuinfo, max_cpus, info, nr_cpus);
	CHECK_SIZE(pv_sysctl_cputopo, xen_sysctl_cputopo);
	CHECK_FIELDS(pv_sysctl_cputopo, xen_sysctl_cputopo, core, socket, node);
	CHECK_SIZE(pv_sysctl_cputopoinfo, xen_sysctl_cputopoinfo);
	CHECK_FIELDS(pv_sysctl_cputopoinfo, xen_sysctl_cputopoinfo, num_cpus, cputopo);
}

int main(void)
{
	check_domctl_consts();
	check_x86_consts();
	check_domctl_cmds();
	check_domctl_header();
	check_domctl_create_info();
	check_domctl_vcpu();
	check_domctl_sched();
	check_sysctl_consts();
	check_sysctl_cmds();
	check_sysctl_structs();
	return abi_report("abi_ctl");
}
#else
int main(void)
{
	return abi_skip("abi_ctl");
}
#endif
