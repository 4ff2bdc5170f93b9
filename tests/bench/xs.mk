# tests/bench/xs.mk: the store benchmark client (run by tests/bench/store.sh).
HOST_PROGS += bench_xs
bench_xs_SRCS += tests/bench/xs_bench.c
bench_xs_LIBS += xs pvcommon
