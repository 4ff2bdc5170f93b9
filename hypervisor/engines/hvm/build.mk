# hypervisor/engines/hvm/: the hvm engine (a domain is a KVM virtual machine).
pvcore_SRCS += hypervisor/engines/hvm/hvm_engine.c hypervisor/engines/hvm/hvm_kvm.c \
	hypervisor/engines/hvm/hvm_pt.c hypervisor/engines/hvm/hvm_vcpu.c \
	hypervisor/engines/hvm/hvm_state.c hypervisor/engines/hvm/hvm_exit.c \
	hypervisor/engines/hvm/hvm_upcall.c hypervisor/engines/hvm/hvm_hcpage.c
