# common/: host-side helpers shared by the hypervisor and dom0 (logging, run dir).

# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,common,include common))

HOST_LIBS += pvcommon
pvcommon_SRCS += common/log.c common/rundir.c common/util.c common/netaddr.c common/peer.c \
	common/pv_errno.c
