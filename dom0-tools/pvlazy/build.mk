# pvlazy: the pager of lazily restored domains, started by `pvx restore --lazy`.

# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,dom0-tools/pvlazy,include common pvlazy=dom0-tools/pvlazy libpvx=dom0-tools/libpvx \
	libxs=dom0-tools/libxs libpvctrl=dom0-tools/libpvctrl))

HOST_PROGS += pvlazy
pvlazy_SRCS += dom0-tools/pvlazy/main.c dom0-tools/pvlazy/lazy_index.c \
	dom0-tools/pvlazy/lazy_serve.c
pvlazy_LIBS += pvx xs pvctrl pvcommon
pvlazy_LDLIBS += -lyajl -lz
