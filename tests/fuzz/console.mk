# tests/fuzz/console.mk: libFuzzer harness for the console ring (both halves).
FUZZERS += fuzz_console_ring
fuzz_console_ring_SRCS += tests/fuzz/fuzz_console_ring.c frontends/kernel/lib/consring.c \
	dom0-tools/pvconsoled/cring.c
