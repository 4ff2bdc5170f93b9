# pvstart: starts the run directory's daemons (the domain monitor pvmon among them)
# for pvx (outside libpvx, which starts no process). Link with pvx xs pvctrl pvcommon.

# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,dom0-tools/pvstart,include common pvstart=dom0-tools/pvstart libpvx=dom0-tools/libpvx \
	libxs=dom0-tools/libxs libpvctrl=dom0-tools/libpvctrl))

HOST_LIBS += pvstart
pvstart_SRCS += dom0-tools/pvstart/spawn.c dom0-tools/pvstart/daemons.c \
	dom0-tools/pvstart/run.c dom0-tools/pvstart/nbd.c dom0-tools/pvstart/qsd.c \
	dom0-tools/pvstart/diskserve.c \
	dom0-tools/pvstart/run_log.c dom0-tools/pvstart/bootloader.c dom0-tools/pvstart/hotplug.c \
	dom0-tools/pvstart/migrate.c
