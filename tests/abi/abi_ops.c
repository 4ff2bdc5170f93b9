/* ABI conformance, guest sub-op headers: include/pvisor/sched.h, version.h,
 * memory.h, vcpu.h and callback.h against Debian's Xen 4.17 headers. */
#include "abi_check.h"

#ifdef ABI_HAVE_XEN
#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/version.h>
#include <xen/memory.h>
#include <xen/vcpu.h>
#include <xen/callback.h>

#include "pvisor/callback.h"
#include "pvisor/memory.h"
#include "pvisor/sched.h"
#include "pvisor/vcpu.h"
#include "pvisor/version.h"

static void check_sched(void)
{
	CHECK_CONST(PV_SCHEDOP_yield, SCHEDOP_yield);
	CHECK_CONST(PV_SCHEDOP_block, SCHEDOP_block);
	CHECK_CONST(PV_SCHEDOP_shutdown, SCHEDOP_shutdown);
	CHECK_CONST(PV_SCHEDOP_poll, SCHEDOP_poll);
	CHECK_CONST(PV_SCHEDOP_remote_shutdown, SCHEDOP_remote_shutdown);
	CHECK_CONST(PV_SCHEDOP_shutdown_code, SCHEDOP_shutdown_code);
	CHECK_CONST(PV_SCHEDOP_watchdog, SCHEDOP_watchdog);
	CHECK_CONST(PV_SCHEDOP_pin_override, SCHEDOP_pin_override);
	CHECK_CONST(PV_SHUTDOWN_poweroff, SHUTDOWN_poweroff);
	CHECK_CONST(PV_SHUTDOWN_reboot, SHUTDOWN_reboot);
	CHECK_CONST(PV_SHUTDOWN_suspend, SHUTDOWN_suspend);
	CHECK_CONST(PV_SHUTDOWN_crash, SHUTDOWN_crash);
	CHECK_CONST(PV_SHUTDOWN_watchdog, SHUTDOWN_watchdog);
	CHECK_CONST(PV_SHUTDOWN_soft_reset, SHUTDOWN_soft_reset);
	CHECK_CONST(PV_SHUTDOWN_MAX, SHUTDOWN_MAX);
	CHECK_SIZE(pv_sched_shutdown, sched_shutdown);
	CHECK_FIELDS(pv_sched_shutdown, sched_shutdown, reason);
	CHECK_SIZE(pv_sched_poll, sched_poll);
	CHECK_FIELDS(pv_sched_poll, sched_poll, ports, nr_ports, timeout);
	CHECK_SIZE(pv_sched_remote_shutdown, sched_remote_shutdown);
	CHECK_FIELDS(pv_sched_remote_shutdown, sched_remote_shutdown, domain_id, reason);
	CHECK_SIZE(pv_sched_watchdog, sched_watchdog);
	CHECK_FIELDS(pv_sched_watchdog, sched_watchdog, id, timeout);
	CHECK_SIZE(pv_sched_pin_override, sched_pin_override);
	CHECK_FIELDS(pv_sched_pin_override, sched_pin_override, pcpu);
}

static void check_version_consts(void)
{
	CHECK_CONST(PV_XENVER_version, XENVER_version);
	CHECK_CONST(PV_XENVER_extraversion, XENVER_extraversion);
	CHECK_CONST(PV_XENVER_compile_info, XENVER_compile_info);
	CHECK_CONST(PV_XENVER_capabilities, XENVER_capabilities);
	CHECK_CONST(PV_XENVER_changeset, XENVER_changeset);
	CHECK_CONST(PV_XENVER_platform_parameters, XENVER_platform_parameters);
	CHECK_CONST(PV_XENVER_get_features, XENVER_get_features);
	CHECK_CONST(PV_XENVER_pagesize, XENVER_pagesize);
	CHECK_CONST(PV_XENVER_guest_handle, XENVER_guest_handle);
	CHECK_CONST(PV_XENVER_commandline, XENVER_commandline);
	CHECK_CONST(PV_XENVER_build_id, XENVER_build_id);
	CHECK_CONST(PV_EXTRAVERSION_LEN, XEN_EXTRAVERSION_LEN);
	CHECK_CONST(PV_CAPABILITIES_INFO_LEN, XEN_CAPABILITIES_INFO_LEN);
	CHECK_CONST(PV_CHANGESET_INFO_LEN, XEN_CHANGESET_INFO_LEN);
	CHECK_CONST(PV_COMMANDLINE_LEN, sizeof(xen_commandline_t));
}

static void check_features(void)
{
	CHECK_CONST(PV_XENFEAT_writable_page_tables, XENFEAT_writable_page_tables);
	CHECK_CONST(PV_XENFEAT_writable_descriptor_tables, XENFEAT_writable_descriptor_tables);
	CHECK_CONST(PV_XENFEAT_auto_translated_physmap, XENFEAT_auto_translated_physmap);
	CHECK_CONST(PV_XENFEAT_supervisor_mode_kernel, XENFEAT_supervisor_mode_kernel);
	CHECK_CONST(PV_XENFEAT_pae_pgdir_above_4gb, XENFEAT_pae_pgdir_above_4gb);
	CHECK_CONST(PV_XENFEAT_mmu_pt_update_preserve_ad, XENFEAT_mmu_pt_update_preserve_ad);
	CHECK_CONST(PV_XENFEAT_highmem_assist, XENFEAT_highmem_assist);
	CHECK_CONST(PV_XENFEAT_gnttab_map_avail_bits, XENFEAT_gnttab_map_avail_bits);
	CHECK_CONST(PV_XENFEAT_hvm_callback_vector, XENFEAT_hvm_callback_vector);
	CHECK_CONST(PV_XENFEAT_hvm_safe_pvclock, XENFEAT_hvm_safe_pvclock);
	CHECK_CONST(PV_XENFEAT_hvm_pirqs, XENFEAT_hvm_pirqs);
	CHECK_CONST(PV_XENFEAT_dom0, XENFEAT_dom0);
	CHECK_CONST(PV_XENFEAT_memory_op_vnode_supported, XENFEAT_memory_op_vnode_supported);
	CHECK_CONST(PV_XENFEAT_ARM_SMCCC_supported, XENFEAT_ARM_SMCCC_supported);
	CHECK_CONST(PV_XENFEAT_linux_rsdp_unrestricted, XENFEAT_linux_rsdp_unrestricted);
	CHECK_CONST(PV_XENFEAT_not_direct_mapped, XENFEAT_not_direct_mapped);
	CHECK_CONST(PV_XENFEAT_direct_mapped, XENFEAT_direct_mapped);
	CHECK_CONST(PV_XENFEAT_NR_SUBMAPS, XENFEAT_NR_SUBMAPS);
}

static void check_version_structs(void)
{
	CHECK_SIZE(pv_compile_info, xen_compile_info);
	CHECK_FIELDS(pv_compile_info, xen_compile_info, compiler, compile_by, compile_domain,
		     compile_date);
	CHECK_SIZE(pv_platform_parameters, xen_platform_parameters);
	CHECK_FIELDS(pv_platform_parameters, xen_platform_parameters, virt_start);
	CHECK_SIZE(pv_feature_info, xen_feature_info);
	CHECK_FIELDS(pv_feature_info, xen_feature_info, submap_idx, submap);
	CHECK_SIZE(pv_build_id, xen_build_id);
	abi_eq("offsetof pv_build_id.buf vs xen_build_id.buf",
	       (long long)offsetof(struct pv_build_id, buf),
	       (long long)offsetof(struct xen_build_id, buf));
}

static void check_memory_consts(void)
{
	CHECK_CONST(PV_XENMEM_increase_reservation, XENMEM_increase_reservation);
	CHECK_CONST(PV_XENMEM_decrease_reservation, XENMEM_decrease_reservation);
	CHECK_CONST(PV_XENMEM_maximum_ram_page, XENMEM_maximum_ram_page);
	CHECK_CONST(PV_XENMEM_current_reservation, XENMEM_current_reservation);
	CHECK_CONST(PV_XENMEM_maximum_reservation, XENMEM_maximum_reservation);
	CHECK_CONST(PV_XENMEM_machphys_mfn_list, XENMEM_machphys_mfn_list);
	CHECK_CONST(PV_XENMEM_populate_physmap, XENMEM_populate_physmap);
	CHECK_CONST(PV_XENMEM_add_to_physmap, XENMEM_add_to_physmap);
	CHECK_CONST(PV_XENMEM_memory_map, XENMEM_memory_map);
	CHECK_CONST(PV_XENMEM_machine_memory_map, XENMEM_machine_memory_map);
	CHECK_CONST(PV_XENMEM_exchange, XENMEM_exchange);
	CHECK_CONST(PV_XENMEM_machphys_mapping, XENMEM_machphys_mapping);
	CHECK_CONST(PV_XENMEM_set_memory_map, XENMEM_set_memory_map);
	CHECK_CONST(PV_XENMEM_maximum_gpfn, XENMEM_maximum_gpfn);
	CHECK_CONST(PV_XENMEM_remove_from_physmap, XENMEM_remove_from_physmap);
	CHECK_CONST(PV_XENMEM_set_pod_target, XENMEM_set_pod_target);
	CHECK_CONST(PV_XENMEM_get_pod_target, XENMEM_get_pod_target);
	CHECK_CONST(PV_XENMEM_add_to_physmap_batch, XENMEM_add_to_physmap_batch);
	CHECK_CONST(PV_XENMEM_claim_pages, XENMEM_claim_pages);
	CHECK_CONST(PV_XENMEM_get_vnumainfo, XENMEM_get_vnumainfo);
	CHECK_CONST(PV_XENMEM_acquire_resource, XENMEM_acquire_resource);
	CHECK_CONST(PV_XENMEMF_address_bits(7), XENMEMF_address_bits(7));
	CHECK_CONST(PV_XENMEMF_get_address_bits(0x1234), XENMEMF_get_address_bits(0x1234));
	CHECK_CONST(PV_XENMEMF_node(3), XENMEMF_node(3));
	CHECK_CONST(PV_XENMEMF_get_node(0x400), XENMEMF_get_node(0x400));
	CHECK_CONST(PV_XENMEMF_populate_on_demand, XENMEMF_populate_on_demand);
	CHECK_CONST(PV_XENMEMF_exact_node_request, XENMEMF_exact_node_request);
	CHECK_CONST(PV_XENMEMF_exact_node(2), XENMEMF_exact_node(2));
	CHECK_CONST(PV_XENMEMF_vnode, XENMEMF_vnode);
}

static void check_memory_spaces(void)
{
	CHECK_CONST(PV_XENMAPSPACE_shared_info, XENMAPSPACE_shared_info);
	CHECK_CONST(PV_XENMAPSPACE_grant_table, XENMAPSPACE_grant_table);
	CHECK_CONST(PV_XENMAPSPACE_gmfn, XENMAPSPACE_gmfn);
	CHECK_CONST(PV_XENMAPSPACE_gmfn_range, XENMAPSPACE_gmfn_range);
	CHECK_CONST(PV_XENMAPSPACE_gmfn_foreign, XENMAPSPACE_gmfn_foreign);
	CHECK_CONST(PV_XENMAPSPACE_dev_mmio, XENMAPSPACE_dev_mmio);
	CHECK_CONST(PV_XENMAPIDX_grant_table_status, XENMAPIDX_grant_table_status);
	CHECK_CONST(PV_XENMEM_resource_ioreq_server, XENMEM_resource_ioreq_server);
	CHECK_CONST(PV_XENMEM_resource_grant_table, XENMEM_resource_grant_table);
	CHECK_CONST(PV_XENMEM_resource_vmtrace_buf, XENMEM_resource_vmtrace_buf);
	CHECK_CONST(PV_XENMEM_resource_grant_table_id_shared,
		    XENMEM_resource_grant_table_id_shared);
	CHECK_CONST(PV_XENMEM_resource_grant_table_id_status,
		    XENMEM_resource_grant_table_id_status);
}

static void check_memory_structs(void)
{
	CHECK_SIZE(pv_memory_reservation, xen_memory_reservation);
	CHECK_FIELDS(pv_memory_reservation, xen_memory_reservation, extent_start, nr_extents,
		     extent_order, mem_flags, domid);
	CHECK_SIZE(pv_memory_exchange, xen_memory_exchange);
	CHECK_FIELDS(pv_memory_exchange, xen_memory_exchange, in, out, nr_exchanged, out.domid);
	CHECK_SIZE(pv_add_to_physmap, xen_add_to_physmap);
	CHECK_FIELDS(pv_add_to_physmap, xen_add_to_physmap, domid, size, space, idx, gpfn);
	CHECK_SIZE(pv_add_to_physmap_batch, xen_add_to_physmap_batch);
	CHECK_FIELDS(pv_add_to_physmap_batch, xen_add_to_physmap_batch, domid, space, size, u,
		     u.foreign_domid, u.res0, idxs, gpfns, errs);
	CHECK_SIZE(pv_remove_from_physmap, xen_remove_from_physmap);
	CHECK_FIELDS(pv_remove_from_physmap, xen_remove_from_physmap, domid, gpfn);
	CHECK_SIZE(pv_memory_map, xen_memory_map);
	CHECK_FIELDS(pv_memory_map, xen_memory_map, nr_entries, buffer);
	CHECK_SIZE(pv_foreign_memory_map, xen_foreign_memory_map);
	CHECK_FIELDS(pv_foreign_memory_map, xen_foreign_memory_map, domid, map, map.nr_entries,
		     map.buffer);
	CHECK_SIZE(pv_mem_acquire_resource, xen_mem_acquire_resource);
	CHECK_FIELDS(pv_mem_acquire_resource, xen_mem_acquire_resource, domid, type, id,
		     nr_frames, pad, frame, frame_list);
	/* Xen keeps its e820 entry private: check the BIOS layout it uses. */
	abi_eq("sizeof pv_e820_entry (packed BIOS e820)", (long long)sizeof(struct pv_e820_entry),
	       20);
	abi_eq("offsetof pv_e820_entry.type", (long long)offsetof(struct pv_e820_entry, type),
	       16);
}

static void check_vcpu(void)
{
	CHECK_CONST(PV_VCPUOP_initialise, VCPUOP_initialise);
	CHECK_CONST(PV_VCPUOP_up, VCPUOP_up);
	CHECK_CONST(PV_VCPUOP_down, VCPUOP_down);
	CHECK_CONST(PV_VCPUOP_is_up, VCPUOP_is_up);
	CHECK_CONST(PV_VCPUOP_get_runstate_info, VCPUOP_get_runstate_info);
	CHECK_CONST(PV_VCPUOP_register_runstate_memory_area,
		    VCPUOP_register_runstate_memory_area);
	CHECK_CONST(PV_VCPUOP_set_periodic_timer, VCPUOP_set_periodic_timer);
	CHECK_CONST(PV_VCPUOP_stop_periodic_timer, VCPUOP_stop_periodic_timer);
	CHECK_CONST(PV_VCPUOP_set_singleshot_timer, VCPUOP_set_singleshot_timer);
	CHECK_CONST(PV_VCPUOP_stop_singleshot_timer, VCPUOP_stop_singleshot_timer);
	CHECK_CONST(PV_VCPUOP_register_vcpu_info, VCPUOP_register_vcpu_info);
	CHECK_CONST(PV_VCPUOP_send_nmi, VCPUOP_send_nmi);
	CHECK_CONST(PV_VCPUOP_get_physid, VCPUOP_get_physid);
	CHECK_CONST(PV_VCPUOP_register_vcpu_time_memory_area,
		    VCPUOP_register_vcpu_time_memory_area);
	CHECK_CONST(PV_RUNSTATE_running, RUNSTATE_running);
	CHECK_CONST(PV_RUNSTATE_runnable, RUNSTATE_runnable);
	CHECK_CONST(PV_RUNSTATE_blocked, RUNSTATE_blocked);
	CHECK_CONST(PV_RUNSTATE_offline, RUNSTATE_offline);
	CHECK_CONST(PV_RUNSTATE_UPDATE, XEN_RUNSTATE_UPDATE);
	CHECK_CONST(PV_VCPU_SSHOTTMR_future, VCPU_SSHOTTMR_future);
}

static void check_vcpu_structs(void)
{
	CHECK_SIZE(pv_vcpu_runstate_info, vcpu_runstate_info);
	CHECK_FIELDS(pv_vcpu_runstate_info, vcpu_runstate_info, state, state_entry_time, time);
	CHECK_SIZE(pv_vcpu_register_runstate_memory_area, vcpu_register_runstate_memory_area);
	CHECK_FIELDS(pv_vcpu_register_runstate_memory_area, vcpu_register_runstate_memory_area,
		     addr, addr.h, addr.p);
	CHECK_SIZE(pv_vcpu_set_periodic_timer, vcpu_set_periodic_timer);
	CHECK_FIELDS(pv_vcpu_set_periodic_timer, vcpu_set_periodic_timer, period_ns);
	CHECK_SIZE(pv_vcpu_set_singleshot_timer, vcpu_set_singleshot_timer);
	CHECK_FIELDS(pv_vcpu_set_singleshot_timer, vcpu_set_singleshot_timer, timeout_abs_ns,
		     flags);
	CHECK_SIZE(pv_vcpu_register_vcpu_info, vcpu_register_vcpu_info);
	CHECK_FIELDS(pv_vcpu_register_vcpu_info, vcpu_register_vcpu_info, mfn, offset, rsvd);
	CHECK_SIZE(pv_vcpu_get_physid, vcpu_get_physid);
	CHECK_FIELDS(pv_vcpu_get_physid, vcpu_get_physid, phys_id);
	CHECK_SIZE(pv_vcpu_register_time_memory_area, vcpu_register_time_memory_area);
	CHECK_FIELDS(pv_vcpu_register_time_memory_area, vcpu_register_time_memory_area, addr,
		     addr.h, addr.p);
}

static void check_callback(void)
{
	CHECK_CONST(PV_CALLBACKTYPE_event, CALLBACKTYPE_event);
	CHECK_CONST(PV_CALLBACKTYPE_failsafe, CALLBACKTYPE_failsafe);
	CHECK_CONST(PV_CALLBACKTYPE_syscall, CALLBACKTYPE_syscall);
	CHECK_CONST(PV_CALLBACKTYPE_sysenter_deprecated, CALLBACKTYPE_sysenter_deprecated);
	CHECK_CONST(PV_CALLBACKTYPE_nmi, CALLBACKTYPE_nmi);
	CHECK_CONST(PV_CALLBACKTYPE_sysenter, CALLBACKTYPE_sysenter);
	CHECK_CONST(PV_CALLBACKTYPE_syscall32, CALLBACKTYPE_syscall32);
	CHECK_CONST(PV_CALLBACKF_mask_events, CALLBACKF_mask_events);
	CHECK_CONST(PV_CALLBACKOP_register, CALLBACKOP_register);
	CHECK_CONST(PV_CALLBACKOP_unregister, CALLBACKOP_unregister);
	CHECK_SIZE(pv_callback_register, callback_register);
	CHECK_FIELDS(pv_callback_register, callback_register, type, flags, address);
	CHECK_SIZE(pv_callback_unregister, callback_unregister);
	CHECK_FIELDS(pv_callback_unregister, callback_unregister, type, _unused);
}

int main(void)
{
	check_sched();
	check_version_consts();
	check_features();
	check_version_structs();
	check_memory_consts();
	check_memory_spaces();
	check_memory_structs();
	check_vcpu();
	check_vcpu_structs();
	check_callback();
	return abi_report("abi_ops");
}
#else
int main(void)
{
	return abi_skip("abi_ops");
}
#endif
