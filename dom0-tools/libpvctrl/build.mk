# libpvctrl: privcmd client for every dom0 process.
HOST_LIBS += pvctrl
pvctrl_SRCS += dom0-tools/libpvctrl/pvctrl.c dom0-tools/libpvctrl/pvctrl_ops.c \
	dom0-tools/libpvctrl/pvctrl_evtchn.c dom0-tools/libpvctrl/pvctrl_gnt.c \
	dom0-tools/libpvctrl/pvctrl_trace.c
