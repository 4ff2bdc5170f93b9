# dom0-tools/libxs: the store client library (link with pvcommon too).

# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,dom0-tools/libxs,include common libxs=dom0-tools/libxs))

HOST_LIBS += xs
xs_SRCS += dom0-tools/libxs/xs_conn.c dom0-tools/libxs/xs_ops.c
