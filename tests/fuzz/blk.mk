# Fuzzer for blkback's request validation; seeds in tests/fuzz/corpus/fuzz_blkreq.
FUZZERS += fuzz_blkreq
fuzz_blkreq_SRCS := tests/fuzz/fuzz_blkreq.c backends/blkback/blk_req.c
# Fuzzer for qemu-img info's JSON parser (backing file names come from image files).
FUZZERS += fuzz_image
fuzz_image_SRCS := tests/fuzz/fuzz_image.c dom0-tools/libpvx/image.c dom0-tools/libpvx/pvx_err.c
fuzz_image_LDLIBS := -lyajl
