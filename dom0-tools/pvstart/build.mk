# pvstart: starts the run directory's daemons and the domain monitors for pvx
# (outside libpvx, which starts no process). Link with pvx xs pvctrl pvcommon.
HOST_LIBS += pvstart
pvstart_SRCS += dom0-tools/pvstart/spawn.c dom0-tools/pvstart/daemons.c \
	dom0-tools/pvstart/monitor.c
