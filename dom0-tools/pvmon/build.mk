# pvmon: the domain monitor, started by `pvx create` (dom0-tools/pvstart).
HOST_PROGS += pvmon
pvmon_SRCS += dom0-tools/pvmon/main.c dom0-tools/pvmon/pvmon.c dom0-tools/pvmon/pvmon_dom.c
pvmon_LIBS += pvx xs pvctrl pvcommon
pvmon_LDLIBS += -lyajl -lz
