# dom0-tools/xs: the store CLI (program `xs`, linked against library `xs`, libxs).
HOST_PROGS += xs
xs_PROG_SRCS += dom0-tools/xs/xs.c
xs_LIBS += xs pvcommon
