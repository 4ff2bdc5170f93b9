# pvsup: the run directory's supervisor, started with the daemons (dom0-tools/pvstart).
HOST_PROGS += pvsup
pvsup_SRCS += dom0-tools/pvsup/main.c
pvsup_LIBS += pvstart pvx xs pvctrl pvcommon
pvsup_LDLIBS += -lyajl -lz
