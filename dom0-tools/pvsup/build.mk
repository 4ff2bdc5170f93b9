# pvsup: the run directory's supervisor, started with the daemons (dom0-tools/pvstart).

# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,dom0-tools/pvsup,include common libpvx=dom0-tools/libpvx \
	pvstart=dom0-tools/pvstart libxs=dom0-tools/libxs libpvctrl=dom0-tools/libpvctrl))

HOST_PROGS += pvsup
pvsup_SRCS += dom0-tools/pvsup/main.c
pvsup_LIBS += pvstart pvx xs pvctrl pvcommon
pvsup_LDLIBS += -lyajl -lz
