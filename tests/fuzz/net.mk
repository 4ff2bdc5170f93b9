# Fuzzers of the network pieces: netback's tx validation and rx planning, and the
# vif spec parser.
FUZZERS += fuzz_netback_tx
fuzz_netback_tx_SRCS := tests/fuzz/fuzz_netback_tx.c backends/netback/nb_tx.c backends/netback/nb_rx.c
FUZZERS += fuzz_vifspec
fuzz_vifspec_SRCS := tests/fuzz/fuzz_vifspec.c dom0-tools/libpvx/vifspec.c common/util.c \
                     dom0-tools/libpvx/pvx_err.c \
                     common/netaddr.c
