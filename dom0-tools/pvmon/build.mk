# pvmon: the domain monitor of the run directory, one of its daemons (dom0-tools/pvstart).

# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,dom0-tools/pvmon,include common pvmon=dom0-tools/pvmon libpvx=dom0-tools/libpvx \
	pvstart=dom0-tools/pvstart libxs=dom0-tools/libxs libpvctrl=dom0-tools/libpvctrl))

HOST_PROGS += pvmon
pvmon_SRCS += dom0-tools/pvmon/main.c dom0-tools/pvmon/pvmon.c dom0-tools/pvmon/pvmon_dom.c
pvmon_LIBS += pvstart pvx xs pvctrl pvcommon
pvmon_LDLIBS += -lyajl -lz
