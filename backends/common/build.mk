# backends/common: xenbus_be, the dom0 half of the xenbus handshake shared by every
# backend daemon (link with xs, pvctrl and pvcommon too).

# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,backends/common,include common common=backends/common libxs=dom0-tools/libxs \
	libpvctrl=dom0-tools/libpvctrl))

HOST_LIBS += xenbus_be
xenbus_be_SRCS += backends/common/xenbus_be.c backends/common/xenbus_be_dev.c \
	backends/common/xbe_daemon.c
