# pvisor: the hypervisor daemon. Everything but main.c is library pvcore, so unit
# tests can link the real hypercall handlers.

# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,hypervisor,include common hypervisor hypervisor/engines/pv))

HOST_LIBS += pvcore
pvcore_SRCS += hypervisor/domain.c hypervisor/console.c hypervisor/hvlog.c \
	hypervisor/timeinfo.c hypervisor/hypercall.c hypervisor/hc_basic.c \
	hypervisor/hc_sched.c hypervisor/hc_memory.c hypervisor/hc_vcpu.c \
	hypervisor/domctl.c hypervisor/sysctl.c hypervisor/privcmd.c \
	hypervisor/privcmd_ops.c hypervisor/reaper.c hypervisor/engines/pv/pv.c \
	hypervisor/evtchn.c hypervisor/evtchn_ops.c hypervisor/timer.c hypervisor/balloon.c \
	hypervisor/gnttab.c hypervisor/gnttab_copy.c hypervisor/gnttab_map.c \
	hypervisor/engines/pv/hcpage_tail.S
HOST_PROGS += pvisor
pvisor_SRCS += hypervisor/main.c
pvisor_LIBS += pvcore pvcommon
