# pvisor: the hypervisor daemon (core + engines).
HOST_PROGS += pvisor
pvisor_SRCS += hypervisor/main.c hypervisor/domain.c hypervisor/console.c \
	hypervisor/timeinfo.c hypervisor/hypercall.c hypervisor/hc_basic.c \
	hypervisor/hc_sched.c hypervisor/hc_memory.c hypervisor/hc_vcpu.c \
	hypervisor/domctl.c hypervisor/sysctl.c hypervisor/privcmd.c \
	hypervisor/privcmd_ops.c hypervisor/reaper.c hypervisor/engines/pv/pv.c
pvisor_LIBS += pvcommon
$(B)/obj/hypervisor/%.o: HOST_CFLAGS += -Ihypervisor
