# tests/unit/: CUnit tests, one test_<module>.c per module. Append your own.
UNIT_TESTS += test_cfg
test_cfg_SRCS := tests/unit/test_cfg.c
test_cfg_LIBS := pvx pvcommon
test_cfg_LDLIBS := -lcunit -lyajl
UNIT_TESTS += test_domcfg
test_domcfg_SRCS := tests/unit/test_domcfg.c
test_domcfg_LIBS := pvx pvcommon
test_domcfg_LDLIBS := -lcunit -lyajl
UNIT_TESTS += test_domcfg_golden
test_domcfg_golden_SRCS := tests/unit/test_domcfg_golden.c
test_domcfg_golden_LIBS := pvx pvcommon
test_domcfg_golden_LDLIBS := -lcunit -lyajl

UNIT_TESTS += test_console_ring
test_console_ring_SRCS := tests/unit/test_console_ring.c frontends/kernel/lib/consring.c
test_console_ring_LIBS := pvconsring pvcommon
test_console_ring_LDLIBS := -lcunit

# The hypervisor: one error space, the engine seam.
UNIT_TESTS += test_errno
test_errno_SRCS := tests/unit/test_errno.c
test_errno_LIBS := pvcore pvcommon
test_errno_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_errno.o: HOST_CFLAGS += -Ihypervisor

UNIT_TESTS += test_engine
test_engine_SRCS := tests/unit/test_engine.c
test_engine_LIBS := pvcore pvcommon
test_engine_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_engine.o: HOST_CFLAGS += -Ihypervisor

UNIT_TESTS += test_pvxweb
test_pvxweb_SRCS := tests/unit/test_pvxweb.c
test_pvxweb_LIBS := pvxwebcore pvx pvcommon
test_pvxweb_LDLIBS := -lcunit -lyajl

UNIT_TESTS += test_instr
test_instr_SRCS := tests/unit/test_instr.c
test_instr_LIBS := pvcore pvctrl pvcommon
test_instr_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_instr.o: HOST_CFLAGS += -Ihypervisor
