# common/: host-side helpers shared by the hypervisor and dom0 (logging, run dir).
HOST_LIBS += pvcommon
pvcommon_SRCS += common/log.c common/rundir.c common/util.c common/netaddr.c common/peer.c \
	common/pv_errno.c
