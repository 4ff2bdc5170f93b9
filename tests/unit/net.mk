# Unit tests of the network pieces: the vif spec parser (libpvx), MACs and
# interface names (common/netaddr.c) and netback's pure parts (tx validation,
# switch, rate limiter).
UNIT_TESTS += test_vifspec
test_vifspec_SRCS := tests/unit/test_vifspec.c
test_vifspec_LIBS := pvx pvcommon
test_vifspec_LDLIBS := -lcunit -lyajl
UNIT_TESTS += test_netback
test_netback_SRCS := tests/unit/test_netback.c
test_netback_LIBS := nbcore pvcommon
test_netback_LDLIBS := -lcunit
UNIT_TESTS += test_netaddr
test_netaddr_SRCS := tests/unit/test_netaddr.c
test_netaddr_LIBS := pvcommon
test_netaddr_LDLIBS := -lcunit
