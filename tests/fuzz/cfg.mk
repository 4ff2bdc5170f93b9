# Fuzzer for the xl.cfg parser, domcfg and its JSON; seeds in tests/fuzz/corpus/fuzz_cfg.
FUZZERS += fuzz_cfg
fuzz_cfg_SRCS := tests/fuzz/fuzz_cfg.c dom0-tools/libpvx/cfg.c dom0-tools/libpvx/cfg_lex.c \
                 dom0-tools/libpvx/pvx_err.c \
                 dom0-tools/libpvx/domcfg.c dom0-tools/libpvx/domcfg_check.c \
                 dom0-tools/libpvx/domcfg_json.c dom0-tools/libpvx/diskspec.c \
                 dom0-tools/libpvx/vifspec.c common/util.c \
                 common/netaddr.c
fuzz_cfg_LDLIBS := -lyajl
