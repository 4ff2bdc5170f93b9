# Unit tests for the libpvx kernel image loader.
UNIT_TESTS += test_elfimg
test_elfimg_SRCS := tests/unit/test_elfimg.c tests/unit/elfimg_build.c
test_elfimg_LIBS := pvx pvcommon
test_elfimg_LDLIBS := -lcunit -lz
