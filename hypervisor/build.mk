# pvisor: the hypervisor daemon. Everything but main.c is library pvcore (its
# sources come from the build.mk of each folder below), so unit tests can link the
# real hypercall handlers.

# What this folder may include (DESIGN.md section 2; see the top Makefile). Includes
# name their folder below hypervisor/ ("core/hv.h"); a folder's own headers are found
# beside the file.
$(eval $(call component,hypervisor,include common hypervisor))

HOST_LIBS += pvcore
HOST_PROGS += pvisor
pvisor_SRCS += hypervisor/main.c
pvisor_LIBS += pvcore pvcommon
