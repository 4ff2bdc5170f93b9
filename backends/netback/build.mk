# backends/netback: the network backend daemon. nbcore holds the parts that
# need no hypervisor (tx validation, rx planning, switches, rate limits), shared
# by the daemon, the unit tests and the fuzzer.
HOST_LIBS += nbcore
nbcore_SRCS += backends/netback/nb_tx.c backends/netback/nb_rx.c \
               backends/netback/nb_switch.c backends/netback/nb_rate.c
