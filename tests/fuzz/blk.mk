# Fuzzer for blkback's request validation; seeds in tests/fuzz/corpus/fuzz_blkreq.
FUZZERS += fuzz_blkreq
fuzz_blkreq_SRCS := tests/fuzz/fuzz_blkreq.c backends/blkback/blk_req.c
