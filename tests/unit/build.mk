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

UNIT_TESTS += test_pvxweb
test_pvxweb_SRCS := tests/unit/test_pvxweb.c
test_pvxweb_LIBS := pvxwebcore pvx pvcommon
test_pvxweb_LDLIBS := -lcunit -lyajl
