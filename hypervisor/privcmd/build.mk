# hypervisor/privcmd/: the privcmd server, dom0's way in (privcmd.h is the wire).
pvcore_SRCS += hypervisor/privcmd/privcmd.c hypervisor/privcmd/privcmd_ops.c hypervisor/privcmd/privcmd_sr.c \
	hypervisor/privcmd/privcmd_instr.c
