# Fuzzer for the libpvx kernel image loader; seeds come from
# `build/tests/test_elfimg --write-corpus tests/fuzz/corpus/fuzz_elfimg`.
FUZZERS += fuzz_elfimg
fuzz_elfimg_SRCS := tests/fuzz/fuzz_elfimg.c dom0-tools/libpvx/elfimg.c \
                    dom0-tools/libpvx/elfimg_place.c dom0-tools/libpvx/elfimg_notes.c \
                    dom0-tools/libpvx/elfimg_legacy.c dom0-tools/libpvx/elfimg_gzip.c \
                    common/util.c dom0-tools/libpvx/pvx_err.c
fuzz_elfimg_LDLIBS := -lz
