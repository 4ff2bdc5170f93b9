# pvisor: the hypervisor daemon. Everything but main.c is library pvcore (its
# sources come from the build.mk of each folder below), so unit tests can link the
# real hypercall handlers.
HOST_LIBS += pvcore
HOST_PROGS += pvisor
pvisor_SRCS += hypervisor/main.c
pvisor_LIBS += pvcore pvcommon
$(B)/obj/hypervisor/%.o: HOST_CFLAGS += -Ihypervisor

UNIT_TESTS += test_hypercall
test_hypercall_SRCS := tests/unit/test_hypercall.c
test_hypercall_LIBS := pvcore pvcommon
test_hypercall_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_hypercall.o: HOST_CFLAGS += -Ihypervisor

UNIT_TESTS += test_evtchn
test_evtchn_SRCS := tests/unit/test_evtchn.c
test_evtchn_LIBS := pvcore pvcommon
test_evtchn_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_evtchn.o: HOST_CFLAGS += -Ihypervisor

UNIT_TESTS += test_gnttab
test_gnttab_SRCS := tests/unit/test_gnttab.c frontends/kernel/lib/grant_entry.c
test_gnttab_LIBS := pvcore pvcommon
test_gnttab_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_gnttab.o: HOST_CFLAGS += -Ihypervisor
