/* ABI conformance, event channels and grant tables: include/pvisor/event_channel.h
 * and grant_table.h against Debian's Xen 4.17 headers. */
#include "abi_check.h"

#ifdef ABI_HAVE_XEN
#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>

#include "pvisor/event_channel.h"
#include "pvisor/grant_table.h"

static void check_evtchn_consts(void)
{
	CHECK_CONST(PV_EVTCHNOP_bind_interdomain, EVTCHNOP_bind_interdomain);
	CHECK_CONST(PV_EVTCHNOP_bind_virq, EVTCHNOP_bind_virq);
	CHECK_CONST(PV_EVTCHNOP_bind_pirq, EVTCHNOP_bind_pirq);
	CHECK_CONST(PV_EVTCHNOP_close, EVTCHNOP_close);
	CHECK_CONST(PV_EVTCHNOP_send, EVTCHNOP_send);
	CHECK_CONST(PV_EVTCHNOP_status, EVTCHNOP_status);
	CHECK_CONST(PV_EVTCHNOP_alloc_unbound, EVTCHNOP_alloc_unbound);
	CHECK_CONST(PV_EVTCHNOP_bind_ipi, EVTCHNOP_bind_ipi);
	CHECK_CONST(PV_EVTCHNOP_bind_vcpu, EVTCHNOP_bind_vcpu);
	CHECK_CONST(PV_EVTCHNOP_unmask, EVTCHNOP_unmask);
	CHECK_CONST(PV_EVTCHNOP_reset, EVTCHNOP_reset);
	CHECK_CONST(PV_EVTCHNOP_init_control, EVTCHNOP_init_control);
	CHECK_CONST(PV_EVTCHNOP_expand_array, EVTCHNOP_expand_array);
	CHECK_CONST(PV_EVTCHNOP_set_priority, EVTCHNOP_set_priority);
	CHECK_CONST(PV_EVTCHNSTAT_closed, EVTCHNSTAT_closed);
	CHECK_CONST(PV_EVTCHNSTAT_unbound, EVTCHNSTAT_unbound);
	CHECK_CONST(PV_EVTCHNSTAT_interdomain, EVTCHNSTAT_interdomain);
	CHECK_CONST(PV_EVTCHNSTAT_pirq, EVTCHNSTAT_pirq);
	CHECK_CONST(PV_EVTCHNSTAT_virq, EVTCHNSTAT_virq);
	CHECK_CONST(PV_EVTCHNSTAT_ipi, EVTCHNSTAT_ipi);
	CHECK_CONST(PV_BIND_PIRQ__WILL_SHARE, BIND_PIRQ__WILL_SHARE);
}

static void check_evtchn_bind(void)
{
	CHECK_SIZE(pv_evtchn_alloc_unbound, evtchn_alloc_unbound);
	CHECK_FIELDS(pv_evtchn_alloc_unbound, evtchn_alloc_unbound, dom, remote_dom, port);
	CHECK_SIZE(pv_evtchn_bind_interdomain, evtchn_bind_interdomain);
	CHECK_FIELDS(pv_evtchn_bind_interdomain, evtchn_bind_interdomain, remote_dom, remote_port,
		     local_port);
	CHECK_SIZE(pv_evtchn_bind_virq, evtchn_bind_virq);
	CHECK_FIELDS(pv_evtchn_bind_virq, evtchn_bind_virq, virq, vcpu, port);
	CHECK_SIZE(pv_evtchn_bind_pirq, evtchn_bind_pirq);
	CHECK_FIELDS(pv_evtchn_bind_pirq, evtchn_bind_pirq, pirq, flags, port);
	CHECK_SIZE(pv_evtchn_bind_ipi, evtchn_bind_ipi);
	CHECK_FIELDS(pv_evtchn_bind_ipi, evtchn_bind_ipi, vcpu, port);
	CHECK_SIZE(pv_evtchn_bind_vcpu, evtchn_bind_vcpu);
	CHECK_FIELDS(pv_evtchn_bind_vcpu, evtchn_bind_vcpu, port, vcpu);
}

static void check_evtchn_misc(void)
{
	CHECK_SIZE(pv_evtchn_close, evtchn_close);
	CHECK_FIELDS(pv_evtchn_close, evtchn_close, port);
	CHECK_SIZE(pv_evtchn_send, evtchn_send);
	CHECK_FIELDS(pv_evtchn_send, evtchn_send, port);
	CHECK_SIZE(pv_evtchn_unmask, evtchn_unmask);
	CHECK_FIELDS(pv_evtchn_unmask, evtchn_unmask, port);
	CHECK_SIZE(pv_evtchn_reset, evtchn_reset);
	CHECK_FIELDS(pv_evtchn_reset, evtchn_reset, dom);
	CHECK_SIZE(pv_evtchn_init_control, evtchn_init_control);
	CHECK_FIELDS(pv_evtchn_init_control, evtchn_init_control, control_gfn, offset, vcpu,
		     link_bits, _pad);
	CHECK_SIZE(pv_evtchn_expand_array, evtchn_expand_array);
	CHECK_FIELDS(pv_evtchn_expand_array, evtchn_expand_array, array_gfn);
	CHECK_SIZE(pv_evtchn_set_priority, evtchn_set_priority);
	CHECK_FIELDS(pv_evtchn_set_priority, evtchn_set_priority, port, priority);
}

static void check_evtchn_status_op(void)
{
	CHECK_SIZE(pv_evtchn_status, evtchn_status);
	CHECK_FIELDS(pv_evtchn_status, evtchn_status, dom, port, status, vcpu, u, u.unbound.dom,
		     u.interdomain.dom, u.interdomain.port, u.pirq, u.virq);
	CHECK_SIZE(pv_evtchn_op, evtchn_op);
	CHECK_FIELDS(pv_evtchn_op, evtchn_op, cmd, u, u.alloc_unbound, u.bind_interdomain,
		     u.bind_virq, u.bind_pirq, u.bind_ipi, u.close, u.send, u.status, u.bind_vcpu,
		     u.unmask);
}

static void check_gnttab_consts(void)
{
	CHECK_TYPE(pv_grant_ref_t, grant_ref_t);
	CHECK_TYPE(pv_grant_handle_t, grant_handle_t);
	CHECK_CONST(PV_GNTTAB_NR_RESERVED_ENTRIES, GNTTAB_NR_RESERVED_ENTRIES);
	CHECK_CONST(PV_GNTTAB_RESERVED_CONSOLE, GNTTAB_RESERVED_CONSOLE);
	CHECK_CONST(PV_GNTTAB_RESERVED_XENSTORE, GNTTAB_RESERVED_XENSTORE);
	CHECK_CONST(PV_GTF_invalid, GTF_invalid);
	CHECK_CONST(PV_GTF_permit_access, GTF_permit_access);
	CHECK_CONST(PV_GTF_accept_transfer, GTF_accept_transfer);
	CHECK_CONST(PV_GTF_transitive, GTF_transitive);
	CHECK_CONST(PV_GTF_type_mask, GTF_type_mask);
	CHECK_CONST(PV_GTF_readonly, GTF_readonly);
	CHECK_CONST(PV_GTF_reading, GTF_reading);
	CHECK_CONST(PV_GTF_writing, GTF_writing);
	CHECK_CONST(PV_GTF_PWT, GTF_PWT);
	CHECK_CONST(PV_GTF_PCD, GTF_PCD);
	CHECK_CONST(PV_GTF_PAT, GTF_PAT);
	CHECK_CONST(PV_GTF_sub_page, GTF_sub_page);
	CHECK_CONST(PV_GTF_transfer_committed, GTF_transfer_committed);
	CHECK_CONST(PV_GTF_transfer_completed, GTF_transfer_completed);
	CHECK_CONST(PV_GNTCOPY_source_gref, GNTCOPY_source_gref);
	CHECK_CONST(PV_GNTCOPY_dest_gref, GNTCOPY_dest_gref);
	CHECK_CONST(PV_GNTTAB_CACHE_CLEAN, GNTTAB_CACHE_CLEAN);
	CHECK_CONST(PV_GNTTAB_CACHE_INVAL, GNTTAB_CACHE_INVAL);
	CHECK_CONST(PV_GNTTAB_CACHE_SOURCE_GREF, GNTTAB_CACHE_SOURCE_GREF);
}

static void check_gnttab_ops(void)
{
	CHECK_CONST(PV_GNTTABOP_map_grant_ref, GNTTABOP_map_grant_ref);
	CHECK_CONST(PV_GNTTABOP_unmap_grant_ref, GNTTABOP_unmap_grant_ref);
	CHECK_CONST(PV_GNTTABOP_setup_table, GNTTABOP_setup_table);
	CHECK_CONST(PV_GNTTABOP_dump_table, GNTTABOP_dump_table);
	CHECK_CONST(PV_GNTTABOP_transfer, GNTTABOP_transfer);
	CHECK_CONST(PV_GNTTABOP_copy, GNTTABOP_copy);
	CHECK_CONST(PV_GNTTABOP_query_size, GNTTABOP_query_size);
	CHECK_CONST(PV_GNTTABOP_unmap_and_replace, GNTTABOP_unmap_and_replace);
	CHECK_CONST(PV_GNTTABOP_set_version, GNTTABOP_set_version);
	CHECK_CONST(PV_GNTTABOP_get_status_frames, GNTTABOP_get_status_frames);
	CHECK_CONST(PV_GNTTABOP_get_version, GNTTABOP_get_version);
	CHECK_CONST(PV_GNTTABOP_swap_grant_ref, GNTTABOP_swap_grant_ref);
	CHECK_CONST(PV_GNTTABOP_cache_flush, GNTTABOP_cache_flush);
	CHECK_CONST(PV_GNTMAP_device_map, GNTMAP_device_map);
	CHECK_CONST(PV_GNTMAP_host_map, GNTMAP_host_map);
	CHECK_CONST(PV_GNTMAP_readonly, GNTMAP_readonly);
	CHECK_CONST(PV_GNTMAP_application_map, GNTMAP_application_map);
	CHECK_CONST(PV_GNTMAP_contains_pte, GNTMAP_contains_pte);
	CHECK_CONST(PV_GNTMAP_guest_avail0, _GNTMAP_guest_avail0);
	CHECK_CONST(PV_GNTMAP_guest_avail_mask, GNTMAP_guest_avail_mask);
}

static void check_gnttab_status(void)
{
	CHECK_CONST(PV_GNTST_okay, GNTST_okay);
	CHECK_CONST(PV_GNTST_general_error, GNTST_general_error);
	CHECK_CONST(PV_GNTST_bad_domain, GNTST_bad_domain);
	CHECK_CONST(PV_GNTST_bad_gntref, GNTST_bad_gntref);
	CHECK_CONST(PV_GNTST_bad_handle, GNTST_bad_handle);
	CHECK_CONST(PV_GNTST_bad_virt_addr, GNTST_bad_virt_addr);
	CHECK_CONST(PV_GNTST_bad_dev_addr, GNTST_bad_dev_addr);
	CHECK_CONST(PV_GNTST_no_device_space, GNTST_no_device_space);
	CHECK_CONST(PV_GNTST_permission_denied, GNTST_permission_denied);
	CHECK_CONST(PV_GNTST_bad_page, GNTST_bad_page);
	CHECK_CONST(PV_GNTST_bad_copy_arg, GNTST_bad_copy_arg);
	CHECK_CONST(PV_GNTST_address_too_big, GNTST_address_too_big);
	CHECK_CONST(PV_GNTST_eagain, GNTST_eagain);
	CHECK_CONST(PV_GNTST_no_space, GNTST_no_space);
}

static void check_gnttab_map(void)
{
	CHECK_SIZE(pv_grant_entry_v1, grant_entry_v1);
	CHECK_FIELDS(pv_grant_entry_v1, grant_entry_v1, flags, domid, frame);
	CHECK_SIZE(pv_gnttab_map_grant_ref, gnttab_map_grant_ref);
	CHECK_FIELDS(pv_gnttab_map_grant_ref, gnttab_map_grant_ref, host_addr, flags, ref, dom,
		     status, handle, dev_bus_addr);
	CHECK_SIZE(pv_gnttab_unmap_grant_ref, gnttab_unmap_grant_ref);
	CHECK_FIELDS(pv_gnttab_unmap_grant_ref, gnttab_unmap_grant_ref, host_addr, dev_bus_addr,
		     handle, status);
	CHECK_SIZE(pv_gnttab_setup_table, gnttab_setup_table);
	CHECK_FIELDS(pv_gnttab_setup_table, gnttab_setup_table, dom, nr_frames, status,
		     frame_list);
	CHECK_SIZE(pv_gnttab_dump_table, gnttab_dump_table);
	CHECK_FIELDS(pv_gnttab_dump_table, gnttab_dump_table, dom, status);
	CHECK_SIZE(pv_gnttab_transfer, gnttab_transfer);
	CHECK_FIELDS(pv_gnttab_transfer, gnttab_transfer, mfn, domid, ref, status);
	CHECK_SIZE(pv_gnttab_unmap_and_replace, gnttab_unmap_and_replace);
	CHECK_FIELDS(pv_gnttab_unmap_and_replace, gnttab_unmap_and_replace, host_addr, new_addr,
		     handle, status);
}

static void check_gnttab_copy(void)
{
	CHECK_SIZE(pv_gnttab_copy_ptr, gnttab_copy_ptr);
	CHECK_FIELDS(pv_gnttab_copy_ptr, gnttab_copy_ptr, u, u.ref, u.gmfn, domid, offset);
	CHECK_SIZE(pv_gnttab_copy, gnttab_copy);
	CHECK_FIELDS(pv_gnttab_copy, gnttab_copy, source, dest, len, flags, status, source.u.ref,
		     source.domid, source.offset, dest.u.gmfn, dest.domid, dest.offset);
}

static void check_gnttab_misc(void)
{
	CHECK_SIZE(pv_gnttab_query_size, gnttab_query_size);
	CHECK_FIELDS(pv_gnttab_query_size, gnttab_query_size, dom, nr_frames, max_nr_frames,
		     status);
	CHECK_SIZE(pv_gnttab_set_version, gnttab_set_version);
	CHECK_FIELDS(pv_gnttab_set_version, gnttab_set_version, version);
	CHECK_SIZE(pv_gnttab_get_status_frames, gnttab_get_status_frames);
	CHECK_FIELDS(pv_gnttab_get_status_frames, gnttab_get_status_frames, nr_frames, dom,
		     status, frame_list);
	CHECK_SIZE(pv_gnttab_get_version, gnttab_get_version);
	CHECK_FIELDS(pv_gnttab_get_version, gnttab_get_version, dom, pad, version);
	CHECK_SIZE(pv_gnttab_swap_grant_ref, gnttab_swap_grant_ref);
	CHECK_FIELDS(pv_gnttab_swap_grant_ref, gnttab_swap_grant_ref, ref_a, ref_b, status);
	CHECK_SIZE(pv_gnttab_cache_flush, gnttab_cache_flush);
	CHECK_FIELDS(pv_gnttab_cache_flush, gnttab_cache_flush, a, a.dev_bus_addr, a.ref, offset,
		     length, op);
}

int main(void)
{
	check_evtchn_consts();
	check_evtchn_bind();
	check_evtchn_misc();
	check_evtchn_status_op();
	check_gnttab_consts();
	check_gnttab_ops();
	check_gnttab_status();
	check_gnttab_map();
	check_gnttab_copy();
	check_gnttab_misc();
	return abi_report("abi_evgnt");
}
#else
int main(void)
{
	return abi_skip("abi_evgnt");
}
#endif
