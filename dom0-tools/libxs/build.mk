# dom0-tools/libxs: the store client library (link with pvcommon too).
HOST_LIBS += xs
xs_SRCS += dom0-tools/libxs/xs_conn.c dom0-tools/libxs/xs_ops.c
