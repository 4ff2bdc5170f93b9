# tests/unit/: CUnit tests, one test_<module>.c per module. Append your own.
UNIT_TESTS += test_cfg
test_cfg_SRCS := tests/unit/test_cfg.c
test_cfg_LIBS := pvx pvcommon
test_cfg_LDLIBS := -lcunit -lyajl
