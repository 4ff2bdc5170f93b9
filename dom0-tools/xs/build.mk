# dom0-tools/xs: the store CLI (program `xs`, linked against library `xs`, libxs).

# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,dom0-tools/xs,include common libxs=dom0-tools/libxs))

HOST_PROGS += xs
xs_PROG_SRCS += dom0-tools/xs/xs.c
xs_LIBS += xs pvcommon
