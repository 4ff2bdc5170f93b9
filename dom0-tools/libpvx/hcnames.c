/* Hypercall and sub-operation names (see hcnames.h), from the ABI's numbers. */
#include "libpvx/hcnames.h"

#include <stddef.h>

#include "pvisor/event_channel.h"
#include "pvisor/grant_table.h"
#include "pvisor/memory.h"
#include "pvisor/pvisor.h"
#include "pvisor/sched.h"
#include "pvisor/vcpu.h"
#include "pvisor/version.h"
#include "pvisor/xen.h"

#define N(x) [PV_HYPERCALL_##x] = #x
static const char *const hc_names[PV_HCALL_SLOTS] = {
	N(set_trap_table),
	N(mmu_update),
	N(set_gdt),
	N(stack_switch),
	N(set_callbacks),
	N(fpu_taskswitch),
	N(sched_op_compat),
	N(platform_op),
	N(set_debugreg),
	N(get_debugreg),
	N(update_descriptor),
	N(memory_op),
	N(multicall),
	N(update_va_mapping),
	N(set_timer_op),
	N(event_channel_op_compat),
	N(xen_version),
	N(console_io),
	N(physdev_op_compat),
	N(grant_table_op),
	N(vm_assist),
	N(update_va_mapping_otherdomain),
	N(iret),
	N(vcpu_op),
	N(set_segment_base),
	N(mmuext_op),
	N(xsm_op),
	N(nmi_op),
	N(sched_op),
	N(callback_op),
	N(xenoprof_op),
	N(event_channel_op),
	N(physdev_op),
	N(hvm_op),
	N(sysctl),
	N(domctl),
	N(kexec_op),
	N(tmem_op),
	N(argo_op),
	N(xenpmu_op),
	N(dm_op),
	N(hypfs_op),
	N(pvisor_vcpu_wait),
	N(pvisor_fault),
};
#undef N

#define E(x) [PV_EVTCHNOP_##x] = #x
static const char *const evtchn_ops[] = {
	E(bind_interdomain), E(bind_virq),    E(bind_pirq), E(close),  E(send),  E(status),
	E(alloc_unbound),    E(bind_ipi),     E(bind_vcpu), E(unmask), E(reset), E(init_control),
	E(expand_array),     E(set_priority),
};
#undef E
#define S(x) [PV_SCHEDOP_##x] = #x
static const char *const sched_ops[] = {
	S(yield),           S(block),         S(shutdown), S(poll),
	S(remote_shutdown), S(shutdown_code), S(watchdog), S(pin_override),
};
#undef S
#define V(x) [PV_VCPUOP_##x] = #x
static const char *const vcpu_ops[] = {
	V(initialise),
	V(up),
	V(down),
	V(is_up),
	V(get_runstate_info),
	V(register_runstate_memory_area),
	V(set_periodic_timer),
	V(stop_periodic_timer),
	V(set_singleshot_timer),
	V(stop_singleshot_timer),
	V(register_vcpu_info),
	V(send_nmi),
	V(get_physid),
	V(register_vcpu_time_memory_area),
};
#undef V
#define M(x) [PV_XENMEM_##x] = #x
static const char *const memory_ops[] = {
	M(increase_reservation),
	M(decrease_reservation),
	M(maximum_ram_page),
	M(current_reservation),
	M(maximum_reservation),
	M(machphys_mfn_list),
	M(populate_physmap),
	M(add_to_physmap),
	M(memory_map),
	M(machine_memory_map),
	M(exchange),
	M(machphys_mapping),
	M(set_memory_map),
	M(maximum_gpfn),
	M(remove_from_physmap),
	M(set_pod_target),
	M(get_pod_target),
	M(add_to_physmap_batch),
	M(claim_pages),
	M(get_vnumainfo),
	M(acquire_resource),
};
#undef M
#define G(x) [PV_GNTTABOP_##x] = #x
static const char *const gnttab_ops[] = {
	G(map_grant_ref),     G(unmap_grant_ref),   G(setup_table),
	G(dump_table),        G(transfer),          G(copy),
	G(query_size),        G(unmap_and_replace), G(set_version),
	G(get_status_frames), G(get_version),       G(swap_grant_ref),
	G(cache_flush),
};
#undef G
#define X(x) [PV_XENVER_##x] = #x
static const char *const version_ops[] = {
	X(version),      X(extraversion),        X(compile_info), X(capabilities),
	X(changeset),    X(platform_parameters), X(get_features), X(pagesize),
	X(guest_handle), X(commandline),         X(build_id),
};
#undef X

struct subops {
	unsigned nr;
	const char *const *names;
	size_t n;
};

#define SUBOPS(nr, t) \
	{ \
		PV_HYPERCALL_##nr, t, sizeof(t) / sizeof(t[0]) \
	}
static const struct subops subops[] = {
	SUBOPS(event_channel_op, evtchn_ops),
	SUBOPS(sched_op, sched_ops),
	SUBOPS(vcpu_op, vcpu_ops),
	SUBOPS(memory_op, memory_ops),
	SUBOPS(grant_table_op, gnttab_ops),
	SUBOPS(xen_version, version_ops),
};
#undef SUBOPS

const char *pvx_hypercall_name(unsigned nr)
{
	return nr < PV_HCALL_SLOTS ? hc_names[nr] : NULL;
}

static const struct subops *subops_of(unsigned nr)
{
	for (size_t i = 0; i < sizeof(subops) / sizeof(subops[0]); i++)
		if (subops[i].nr == nr)
			return &subops[i];
	return NULL;
}

int pvx_hypercall_has_subops(unsigned nr)
{
	return subops_of(nr) != NULL;
}

const char *pvx_hypercall_subop(unsigned nr, unsigned long long cmd)
{
	const struct subops *s = subops_of(nr);

	return s && cmd < s->n ? s->names[cmd] : NULL;
}
