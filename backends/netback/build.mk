# backends/netback: the network backend daemon. nbcore holds the parts that
# need no hypervisor (tx validation, rx planning, switches, rate limits), shared
# by the daemon, the unit tests and the fuzzer.

# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,backends/netback,include common netback=backends/netback common=backends/common \
	libxs=dom0-tools/libxs libpvctrl=dom0-tools/libpvctrl))

HOST_LIBS += nbcore
nbcore_SRCS += backends/netback/nb_tx.c backends/netback/nb_rx.c \
               backends/netback/nb_switch.c backends/netback/nb_rate.c \
               backends/netback/nb_csum.c
# The daemon needs xenbus_be (backends/common), built only once it is there.
ifneq ($(wildcard backends/common/xenbus_be.h),)
HOST_PROGS += netback
netback_SRCS += backends/netback/main.c backends/netback/nb_vif.c backends/netback/nb_io.c \
	backends/netback/nb_tap.c backends/netback/nb_pmap.c
netback_LIBS += nbcore xenbus_be xs pvctrl pvcommon
endif
