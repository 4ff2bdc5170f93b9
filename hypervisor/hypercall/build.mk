# hypervisor/hypercall/: the hypercall table and its handlers (hc_*.c), domctl and
# sysctl; event channel and grant table ops live with their mechanism.
pvcore_SRCS += hypervisor/hypercall/hypercall.c hypervisor/hypercall/hc_basic.c \
	hypervisor/hypercall/hc_sched.c hypervisor/hypercall/hc_memory.c \
	hypervisor/hypercall/hc_vcpu.c hypervisor/hypercall/hc_timer.c \
	hypervisor/hypercall/domctl.c hypervisor/hypercall/domctl_sched.c \
	hypervisor/hypercall/vcpu_context.c \
	hypervisor/hypercall/sysctl.c
