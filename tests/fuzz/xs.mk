# tests/fuzz/xs.mk: libFuzzer harness for the store daemon's message core.
FUZZERS += fuzz_xsd_msg
fuzz_xsd_msg_SRCS += tests/fuzz/fuzz_xsd_msg.c common/log.c common/util.c \
	$(xsdcore_SRCS)
FUZZERS += fuzz_xsd_journal
fuzz_xsd_journal_SRCS += tests/fuzz/fuzz_xsd_journal.c common/log.c common/util.c \
	$(xsdcore_SRCS)
FUZZERS += fuzz_xsd_ring
fuzz_xsd_ring_SRCS += tests/fuzz/fuzz_xsd_ring.c common/log.c common/util.c \
	$(xsdcore_SRCS)
