# Unit tests of ballooning (hypervisor/hc_memory.c, hypervisor/balloon.c).
UNIT_TESTS += test_memory
test_memory_SRCS := tests/unit/test_memory.c
test_memory_LIBS := pvcore pvcommon
test_memory_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_memory.o: HOST_CFLAGS += -Ihypervisor
