# dom0-tools/xsd: the store daemon. Library xsdcore is everything but main.c; the core
# proper does not depend on sock.c, so unit tests and the fuzzer drive it without sockets.

# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,dom0-tools/xsd,include common xsd=dom0-tools/xsd libpvctrl=dom0-tools/libpvctrl))

HOST_LIBS += xsdcore
xsdcore_SRCS += dom0-tools/xsd/hash.c dom0-tools/xsd/path.c dom0-tools/xsd/perms.c \
	dom0-tools/xsd/node.c dom0-tools/xsd/store.c dom0-tools/xsd/tx.c \
	dom0-tools/xsd/watch.c dom0-tools/xsd/domain.c dom0-tools/xsd/conn.c \
	dom0-tools/xsd/core.c dom0-tools/xsd/msg.c dom0-tools/xsd/msg_tree.c \
	dom0-tools/xsd/msg_misc.c dom0-tools/xsd/control.c
xsdcore_SRCS += dom0-tools/xsd/journal.c dom0-tools/xsd/ring.c dom0-tools/xsd/ringconn.c \
	dom0-tools/xsd/sock.c
HOST_PROGS += xsd
xsd_SRCS += dom0-tools/xsd/main.c dom0-tools/xsd/hvlink.c dom0-tools/xsd/hvwatch.c
xsd_LIBS += xsdcore pvctrl pvcommon
