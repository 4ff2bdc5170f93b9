# libpvctrl: privcmd client for every dom0 process.

# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,dom0-tools/libpvctrl,include common))

HOST_LIBS += pvctrl
pvctrl_SRCS += dom0-tools/libpvctrl/pvctrl.c dom0-tools/libpvctrl/pvctrl_ops.c \
	dom0-tools/libpvctrl/pvctrl_evtchn.c dom0-tools/libpvctrl/pvctrl_gnt.c \
	dom0-tools/libpvctrl/pvctrl_sched.c \
	dom0-tools/libpvctrl/pvctrl_trace.c
