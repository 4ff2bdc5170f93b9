# dom0-tools/xs: the store CLI. The Makefile keys variables by name, so program `xs` and
# library `xs` share xs_SRCS: the program is linked from the library's sources plus
# xs.c directly (libxs.a also carries xs.o, which no other program ever pulls in since
# each defines its own main).
HOST_PROGS += xs
xs_SRCS += dom0-tools/xs/xs.c
xs_LIBS += pvcommon
