# pvlazy: the pager of lazily restored domains, started by `pvx restore --lazy`.
HOST_PROGS += pvlazy
pvlazy_SRCS += dom0-tools/pvlazy/main.c dom0-tools/pvlazy/lazy_index.c \
	dom0-tools/pvlazy/lazy_serve.c
pvlazy_LIBS += pvx xs pvctrl pvcommon
pvlazy_LDLIBS += -lyajl -lz
